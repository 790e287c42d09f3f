/*
 * cli.h - what every rtpipe tool shares at its edge: the common options,
 * diagnostics worded "rt-x: ...", the record loop's input and output,
 * rejects, --stats, signals and the exit status.  This is the tool side of
 * the library: unlike the other modules it prints, and its fatal errors
 * exit.  rtpipe(7), "Common options" and "Exit status".
 */
#ifndef RT_CLI_H
#define RT_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csv.h"
#include "fcheck.h"
#include "ctl.h"
#include "jedit.h"
#include "opttab.h"
#include "json.h"
#include "reject.h"
#include "rtime.h"
#include "rtio.h"
#include "sandbox.h"
#include "source.h"
#include "stats.h"
#include "watch.h"

#define RT_VERSION "0.1.0"

enum { RT_EXIT_OK = 0, RT_EXIT_REJECTS = 1, RT_EXIT_TROUBLE = 2 };

/* Long-option values of the common options without a short form; tools
 * number their own from RT_OPT_TOOL. */
enum {
	RT_OPT_REJECT = 1000,
	RT_OPT_STATS,
	RT_OPT_STRICT,
	RT_OPT_MAXREC,
	RT_OPT_TIME_UNIT,
	RT_OPT_TIME_FORMAT,
	RT_OPT_TZ,
	RT_OPT_NO_SANDBOX,
	RT_OPT_MAXDIAG,
	RT_OPT_VERBOSE,
	RT_OPT_NAME,
	RT_OPT_STATS_EVERY,
	RT_OPT_STATS_DIR,
	RT_OPT_PROGRESS,
	RT_OPT_QUOTE,
	RT_OPT_COLUMNS,
	RT_OPT_TOOL = 1100
};

/* The options every tool takes (-i, -o, -d, -u, --reject, --stats, ...,
 * ending with rt_cli_info_opts), headed "Common options:"; the time
 * options, for tools that read event time, headed "Time options:"; -h
 * and -V alone.  Groups for a tool's table (opttab.h). */
extern const struct rt_optdef rt_cli_common_opts[];
extern const struct rt_optdef rt_cli_time_opts[];
extern const struct rt_optdef rt_cli_info_opts[];

struct rt_cli {
	const char *tool;
	/* Options. */
	int ifmt;		/* enum rt_fmt; AUTO by default */
	int ofmt;		/* RT_FMT_NDJSON (default), CSV or TSV */
	char delim, quote;	/* -d, --quote for CSV/TSV in and out; 0:
				 * the format's own */
	const char *columns;	/* --columns for -o csv|tsv, or NULL */
	int unbuffered;
	int stats;
	int strict;
	const char *reject_path;
	size_t max_record;
	struct rt_timeopt topt;	/* --time-unit, --time-format, --tz */
	void (*usage)(void);	/* the tool's --help text */
	/* The tool's getopt_long table, for "did you mean" (rt_cli_init
	 * makes it; without it, unknown options get no suggestion). */
	const struct option *longopts;
	struct option lopts[RT_OPTTAB_MAX + 1];	/* rt_cli_init's */
	char sopts[3 * RT_OPTTAB_MAX + 2];
	int no_sandbox;		/* --no-sandbox */
	uint64_t max_diag;	/* --max-diagnostics: per kind, 0 = all */
	int verbose;		/* --verbose: every diagnostic, with keys */
	struct rt_watch watch;	/* --stats-every, --stats-dir, --progress */
	/* The newest event time the tool has seen (for the stats file's
	 * lag and the progress line), or NULL. */
	int64_t (*evtime)(void *arg);
	void *evtime_arg;
	/* Where the last record returned came from (the time check). */
	const char *last_src;
	uint64_t last_line;
	int time_told;
	struct rt_sandbox sb;	/* what the tool may open once confined */
	/* The run. */
	struct rt_src src;
	struct rt_out out;
	struct rt_rej rej;
	struct rt_stats st;
	struct rt_csvw csvw;	/* -o csv|tsv */
	struct rt_jdoc odoc;	/* -o csv|tsv: the record re-read */
	struct rt_buf obuf;
	int started;
	int trouble;		/* exit 2 at the end (an unreadable operand) */
	int stop;		/* --strict saw a bad record */
	int nowait;		/* event-loop tools: see rt_cli_next */
	/* Control records (ctl.h) never reach the tool as records:
	 * rt_cli_next calls control (when set) and then passes the line
	 * on, flushed at once; a report tool (ctl_sink) keeps them. */
	void (*control)(void *arg, const struct rt_ctl *ctl);
	void *control_arg;
	int ctl_sink;
	struct rt_jdoc cdoc;	/* scratch: a control record parsed */
};

/* Defaults; sets rt_progname.  usage prints the tool's help to stdout;
 * opts (opttab.h), when not NULL, are the tool's options: the getopt
 * tables of rt_cli_getopt and c->longopts are made from them (exits 2
 * if there are more than RT_OPTTAB_MAX). */
