/*
 * alert.h - rt-alert's engines, in event time: which alert-worthy records
 * become alerts, and when.  Suppression per key (after an alert, the key's
 * records within DUR of it are suppressed and counted in its next alert),
 * rate caps (at most N alerts a period; a summary counts the others), the
 * top K of each period (held until the period closes, then the best
 * first), and the --max-delay reorder buffer (records held until the
 * watermark passes them, then taken in event-time order).  The engines
 * build each alert's JSON text and hand it to the caller's hook: they
 * never format, deliver, print or exit (but for out-of-memory).
 * rt-alert(1); the state file: rtpipe(7), STATE FILES, and astate.h.
 */
#ifndef RT_ALERT_H
#define RT_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "evclock.h"
#include "fcheck.h"
#include "field.h"
#include "hash.h"
#include "heap.h"
#include "json.h"
#include "rtime.h"
#include "source.h"

struct rt_rules;

/* What the options ask for (0: that engine is off).  The strings are
 * borrowed for the engine's life. */
struct rt_alert_conf {
	int64_t suppress;	/* --suppress DUR */
	uint32_t max_keys;	/* --max-keys N, with suppress */
	int64_t max_delay;	/* --max-delay DUR */
	uint64_t rate_n;	/* --rate N/PER */
	int64_t rate_per;
	size_t top;		/* --top K --per PER */
	int64_t per;
	int64_t idle;		/* --idle-timeout DUR */
	char **keys;		/* -k fields, nkeys of them (0: one key) */
	int nkeys;
	const char *by;		/* the score field of alerts and --top */
	const char *when;	/* --when and --time as given ("": not), for */
	const char *time_field;	/* the state file's header only */
};

/* ---- suppression per key (alert_supp.c) ----------------------------- */

/* One entry of the expiry heap: the key id may go at exp (unless it
 * alerted again since, which makes the entry stale). */
struct rt_aexp {
	int64_t exp;
	uint32_t id;
};

struct rt_asupp {
	int64_t dur;		/* suppress within dur of the last alert */
	uint32_t max_keys;	/* 0: no bound */
	struct rt_map keymap;	/* the keys (copies owned by the map) */
	int64_t *ta;		/* by id: last alert's time (INT64_MIN: none) */
	uint64_t *supp;		/* by id: suppressed since that alert */
	uint32_t *lprev, *lnext;	/* recency, least recent first */
	uint32_t lru_head, lru_tail;	/* RT_MAP_NONE when empty */
	uint32_t cap;		/* ta, supp, lprev, lnext hold cap ids */
	uint64_t evicted;	/* keys forgotten for max_keys */
	struct rt_heap expiry;	/* struct rt_aexp, soonest first */
};

void rt_asupp_init(struct rt_asupp *s, int64_t dur, uint32_t max_keys);
void rt_asupp_release(struct rt_asupp *s);

/* The id of key k[0, n) (copied), made if new (*isnew = 1: no alert
 * yet).  The key becomes the most recent; a new key beyond max_keys makes
 * the least recent one go (counted in evicted). */
uint32_t rt_asupp_key(struct rt_asupp *s, const char *k, size_t n,
    int *isnew);

/* A record of key id at event time t: 1 when it is suppressed (within
 * dur of the key's last alert, either side; counted for the key's next
 * alert).  Else 0: it is an alert, *pending is the count it carries (now
 * 0 again), the key's last alert moves to t if t is later, and the key
 * may go once the watermark passes that time + dur. */
int rt_asupp_test(struct rt_asupp *s, uint32_t id, int64_t t,
    uint64_t *pending);

/* Forget the keys whose suppression ended at or before watermark wm and
 * that have no suppressed count waiting for their next alert. */
void rt_asupp_expire(struct rt_asupp *s, int64_t wm);

/* Take key k[0, n) from a state file with its last alert's time and
 * pending count, as the most recent key: 0, or -1 when it is there
 * already. */
int rt_asupp_load(struct rt_asupp *s, const char *k, size_t n, int64_t ta,
    uint64_t supp);

/* The keys, least recent first: from rt_asupp_first, rt_asupp_next
 * until RT_MAP_NONE. */
static inline uint32_t
rt_asupp_first(const struct rt_asupp *s)
{
	return s->lru_head;
}

static inline uint32_t
rt_asupp_next(const struct rt_asupp *s, uint32_t id)
{
	return s->lnext[id];
}

/* ---- top K of each period (alert_top.c) ----------------------------- */

/* An alert held until its period closes. */
struct rt_aheld {
	double score;
	int64_t t;
	uint64_t seq, line;
	char *json;		/* owned */
	size_t len;
};

struct rt_aperiod {
	int64_t start;
	struct rt_aheld *h;	/* k slots, n used */
	size_t n;
};

