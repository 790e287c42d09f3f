/*
 * t_sniff.c - keys sniffed ahead (lib/sniff.c) and records read as window
 * events (lib/wread.c): the hints each record's key gets, three, two and
 * one record ahead, and the hash handed to the engine, over tables of
 * lines (keys anywhere, escaped, bare, absent, two fields, the buffer
 * moving); then records into events, with every reason a record gives.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcheck.h"
#include "hash.h"
#include "json.h"
#include "tap.h"
#include "wopts.h"
#include "wread.h"

/* ---- sniffing ------------------------------------------------------ */

struct hints {
	uint64_t h[64][3];	/* per record: the hint of each stage, or 0 */
	size_t at;		/* the record being handled */
};

static void
hint(void *arg, uint64_t h, int stage)
{
	struct hints *hs = arg;
	size_t to = hs->at + 3 - (size_t)stage;	/* the record it is for */

	if (to < 64)
		hs->h[to][stage] = h;
}

struct scase {
	const char *name;
	char *keys[2];
	int nkeys;
	const char *lines[10];
	const char *key[10];	/* each line's key as the tool builds it;
				 * NULL: not sniffed (hash 0) */
	int moved;		/* hand the bytes ahead from a copy each time */
};

static const struct scase scases[] = {
	{ "one string key, anywhere in the line", { "card" }, 1,
	  { "{\"card\":\"a\",\"x\":1}", "{\"x\":2,\"card\":\"b\"}",
	    "{\"y\":\"card\",\"card\":\"c\"}", "{\"card\":\"a\"}",
	    "{\"x\":\"\\\"card\\\":\",\"card\":\"d\"}", "{\"card\":\"b\"}",
	    "{\"card\":\"e\"}", NULL },
	  { "\"a\"", "\"b\"", "\"c\"", "\"a\"", "\"d\"", "\"b\"", "\"e\"" },
	  0 },
	{ "escaped and absent keys are skipped, bare values sniffed",
	  { "k" }, 1,
	  { "{\"k\":1}", "{\"k\":\"a\\\"b\"}", "{\"j\":1}", "{\"k\":42,\"x\":0}",
	    "{\"k\":true}", "{\"k\" : 3}", "{\"k\":7}", "{\"k\":8}", NULL },
	  { "1", NULL, NULL, "42", "true", NULL, "7", "8" }, 0 },
	{ "two key fields", { "a", "b" }, 2,
	  { "{\"a\":1,\"b\":\"x\"}", "{\"b\":\"y\",\"a\":2}", "{\"a\":3}",
	    "{\"a\":1,\"b\":\"x\"}", "{\"a\":5,\"b\":\"z\"}", NULL },
	  { "1\0\"x\"", "2\0\"y\"", NULL, "1\0\"x\"", "5\0\"z\"" }, 0 },
	{ "the buffer moving between calls", { "card" }, 1,
	  { "{\"card\":\"a\"}", "{\"card\":\"b\"}", "{\"card\":\"c\"}",
	    "{\"card\":\"d\"}", "{\"card\":\"e\"}", "{\"card\":\"f\"}", NULL },
	  { "\"a\"", "\"b\"", "\"c\"", "\"d\"", "\"e\"", "\"f\"" }, 1 },
};

/* The key text's length: a two-field key holds a NUL. */
static size_t
key_len(const struct scase *sc, const char *k)
{
	size_t n = strlen(k);

	if (sc->nkeys == 2)
		n += 1 + strlen(k + n + 1);
	return n;
}

static void
sniff_case(const struct scase *sc)
{
	struct hints hs;
	struct rt_sniff s;
	struct rt_buf all = RT_BUF_INIT;
	size_t off[11], n = 0, bad = 0;

	memset(&hs, 0, sizeof hs);
	for (n = 0; sc->lines[n]; n++) {
		off[n] = all.len;
		rt_buf_adds(&all, sc->lines[n]);
		rt_buf_addc(&all, '\n');
	}
	off[n] = all.len;
	rt_sniff_init(&s, sc->keys, sc->nkeys, hint, &hs);
	for (size_t i = 0; i < n; i++) {
		const char *p = all.p + off[i + 1];
		size_t left = all.len - off[i + 1];
		char *copy = sc->moved ? malloc(left + 1) : NULL;
		uint64_t h, want;

		if (copy) {
			memcpy(copy, p, left);
			p = copy;
		}
		hs.at = i;
		rt_sniff_next(&s, p, left);
		free(copy);
		/* Record i is handled now: its hash, if it was sniffed. */
		want = sc->key[i] && i >= 3 ? rt_hash(sc->key[i],
		    key_len(sc, sc->key[i])) : 0;
		h = sc->key[i] ? rt_sniff_hash(&s, sc->key[i],
		    key_len(sc, sc->key[i])) : 0;
		if (h != want)
			bad++;
		/* The hints it got, at the three calls before (from the
		 * fourth record on). */
		if (i >= 3 && sc->key[i] && !sc->moved)
			for (int st = 0; st < 3; st++)
				bad += hs.h[i][st] != want;
		if (i >= 3 && !sc->key[i])
			for (int st = 0; st < 3; st++)
				bad += hs.h[i][st] != 0;
	}
	ok(bad == 0, "sniff: %s", sc->name);
	rt_sniff_release(&s);
	rt_buf_release(&all);
}

