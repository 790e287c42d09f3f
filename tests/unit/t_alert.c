/*
 * t_alert.c - rt-alert's engines (lib/alert*.c), table-driven: each case
 * is the engines' options, a stream of records (key @ seconds / score),
 * and the alerts that must come out, with the counts.  Every case is run
 * again cut in two before each record, through a state file's body
 * (save, then load into fresh engines): the output must not change.  (A
 * cut before a quiet spell would change it: the idle timer is no state,
 * it starts again with the next record.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "tap.h"

#define S 1000000LL		/* a second in microseconds */

struct tcase {
	const char *name;
	struct rt_alert_conf c;
	/* Tokens: "a@10" a record of key a at 10 s (score 50), "a@10/90"
	 * with score 90; "~40" the input quiet for 40 s (--idle-timeout);
	 * the input ends after the last token. */
	const char *in;
	/* Out: "3" the alert of record 3, "3+2" with 2 suppressed before
	 * it, "S4/1" a summary of 4 throttled (1 suppressed), "L3" record 3
	 * late for its --per period. */
	const char *want;
	uint64_t suppressed, throttled, outranked, late;
	int keys;		/* keys left at the end (-1: not checked) */
};

static const struct tcase cases[] = {
	{ "no engine: every record raised, in order", { 0 },
	    "a@0 a@1 b@2", "1 2 3", 0, 0, 0, 0, -1 },
	{ "suppress: within DUR of the last alert, counted in the next",
	    { .suppress = 10 * S }, "a@0 a@5 a@9 a@10 b@3 a@25",
	    "1 4+2 5 6", 2, 0, 0, 0, -1 },
	{ "suppress: either side of the last alert",
	    { .suppress = 10 * S }, "a@10 a@3 a@21", "1 3+1", 1, 0, 0, 0,
	    -1 },
	{ "suppress: a key goes once the watermark passes its end",
	    { .suppress = 10 * S }, "a@0 b@30", "1 2", 0, 0, 0, 0, 1 },
	{ "suppress: a key with a count waiting stays",
	    { .suppress = 10 * S }, "a@0 a@5 b@30 a@31", "1 3 4+1", 1, 0, 0,
	    0, 2 },
	{ "max-keys: the least recent key is forgotten",
	    { .suppress = 100 * S, .max_keys = 2 }, "a@0 b@1 c@2 a@3 c@4",
	    "1 2 3 4", 1, 0, 0, 0, 2 },
	{ "max-keys: a key seen again is recent again",
	    { .suppress = 100 * S, .max_keys = 2 }, "a@0 b@1 a@2 c@3 a@4",
	    "1 2 4", 2, 0, 0, 0, 2 },
	{ "rate: N a period, a summary when the next starts",
	    { .rate_n = 2, .rate_per = 10 * S }, "a@0 a@1 a@2 a@3 a@11",
	    "1 2 S2/0 5", 0, 2, 0, 0, -1 },
	{ "rate: the summary when the watermark passes the period",
	    { .rate_n = 2, .rate_per = 10 * S }, "a@0 a@1 a@2 b@20",
	    "1 2 S1/0 4", 0, 1, 0, 0, -1 },
	{ "rate: the last summary at the end of input",
	    { .rate_n = 1, .rate_per = 10 * S }, "a@0 a@1", "1 S1/0", 0, 1,
	    0, 0, -1 },
	{ "rate and suppress: a throttled alert's count goes in the summary",
	    { .suppress = 5 * S, .rate_n = 1, .rate_per = 100 * S },
	    "a@0 a@1 a@6 b@7", "1 S2/1", 1, 2, 0, 0, -1 },
	{ "top: the K best of a period, when it closes",
	    { .top = 2, .per = 10 * S }, "a@0/10 b@1/30 c@2/20 d@3/5 e@12/1",
	    "2 3 5", 0, 0, 2, 0, -1 },
	{ "top: equal scores, the earlier first",
	    { .top = 1, .per = 10 * S }, "a@5/50 b@2/50", "2", 0, 0, 1, 0,
	    -1 },
	{ "top: equal scores and times, the first read",
	    { .top = 1, .per = 10 * S }, "a@5/50 b@5/50", "1", 0, 0, 1, 0,
	    -1 },
	{ "top: a record for a closed period is late",
	    { .top = 1, .per = 10 * S }, "a@0 b@15 c@5 d@16/99",
	    "1 L3 4", 0, 0, 1, 1, -1 },
	{ "top: periods open at once close in order",
	    { .top = 1, .per = 10 * S, .max_delay = 30 * S },
	    "a@25 b@5 c@15 d@60", "2 3 1 4", 0, 0, 0, 0, -1 },
	{ "max-delay: held until the watermark, then in time order",
	    { .max_delay = 5 * S }, "a@10 b@8 c@12 d@20", "2 1 3 4", 0, 0, 0,
	    0, -1 },
	{ "max-delay: a record behind the watermark goes at once",
	    { .max_delay = 5 * S }, "a@10 b@2", "2 1", 0, 0, 0, 0, -1 },
	{ "max-delay: equal times keep their order",
	    { .max_delay = 5 * S }, "a@10 b@10 c@9 d@30", "3 1 2 4", 0, 0, 0,
	    0, -1 },
	{ "max-delay and suppress: suppression in event-time order",
	    { .max_delay = 5 * S, .suppress = 10 * S }, "a@10 a@4",
	    "2", 1, 0, 0, 0, -1 },
	{ "max-delay, rate, suppress together",
	    { .max_delay = 5 * S, .suppress = 3 * S, .rate_n = 2,
	    .rate_per = 10 * S }, "a@4 a@2 b@3 a@6 c@1 a@30",
	    "5 2 S2/1 6", 1, 2, 0, 0, -1 },
	{ "idle: a quiet input moves event time on",
	    { .max_delay = 5 * S, .idle = 30 * S }, "a@10 ~40 b@100",
	    "1 2", 0, 0, 0, 0, -1 },
	{ "idle: not before the timeout",
	    { .max_delay = 50 * S, .idle = 30 * S }, "a@10 ~20 b@12",
	    "1 2", 0, 0, 0, 0, -1 },
	{ "idle: a period closes with the wall clock",
	    { .top = 1, .per = 10 * S, .idle = 5 * S }, "a@1 ~10 b@8/99",
	    "1 L2", 0, 0, 0, 1, -1 },
};