struct rt_atop {
	size_t k;
	int64_t per;
	struct rt_aperiod *open;	/* nper open periods, by start */
	size_t nper;
	int have_closed;	/* closed_upto: the end of the latest
				 * period closed */
	int64_t closed_upto;
};

void rt_atop_init(struct rt_atop *p, size_t k, int64_t per);
/* Frees the alerts still held. */
void rt_atop_release(struct rt_atop *p);

/* Hold alert json[0, len) (copied) of the given score, event time t,
 * read order seq and input line in t's period.  Returns 1 when the
 * period was full and one alert (this one, or the worst held) lost
 * (better: higher score, then earlier, then read first), else 0. */
int rt_atop_hold(struct rt_atop *p, double score, int64_t t, uint64_t seq,
    uint64_t line, const char *json, size_t len);

/* Has the period of time t closed already (a record for it is late)? */
int rt_atop_late(const struct rt_atop *p, int64_t t);

/* Is the oldest open period over at watermark wm? */
static inline int
rt_atop_due(const struct rt_atop *p, int64_t wm)
{
	return p->nper && p->open[0].start + p->per <= wm;
}

/* Close the oldest open period (there must be one): its alerts go to
 * out(arg, json, len, line), best first, and are freed. */
void rt_atop_close(struct rt_atop *p, void (*out)(void *arg,
    const char *json, size_t len, uint64_t line), void *arg);

/* ---- selection and event time (alert_sel.c) ------------------------ */

/* Things to tell the user (rt_asel's note): the --when program's first
 * error (rt_rules_errmsg says which), the verdict of fc due now
 * (rt_cli_fcheck). */
enum { RT_ASEL_NOTE_WHEN = 1, RT_ASEL_NOTE_FC = 2 };

/* What becomes of a record read: rt_asel_record. */
enum {
	RT_ASEL_BAD_JSON,	/* reject: not JSON (the scratch doc says why) */
	RT_ASEL_REJECT,		/* reject, for the reason given */
	RT_ASEL_DROP,		/* not alert-worthy */
	RT_ASEL_TIMED		/* alert-worthy, at its event time */
};

struct rt_asel {
	struct rt_rules *when;	/* --when, compiled (borrowed); NULL: a
				 * _class that is there and not "ok" */
	char **keys;		/* -k fields, nkeys of them (borrowed) */
	int nkeys;
	const char *time_field;	/* --time; NULL: arrival */
	int time_given;		/* the field must be there */
	struct rt_timeopt *topt;	/* --time-unit ... (borrowed) */
	struct rt_fcheck fc;	/* -k and --time fields seen at all? */
	int fc_key[RT_FCHECK_MAX], fc_time;
	/* RT_ASEL_NOTE_*: set for the caller to report, and clear. */
	int note;
	/* The last record judged: its document (s->doc), its event time,
	 * why it is rejected. */
	const struct rt_jdoc *d;
	int64_t t;
	char why[160];
	uint64_t worthy;	/* records alert-worthy so far */
	unsigned char res[2];
	struct rt_fset cls;	/* "_class", found once per run of keys */
	struct rt_jdoc doc;	/* the record read: scratch */
	struct rt_buf tmp;
};

/* Select with --when (or NULL) and the -k fields keys[0, nkeys) (checked
 * over the first records with fc) and time_field (NULL: arrival; checked
 * when given); strings borrowed. */
void rt_asel_init(struct rt_asel *s, struct rt_rules *when, char **keys,
    int nkeys, const char *time_field, int time_given,
    struct rt_timeopt *topt);
void rt_asel_release(struct rt_asel *s);

/*
 * Parse and judge r: RT_ASEL_TIMED when it is alert-worthy, with s->d
 * its document and s->t its event time (in the range of a state file);
 * else RT_ASEL_DROP, RT_ASEL_BAD_JSON, or RT_ASEL_REJECT with s->why
 * ("ts: time field missing", "not a JSON object").  Records with no time
 * field take the arrival time (the wall clock) unless --time was given.
 */
int rt_asel_record(struct rt_asel *s, const struct rt_rec *r);

/* ---- the engines together (alert.c) --------------------------------- */

/* A record held by --max-delay. */
struct rt_apend {
	int64_t t;
	uint64_t seq, line;
	char *text;		/* owned */
	size_t len;
};

/*
 * The caller's hooks, called from rt_alert_add, rt_alert_wait and
 * rt_alert_flush.  emit gets an alert's JSON text (no newline; valid
 * until it returns) with its record's input line, or a summary of
 * throttled alerts (summary = 1, line 0); drop is called once for each
 * record a rule of the user's took out (suppressed, throttled,
 * outranked); broken, which must not return, for an internal error (a
 * held record that does not parse again: a state file forged past its
 * checks).
 */
