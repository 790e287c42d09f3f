/*
 * merge.h - the k-way event-time merge behind rt-merge: records from
 * several inputs come out in (time, input, arrival) order once every
 * input's watermark has passed them.  No I/O here: the caller reads, and
 * asks which input to read next.  rt-merge(1), "How records are merged".
 *
 * Each input has a watermark: its newest time minus --max-delay, which
 * only moves forward.  A record older than its input's watermark is late
 * (the caller decides what becomes of it).  The merge's frontier is the
 * least (watermark, input) pair over the inputs that still hold it back;
 * a held record (t, i) may go when (t, i) <= that pair, so that no record
 * still to come can sort before it.  Inputs that ended, and inputs quiet
 * for the idle timeout, do not hold the merge back; an idle input's
 * watermark moves with the wall clock, and never stays behind what has
 * been written.  The input to read next is the one at the frontier: the
 * order in which records are read, and so the output, depends only on the
 * inputs' contents (idle timeouts aside), not on how fast they come.
 *
 * Held records are views into their reader's buffer until the caller
 * reads that input again: rt_merge_pin copies them first, into the
 * input's arena (chunks recycled as the records in them go).
 *
 * A record with no time of its own (a control record, rtpipe(7)) can be
 * forwarded in order by adding it at its input's watermark
 * (rt_merge_watermark): it then goes after every record of its input
 * read before it, and no record read after it can go before it.
 */
#ifndef RT_MERGE_H
#define RT_MERGE_H

#include <stddef.h>
#include <stdint.h>

/* A record given to the merge or taken from it. */
struct rt_mrec {
	const char *p;		/* its text (no newline) */
	size_t len;
	int64_t t;		/* event time, microseconds */
	uint64_t line;		/* where it was read, for messages */
	uint32_t input;		/* 0 .. ninputs - 1 */
	uint32_t aux;		/* the caller's, carried along */
};

struct rt_merge;

/* A merge of n inputs (n >= 1).  max_delay: the watermark's distance
 * behind each input's newest time; idle: the quiet time after which an
 * input stops holding the others back (0: never).  now: the wall clock in
 * microseconds (any monotonic clock; only differences count), from which
 * inputs that never send anything are quiet. */
struct rt_merge *rt_merge_new(int n, int64_t max_delay, int64_t idle,
    int64_t now);
void rt_merge_free(struct rt_merge *m);

/*
 * The input to read next: the one at the frontier (least watermark, then
 * first in order), which holds back the records waiting, or -1 when no
 * input holds the merge back (every input ended or idle).  If it is quiet
 * (rt_merge_quiet), wait for it, or for the time rt_merge_timeout gives.
 */
int rt_merge_next(struct rt_merge *m, int64_t now);

/*
 * Barriers (rtpipe(7), "Control records") are aligned: an input that
 * delivered a barrier is blocked (on = 1) - it still holds the merge
 * back at its watermark, but rt_merge_next no longer picks it - until
 * every input has delivered it: rt_merge_aligned is then 1 (inputs that
 * ended or are idle count as having delivered it), and the caller writes
 * what is held (rt_merge_pop with flush), passes the barrier on, and
 * unblocks them.
 */
void rt_merge_block(struct rt_merge *m, int i, int on);
int rt_merge_aligned(const struct rt_merge *m, int64_t now);

/* The same with the barrier kept here: input i delivered barrier id,
 * text p[0, n).  Returns 0 when it is no newer than the last barrier
 * passed on (an idle input's, late: the caller drops it), else 1: i is
 * blocked, and the first input's text kept.  rt_merge_barrier_due gives
 * that text once every input has delivered it (or at the end of input,
 * end = 1), else NULL; after writing what is held and then the barrier,
 * the caller calls rt_merge_barrier_passed, which unblocks the inputs. */
int rt_merge_barrier(struct rt_merge *m, int i, const char *p, size_t n,
    uint64_t id);
const char *rt_merge_barrier_due(const struct rt_merge *m, int64_t now,
    int end, size_t *n);
void rt_merge_barrier_passed(struct rt_merge *m);

/* Input i's records that are still views into its reader are copied into
 * its arena: call before reading i again. */
void rt_merge_pin(struct rt_merge *m, int i);

enum { RT_MERGE_HELD = 0, RT_MERGE_LATE = 1 };

/*
 * Record r read from input r->input at wall time now.  Returns
 * RT_MERGE_HELD when the merge took it (r->p is kept as a view, or copied
 * at once when copy is set: text that will not survive until the next
 * read), or RT_MERGE_LATE when r->t is older than the input's watermark:
 * the merge did not take it, and *behind (if not NULL) says by how much.
 * Either way the input is no longer quiet.
 */
int rt_merge_add(struct rt_merge *m, const struct rt_mrec *r, int copy,
    int64_t now, int64_t *behind);

/* Input i ended (end of input, or a read error): it no longer holds the
 * merge back.  The records it sent still come out in order. */
void rt_merge_end(struct rt_merge *m, int i);

/* Input i has nothing to read now (a non-blocking read would block).  It is quiet until its next record; quiet for the idle timeout
 * since its last record, it is idle. */
void rt_merge_quiet(struct rt_merge *m, int i);
/* Is input i quiet (the caller waits for it to be readable)?  Has it
 * ended? */
int rt_merge_is_quiet(const struct rt_merge *m, int i);
int rt_merge_ended(const struct rt_merge *m, int i);
/* Is any input idle at wall time now (so that it is worth looking at
 * while others keep the caller busy)? */
int rt_merge_any_idle(const struct rt_merge *m, int64_t now);

/* Microseconds from now until a quiet input turns idle (so the frontier
 * moves without a record), or -1 when no such moment is due. */
int64_t rt_merge_timeout(const struct rt_merge *m, int64_t now);

/*
 * The next record that may be written: 1 and *r, or 0 when none may go
 * yet.  With flush set every held record may go (the end of the run).
 * r->p is valid until the next call on m.
 */
int rt_merge_pop(struct rt_merge *m, int64_t now, int flush,
    struct rt_mrec *r);

/* Records held now, and the most held at once. */
size_t rt_merge_held(const struct rt_merge *m);
size_t rt_merge_held_max(const struct rt_merge *m);
/* Input i's watermark now (INT64_MIN before its first record). */
int64_t rt_merge_watermark(const struct rt_merge *m, int i, int64_t now);

#endif