/* What the engines did, as text. */
struct got {
	char out[512];
	uint64_t drops;
};

static unsigned long long
member(const char *json, const char *name)
{
	const char *p = strstr(json, name);

	return p ? strtoull(p + strlen(name), NULL, 10) : 999;
}

static void
put(struct got *g, const char *s)
{
	size_t n = strlen(g->out);

	snprintf(g->out + n, sizeof g->out - n, "%s%s", n ? " " : "", s);
}

static void
on_emit(void *arg, const char *json, size_t n, uint64_t line, int summary)
{
	char *j = strndup(json, n), tok[64];
	unsigned long long supp = member(j, "\"suppressed\":");

	if (summary)
		snprintf(tok, sizeof tok, "S%llu/%llu",
		    member(j, "\"throttled\":"), supp);
	else if (supp)
		snprintf(tok, sizeof tok, "%llu+%llu", (unsigned long long)line,
		    supp);
	else
		snprintf(tok, sizeof tok, "%llu", (unsigned long long)line);
	put(arg, tok);
	free(j);
}

static void
on_drop(void *arg)
{
	((struct got *)arg)->drops++;
}

static void
on_broken(void *arg, const char *what)
{
	(void)arg;
	fprintf(stderr, "broken: %s\n", what);
	abort();
}

static void
start(struct rt_alert *a, const struct tcase *tc, struct got *g)
{
	static char *keys[] = { "k" };
	struct rt_alert_conf c = tc->c;
	struct rt_alert_hooks h = { on_emit, on_drop, on_broken, g };

	c.keys = keys;
	c.nkeys = 1;
	c.by = "_score";
	c.when = c.time_field = "";
	rt_alert_init(a, &c, &h);
}

/* The input has been quiet for sec seconds: the last record came that
 * long ago by the wall clock, and the wait for input times out at once. */
static void
quiet(struct rt_alert *a, long sec)
{
	a->clock.last_wall = rt_time_now_us() - sec * S;
	if (rt_alert_wait(a, NULL, 0, 0) != 0)
		abort();
}

/* Feed token tok (record number *line when a record). */
static void
feed(struct rt_alert *a, struct got *g, const char *tok, uint64_t *line)
{
	char key[16], rec[128];
	long sec, score = 50;
	struct rt_jdoc d;

	if (tok[0] == '~') {
		quiet(a, atol(tok + 1));
		return;
	}
	if (sscanf(tok, "%15[^@]@%ld/%ld", key, &sec, &score) < 2)
		abort();
	snprintf(rec, sizeof rec, "{\"k\":\"%s\",\"_score\":%ld,"
	    "\"_class\":\"fraud\"}", key, score);
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, rec, strlen(rec)) != 0)
		abort();
	++*line;
	if (rt_alert_add(a, &d, rec, strlen(rec), sec * S, *line) ==
	    RT_ALERT_LATE) {
		snprintf(key, sizeof key, "L%llu", (unsigned long long)*line);
		put(g, key);
	}
	rt_alert_touch(a);
	rt_jdoc_release(&d);
}

/* Run tc, through a state file's body after cut tokens (-1: never),
 * with engines a (released by the caller). */