struct rt_alert_hooks {
	void (*emit)(void *arg, const char *json, size_t n, uint64_t line,
	    int summary);
	void (*drop)(void *arg);
	void (*broken)(void *arg, const char *what);
	void *arg;
};

struct rt_alert {
	struct rt_alert_conf c;
	struct rt_alert_hooks h;
	/* Event time: the newest time seen, the watermark --max-delay
	 * behind it, the idle timer (evclock.h). */
	struct rt_clock clock;
	uint64_t seq;		/* records timed so far */
	struct rt_asupp supp;
	/* --rate: the current period (index), its alerts and what it held
	 * back (throttled, and the suppressed counts they carried). */
	int rhave;
	int64_t rcur;
	uint64_t rcount, rthr, rthr_supp;
	struct rt_atop top;
	struct rt_heap held;	/* struct rt_apend, by time then seq */
	/* Counts. */
	uint64_t suppressed, throttled, outranked, late;
	/* Scratch. */
	struct rt_jdoc pdoc;
	struct rt_buf key, alert;
};

/* Set up the engines for c and hooks h (both copied; the strings of c
 * borrowed). */
void rt_alert_init(struct rt_alert *a, const struct rt_alert_conf *c,
    const struct rt_alert_hooks *h);
/* Frees what is still held (nothing goes out). */
void rt_alert_release(struct rt_alert *a);

enum { RT_ALERT_TAKEN = 0, RT_ALERT_LATE = 1 };

/*
 * Take the alert-worthy record d (its text p[0, n), copied when held;
 * input line) at event time t, which rt_state_time_ok accepts: event
 * time moves on if t is the newest (what the watermark passes goes out
 * first), then the record is held (--max-delay), or raised, suppressed,
 * throttled or held for --top.  RT_ALERT_LATE when its --per period has
 * closed (counted in late; the caller rejects it), else RT_ALERT_TAKEN.
 */
int rt_alert_add(struct rt_alert *a, const struct rt_jdoc *d, const char *p,
    size_t n, int64_t t, uint64_t line);

/* The end of the input: every record held, every period and the last
 * rate summary go out. */
void rt_alert_flush(struct rt_alert *a);

/* Is anything waiting for event time to move on? */
int rt_alert_waiting(const struct rt_alert *a);

/* The newest event time seen, or INT64_MIN. */
static inline int64_t
rt_alert_newest(const struct rt_alert *a)
{
	return rt_clock_newest(&a->clock);
}

/* A record came: the --idle-timeout timer starts again. */
static inline void
rt_alert_touch(struct rt_alert *a)
{
	rt_clock_touch(&a->clock);
}

/* Nothing to read: poll(2) fds[0, n) for at most timeout ms (-1: no
 * limit of the caller's), and, when something waits for event time, no
 * longer than --idle-timeout since the last record: then event time
 * moves on with the wall clock, and what the watermark passes goes out.
 * Returns poll's result (-1 with errno). */
int rt_alert_wait(struct rt_alert *a, struct pollfd *fds, nfds_t n,
    int timeout);

/* The records held for --max-delay, in the order they go out (the
 * caller frees the array, not the records; *n of them). */
const struct rt_apend **rt_alert_held(const struct rt_alert *a, size_t *n);

/* Hold a record read from a state file (text copied). */
void rt_alert_hold(struct rt_alert *a, const char *p, size_t n, int64_t t,
    uint64_t seq, uint64_t line);

/* The clock read from a state file: the newest time (when have_t), the
 * records timed, and the end of the latest --top period closed. */
void rt_alert_set_clock(struct rt_alert *a, int have_t, int64_t maxt,
    uint64_t seq, int have_closed, int64_t closed_upto);

/* ---- the state file (alert_state.c) --------------------------------- */

/* The options a state depends on, as text for its header. */
void rt_alert_config(const struct rt_alert *a, struct rt_buf *b);

/* Append the state's body (astate.h) to b: the clock, the rate period,
 * the keys least recent first, the alerts held for --top, the records
 * held for --max-delay in the order they go out. */
void rt_alert_save(const struct rt_alert *a, struct rt_buf *b);

/* Take the body p[0, n) of a checked state file into a fresh engine:
 * 0, or -1 with why it is refused in why ("damaged: line 3: bad value",
 * "line 4: damaged: a key twice"; the lines before it are taken). */
int rt_alert_load(struct rt_alert *a, const char *p, size_t n,
    struct rt_buf *why);

/* Write the state file path (state.h: header, body, a temporary file
 * fsynced and renamed): 0, or -1 with errno. */
int rt_alert_write(const struct rt_alert *a, const char *path);

/* Read the state file path, if there is one, into a fresh engine: 0
 * (read, or no such file), or -1 with why it cannot be read or is
 * refused in why ("No such device", "written with other options"). */
int rt_alert_read(struct rt_alert *a, const char *path, struct rt_buf *why);

#endif