/* A key that is the sniffed one's but for its bytes gets no hash. */
static void
sniff_mismatch(void)
{
	char *keys[] = { "k" };
	struct hints hs;
	struct rt_sniff s;
	const char *text = "{\"k\":\"a\"}\n{\"k\":\"b\"}\n{\"k\":\"c\"}\n"
	    "{\"k\":\"d\"}\n";

	memset(&hs, 0, sizeof hs);
	rt_sniff_init(&s, keys, 1, hint, &hs);
	for (int i = 0; i < 3; i++)
		rt_sniff_next(&s, text + 10 * (i + 1), strlen(text) - 10 *
		    (size_t)(i + 1));
	rt_sniff_next(&s, "", 0);
	ok(rt_sniff_hash(&s, "\"d\"", 3) == rt_hash("\"d\"", 3) &&
	    rt_sniff_hash(&s, "\"x\"", 3) == 0 &&
	    rt_sniff_hash(&s, "\"d\" ", 4) == 0,
	    "sniff: the hash only for the key sniffed, byte for byte");
	rt_sniff_release(&s);
}

/* ---- records into events ------------------------------------------- */

static void
nohint(void *arg, uint64_t h, int stage)
{
	(void)arg;
	(void)h;
	(void)stage;
}

struct rcase {
	const char *rec;
	enum rt_wread_status want;
	const char *why;	/* BADTIME: the reason; NOKEY: the field */
	const char *key;	/* OK: the key text ('|' for NUL) */
	double x;		/* OK: sum:x's number (NAN: none) */
	int dist;		/* OK: distinct:c has a value */
	unsigned cond;		/* OK: count_if bits */
	const char *prev;	/* OK: prev:p's text, or NULL */
};

static const struct rcase rcases[] = {
	{ "{\"ts\":\"2024-03-01T00:00:00Z\",\"k\":\"a\",\"j\":1,\"x\":2.5,"
	  "\"c\":\"FR\",\"f\":\"1\",\"p\":[1]}", RT_WR_OK, NULL, "\"a\"|1",
	  2.5, 1, 1, "[1]" },
	{ "{\"j\":2,\"k\":\"b\",\"ts\":1709251200,\"x\":\"7\",\"c\":null,"
	  "\"f\":1}", RT_WR_OK, NULL, "\"b\"|2", 7, 0, 1, NULL },
	{ "{\"ts\":\"2024-03-01T00:00:00Z\",\"k\":{\"z\":1},\"j\":null,"
	  "\"x\":\"x\",\"f\":2}", RT_WR_OK, NULL, "{\"z\":1}|null", NAN, 0, 0,
	  NULL },
	{ "{\"k\":\"a\",\"j\":1}", RT_WR_BADTIME, "time field missing" , NULL, 0, 0, 0, NULL },
	{ "{\"ts\":\"not a time\",\"k\":\"a\",\"j\":1}", RT_WR_BADTIME,
	  NULL , NULL, 0, 0, 0, NULL },
	{ "{\"ts\":\"10000-01-01T00:00:00Z\",\"k\":\"a\",\"j\":1}",
	  RT_WR_BADTIME, NULL , NULL, 0, 0, 0, NULL },
	{ "{\"ts\":-99999999999,\"k\":\"a\",\"j\":1}", RT_WR_BADTIME,
	  "time out of range" , NULL, 0, 0, 0, NULL },
	{ "{\"ts\":1709251200,\"j\":1}", RT_WR_NOKEY, "k" , NULL, 0, 0, 0, NULL },
	{ "{\"ts\":1709251200,\"k\":1}", RT_WR_NOKEY, "j" , NULL, 0, 0, 0, NULL },
};