static void
run(const struct tcase *tc, int cut, struct got *g, struct rt_alert *a)
{
	char *in = strdup(tc->in), *tok, *save;
	uint64_t line = 0;
	int i = 0;

	memset(g, 0, sizeof *g);
	start(a, tc, g);
	for (tok = strtok_r(in, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save), i++) {
		if (i == cut) {
			struct rt_buf b = RT_BUF_INIT, why = RT_BUF_INIT;
			uint64_t counts[4] = { a->suppressed, a->throttled,
			    a->outranked, a->late };

			rt_alert_save(a, &b);
			rt_alert_release(a);
			start(a, tc, g);
			if (rt_alert_load(a, b.p, b.len, &why) != 0)
				diag("load: %s", rt_buf_cstr(&why));
			a->suppressed = counts[0];
			a->throttled = counts[1];
			a->outranked = counts[2];
			a->late = counts[3];
			rt_buf_release(&b);
			rt_buf_release(&why);
		}
		feed(a, g, tok, &line);
	}
	rt_alert_flush(a);
	free(in);
}

static void
one_case(const struct tcase *tc)
{
	struct rt_alert a;
	struct got g, g2;
	int ntok = 0, bad = 0, cuts = 0;
	const char *toks[32], *p;

	run(tc, -1, &g, &a);
	if (!is_str(g.out, tc->want, tc->name))
		diag("input: %s", tc->in);
	ok(a.suppressed == tc->suppressed && a.throttled == tc->throttled &&
	    a.outranked == tc->outranked && a.late == tc->late &&
	    g.drops == a.suppressed + a.throttled + a.outranked,
	    "%s: counts (%llu %llu %llu %llu, %llu dropped)", tc->name,
	    (unsigned long long)a.suppressed, (unsigned long long)a.throttled,
	    (unsigned long long)a.outranked, (unsigned long long)a.late,
	    (unsigned long long)g.drops);
	if (tc->keys >= 0)
		ok(a.supp.keymap.count == (uint32_t)tc->keys, "%s: %d keys left",
		    tc->name, tc->keys);
	ok(a.held.n == 0 && a.top.nper == 0 && a.rthr == 0,
	    "%s: nothing held after the end", tc->name);
	rt_alert_release(&a);
	for (p = tc->in; *p && ntok < 32; p += strcspn(p, " "),
	    p += *p == ' ')
		toks[ntok++] = p;
	for (int cut = 1; cut < ntok; cut++) {
		if (toks[cut][0] == '~')
			continue;
		cuts++;
		run(tc, cut, &g2, &a);
		if (strcmp(g2.out, g.out) != 0) {
			diag("cut at %d: '%s'", cut, g2.out);
			bad++;
		}
		rt_alert_release(&a);
	}
	ok(bad == 0 && cuts > 0, "%s: the same through a state at each of %d "
	    "cuts", tc->name, cuts);
}

/* The idle timer (its poll timeout is t_evclock's). */
static void
idle_timer(void)
{
	struct rt_alert a;
	struct got g;
	struct rt_alert_conf c = { .max_delay = 5 * S, .idle = 30 * S,
	    .by = "_score", .when = "", .time_field = "" };
	struct rt_jdoc d;
	const char *rec = "{\"k\":\"a\"}";

	memset(&g, 0, sizeof g);
	rt_alert_init(&a, &c, &(struct rt_alert_hooks){ on_emit, on_drop,
	    on_broken, &g });
	quiet(&a, 40);
	ok(rt_alert_newest(&a) == INT64_MIN, "idle: no time before a record");
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, rec, strlen(rec));
	rt_alert_add(&a, &d, rec, strlen(rec), 10 * S, 1);
	rt_alert_touch(&a);
	quiet(&a, 25);
	ok(a.held.n == 1 && rt_alert_newest(&a) == 10 * S,
	    "idle: nothing moves before the timeout");
	quiet(&a, 31);
	ok(a.held.n == 0 && strcmp(g.out, "1") == 0 &&
	    rt_alert_newest(&a) >= 41 * S && rt_alert_newest(&a) < 42 * S,
	    "idle: event time on by the quiet time");
	quiet(&a, 100);
	ok(rt_alert_newest(&a) < 42 * S, "idle: nothing waits, time stays");
	rt_jdoc_release(&d);
	rt_alert_release(&a);
}

/* A state with a key twice is refused, naming the line. */
static void
load_refused(void)
{
	struct rt_alert a;
	struct got g;
	struct rt_alert_conf c = { .suppress = 10 * S, .by = "_score",
	    .when = "", .time_field = "" };
	struct rt_buf why = RT_BUF_INIT;
	static const char body[] = "[\"t\",1,5000000,1,0,0]\n"
	    "[\"r\",0,0,0,0,0]\n[\"k\",\"a\",0,0]\n[\"k\",\"a\",0,0]\n";

	memset(&g, 0, sizeof g);
	rt_alert_init(&a, &c, &(struct rt_alert_hooks){ on_emit, on_drop,
	    on_broken, &g });
	ok(rt_alert_load(&a, body, sizeof body - 1, &why) == -1,
	    "state: a key twice is refused");
	is_str(rt_buf_cstr(&why), "line 4: damaged: a key twice",
	    "state: the reason names the line");
	rt_buf_release(&why);
	rt_alert_release(&a);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		one_case(&cases[i]);
	idle_timer();
	load_refused();
	return done_testing();
}
