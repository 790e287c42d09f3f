/*
 * t_rfields.c - rule fields checked for misspellings (lib/rfields.c):
 * against a schema's "properties" (the first rule and field missing
 * named, schema files refused with their reason) and against the first
 * records (which fields no record had, in rule order, resumed after each
 * answer).  The rules are built by hand: only their names, lines and
 * fields matter here.  Then random rules and records against a count of
 * which fields the generator put in some record.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rfields.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_rfields.XXXXXX";
static char path[64];

/* Rules "r1" (fields amount, card) at line 3 and "r2" (country,
 * amount, mcc) at line 7 of "rules.txt". */
static char *f1[] = { "amount", "card" };
static char *f2[] = { "country", "amount", "mcc" };
static struct rt_rule rules2[] = {
	{ .name = "r1", .line = 3, .fields = f1, .nfields = 2 },
	{ .name = "r2", .line = 7, .fields = f2, .nfields = 3 },
};

static void
set_rules(struct rt_rules *rs, struct rt_rule *r, size_t n)
{
	memset(rs, 0, sizeof *rs);
	rs->path = "rules.txt";
	rs->r = r;
	rs->n = n;
}

static void
test_schema(void)
{
	static const struct {
		const char *text;	/* NULL: no file */
		int rc;
		const char *why;	/* %s: the path */
	} t[] = {
		{ "{\"properties\":{\"amount\":{},\"card\":{},\"country\":{},"
		  "\"mcc\":{\"type\":\"string\"}}}", 0, "" },
		{ "{\"type\":\"object\",\"properties\":{\"amount\":1,"
		  "\"card\":1,\"count\\u0072y\":1,\"mcc\":1,\"other\":1}}",
		  0, "" },
		{ "{\"properties\":{\"amount\":{},\"card\":{},\"country\":{}}}",
		  -1, "rules.txt:7: rule 'r2': field 'mcc' is not a property "
		  "in %s" },
		{ "{\"properties\":{\"amount\":{},\"country\":{},\"mcc\":{}}}",
		  -1, "rules.txt:3: rule 'r1': field 'card' is not a property "
		  "in %s" },
		{ "{\"properties\":{\"Amount\":{},\"card\":{}}}", -1,
		  "rules.txt:3: rule 'r1': field 'amount' is not a property "
		  "in %s" },
		/* Nested properties do not count: only the top level. */
		{ "{\"properties\":{\"x\":{\"properties\":{\"amount\":{},"
		  "\"card\":{},\"country\":{},\"mcc\":{}}}}}", -1,
		  "rules.txt:3: rule 'r1': field 'amount' is not a property "
		  "in %s" },
		{ "{\"type\":\"object\"}", -1,
		  "%s: not a schema with \"properties\"" },
		{ "{\"properties\":[\"amount\"]}", -1,
		  "%s: not a schema with \"properties\"" },
		{ "[]", -1, "%s: not a schema with \"properties\"" },
		{ "{\"properties\":{}", -1,
		  "%s: not a schema with \"properties\"" },
		{ "", -1, "%s: not a schema with \"properties\"" },
		{ NULL, -1, "%s: No such file or directory" },
	};
	struct rt_rules rs;
	char want[256];

	set_rules(&rs, rules2, 2);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct rt_buf err = RT_BUF_INIT;
		int rc;

		unlink(path);
		if (t[i].text && tap_put(path, t[i].text) != 0) {
			ok(0, "write %s", path);
			continue;
		}
		{
			/* The reason with the path put in for "%s". */
			const char *at = strstr(t[i].why, "%s");

			if (at)
				snprintf(want, sizeof want, "%.*s%s%s",
				    (int)(at - t[i].why), t[i].why, path,
				    at + 2);
			else
				snprintf(want, sizeof want, "%s", t[i].why);
		}
		rc = rt_rfields_schema(&rs, path, &err);
		ok(rc == t[i].rc, "schema %s: %d", t[i].text ? t[i].text :
		    "(no file)", rc);
		is_str(rt_buf_cstr(&err), want, "  the reason");
		rt_buf_release(&err);
	}
	set_rules(&rs, NULL, 0);
	tap_put(path, "{\"properties\":{}}");
	{
		struct rt_buf err = RT_BUF_INIT;

		ok(rt_rfields_schema(&rs, path, &err) == 0 && err.len == 0,
		    "no rules: nothing missing");
		rt_buf_release(&err);
	}
	unlink(path);
}

/* The unseen fields as "rule.field ..." after the records. */
static void
unseen(struct rt_rfcheck *c, const struct rt_rules *rs, char *out,
    size_t cap)
{
	size_t i = 0, at = 0;
	int j = 0;

	out[0] = '\0';
	while (rt_rfcheck_unseen(c, rs, &i, &j) == 1 && at < cap) {
		at += (size_t)snprintf(out + at, cap - at, "%s%s.%s",
		    at ? " " : "", rs->r[i].name, rs->r[i].fields[j]);
		j++;
	}
}

