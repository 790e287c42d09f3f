/*
 * t_clean.c - rt-clean's rules (lib/clean.c), as rt-clean(1) orders them:
 * key normalisation (rt_clean_key), renames, --select and --drop, trims,
 * typed fields (number, integer, bool, time), case, defaults, required
 * fields, duplicate keys and --dedupe with and without a window; the
 * setup errors; rt_clean_unseen; the --dedupe state saved and loaded.
 * Each case is a set of rules and records with the exact output or
 * reason.  A seeded generator checks that records no rule touches pass
 * through byte for byte, and that keys lowered are the only change.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "clean.h"
#include "number.h"
#include "reject.h"
#include "source.h"
#include "tap.h"

#define K RT_REJ_KEY
#define KE RT_REJ_KEYEND

static void
test_key(void)
{
	static const struct {
		enum rt_keys mode;
		int trim;
		const char *in, *want;
	} t[] = {
		{ RT_KEYS_ASIS, 0, " Card ID ", " Card ID " },
		{ RT_KEYS_ASIS, 1, " Card ID ", "Card ID" },
		{ RT_KEYS_ASIS, 1, "\xc2\xa0x\t", "x" },	/* NBSP, tab */
		{ RT_KEYS_ASIS, 1, "   ", "" },
		{ RT_KEYS_LOWER, 0, "CardID", "cardid" },
		{ RT_KEYS_LOWER, 0, " ÄB ", " Äb " },	/* ASCII only */
		{ RT_KEYS_SNAKE, 0, "cardID", "card_id" },
		{ RT_KEYS_SNAKE, 0, "HTTPServer", "http_server" },
		{ RT_KEYS_SNAKE, 0, "Card ID", "card_id" },
		{ RT_KEYS_SNAKE, 0, " card--id ", "card_id" },	/* trims */
		{ RT_KEYS_SNAKE, 0, "__a__b__", "a_b" },
		{ RT_KEYS_SNAKE, 0, "amount2USD", "amount2_usd" },
		{ RT_KEYS_SNAKE, 0, "ABC", "abc" },
		{ RT_KEYS_SNAKE, 0, "aB", "a_b" },
		{ RT_KEYS_SNAKE, 0, "--", "" },
		{ RT_KEYS_SNAKE, 0, "", "" },
		{ RT_KEYS_SNAKE, 0, "\xc3\xa9t\xc3\xa9 Date", "\xc3\xa9t\xc3\xa9_date" },
	};
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		b.len = 0;
		rt_clean_key(t[i].mode, t[i].trim, t[i].in, strlen(t[i].in), &b);
		is_str(rt_buf_cstr(&b), t[i].want, t[i].in);
	}
	b.len = 0;
	rt_clean_key(RT_KEYS_LOWER, 0, "A\0B", 3, &b);
	ok(b.len == 3 && memcmp(b.p, "a\0b", 3) == 0, "a NUL in a key is kept");
	rt_buf_release(&b);
}

static int
clean(struct rt_clean *c, const char *text, size_t n, const char **why)
{
	struct rt_rec r;

	memset(&r, 0, sizeof r);
	r.p = r.raw = text;
	r.len = r.rawlen = n;
	r.source = "t";
	r.line = 1;
	return rt_clean_record(c, &r, why);
}

/* Apply rule words: "number:F", "integer:F", "bool:F", "time:F",
 * "upper:F", "lower:F", "require:F", "select:F", "drop:F",
 * "default:F=V", "rename:A=B", "keys:lower|snake", "notrim",
 * "dropempty", "comma", "dedupe:F", "dedupew:F" (a window of 10s).
 * The first error, or NULL. */
