/*
 * loop.c - see loop.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "loop.h"

static volatile sig_atomic_t got_hup;

static void
on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

void
rt_loop_wait(struct rt_cli *cli)
{
	struct pollfd pfd[2] = {
		{ rt_src_fd(&cli->src), POLLIN, 0 },
		{ rt_cli_term_fd(), POLLIN, 0 }
	};

	rt_cli_idle(cli);
	if (pfd[0].fd >= 0 && !rt_cli_term &&
	    poll(pfd, 2, -1) == -1 && errno != EINTR)
		rt_cli_fatal(cli, "poll: %s", strerror(errno));
}

void
rt_loop_run(struct rt_cli *cli, const struct rt_loop *l)
{
	struct rt_rec rec;
	const char *p;
	size_t n;
	int k;

	if (l->hup) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_hup;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGHUP, &sa, NULL);
	}
	while (!rt_cli_term && (k = rt_cli_next(cli, &rec)) != 0) {
		if (k != 1) {
			if (l->wait)
				l->wait(l->arg);
			else
				rt_loop_wait(cli);
			continue;
		}
		if (got_hup && l->hup) {
			/* Between two records, never inside one. */
			got_hup = 0;
			l->hup(l->arg);
		}
		if (l->ahead) {
			n = rt_src_ahead(&cli->src, &p);
			l->ahead(l->arg, p, n);
		}
		l->record(l->arg, &rec);
	}
}