static void
wread_cases(void)
{
	struct rt_wopts o;
	struct rt_wread r;
	struct rt_jdoc d;
	struct rt_timeopt topt;
	int bad = 0, due = 0;

	rt_wopts_init(&o);
	rt_wopts_keys(&o, "k,j");
	(void)rt_wopts_sliding(&o, 1000000, "1s");
	(void)rt_wopts_agg(&o, "sum:x");
	(void)rt_wopts_agg(&o, "distinct:c");
	(void)rt_wopts_agg(&o, "count_if:f=1");
	(void)rt_wopts_agg(&o, "prev:p");
	if (rt_wopts_finish(&o) != NULL)
		exit(1);
	rt_wread_init(&r, &o.c, "ts", nohint, NULL);
	rt_jdoc_init(&d, 0);
	memset(&topt, 0, sizeof topt);
	topt.unit = RT_TU_S;
	for (size_t i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		const struct rcase *c = &rcases[i];
		struct rt_wev ev;
		enum rt_wread_status st;
		int good = 1;

		if (rt_jdoc_parse(&d, c->rec, strlen(c->rec)) != 0) {
			ok(0, "record %zu parses", i);
			continue;
		}
		memset(&ev, 0, sizeof ev);
		st = rt_wread_record(&r, &d, &topt, &ev);
		good = st == c->want;
		if (good && st == RT_WR_BADTIME)
			good = c->why == NULL ? r.why != NULL :
			    strcmp(r.why, c->why) == 0;
		if (good && st == RT_WR_NOKEY)
			good = strcmp(o.c.keys[r.nokey], c->why) == 0;
		if (good && st == RT_WR_OK) {
			char key[64];

			memcpy(key, ev.key, ev.klen < 63 ? ev.klen : 63);
			key[ev.klen < 63 ? ev.klen : 63] = '\0';
			for (char *q = key; q < key + ev.klen && q < key + 63; q++)
				if (*q == '\0')
					*q = '|';
			good = strcmp(key, c->key) == 0 &&
			    (isnan(c->x) ? isnan(ev.num[0]) : ev.num[0] == c->x) &&
			    (ev.dh[0] != 0) == c->dist && ev.cond == c->cond &&
			    (c->prev ? ev.prev[0] && ev.prevlen[0] ==
			    strlen(c->prev) && memcmp(ev.prev[0], c->prev,
			    ev.prevlen[0]) == 0 : ev.prev[0] == NULL) &&
			    ev.t >= 1709251200000000LL && ev.hash == 0;
		}
		if (!good) {
			printf("# record %zu: status %d (%s) key %.*s x %g "
			    "dh %llu cond %u t %lld\n", i, (int)st,
			    r.why ? r.why : "", (int)ev.klen, ev.key ? ev.key :
			    "", ev.num ? ev.num[0] : 0, ev.dh ? (unsigned long
			    long)ev.dh[0] : 0, ev.cond, (long long)ev.t);
			bad++;
		}
	}
	ok(bad == 0, "wread: %zu records into events, or their reasons",
	    sizeof rcases / sizeof rcases[0]);
	/* A second -k field no record has: the verdict is due once, at the
	 * RT_FCHECK_N-th record looked at, and names it. */
	rt_wread_release(&r);
	rt_wopts_release(&o);
	rt_wopts_init(&o);
	rt_wopts_keys(&o, "k,zz");
	(void)rt_wopts_sliding(&o, 1000000, "1s");
	if (rt_wopts_finish(&o) != NULL)
		exit(1);
	rt_wread_init(&r, &o.c, "ts", nohint, NULL);
	(void)rt_jdoc_parse(&d, "{\"ts\":1,\"k\":1}", 14);
	for (int i = 0; i < RT_FCHECK_N + 10; i++) {
		struct rt_wev ev;

		(void)rt_wread_record(&r, &d, &topt, &ev);
		if (r.fc_due) {
			due += i + 1 == RT_FCHECK_N ? 1 : 100;
			r.fc.told = 1;	/* as rt_cli_fcheck does */
		}
	}
	{
		int at = 0;
		const char *opt = NULL, *name = rt_fcheck_unseen(&r.fc, &at,
		    &opt);

		ok(due == 1 && name && strcmp(name, "zz") == 0 &&
		    strcmp(opt, "-k") == 0 && rt_fcheck_unseen(&r.fc, &at,
		    &opt) == NULL, "wread: a -k field no record has, told once");
	}
	rt_jdoc_release(&d);
	rt_wread_release(&r);
	rt_wopts_release(&o);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof scases / sizeof scases[0]; i++)
		sniff_case(&scases[i]);
	sniff_mismatch();
	wread_cases();
	return done_testing();
}