static const char *
rules(struct rt_clean *c, const char *const *w)
{
	static const struct {
		const char *word;
		unsigned flag;
	} fl[] = {
		{ "number:", RT_CF_NUMBER }, { "integer:", RT_CF_INTEGER },
		{ "bool:", RT_CF_BOOL }, { "time:", RT_CF_TIME },
		{ "upper:", RT_CF_UPPER }, { "lower:", RT_CF_LOWER },
		{ "require:", RT_CF_REQUIRE }, { "select:", RT_CF_SELECT },
		{ "drop:", RT_CF_DROP },
	};
	const char *err = NULL;

	for (; *w && err == NULL; w++) {
		const char *a = strchr(*w, ':') ? strchr(*w, ':') + 1 : "";
		size_t i;

		for (i = 0; i < sizeof fl / sizeof fl[0]; i++)
			if (strncmp(*w, fl[i].word, strlen(fl[i].word)) == 0)
				break;
		if (i < sizeof fl / sizeof fl[0])
			err = rt_clean_field(c, a, fl[i].flag);
		else if (strncmp(*w, "default:", 8) == 0)
			err = rt_clean_default(c, a);
		else if (strncmp(*w, "rename:", 7) == 0)
			err = rt_clean_rename(c, a);
		else if (strcmp(*w, "keys:lower") == 0)
			c->keys = RT_KEYS_LOWER;
		else if (strcmp(*w, "keys:snake") == 0)
			c->keys = RT_KEYS_SNAKE;
		else if (strcmp(*w, "notrim") == 0)
			c->trim = 0;
		else if (strcmp(*w, "dropempty") == 0)
			c->drop_empty = 1;
		else if (strcmp(*w, "comma") == 0)
			c->numflags |= RT_NUM_DECIMAL_COMMA;
		else if (strncmp(*w, "dedupe:", 7) == 0)
			err = rt_clean_dedupe(c, a, 0, 0);
		else if (strncmp(*w, "dedupew:", 8) == 0)
			err = rt_clean_dedupe(c, a, 10000000, 0);
		else
			err = "the test's unknown rule";
	}
	return err;
}

#define OUT RT_CLEAN_OUT
#define REJ RT_CLEAN_REJECT
#define DROP RT_CLEAN_DROP

struct rec {
	const char *in;
	int res;
	const char *want;	/* the output, or the reason */
};

