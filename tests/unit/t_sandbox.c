/*
 * t_sandbox.c - the sandbox confines: each case runs in a child process
 * that confines itself and reports what it could still do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "tap.h"

static char dir[64];

/* Paths in the scratch directory. */
static const char *
at(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, "x\n", 2) != 2)
			perror("write");
		close(fd);
	}
}

/* Run fn in a child confined by sb; its exit status (0 = as expected). */
static int
confined(struct rt_sandbox *sb, int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		const char *why = rt_sandbox_enter(sb);

		if (why) {
			fprintf(stderr, "sandbox: %s\n", why);
			_exit(100);
		}
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int
opens(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static int
c_files(void)
{
	if (!opens(at("allowed"), O_RDONLY))
		return 1;
	if (opens(at("secret"), O_RDONLY))
		return 2;
	if (opens("/etc/passwd", O_RDONLY))
		return 3;
	if (opens(at("allowed"), O_WRONLY))
		return 4;	/* read only */
	return 0;
}

static int
c_state_dir(void)
{
	int fd = open(at("st/s.tmp"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return 1;
	close(fd);
	if (rename(at("st/s.tmp"), at("st/s")) != 0)
		return 2;
	if (!opens(at("st"), O_RDONLY | O_DIRECTORY))
		return 3;	/* fsync of the directory */
	if (opens(at("new"), O_WRONLY | O_CREAT))
		return 4;	/* not in the state directory */
	return 0;
}

static int
c_syscalls(void)
{
	char *argv[] = { "/bin/true", NULL };

	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM)
		return 1;
	execv(argv[0], argv);
	if (errno != EPERM && errno != EACCES)
		return 2;
	return 0;
}

static int
c_unix(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0)
		return 1;
	close(fd);
	if (socket(AF_INET6, SOCK_DGRAM, 0) != -1)
		return 2;
	return 0;
}

static int
c_exec(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(9);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 2;
}

int
main(void)
{
	struct rt_sandbox sb;
	int abi = rt_sandbox_landlock_abi(), r;

	snprintf(dir, sizeof dir, "/tmp/t_sandbox.%ld", (long)getpid());
	if (mkdir(dir, 0755) != 0 || mkdir(at("st"), 0755) != 0)
		return 1;
	touch(at("allowed"));
	touch(at("secret"));

	rt_sandbox_init(&sb);
	rt_sandbox_allow(&sb, at("allowed"), RT_SB_READ);
	r = confined(&sb, c_syscalls);
	ok(r == 0, "seccomp: no inet socket, no exec (%d)", r);
	if (abi > 0) {
		r = confined(&sb, c_files);
		ok(r == 0, "landlock ABI %d: only the named file opens (%d)",
		    abi, r);
	} else {
		skip("no Landlock in this kernel");
	}
	rt_sandbox_release(&sb);

	rt_sandbox_init(&sb);
	rt_sandbox_allow(&sb, at("st/s"), RT_SB_WRITE);
	if (abi > 0) {
		r = confined(&sb, c_state_dir);
		ok(r == 0, "a state file's directory: create, rename, fsync "
		    "(%d)", r);
	} else {
		skip("no Landlock in this kernel");
	}
	rt_sandbox_release(&sb);

	rt_sandbox_init(&sb);
	sb.allow = RT_SB_ALLOW_UNIX;
	r = confined(&sb, c_unix);
	ok(r == 0, "syslog's AF_UNIX socket only (%d)", r);
	rt_sandbox_release(&sb);

	rt_sandbox_init(&sb);
	sb.allow = RT_SB_ALLOW_EXEC;
	rt_sandbox_allow(&sb, "/", RT_SB_EXEC);
	r = confined(&sb, c_exec);
	ok(r == 0, "exec allowed when asked (%d)", r);
	rt_sandbox_release(&sb);

	unlink(at("st/s"));
	unlink(at("allowed"));
	unlink(at("secret"));
	rmdir(at("st"));
	rmdir(dir);
	return done_testing();
}
