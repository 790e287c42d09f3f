/*
 * deliver.h - where rt-alert's alerts go, and in what form: standard
 * output as JSON, as CSV (a flat object, for the CSV writer) or as text
 * (a template of {field}s, control characters escaped); a command per
 * alert or per batch (exec.h), with an alert's short fields in RT_ALERT_*
 * variables; syslog; --tee writes them on standard output too.  A failed
 * delivery goes to the reject stream, reported once per kind and summed
 * up at the end.  Tool side of the library, like cli.h: it writes through
 * struct rt_cli, and its fatal errors exit 2.  rt-alert(1), "Delivery".
 */
#ifndef RT_DELIVER_H
#define RT_DELIVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cli.h"
#include "exec.h"
#include "execproc.h"
#include "json.h"

enum { RT_DLV_JSON, RT_DLV_CSV, RT_DLV_TEXT };

/* Long-option values of the delivery options, for the tool's table. */
enum {
	RT_DLV_OPT_FORMAT = RT_OPT_TOOL + 64, RT_DLV_OPT_TEMPLATE,
	RT_DLV_OPT_EXEC, RT_DLV_OPT_EXEC_TIMEOUT, RT_DLV_OPT_EXEC_CONC,
	RT_DLV_OPT_RETRIES, RT_DLV_OPT_RETRY_DELAY, RT_DLV_OPT_EXEC_BATCH,
	RT_DLV_OPT_TEE, RT_DLV_OPT_SYSLOG, RT_DLV_OPT_LATENCY
};

/* A kind of delivery failure ("exit status 3") and how many of it. */
struct rt_dlv_fail {
	char why[96];
	uint64_t n;
};

struct rt_deliver {
	struct rt_cli *cli;
	/* Options, from rt_deliver_opt between rt_deliver_init (the
	 * defaults) and rt_deliver_start; the strings are borrowed. */
	int format;		/* RT_DLV_*, for standard output */
	int format_given;	/* by --format, -o or --template */
	const char *tpl;	/* --template (rt_deliver_tpl_check), or NULL */
	char **exec_argv;	/* --exec (rt_exec_split), or NULL */
	int64_t exec_timeout, retry_delay;
	int exec_conc, retries;
	int batch;		/* --exec-batch: batch_n alerts or batch_us */
	size_t batch_n;
	int64_t batch_us;
	int tee;		/* --tee */
	int use_syslog, facility;	/* --syslog[=FACILITY] */
	const char *latency_from;	/* --latency-from FIELD, or NULL */
	const char *exec_opt;	/* an option that needs --exec, if given */
	int retry_delay_given;
	/* The run. */
	int use_exec;
	struct rt_execproc xp;	/* --exec's delivery process */
	uint64_t raised, summaries, failures;
	uint64_t nrec;		/* records since rt_exec_service ran */
	int64_t *lat;		/* stamp-to-alert delays (us) */
	size_t nlat, caplat;
	struct rt_dlv_fail fk[8];
	int nfk;
	uint64_t fk_other;	/* failures of kinds beyond fk */
	struct rt_jdoc adoc;
	struct rt_buf text, flat, val;
};

/* The defaults: JSON on standard output, syslog facility user; for
 * --exec a 10 s timeout, 2 retries from 100 ms, one at a time. */
void rt_deliver_init(struct rt_deliver *d, struct rt_cli *cli);

/* Handle a delivery option (RT_DLV_OPT_*) returned by getopt_long: 1 if
 * it was one (a bad value is a usage error: exit 2), 0 if not. */
int rt_deliver_opt(struct rt_deliver *d, int opt, const char *arg);

/* After the options, in two steps (the tool checks its own between
 * them; each is a usage error, exit 2): -o and --format agree, and the
 * options of --exec come with it; then what --tee, --template, --format,
 * --exec and --syslog ask of each other.  The second sets -o csv for
 * --format csv. */
void rt_deliver_check_needs(struct rt_deliver *d);
void rt_deliver_check_targets(struct rt_deliver *d);

/* With --exec, that its command can be run: else exit 2 ("rt-alert:
 * --exec: 'CMD': command not found"). */
void rt_deliver_check_cmd(struct rt_deliver *d);

/* Ready to deliver, before rt_cli_start: the command's runner, syslog,
 * and what the sandbox must allow for them.  Exits 2 on failure. */
void rt_deliver_start(struct rt_deliver *d);

/* Deliver one finished alert, JSON text json[0, len) with its record's
 * input line, or a summary (summary = 1: no input record's, not counted
 * out).  Counted in raised or summaries; a write error exits 2. */
void rt_deliver_put(struct rt_deliver *d, const char *json, size_t len,
    uint64_t line, int summary);

/* After a wait: take the delivery process's reports. */
void rt_deliver_service(struct rt_deliver *d);

/* After each record: let the commands' runner work now and then. */
static inline void
rt_deliver_tick(struct rt_deliver *d)
{
	if (d->use_exec && (++d->nrec & 255) == 0)
		rt_deliver_service(d);
}

/* The input is quiet: an open batch goes now. */
void rt_deliver_quiet(struct rt_deliver *d);

/* Before a wait: do what is due, then the descriptors to poll (at most
 * max; returns how many) and the poll timeout (*timeout_ms lowered to the
 * next deadline; -1: none). */
int rt_deliver_pollfds(struct rt_deliver *d, struct pollfd *pfd, int max,
    int *timeout_ms);


/* The end: the last batch goes, every delivery is waited for, and the
 * failures are summed up on stderr. */
void rt_deliver_finish(struct rt_deliver *d);

/* The --stats member "latency_us" (with --latency-from): ,"latency_us":
 * {"n":N,"p50":..,"p99":..,"max":..}. */
void rt_deliver_latency(struct rt_deliver *d, struct rt_buf *b);

void rt_deliver_release(struct rt_deliver *d);

#endif