void rt_cli_init(struct rt_cli *c, const char *tool, void (*usage)(void),
    const struct rt_optdef *opts);

/* What the tool adds to a run's reports: members of the --stats object
 * (extra, as stats.h's) and the newest event time it has seen (evtime,
 * for --progress and the stats file); both are called with arg, and
 * either may be NULL. */
void rt_cli_report(struct rt_cli *c, void (*extra)(struct rt_buf *, void *),
    int64_t (*evtime)(void *), void *arg);

/* getopt_long over argv with the tables of rt_cli_init's options (li
 * as getopt_long's). */
int rt_cli_getopt(struct rt_cli *c, int argc, char **argv, int *li);
/* Print a whole --help on stdout, for a tool's usage(): head (the usage
 * line and what the tool does), the lines of opts, mid, those of each
 * group of groups (RT_CLI_GROUPS: the shared options, in that order;
 * NULL: none), then tail (the exit status).  mid may be "". */
void rt_cli_usage(const char *head, const struct rt_optdef *opts,
    const char *mid, const struct rt_optdef *const groups[],
    const char *tail);
/* The same for a tool whose own lines come from several tables (its
 * options, then shared ones it lists with them, like rulecli.h's
 * rt_rule_opts): the lines of each table of tabs (RT_CLI_GROUPS too),
 * in that order, stand where rt_cli_usage prints those of opts. */
void rt_cli_usage_tables(const char *head, const struct rt_optdef *const
    tabs[], const char *mid, const struct rt_optdef *const groups[],
    const char *tail);
/* A NULL-terminated list of option tables, for groups and tabs. */
#define RT_CLI_GROUPS(...) \
	((const struct rt_optdef *const[]){ __VA_ARGS__, NULL })

/* Handle a common option returned by getopt_long.  Returns 1 if it was
 * one (exits for --help, --version and bad values), 0 if not. */
int rt_cli_opt(struct rt_cli *c, int opt, const char *arg);

/* Report getopt's complaint about argv (opt is '?' or ':'); exits 2.  An
 * unknown long option gets the near ones of c->longopts (suggest.h):
 * "unknown option '--slidng'; did you mean '--sliding'?"; an ambiguous
 * prefix the options it begins; a value given to an option that takes
 * none says so. */
void rt_cli_bad_option(struct rt_cli *c, char **argv, int opt)
	__attribute__((noreturn));

/* The default of a tool's option switch, after its own options: a
 * common option (rt_cli_opt), else getopt's complaint or an option the
 * tool does not know (rt_cli_bad_option: exits 2). */
void rt_cli_other(struct rt_cli *c, char **argv, int opt, const char *arg);

/* The index of arg in words (NULL-terminated), the value of option opt
 * (spelt as in the message: "-o", "--emit"); another value is a usage
 * error: "unknown value 'ndjsn' for -o; did you mean 'ndjson'?", or the
 * words listed when none is near. */
int rt_cli_word(struct rt_cli *c, const char *opt, const char *arg,
    const char *const words[]);
/* That usage error, for a value the tool found in none of words. */
void rt_cli_bad_word(struct rt_cli *c, const char *opt, const char *arg,
    const char *const words[]) __attribute__((noreturn));

