/*
 * sandbox.c - seccomp and Landlock confinement (see sandbox.h).
 *
 * seccomp is a deny list, not an allow list: the default action is to
 * allow, and the calls below fail with EPERM.  An allow list would break
 * with every new libc or sanitizer runtime; what a filter never needs
 * (running programs, opening network connections, tracing, changing the
 * system) is the short list that matters.  Files are Landlock's part:
 * only the paths a tool named can be opened after it is confined.
 */
#define _GNU_SOURCE 1	/* O_PATH, CLONE_NEWUSER */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mem.h"

/* Rights newer than Debian 12's <linux/landlock.h>. */
#define LL_TRUNCATE (1ULL << 14)	/* ABI 3 */
#define LL_IOCTL_DEV (1ULL << 15)	/* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)	/* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)	/* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* The ruleset attribute as the newest kernels take it; older ones are
 * given a prefix of it. */
struct ll_attr {
	uint64_t fs;
	uint64_t net;
	uint64_t scoped;
};

#define LL_FS_V1 ((1ULL << 13) - 1)	/* EXECUTE .. MAKE_SYM */
#define LL_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LL_TRUNCATE | LL_IOCTL_DEV)

#if defined(__SANITIZE_ADDRESS__)
#define RT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_SANITIZED 1
#endif
#endif

void
rt_sandbox_init(struct rt_sandbox *sb)
{
	memset(sb, 0, sizeof *sb);
}

void
rt_sandbox_release(struct rt_sandbox *sb)
{
	size_t i;

	for (i = 0; i < sb->n; i++)
		free(sb->paths[i].path);
	free(sb->paths);
	memset(sb, 0, sizeof *sb);
}

void
rt_sandbox_allow(struct rt_sandbox *sb, const char *path, unsigned how)
{
	if (sb->n == sb->cap) {
		sb->cap = sb->cap ? 2 * sb->cap : 16;
		sb->paths = rt_xreallocarray(sb->paths, sb->cap,
		    sizeof *sb->paths);
	}
	sb->paths[sb->n].path = rt_xstrdup(path);
	sb->paths[sb->n].how = how;
	sb->n++;
}

int
rt_sandbox_landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
#else
	return 0;
#endif
}

/* The file system rights Landlock handles at ABI abi. */
static uint64_t
ll_handled(int abi)
{
	uint64_t fs = LL_FS_V1;

	if (abi >= 2)
		fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		fs |= LL_TRUNCATE;
	if (abi >= 5)
		fs |= LL_IOCTL_DEV;
	return fs;
}

/* The rights how gives a directory (dir = 1) or a file. */
static uint64_t
ll_rights(unsigned how, int dir)
{
	uint64_t r = 0;

	if (how & RT_SB_READ)
		r |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (how & RT_SB_WRITE)
		r |= LANDLOCK_ACCESS_FS_WRITE_FILE | LL_TRUNCATE |
		    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
		    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE;
	if (how & RT_SB_EXEC)
		r |= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_READ_DIR;
	return dir ? r : r & LL_FILE_RIGHTS;
}

/* Open path for a rule: the path itself, or its directory when it does
 * not exist yet (then the rule is a directory's).  -1 if neither. */
static int
ll_open(const char *path, unsigned how, int *dir)
{
	struct stat st;
	const char *slash;
	char *d;
	int fd = (how & RT_SB_DIR) ? -1 : open(path, O_PATH | O_CLOEXEC);

	if (fd != -1) {
		*dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
		return fd;
	}
	/* A file to read that is not there: nothing to allow (opening it
	 * fails with ENOENT before Landlock is asked). */
	if (!(how & RT_SB_DIR) && (errno != ENOENT || how == RT_SB_READ))
		return -1;
	slash = strrchr(path, '/');
	if (slash == NULL)
		d = rt_xstrdup(".");
	else
		d = rt_xmemdup(path, slash == path ? 1 : (size_t)(slash - path));
	fd = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(d);
	*dir = 1;
	return fd;
}

static int
ll_add(int rfd, const struct rt_sb_path *p, uint64_t handled)
{
	struct landlock_path_beneath_attr pb;
	int dir, r;
	int fd = ll_open(p->path, p->how, &dir);

	if (fd == -1)
		return 0;	/* nothing to allow: it stays closed */
	memset(&pb, 0, sizeof pb);
	pb.allowed_access = ll_rights(p->how, dir) & handled;
	pb.parent_fd = fd;
	r = pb.allowed_access == 0 ? 0 :
	    (int)syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0);
	close(fd);
	/* Not a file system object (a pipe behind /dev/fd/N): Landlock
	 * does not guard those. */
	if (r == -1 && (errno == EBADFD || errno == EINVAL))
		r = 0;
	return r;
}