static const struct {
	const char *what;
	const char *rules[8];
	struct rec r[6];
} cases[] = {
	{ "no rules: records pass as they are", { NULL }, {
	  { "{\"a\":1,\"b\":\"x\",\"c\":[1, 2],\"d\":{\"e\":null}}", OUT,
	    "{\"a\":1,\"b\":\"x\",\"c\":[1, 2],\"d\":{\"e\":null}}" },
	  { "{}", OUT, "{}" },
	  { " { \"a\" : 1 } ", OUT, "{\"a\":1}" },
	  { "[1]", REJ, "not a JSON object" },
	  { "{\"a\":1,\"a\":2}", REJ, "duplicate key " K "'a' " KE "(member 2)" },
	  { "{\"a\":", REJ, "invalid JSON: unexpected end of text at byte 6" },
	} },
	{ "trim: spaces, tabs, NBSP and escaped blanks at the ends", { NULL }, {
	  { "{\"a\":\" x \",\"b\":\"\\tq\\u0020\"}", OUT,
	    "{\"a\":\"x\",\"b\":\"q\"}" },
	  { "{\"a\":\"\xc2\xa0x y\xc2\xa0\"}", OUT, "{\"a\":\"x y\"}" },
	  { "{\"a\":\"x\\n\\\"\"}", OUT, "{\"a\":\"x\\n\\\"\"}" },
	  { "{\" k \":1}", OUT, "{\"k\":1}" },
	  { "{\"a\":\"   \"}", OUT, "{\"a\":\"\"}" },
	} },
	{ "notrim keeps the blanks", { "notrim", NULL }, {
	  { "{\" k \":\" x \"}", OUT, "{\" k \":\" x \"}" },
	} },
	{ "keys: snake_case; a key made twice is a duplicate",
	  { "keys:snake", NULL }, {
	  { "{\"cardID\":1,\"Amount USD\":2}", OUT,
	    "{\"card_id\":1,\"amount_usd\":2}" },
	  { "{\"card_id\":1,\"cardId\":2}", REJ,
	    "duplicate key " K "'card_id' " KE "(member 2)" },
	} },
	{ "rename after --keys, then rules by the new name",
	  { "keys:lower", "rename:amt=amount", "number:amount", NULL }, {
	  { "{\"AMT\":\"1,234.50\"}", OUT, "{\"amount\":1234.50}" },
	  { "{\"amount\":\"1\",\"Amt\":\"2\"}", REJ,
	    "duplicate key " K "'amount' " KE "(member 2)" },
	} },
	{ "number", { "number:n", NULL }, {
	  { "{\"n\":\"$12\"}", OUT, "{\"n\":12}" },
	  { "{\"n\":\"(12.00)\"}", OUT, "{\"n\":-12.00}" },
	  { "{\"n\":1.5e3}", OUT, "{\"n\":1.5e3}" },
	  { "{\"n\":null}", OUT, "{\"n\":null}" },
	  { "{\"n\":\"12,3,4\"}", REJ,
	    "n: cannot parse as a number: bad digit grouping" },
	  { "{\"n\":true}", REJ, "n: expected a number" },
	} },
	{ "decimal comma", { "number:n", "comma", NULL }, {
	  { "{\"n\":\"12,50\"}", OUT, "{\"n\":12.50}" },
	} },
	{ "integer", { "integer:n", NULL }, {
	  { "{\"n\":\"12.00\"}", OUT, "{\"n\":12}" },
	  { "{\"n\":1.2e3}", OUT, "{\"n\":1200}" },
	  { "{\"n\":7}", OUT, "{\"n\":7}" },
	  { "{\"n\":1.5}", REJ,
	    "n: cannot parse as an integer: not an integer" },
	  { "{\"n\":[1]}", REJ, "n: expected an integer" },
	} },
	{ "bool", { "bool:b", NULL }, {
	  { "{\"b\":\"Yes\"}", OUT, "{\"b\":true}" },
	  { "{\"b\":\"off\"}", OUT, "{\"b\":false}" },
	  { "{\"b\":0}", OUT, "{\"b\":false}" },
	  { "{\"b\":false}", OUT, "{\"b\":false}" },
	  { "{\"b\":\"maybe\"}", REJ, "b: cannot parse as a boolean" },
	  { "{\"b\":{}}", REJ, "b: expected a boolean" },
	} },
	{ "time: to RFC 3339 in UTC", { "time:ts", NULL }, {
	  { "{\"ts\":0}", OUT, "{\"ts\":\"1970-01-01T00:00:00.000Z\"}" },
	  { "{\"ts\":\"2024-03-01T12:00:00+02:00\"}", OUT,
	    "{\"ts\":\"2024-03-01T10:00:00.000Z\"}" },
	  { "{\"ts\":\"yesterday\"}", REJ,
	    "ts: cannot parse as a time: not a date-time" },
	  { "{\"ts\":[]}", REJ, "ts: expected a time" },
	} },
	{ "upper and lower", { "upper:u", "lower:l", NULL }, {
	  { "{\"u\":\"ab\\u00e9c\",\"l\":\"AbC\",\"x\":\"aB\"}", OUT,
	    "{\"u\":\"AB\xc3\xa9" "C\",\"l\":\"abc\",\"x\":\"aB\"}" },
	  { "{\"u\":5}", OUT, "{\"u\":5}" },
	} },
	{ "select keeps only the fields named", { "select:a", "select:c",
	  NULL }, {
	  { "{\"a\":1,\"b\":2,\"c\":3}", OUT, "{\"a\":1,\"c\":3}" },
	  { "{\"b\":2}", OUT, "{}" },
	} },
	{ "drop", { "drop:b", NULL }, {
	  { "{\"a\":1,\"b\":2,\"c\":3}", OUT, "{\"a\":1,\"c\":3}" },
	  { "{\"b\":2,\"b\":3}", REJ, "duplicate key " K "'b' " KE "(member 2)" },
	} },
	{ "defaults: JSON or a string, for missing or empty fields",
	  { "default:n=0", "default:s=n/a", "default:o={\"x\":1}", NULL }, {
	  { "{}", OUT, "{\"n\":0,\"s\":\"n/a\",\"o\":{\"x\":1}}" },
	  { "{\"s\":\"\",\"n\":null,\"o\":2}", OUT,
	    "{\"s\":\"n/a\",\"n\":0,\"o\":2}" },
	} },
	{ "a default is typed like the field", { "default:n= 12 ",
	  "integer:n", NULL }, {
	  { "{}", OUT, "{\"n\":12}" },
	} },
	{ "require", { "require:id", NULL }, {
	  { "{\"id\":1}", OUT, "{\"id\":1}" },
	  { "{\"id\":\"  \"}", REJ, "id: required field is empty" },
	  { "{\"id\":null}", REJ, "id: required field is empty" },
	  { "{}", REJ, "id: required field is missing" },
	} },
	{ "require sees a dropped field", { "require:id", "drop:id", NULL }, {
	  { "{\"id\":1,\"a\":2}", OUT, "{\"a\":2}" },
	  { "{\"a\":2}", REJ, "id: required field is missing" },
	} },
	{ "drop empty", { "dropempty", "default:d=1", NULL }, {
	  { "{\"a\":\"\",\"b\":null,\"c\":0,\"d\":\"\"}", OUT,
	    "{\"c\":0,\"d\":1}" },
	} },
	{ "dedupe: the second id is dropped", { "dedupe:id", NULL }, {
	  { "{\"id\":1,\"v\":1}", OUT, "{\"id\":1,\"v\":1}" },
	  { "{\"id\":2}", OUT, "{\"id\":2}" },
	  { "{\"id\":1,\"v\":2}", DROP, NULL },
	  { "{\"id\":\"1\"}", OUT, "{\"id\":\"1\"}" },
	  { "{\"v\":3}", OUT, "{\"v\":3}" },
	} },
	{ "dedupe on a dropped field", { "dedupe:id", "drop:id", NULL }, {
	  { "{\"id\":1,\"v\":1}", OUT, "{\"v\":1}" },
	  { "{\"id\":1,\"v\":2}", DROP, NULL },
	} },
	{ "dedupe on the cleaned value", { "dedupe:n", "number:n", NULL }, {
	  { "{\"n\":\"1,000\"}", OUT, "{\"n\":1000}" },
	  { "{\"n\":\"$1000\"}", DROP, NULL },
	} },
	{ "dedupe window of 10s on ts", { "dedupew:id", NULL }, {
	  { "{\"id\":1,\"ts\":100}", OUT, "{\"id\":1,\"ts\":100}" },
	  { "{\"id\":1,\"ts\":105}", DROP, NULL },
	  { "{\"id\":1,\"ts\":200}", OUT, "{\"id\":1,\"ts\":200}" },
	  { "{\"id\":1}", REJ,
	    "ts: time needed by --dedupe-window is missing or null" },
	} },
};