/* "rt-x: <msg>" and the hint to --help on stderr; exit 2. */
void rt_cli_usage_error(struct rt_cli *c, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* The one wording of a bad option value: "rt-x: --opt: 's' is not
 * <what>" (what: "a positive count") and the hint to --help; exit 2.
 * opt is the long name without "--". */
void rt_cli_bad_value(struct rt_cli *c, const char *opt, const char *s,
    const char *what) __attribute__((noreturn));
/* "rt-x: <msg>" on stderr; exit 2 (after closing the reject file). */
void rt_cli_fatal(struct rt_cli *c, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* "rt-x: <msg>" on stderr. */
void rt_cli_warn(struct rt_cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a size with an optional K, M or G suffix; -1 if invalid. */
long long rt_cli_size(const char *s);

/* Whether a duration option takes 0. */
enum rt_dur_zero { RT_DUR_POSITIVE, RT_DUR_ZERO_OK };

/* The value of option --opt: a duration (250ms, 30s, 5m, 1h30m, 7d; 0
 * only with RT_DUR_ZERO_OK) in microseconds, or a count in [min, max].
 * A bad value is a usage error (exit 2) naming the option. */
int64_t rt_cli_dur(struct rt_cli *c, const char *opt, const char *s,
    enum rt_dur_zero zero);
long long rt_cli_count(struct rt_cli *c, const char *opt, const char *s,
    long long min, long long max);
/* The same for an unsigned whole number, with the range in the message
 * ("--seed: 'x' is not a whole number from 0 to ..."). */
unsigned long long rt_cli_ucount(struct rt_cli *c, const char *opt,
    const char *s, unsigned long long min, unsigned long long max);

/* Make SIGTERM, SIGINT and SIGHUP set rt_cli_term (to the signal's
 * number) instead of killing, for tools that finish what they are doing
 * (save their state, end the line they write) before they exit; rtpipe(7),
 * SIGNALS.  A signal also makes rt_cli_term_fd readable, so that a tool
 * waiting in poll(2) wakes up even when the signal came just before the
 * call. */
void rt_cli_catch_term(void);
extern volatile sig_atomic_t rt_cli_term;
/* The read end of that wake-up pipe (add it to a poll set with POLLIN),
 * or -1 before rt_cli_catch_term. */
int rt_cli_term_fd(void);

/* Take the lock of state file path for the run (rt_state_lock): returns
 * its descriptor, to keep open to the end; exits 2 with "rt-x: PATH: in
 * use by another run (PATH.lock is locked)" when another run holds it. */
int rt_cli_state_lock(struct rt_cli *c, const char *path);

/* A write to standard output failed with err: exit 2, quietly when the
 * reader has gone (EPIPE, SIGPIPE ignored), else with "rt-x: stdout:
 * <error>" (rtpipe(7), EXIT STATUS). */
void rt_cli_stdout_failed(struct rt_cli *c, int err)
	__attribute__((noreturn));

/* A path the tool opens after rt_cli_start (a state file it replaces,
 * rules it reloads), as sandbox.h's rt_sandbox_allow; c->sb.allow takes
 * RT_SB_ALLOW_* for system calls beyond the default set. */
void rt_cli_allow(struct rt_cli *c, const char *path, unsigned how);

/* Open the reject file and standard output, take operands
 * argv[optind..], install the SIGUSR1 handler, and confine the process
 * (sandbox.h) to the operands, what rt_cli_allow named, and /dev/null,
 * unless --no-sandbox.  Exits 2 on failure. */
void rt_cli_start(struct rt_cli *c, int argc, char **argv, int optind_);

/*
 * The next good record: 1, or 0 at the end of input (or after --strict
 * stopped).  Counts it in; rejects records that could not be read and
 * reports operands that could not be opened (the run goes on, and exits
 * 2).  With c->nowait set, returns RT_IN_AGAIN when a read would block.
 * Control records are handled here, never returned (c->control).
 */
int rt_cli_next(struct rt_cli *c, struct rt_rec *r);

/* Reject r with reason (extra: JSON members for the reject object, or
 * NULL); counts it.  Write errors on the reject file are fatal. */
void rt_cli_reject(struct rt_cli *c, const struct rt_rec *r,
    const char *reason);
void rt_cli_reject_ex(struct rt_cli *c, const struct rt_rec *r,
    const char *reason, const char *extra, size_t extralen);
/* Reject with "invalid JSON: <what> at byte N". */
void rt_cli_reject_json(struct rt_cli *c, const struct rt_rec *r,
    const struct rt_jdoc *d);

/* r as a JSON object: parsed into scratch (see rt_rec_parse), or NULL
 * when it is not one, after rejecting it ("invalid JSON: ...", "not a
 * JSON object"). */
const struct rt_jdoc *rt_cli_object(struct rt_cli *c, const struct rt_rec *r,
    struct rt_jdoc *scratch);

/* Write one record (JSON text, no newline) to the output, in the -o
 * format; counts it out.  A write error is fatal (exit 2). */
void rt_cli_emit(struct rt_cli *c, const struct rt_rec *r, const char *p,
    size_t n);
/* Pass a control line p[0, n) on (not with -o csv|tsv), flushed at once;
 * rt_cli_next does it for the tool, a tool that reads its own inputs
 * (rt-merge) calls it. */
void rt_cli_pass_control(struct rt_cli *c, const char *p, size_t n);
/* Write a record the tool made itself (a window, a summary): like
 * rt_cli_emit, but not counted out, since it is not an input record. */
void rt_cli_emit_made(struct rt_cli *c, const struct rt_rec *r,
    const char *p, size_t n);
/* rt_cli_emit of the record an edit made (jedit.h): written straight
 * into the output buffer when the output is NDJSON; tmp is scratch. */
void rt_cli_emit_edit(struct rt_cli *c, const struct rt_rec *r,
    struct rt_jedit *e, struct rt_buf *tmp);
/* Count r as dropped by a rule the user gave. */
void rt_cli_drop(struct rt_cli *c);

/* Say once which names of f no record looked at had ("rt-x: warning:
 * -k: field 'customer' is in none of the first 1000 records"), and close
 * the check.  Call when rt_fcheck_look says so, and at the end. */
void rt_cli_fcheck(struct rt_cli *c, struct rt_fcheck *f);

/* Flush output and rejects (the idle hook calls this before blocking);
 * prints --stats when SIGUSR1 asked for them. */
void rt_cli_idle(void *cli);

/* Print the --stats object now. */
void rt_cli_print_stats(struct rt_cli *c);

/* Close everything, print --stats, and return the exit status: 2 after
 * trouble, 1 if any record was rejected, else 0. */
int rt_cli_finish(struct rt_cli *c);

/* Set by the SIGUSR1 handler. */
extern volatile sig_atomic_t rt_cli_usr1;

#endif