/* Landlock: only the named paths.  Returns the ABI in force, 0 if the
 * kernel has none, -1 on failure. */
static int
ll_enter(const struct rt_sandbox *sb)
{
	struct ll_attr a;
	size_t size = sizeof a.fs, i;
	int abi = rt_sandbox_landlock_abi(), rfd;

	if (abi <= 0 || (sb->allow & RT_SB_ALLOW_FS))
		return 0;
	memset(&a, 0, sizeof a);
	a.fs = ll_handled(abi);
	if (abi >= 4 && !(sb->allow & RT_SB_ALLOW_NET)) {
		a.net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = offsetof(struct ll_attr, scoped);
	}
	if (abi >= 6) {
		a.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		size = sizeof a;
	}
	rfd = (int)syscall(SYS_landlock_create_ruleset, &a, size, 0);
	if (rfd == -1)
		return -1;
	for (i = 0; i < sb->n; i++)
		if (ll_add(rfd, &sb->paths[i], a.fs) == -1)
			goto fail;
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		goto fail;
	close(rfd);
	return abi;
fail:
	close(rfd);
	return -1;
}

/* Calls no rtpipe filter makes. */
static const char *const denied[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "mount",
	"umount2", "pivot_root", "chroot", "swapon", "swapoff", "reboot",
	"init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "bpf", "perf_event_open", "keyctl", "add_key",
	"request_key", "unshare", "setns", "userfaultfd",
	"open_by_handle_at", "name_to_handle_at", "acct", "quotactl",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl",
	"ioperm", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"personality", "vhangup", "fanotify_init", "sethostname",
	"setdomainname", "syslog", "uselib", "mknod", "mknodat",
	"fsopen", "fsmount", "move_mount", "open_tree",
};

static int
sc_deny(scmp_filter_ctx ctx, const char *name, int err)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not on this architecture */
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
}

static int
sc_rules(scmp_filter_ctx ctx, unsigned allow)
{
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof denied / sizeof denied[0] && r == 0; i++) {
#ifdef RT_SANITIZED
		/* LeakSanitizer stops the threads with ptrace at exit. */
		if (strcmp(denied[i], "ptrace") == 0)
			continue;
#endif
		r = sc_deny(ctx, denied[i], EPERM);
	}
	/* clone3's flags are out of reach of a filter: make libc use
	 * clone, whose namespace flags are checked below. */
	if (r == 0)
		r = sc_deny(ctx, "clone3", ENOSYS);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone),
		    1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (r == 0 && !(allow & RT_SB_ALLOW_EXEC))
		r = sc_deny(ctx, "execve", EPERM) |
		    sc_deny(ctx, "execveat", EPERM);
	if (r == 0 && !(allow & RT_SB_ALLOW_NET)) {
		r = sc_deny(ctx, "bind", EPERM) | sc_deny(ctx, "listen", EPERM) |
		    sc_deny(ctx, "accept", EPERM) | sc_deny(ctx, "accept4", EPERM);
		if (r == 0 && (allow & RT_SB_ALLOW_UNIX))
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
			    SCMP_SYS(socket), 1,
			    SCMP_A0(SCMP_CMP_NE, AF_UNIX, 0));
		else if (r == 0)
			r = sc_deny(ctx, "socket", EPERM);
	}
	return r;
}

static const char *
sc_enter(unsigned allow)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	const char *why = NULL;

	if (ctx == NULL)
		return "seccomp: cannot make a filter";
	if (sc_rules(ctx, allow) != 0)
		why = "seccomp: cannot add a rule";
	else if (seccomp_load(ctx) != 0)
		why = "seccomp is not available";
	seccomp_release(ctx);
	return why;
}

const char *
rt_sandbox_enter(struct rt_sandbox *sb)
{
	const char *why;

#ifdef RT_SANITIZED
	/* The sanitizers read /proc/self/maps when they report. */
	rt_sandbox_allow(sb, "/proc", RT_SB_READ);
#endif
	/* Both need no_new_privs (Landlock without CAP_SYS_ADMIN). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return "cannot set no_new_privs";
	sb->landlock = ll_enter(sb);
	if (sb->landlock == -1) {
		sb->landlock = 0;
		return "Landlock: cannot restrict the file system";
	}
	why = sc_enter(sb->allow);
	sb->seccomp = why == NULL;
	return why;
}