static void
test_cases(void)
{
	struct rt_timeopt topt;

	rt_timeopt_init(&topt);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rt_clean c;
		const char *err;
		int bad = 0;

		rt_clean_init(&c, &topt);
		if ((err = rules(&c, cases[i].rules)) != NULL) {
			ok(0, "%s: rules: %s", cases[i].what, err);
			rt_clean_release(&c);
			continue;
		}
		for (int j = 0; j < 6 && cases[i].r[j].in; j++) {
			const struct rec *r = &cases[i].r[j];
			const char *why = NULL;
			int got = clean(&c, r->in, strlen(r->in), &why);

			if (got != r->res) {
				diag("%s: '%s': %d, want %d (%s)", cases[i].what,
				    r->in, got, r->res, why ? why : "");
				bad++;
			} else if (got == OUT && (c.reslen != strlen(r->want) ||
			    memcmp(c.res, r->want, c.reslen) != 0)) {
				diag("%s: '%s': got '%.*s'", cases[i].what, r->in,
				    (int)c.reslen, c.res);
				bad++;
			} else if (got == REJ && strcmp(why, r->want) != 0) {
				diag("%s: '%s': why '%s'", cases[i].what, r->in,
				    why);
				bad++;
			}
		}
		ok(bad == 0, "%s", cases[i].what);
		rt_clean_release(&c);
	}
	rt_timeopt_release(&topt);
}

