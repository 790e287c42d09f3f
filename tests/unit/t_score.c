/*
 * t_score.c - what rt-classify adds from its rules (score.h), its model
 * (lrmodel.h), and the checks of its rules' fields (rfields.h).
 */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jqb.h"
#include "lrmodel.h"
#include "rfields.h"
#include "tap.h"

static char dir[] = "/tmp/t_score.XXXXXX";

static const char *
file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static void
load(struct rt_rules *rs, const char *text)
{
	struct rt_rule_opts o;
	struct rt_buf err = RT_BUF_INIT;

	rt_rule_opts_init(&o);
	rt_rule_opts_done(&o, 1);
	if (rt_rules_load(rs, file("r", text), &o, &err) != 0)
		diag("%s", rt_buf_cstr(&err));
	rt_buf_release(&err);
}

/* The record rec with what s adds for outcomes res. */
static void
apply(struct rt_score *s, struct rt_rules *rs, const char *rec,
    const unsigned char *res, const double *prob, struct rt_buf *out)
{
	struct rt_jdoc d;
	struct rt_jedit e;

	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, rec, strlen(rec));
	rt_jedit_init(&e);
	rt_jedit_start(&e, &d);
	rt_score_apply(s, rs, res, prob, &e);
	out->len = 0;
	rt_jedit_finish(&e, out);
	rt_jedit_release(&e);
	rt_jdoc_release(&d);
}

static void
test_score(void)
{
	struct rt_score s;
	struct rt_rules rs;
	struct rt_buf out = RT_BUF_INIT, st = RT_BUF_INIT;
	const unsigned char r1[] = { RT_RULE_TRUE, RT_RULE_FALSE, RT_RULE_TRUE };
	const char *why;
	double p = 0.25;

	rt_score_init(&s);
	ok(rt_score_label(&s, "fraud=80", &why) == 0 &&
	    rt_score_label(&s, "review=40", &why) == 0 &&
	    rt_score_label(&s, "also=40", &why) == 0, "labels");
	ok(rt_score_label(&s, "x=abc", &why) == -1 &&
	    rt_score_label(&s, "=3", &why) == -1, "bad labels");
	load(&rs, "a 30 .a\nb\\\"q 5 .b\nc 20 .c\n");
	ok(rs.n == 0, "a bad rule name is refused");
	load(&rs, "a 30 .a\nb 5 .b\nc 20 .c\n");
	rt_score_rules(&s, &rs);
	apply(&s, &rs, "{\"x\":1}", r1, NULL, &out);
	is_str(rt_buf_cstr(&out), "{\"x\":1,\"_score\":50,\"_rules\":[\"a\","
	    "\"c\"],\"_class\":\"review\"}", "sum, the first of equal labels");
	s.combine_max = 1;
	apply(&s, &rs, "{\"x\":1}", r1, &p, &out);
	is_str(rt_buf_cstr(&out), "{\"x\":1,\"_score\":30,\"_rules\":[\"a\","
	    "\"c\"],\"_prob\":0.25,\"_class\":\"ok\"}", "max, a probability");
	rt_score_stats(&s, &rs, &st);
	is_str(rt_buf_cstr(&st), ",\"matches\":{\"a\":0,\"b\":0,\"c\":0},"
	    "\"errors\":{\"a\":0,\"b\":0,\"c\":0},\"classes\":{\"fraud\":0,"
	    "\"review\":1,\"also\":0,\"ok\":1}", "stats");
	rt_rules_free(&rs);
	rt_score_release(&s);
	rt_buf_release(&out);
	rt_buf_release(&st);
}

static void
test_model(void)
{
	struct rt_lrmodel m;
	struct rt_buf err = RT_BUF_INIT;
	struct rt_jdoc d;
	const char *rec = "{\"amount\":300,\"count\":\"n/a\"}";
	double want = 1 / (1 + exp(-(-3.0 + 1.2 * (300 - 100) / 200.0)));

	ok(rt_lrmodel_load(&m, file("m", "{\"intercept\":-3,\"features\":["
	    "{\"name\":\"amount\",\"mean\":100,\"std\":200,\"weight\":1.2},"
	    "{\"name\":\"count\",\"mean\":2,\"std\":0,\"weight\":0.8}]}"), &err)
	    == 0 && m.n == 2 && m.f[1].std == 1, "a model");
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, rec, strlen(rec));
	ok(fabs(rt_lrmodel_prob(&m, &d) - want) < 1e-15, "its probability; "
	    "text counts as the mean");
	rt_jdoc_release(&d);
	rt_lrmodel_free(&m);
	ok(rt_lrmodel_load(&m, file("m", "{\"intercept\":1,\"features\":[{"
	    "\"name\":\"a\",\"mean\":1,\"std\":1}]}"), &err) == -1 &&
	    strstr(rt_buf_cstr(&err), "feature 'a': \"weight\" must be a "
	    "number") != NULL && m.f == NULL, "a feature without weight: %s",
	    rt_buf_cstr(&err));
	rt_buf_release(&err);
}

static void
test_fields(void)
{
	struct rt_rules rs;
	struct rt_buf err = RT_BUF_INIT;
	struct rt_rfcheck c;
	struct rt_jdoc d;
	size_t i = 0;
	int j = 0, n = 0;

	load(&rs, "a 1 .amount > 1 and .country == \"FR\"\nb 1 .amonut > 1\n");
	ok(rt_rfields_schema(&rs, file("s", "{\"properties\":{\"amount\":{},"
	    "\"country\":{}}}"), &err) == -1 && strstr(rt_buf_cstr(&err),
	    ":2: rule 'b': field 'amonut' is not a property in") != NULL,
	    "a field not in the schema: %s", rt_buf_cstr(&err));
	rt_rfcheck_init(&c, &rs);
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, "{\"amount\":3,\"country\":\"FR\"}", 27);
	rt_rfcheck_look(&c, &rs, &d);
	while (rt_rfcheck_unseen(&c, &rs, &i, &j)) {
		n++;
		ok(i == 1 && j == 0, "the unseen field: rule %zu field %d", i, j);
		j++;
	}
	ok(n == 1 && c.done && c.looked == 1, "one unseen field");
	rt_jdoc_release(&d);
	rt_rfcheck_release(&c);
	rt_rules_free(&rs);
	rt_buf_release(&err);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 2;
	test_score();
	test_model();
	test_fields();
	rt_jqb_shutdown();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return done_testing();
}
