/*
 * latency.c - how long a record takes to cross a pipeline when records
 * arrive one at a time.  Writes N records, one every INTERVAL
 * microseconds, into "sh -c PIPELINE" and times each output line's
 * arrival against its record's send time (records are matched in order).
 * Prints p50, p99 and max in microseconds as one JSON object.  The first
 * 10 records (process start-up, page faults) are not counted.
 *
 * Usage: latency N INTERVAL_US PIPELINE < records.ndjson
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int in[2], out[2], n, interval, sent = 0, got = 0;
	long long *t_send, *lat, next;
	char *line = NULL, buf[65536];
	size_t cap = 0, have = 0;
	pid_t pid;

	if (argc != 4) {
		fprintf(stderr, "usage: latency N INTERVAL_US PIPELINE\n");
		return 2;
	}
	n = atoi(argv[1]);
	interval = atoi(argv[2]);
	t_send = calloc((size_t)n, sizeof *t_send);
	lat = calloc((size_t)n, sizeof *lat);
	if (pipe(in) || pipe(out))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/bin/sh", "sh", "-c", argv[3], (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	next = now_us();
	while (got < n) {
		struct pollfd pfd = { out[0], POLLIN, 0 };
		long long wait = sent < n ? (next - now_us()) / 1000 : 1000;

		if (sent < n && wait <= 0) {
			ssize_t len = getline(&line, &cap, stdin);

			if (len <= 0)
				break;
			t_send[sent++] = now_us();
			if (write(in[1], line, (size_t)len) != len)
				break;
			next += interval;
			continue;
		}
		if (poll(&pfd, 1, (int)(wait > 0 ? wait : 0)) > 0) {
			ssize_t r = read(out[0], buf + have, sizeof buf - have);
			char *p = buf, *nl;

			if (r <= 0)
				break;
			have += (size_t)r;
			while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
				if (got < sent)
					lat[got] = now_us() - t_send[got];
				got++;
				p = nl + 1;
			}
			have -= (size_t)(p - buf);
			memmove(buf, p, have);
		}
	}
	close(in[1]);
	waitpid(pid, NULL, 0);
	if (got == 0) {
		fprintf(stderr, "latency: no output\n");
		return 1;
	}
	{
		int warm = got > 20 ? 10 : 0, k = got - warm;
		long long *l = lat + warm;

		qsort(l, (size_t)k, sizeof *l, cmp);
		printf("{\"records\":%d,\"p50_us\":%lld,\"p99_us\":%lld,"
		    "\"max_us\":%lld}\n", k, l[k / 2],
		    l[(size_t)k * 99 / 100], l[k - 1]);
	}
	free(t_send);
	free(lat);
	free(line);
	return 0;
}