static void
test_setup(void)
{
	struct rt_timeopt topt;
	struct rt_clean c;
	size_t i = 0;
	const char *why, *name;

	rt_timeopt_init(&topt);
	rt_clean_init(&c, &topt);
	ok(rt_clean_field(&c, "a", RT_CF_NUMBER) == NULL &&
	    rt_clean_field(&c, "a", RT_CF_NUMBER | RT_CF_REQUIRE) == NULL,
	    "the same type twice, with another flag: fine");
	is_str(rt_clean_field(&c, "a", RT_CF_BOOL),
	    "a field can have only one type", "a second type: an error");
	is_str(rt_clean_default(&c, "=1"), "expected NAME=VALUE",
	    "default without a name");
	is_str(rt_clean_default(&c, "x"), "expected NAME=VALUE",
	    "default without '='");
	ok(rt_clean_default(&c, "x=") == NULL, "default of an empty string");
	is_str(rt_clean_rename(&c, "a="), "expected OLD=NEW",
	    "rename to nothing");
	is_str(rt_clean_rename(&c, "=b"), "expected NAME=VALUE",
	    "rename from nothing");
	ok(rt_clean_rename(&c, "a=b=c") == NULL, "rename at the first '='");
	rt_clean_release(&c);

	/* rt_clean_unseen: typed or cased fields no record held. */
	rt_clean_init(&c, &topt);
	rules(&c, (const char *const[]){ "number:amount", "upper:cur",
	    "require:id", "bool:ok", "default:ok=true", "integer:qty", NULL });
	clean(&c, "{\"amount\":1,\"id\":2}", 19, &why);
	clean(&c, "[]", 2, &why);
	name = rt_clean_unseen(&c, &i);
	is_str(name, "cur", "unseen: the first is 'cur'");
	name = rt_clean_unseen(&c, &i);
	is_str(name, "qty", "unseen: then 'qty' (not 'id', not 'ok')");
	ok(rt_clean_unseen(&c, &i) == NULL && rt_clean_unseen(&c, &i) == NULL,
	    "unseen: then none, and none again");
	rt_clean_release(&c);
	rt_timeopt_release(&topt);
}

