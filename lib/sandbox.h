/*
 * sandbox.h - a tool confines itself once it has opened what it needs:
 * seccomp (libseccomp) refuses the system calls no rtpipe filter has a use
 * for (exec, new network sockets, ptrace, mounts, modules, bpf, ...), and
 * Landlock, where the kernel has it, limits the file system to the paths
 * the tool named.  rtpipe(7), "Sandbox", says what each tool may do.
 */
#ifndef RT_SANDBOX_H
#define RT_SANDBOX_H

#include <stddef.h>

/* What a path may be used for once confined. */
enum {
	RT_SB_READ = 1 << 0,	/* read the file, or any file below the
				 * directory (and list it) */
	RT_SB_WRITE = 1 << 1,	/* write and truncate the file; for a
				 * directory also create, rename and remove
				 * files in it (state files are replaced by
				 * rename) */
	RT_SB_EXEC = 1 << 2,	/* execute the file, or files below the
				 * directory */
	RT_SB_DIR = 1 << 3	/* the rights are for the directory holding
				 * the path: a file replaced by rename (a
				 * state file, WRITE) or read again after it
				 * was replaced (rules, READ) */
};

/* System calls allowed beyond the default set. */
enum {
	RT_SB_ALLOW_EXEC = 1 << 0,	/* execve, execveat */
	RT_SB_ALLOW_UNIX = 1 << 1,	/* AF_UNIX sockets (syslog) */
	RT_SB_ALLOW_NET = 1 << 2,	/* every socket family */
	RT_SB_ALLOW_FS = 1 << 3		/* no Landlock: the whole file
					 * system (a command run by the tool
					 * needs what it needs) */
};

struct rt_sb_path {
	char *path;		/* owned */
	unsigned how;
};

struct rt_sandbox {
	struct rt_sb_path *paths;
	size_t n, cap;
	unsigned allow;		/* RT_SB_ALLOW_* */
	/* After rt_sandbox_enter: */
	int seccomp;		/* 1: the filter is installed */
	int landlock;		/* Landlock ABI in force, 0: none */
};

void rt_sandbox_init(struct rt_sandbox *sb);
void rt_sandbox_release(struct rt_sandbox *sb);

/* Allow path (copied) for how (RT_SB_*); the rights of several calls on
 * one path add up.  A path that does not exist yet is allowed through its
 * directory: RT_SB_WRITE on "dir/state" allows creating it in dir. */
void rt_sandbox_allow(struct rt_sandbox *sb, const char *path, unsigned how);

/*
 * Confine the calling process (and every thread and child it starts
 * afterwards) for good.  Returns NULL, or a static reason when seccomp
 * could not be installed (the process then runs unconfined: the caller
 * chooses whether that is fatal).  A kernel without Landlock is not an
 * error: sb->landlock stays 0.  A path that cannot be opened is skipped
 * (it then cannot be opened later either).
 */
const char *rt_sandbox_enter(struct rt_sandbox *sb);

/* The Landlock ABI version the kernel offers, 0 when none. */
int rt_sandbox_landlock_abi(void);

#endif
