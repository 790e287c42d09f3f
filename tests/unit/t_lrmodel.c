/*
 * t_lrmodel.c - the logistic regression of rt-classify --model
 * (lib/lrmodel.c): model files refused with their reason, word for word,
 * and the model left empty; a good model read (escaped names, a std of 0
 * taken as 1); the probability of records with features present, missing,
 * given as strings and not numbers; then random models and records
 * against the formula computed here from the generator's numbers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lrmodel.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_lrmodel.XXXXXX";
static char path[64];

static void
test_refused(void)
{
	static const struct {
		const char *text;	/* NULL: no file */
		const char *why;	/* after "PATH: " */
	} t[] = {
		{ NULL, "No such file or directory" },
		{ "", "not a JSON object" },
		{ "[]", "not a JSON object" },
		{ "{\"intercept\":1", "not a JSON object" },
		{ "{\"features\":[]}", "a model needs \"intercept\" (a number) "
		  "and \"features\" (an array)" },
		{ "{\"intercept\":\"1\",\"features\":[]}", "a model needs "
		  "\"intercept\" (a number) and \"features\" (an array)" },
		{ "{\"intercept\":1,\"features\":{}}", "a model needs "
		  "\"intercept\" (a number) and \"features\" (an array)" },
		{ "{\"intercept\":1}", "a model needs \"intercept\" (a number) "
		  "and \"features\" (an array)" },
		{ "{\"intercept\":1,\"features\":[1]}", "feature 1: needs "
		  "\"name\", \"mean\", \"std\" and \"weight\"" },
		{ "{\"intercept\":1,\"features\":[{\"name\":\"a\",\"mean\":0,"
		  "\"std\":1,\"weight\":1},{\"mean\":0}]}", "feature 2: needs "
		  "\"name\", \"mean\", \"std\" and \"weight\"" },
		{ "{\"intercept\":1,\"features\":[{\"name\":7,\"mean\":0,"
		  "\"std\":1,\"weight\":1}]}", "feature 1: needs \"name\", "
		  "\"mean\", \"std\" and \"weight\"" },
		{ "{\"intercept\":1,\"features\":[{\"name\":\"a\",\"mean\":0,"
		  "\"std\":\"1\",\"weight\":1}]}",
		  "feature 'a': \"std\" must be a number" },
		{ "{\"intercept\":1,\"features\":[{\"name\":\"a\",\"std\":1,"
		  "\"weight\":1}]}", "feature 'a': \"mean\" must be a number" },
		{ "{\"intercept\":1,\"features\":[{\"name\":\"b\",\"mean\":0,"
		  "\"std\":1,\"weight\":null}]}",
		  "feature 'b': \"weight\" must be a number" },
	};
	char want[256];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct rt_buf err = RT_BUF_INIT;
		struct rt_lrmodel m;
		int rc;

		unlink(path);
		if (t[i].text && tap_put(path, t[i].text) != 0) {
			ok(0, "write %s", path);
			continue;
		}
		snprintf(want, sizeof want, "%s: %s", path, t[i].why);
		rc = rt_lrmodel_load(&m, path, &err);
		ok(rc == -1 && m.on == 0 && m.n == 0 && m.f == NULL,
		    "refused, the model empty: %s", t[i].text ? t[i].text :
		    "(no file)");
		is_str(rt_buf_cstr(&err), want, "  the reason");
		rt_buf_release(&err);
	}
	unlink(path);
}

static void
test_good(void)
{
	static const struct {
		const char *rec;
		double z;	/* the linear part */
	} t[] = {
		{ "{\"a\":14,\"b\":1,\"cd\":0}", 0.5 + 1.5 * 2 - 2 * 1 },
		{ "{\"a\":10,\"b\":0,\"cd\":0}", 0.5 },
		{ "{}", 0.5 },
		{ "{\"a\":\"14\"}", 0.5 + 3 },
		{ "{\"a\":null,\"b\":true,\"cd\":\"x\"}", 0.5 },
		{ "{\"a\":[14],\"b\":{\"v\":1}}", 0.5 },
		{ "{\"cd\":4}", 0.5 + 0.25 * 4 },
		{ "{\"b\":-3.5,\"b\":1}", 0.5 - 2 },	/* the last one */
		{ "{\"a\":1e300}", INFINITY },
		{ "{\"a\":-1e300}", -INFINITY },
	};
	struct rt_buf err = RT_BUF_INIT;
	struct rt_lrmodel m;
	struct rt_jdoc d;

	if (tap_put(path, "{\"intercept\":0.5,\"features\":["
	    "{\"name\":\"a\",\"mean\":10,\"std\":2,\"weight\":1.5},"
	    "{\"weight\":-2,\"std\":0,\"mean\":0,\"name\":\"b\"},"
	    "{\"name\":\"c\\u0064\",\"mean\":0,\"std\":4,\"weight\":1,"
	    "\"extra\":[1]}],\"version\":3}") != 0) {
		ok(0, "write %s", path);
		return;
	}
	ok(rt_lrmodel_load(&m, path, &err) == 0 && err.len == 0 && m.on == 1,
	    "a good model loads");
	ok(m.n == 3 && m.intercept == 0.5 && strcmp(m.f[0].name, "a") == 0 &&
	    m.f[0].mean == 10 && m.f[0].std == 2 && m.f[0].weight == 1.5,
	    "its intercept and first feature");
	ok(strcmp(m.f[1].name, "b") == 0 && m.f[1].std == 1 &&
	    m.f[1].weight == -2, "a std of 0 is taken as 1");
	ok(strcmp(m.f[2].name, "cd") == 0, "an escaped name is decoded");
	rt_jdoc_init(&d, 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		double want = 1 / (1 + exp(-t[i].z)), got = -1;

		if (rt_jdoc_parse(&d, t[i].rec, strlen(t[i].rec)) == 0)
			got = rt_lrmodel_prob(&m, &d);
		ok(fabs(got - want) < 1e-15, "prob of %s: %.17g", t[i].rec,
		    got);
	}
	rt_lrmodel_free(&m);
	ok(m.n == 0 && m.f == NULL && m.on == 0, "free empties the model");
	rt_lrmodel_free(&m);
	if (tap_put(path, "{\"intercept\":0,\"features\":[]}") == 0 &&
	    rt_lrmodel_load(&m, path, &err) == 0 &&
	    rt_jdoc_parse(&d, "{\"a\":1}", 7) == 0)
		ok(m.n == 0 && rt_lrmodel_prob(&m, &d) == 0.5,
		    "no features, intercept 0: exactly 0.5");
	else
		ok(0, "no features, intercept 0: exactly 0.5");
	rt_lrmodel_free(&m);
	rt_jdoc_release(&d);
	rt_buf_release(&err);
	unlink(path);
}