static void
test_check(void)
{
	static const struct {
		const char *recs[4];
		const char *want;
	} t[] = {
		{ { NULL }, "r1.amount r1.card r2.country r2.amount r2.mcc" },
		{ { "{\"amount\":1}", NULL }, "r1.card r2.country r2.mcc" },
		{ { "{\"amount\":1,\"card\":null}", "{\"country\":\"FR\","
		    "\"mcc\":[]}", NULL }, "" },
		{ { "{\"x\":{\"amount\":1,\"card\":2}}", "[\"card\"]",
		    "{\"Card\":1,\"amount \":2}", NULL },
		  "r1.amount r1.card r2.country r2.amount r2.mcc" },
		{ { "{\"m\\u0063c\":1}", "{\"card\":1}", NULL },
		  "r1.amount r2.country r2.amount" },
	};
	struct rt_rules rs;
	struct rt_jdoc d;
	char got[256];

	set_rules(&rs, rules2, 2);
	rt_jdoc_init(&d, 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct rt_rfcheck c;
		int n = 0;

		rt_rfcheck_init(&c, &rs);
		for (; t[i].recs[n]; n++)
			if (rt_jdoc_parse(&d, t[i].recs[n],
			    strlen(t[i].recs[n])) == 0)
				rt_rfcheck_look(&c, &rs, &d);
		ok(c.looked == (uint64_t)n && c.done == 0, "%d records looked "
		    "at", n);
		unseen(&c, &rs, got, sizeof got);
		is_str(got, t[i].want, "  the fields none of them had");
		ok(c.done == 1, "  the verdict given");
		rt_rfcheck_release(&c);
		ok(c.seen == NULL && c.n == 0, "  released");
	}
	{
		struct rt_rfcheck c;
		size_t ri = 2;
		int j = 0;

		rt_rfcheck_init(&c, &rs);
		ok(rt_rfcheck_unseen(&c, &rs, &ri, &j) == 0,
		    "unseen from past the last rule: 0");
		rt_rfcheck_release(&c);
		set_rules(&rs, NULL, 0);
		rt_rfcheck_init(&c, &rs);
		ri = 0;
		ok(rt_rfcheck_unseen(&c, &rs, &ri, &j) == 0, "no rules: 0");
		rt_rfcheck_release(&c);
	}
	rt_jdoc_release(&d);
}

/* Random rules over fields f0..f9 and random records of some of them:
 * unseen lists exactly the (rule, field) pairs whose field no record
 * had, in order. */
static void
test_random(void)
{
	static char *names[10] = { "f0", "f1", "f2", "f3", "f4", "f5", "f6",
	    "f7", "f8", "f9" };
	struct rt_buf rec = RT_BUF_INIT;
	struct rt_jdoc d;
	uint64_t seed = 5;
	int bad = 0;

	rt_jdoc_init(&d, 0);
	for (int round = 0; round < 300; round++) {
		char *fields[6][5];
		struct rt_rule r[6];
		struct rt_rules rs;
		struct rt_rfcheck c;
		int had[10] = { 0 }, nr = (int)(tap_xorshift(&seed) % 6);
		int nrec = (int)(tap_xorshift(&seed) % 5);
		size_t i = 0;
		int j = 0, pairs = 0, answered = 0;

		memset(r, 0, sizeof r);
		for (int k = 0; k < nr; k++) {
			r[k].name = "r";
			r[k].fields = fields[k];
			r[k].nfields = (int)(tap_xorshift(&seed) % 5);
			for (int f = 0; f < r[k].nfields; f++)
				fields[k][f] = names[tap_xorshift(&seed) % 10];
		}
		set_rules(&rs, r, (size_t)nr);
		rt_rfcheck_init(&c, &rs);
		for (int n = 0; n < nrec; n++) {
			rec.len = 0;
			rt_buf_addc(&rec, '{');
			for (int f = 0; f < 10; f++)
				if (tap_xorshift(&seed) % 5 == 0) {
					rt_buf_printf(&rec, "%s\"f%d\":%d",
					    rec.len > 1 ? "," : "", f, n);
					had[f] = 1;
				}
			rt_buf_addc(&rec, '}');
			if (rt_jdoc_parse(&d, rec.p, rec.len) == 0)
				rt_rfcheck_look(&c, &rs, &d);
		}
		for (int k = 0; k < nr; k++)
			for (int f = 0; f < r[k].nfields; f++)
				pairs += !had[fields[k][f][1] - '0'];
		while (rt_rfcheck_unseen(&c, &rs, &i, &j) == 1) {
			if (had[r[i].fields[j][1] - '0'])
				bad++;
			answered++;
			j++;
		}
		if (answered != pairs)
			bad++;
		rt_rfcheck_release(&c);
	}
	ok(bad == 0, "300 random rule sets and records: every unseen field, "
	    "only those");
	rt_jdoc_release(&d);
	rt_buf_release(&rec);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(path, sizeof path, "%s/schema.json", tmpdir);
	test_schema();
	test_check();
	test_random();
	rmdir(tmpdir);
	return done_testing();
}
