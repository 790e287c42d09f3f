/*
 * msrc.h - several inputs read side by side, for tools that take records
 * from all their operands at once (rt-merge): each operand "[FMT:]PATH"
 * has its own non-blocking source, and the inputs a tool waits for are
 * polled together.  rt-merge(1), "Inputs".
 */
#ifndef RT_MSRC_H
#define RT_MSRC_H

#include <poll.h>
#include <stddef.h>

#include "source.h"

struct rt_msrc {
	char *path;		/* the operand without its FMT: (owned) */
	const char *name;	/* for messages: the path, "stdin" for "-" */
	const char *label;	/* the name rt_msrcs_names gave, else name */
	struct rt_buf jlabel;	/* label as a JSON string (rt_msrcs_jlabels) */
	struct rt_src src;	/* reads path, never blocking (nowait) */
	int ended;		/* rt_msrc_next returned end of input */
};

struct rt_msrcs {
	int n;
	struct rt_msrc *v;
	char *names;		/* rt_msrcs_names's list, split (owned) */
	struct pollfd *pfd;	/* scratch for rt_msrcs_wait */
	int *who;
};

/*
 * One input per operand ops[0, n), or standard input when n is 0.  An
 * operand "csv:PATH", "tsv:PATH" or "ndjson:PATH" gives its input's
 * format; other operands are read in fmt (RT_FMT_AUTO: by extension).
 * max: --max-record-bytes.  Returns NULL, or a message for a usage error
 * (standard input given twice); the inputs are opened when first read.
 */
const char *rt_msrcs_init(struct rt_msrcs *s, char *const *ops, int n,
    enum rt_fmt fmt, size_t max);
void rt_msrcs_release(struct rt_msrcs *s);

/* Name the inputs from list ("a,b,c": one name per input, in order).
 * Returns NULL, or a message when the count differs. */
const char *rt_msrcs_names(struct rt_msrcs *s, const char *list);
/* Set each input's jlabel: its label as a JSON string (rt-merge --tag). */
void rt_msrcs_jlabels(struct rt_msrcs *s);

/*
 * The next record of input i, as rt_src_next gives it: 1 a record, 0 the
 * end of input (the input is closed, ended set), -1 the input could not
 * be opened or read (errname and err in its src; it has ended too), or
 * RT_IN_AGAIN when a read would block.
 */
int rt_msrc_next(struct rt_msrcs *s, int i, struct rt_rec *r);

/*
 * Wait until one of the inputs for which waiting(arg, i) is true can be
 * read, for at most timeout milliseconds (-1: no limit; 0: only look),
 * then call ready(arg, i) for each that can.  Returns the number ready,
 * 0 after the timeout or a signal, -1 when poll(2) failed (errno).
 */
int rt_msrcs_wait(struct rt_msrcs *s, int timeout,
    int (*waiting)(void *arg, int i), void (*ready)(void *arg, int i),
    void *arg);

#endif