/* Random models of up to 6 features over fields f0..f7 and random
 * records, against the formula on the generator's own numbers. */
static void
test_random(void)
{
	struct rt_buf text = RT_BUF_INIT, rec = RT_BUF_INIT, err = RT_BUF_INIT;
	struct rt_jdoc d;
	uint64_t seed = 77;
	int bad = 0, checked = 0;

	rt_jdoc_init(&d, 0);
	for (int round = 0; round < 60; round++) {
		struct rt_lrmodel m;
		int nf = (int)(tap_xorshift(&seed) % 7), field[6];
		double mean[6], sd[6], w[6], b;

		b = (double)((int64_t)(tap_xorshift(&seed) % 200) - 100) / 50;
		text.len = 0;
		rt_buf_printf(&text, "{\"intercept\":%.17g,\"features\":[", b);
		for (int k = 0; k < nf; k++) {
			field[k] = (int)(tap_xorshift(&seed) % 8);
			mean[k] = (double)(tap_xorshift(&seed) % 1000) / 10;
			sd[k] = (double)(tap_xorshift(&seed) % 50) / 10;
			w[k] = (double)((int64_t)(tap_xorshift(&seed) % 400) -
			    200) / 100;
			rt_buf_printf(&text, "%s{\"name\":\"f%d\","
			    "\"mean\":%.17g,\"std\":%.17g,\"weight\":%.17g}",
			    k ? "," : "", field[k], mean[k], sd[k], w[k]);
		}
		rt_buf_adds(&text, "]}");
		if (tap_put(path, rt_buf_cstr(&text)) != 0 ||
		    rt_lrmodel_load(&m, path, &err) != 0) {
			bad++;
			continue;
		}
		for (int i = 0; i < 50; i++) {
			double x[8], z = b, got, want;
			int has[8];

			rec.len = 0;
			rt_buf_addc(&rec, '{');
			for (int f = 0; f < 8; f++) {
				uint64_t r = tap_xorshift(&seed);

				has[f] = r % 4 != 0;
				x[f] = (double)((int64_t)((r >> 8) % 100000) -
				    50000) / 100;
				if (has[f])
					rt_buf_printf(&rec,
					    "%s\"f%d\":%s%.17g%s",
					    rec.len > 1 ? "," : "", f,
					    r % 8 == 1 ? "\"" : "", x[f],
					    r % 8 == 1 ? "\"" : "");
			}
			rt_buf_addc(&rec, '}');
			for (int k = 0; k < nf; k++) {
				int fk = field[k];
				double v = has[fk] ? x[fk] : mean[k];

				z += w[k] * (v - mean[k]) / (sd[k] ? sd[k] : 1);
			}
			want = 1 / (1 + exp(-z));
			if (rt_jdoc_parse(&d, rec.p, rec.len) != 0)
				got = -1;
			else
				got = rt_lrmodel_prob(&m, &d);
			if (fabs(got - want) > 1e-12)
				bad++;
			checked++;
		}
		rt_lrmodel_free(&m);
	}
	ok(bad == 0 && checked == 3000, "60 random models x 50 records: "
	    "the formula");
	rt_jdoc_release(&d);
	rt_buf_release(&text);
	rt_buf_release(&rec);
	rt_buf_release(&err);
	unlink(path);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(path, sizeof path, "%s/model.json", tmpdir);
	test_refused();
	test_good();
	test_random();
	rmdir(tmpdir);
	return done_testing();
}