/* The --dedupe memory saved by one run is what the next one loads. */
static void
test_state(void)
{
	struct rt_timeopt topt;
	struct rt_clean a, b;
	struct rt_buf cfg = RT_BUF_INIT, st = RT_BUF_INIT;
	const char *why;

	rt_timeopt_init(&topt);
	rt_clean_init(&a, &topt);
	rules(&a, (const char *const[]){ "dedupe:id", "keys:snake", NULL });
	rt_clean_config(&a, &cfg);
	is_str(rt_buf_cstr(&cfg), "dedupe=id\nflags=0 keys=2 trim=1 num=0 "
	    "max=0 window=0\n", "config names the settings");
	clean(&a, "{\"id\":1}", 8, &why);
	clean(&a, "{\"id\":2}", 8, &why);
	rt_clean_save(&a, &st);
	rt_clean_init(&b, &topt);
	rules(&b, (const char *const[]){ "dedupe:id", "keys:snake", NULL });
	ok(rt_clean_load(&b, st.p, st.len) == NULL, "the state loads");
	ok(clean(&b, "{\"id\":2}", 8, &why) == DROP &&
	    clean(&b, "{\"id\":1}", 8, &why) == DROP &&
	    clean(&b, "{\"id\":3}", 8, &why) == OUT,
	    "the loaded run drops the ids the first one kept");
	rt_clean_release(&b);
	rt_clean_init(&b, &topt);
	rules(&b, (const char *const[]){ "dedupe:id", NULL });
	ok(st.len > 0 && rt_clean_load(&b, st.p, st.len / 2) != NULL,
	    "a state cut in half is refused");
	rt_clean_release(&b);
	rt_clean_release(&a);
	rt_buf_release(&cfg);
	rt_buf_release(&st);
	rt_timeopt_release(&topt);
}

/* A random compact record: distinct keys k0..; values of each type, no
 * blank at a string's ends. */
static void
gen_record(uint64_t *s, struct rt_buf *b, int upper)
{
	static const char *const vals[] = { "1", "-2.5e3", "true", "false",
	    "null", "\"x y\"", "\"\\u00e9\\n.\"", "[1,{\"a\":[]}]", "{}",
	    "\"\"", "0" };
	int n = (int)(tap_xorshift(s) % 8);

	b->len = 0;
	rt_buf_addc(b, '{');
	for (int i = 0; i < n; i++) {
		if (i)
			rt_buf_addc(b, ',');
		rt_buf_printf(b, "\"%s%d\":%s", upper && (tap_xorshift(s) & 1) ?
		    "Key" : "key", i, vals[tap_xorshift(s) %
		    (sizeof vals / sizeof vals[0])]);
	}
	rt_buf_addc(b, '}');
}

static void
test_random(void)
{
	struct rt_timeopt topt;
	struct rt_clean c;
	struct rt_buf b = RT_BUF_INIT, want = RT_BUF_INIT;
	uint64_t seed = 15;
	const char *why;
	int bad = 0, bad2 = 0;

	rt_timeopt_init(&topt);
	rt_clean_init(&c, &topt);
	for (int i = 0; i < 3000; i++) {
		gen_record(&seed, &b, 1);
		if (clean(&c, b.p, b.len, &why) != OUT || c.reslen != b.len ||
		    memcmp(c.res, b.p, b.len) != 0) {
			if (bad++ == 0)
				diag("'%s' -> '%.*s'", b.p, (int)c.reslen, c.res);
		}
	}
	ok(bad == 0, "3000 random records no rule touches pass unchanged");
	rt_clean_release(&c);

	rt_clean_init(&c, &topt);
	c.keys = RT_KEYS_LOWER;
	for (int i = 0; i < 3000; i++) {
		gen_record(&seed, &b, 1);
		want.len = 0;
		rt_buf_add(&want, b.p, b.len);
		/* The reference: "Key" -> "key" outside the values; values
		 * hold no 'K'. */
		for (size_t j = 0; j < want.len; j++)
			if (want.p[j] == 'K')
				want.p[j] = 'k';
		if (clean(&c, b.p, b.len, &why) != OUT ||
		    c.reslen != want.len || memcmp(c.res, want.p, want.len) != 0) {
			if (bad2++ == 0)
				diag("'%s' -> '%.*s'", b.p, (int)c.reslen, c.res);
		}
	}
	ok(bad2 == 0, "3000 random records with --keys lower: only the keys "
	    "change");
	rt_clean_release(&c);
	rt_buf_release(&b);
	rt_buf_release(&want);
	rt_timeopt_release(&topt);
}

int
main(void)
{
	test_key();
	test_cases();
	test_setup();
	test_state();
	test_random();
	return done_testing();
}
