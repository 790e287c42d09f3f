/*
 * t_ctl.c - control records (lib/ctl.c): the prefix test, lines that are
 * control records (barriers, kinds this release does not know) and lines
 * that are data after all (a barrier id that is not an unsigned 64-bit
 * integer written plainly, a "$rt" that is not a string, text that is not
 * JSON); the barrier line written; random ids written and read back.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ctl.h"
#include "tap.h"

static void
test_maybe(void)
{
	static const struct {
		const char *s;
		int want;
	} t[] = {
		{ "{\"$rt\":\"b", 1 },
		{ "{\"$rt\":\"barrier\",\"id\":1}", 1 },
		{ "{\"$rt\":\"", 0 },		/* the prefix alone */
		{ "{\"$rt\":1}", 0 },
		{ "{\"$rt\" :\"b\"}", 0 },
		{ " {\"$rt\":\"b\"}", 0 },
		{ "{\"$RT\":\"b\"}", 0 },
		{ "{\"rt\":\"bb\"}", 0 },
		{ "", 0 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		ok(rt_ctl_maybe(t[i].s, strlen(t[i].s)) == t[i].want,
		    "maybe %s: %d", t[i].s, t[i].want);
}

static void
test_parse(void)
{
	static const struct {
		const char *s;
		int ctl;		/* rt_ctl_parse's answer */
		int kind;
		uint64_t id;
	} t[] = {
		{ "{\"$rt\":\"barrier\",\"id\":0}", 1, RT_CTL_BARRIER, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":42}", 1, RT_CTL_BARRIER, 42 },
		{ "{\"$rt\":\"barrier\",\"id\":18446744073709551615}", 1,
		  RT_CTL_BARRIER, UINT64_MAX },
		{ "{\"$rt\":\"barrier\" , \"x\":[1], \"id\" : 7 }", 1,
		  RT_CTL_BARRIER, 7 },
		{ "{\"$rt\":\"barrier\",\"id\":1,\"id\":2}", 1, RT_CTL_BARRIER,
		  2 },
		{ "{\"$rt\":\"barri\\u0065r\",\"id\":3}", 1, RT_CTL_BARRIER,
		  3 },
		{ "{\"$rt\":\"future\",\"id\":3}", 1, RT_CTL_OTHER, 0 },
		{ "{\"$rt\":\"barrierx\",\"id\":3}", 1, RT_CTL_OTHER, 0 },
		{ "{\"$rt\":\"\"}", 1, RT_CTL_OTHER, 0 },
		/* Data after all. */
		{ "{\"$rt\":\"barrier\",\"id\":18446744073709551616}", 0, 0,
		  0 },
		{ "{\"$rt\":\"barrier\",\"id\":99999999999999999999}", 0, 0,
		  0 },
		{ "{\"$rt\":\"barrier\",\"id\":100000000000000000000}", 0, 0,
		  0 },
		{ "{\"$rt\":\"barrier\",\"id\":-1}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":-0}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":1.0}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":1e3}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":\"1\"}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":null}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\"}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"x\":{\"id\":1}}", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":01}", 0, 0, 0 },	/* not JSON */
		{ "{\"$rt\":\"barrier\",\"id\":1} x", 0, 0, 0 },
		{ "{\"$rt\":\"barrier\",\"id\":1", 0, 0, 0 },
		{ "{\"$rt\":1,\"id\":1}", 0, 0, 0 },
		{ "{\"a\":\"barrier\",\"id\":1}", 0, 0, 0 },
	};
	struct rt_jdoc scratch;

	rt_jdoc_init(&scratch, 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct rt_ctl c;
		size_t n = strlen(t[i].s);
		int got;

		memset(&c, 0x55, sizeof c);
		got = rt_ctl_parse(&scratch, t[i].s, n, &c);
		if (t[i].ctl)
			ok(got == 1 && (int)c.kind == t[i].kind &&
			    c.id == t[i].id && c.p == t[i].s && c.len == n,
			    "control: %s", t[i].s);
		else
			ok(got == 0, "data: %s", t[i].s);
	}
	rt_jdoc_release(&scratch);
}

/* rt_ctl_read on documents rt_ctl_parse would not hand it. */
static void
test_read(void)
{
	static const char *const t[] = { "{\"$rt\":1}", "{}", "[\"$rt\"]",
	    "\"barrier\"", "{\"$rt\":[\"barrier\"]}" };
	struct rt_jdoc d;
	struct rt_ctl c;

	rt_jdoc_init(&d, 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		ok(rt_jdoc_parse(&d, t[i], strlen(t[i])) == 0 &&
		    rt_ctl_read(&d, t[i], strlen(t[i]), &c) == -1,
		    "read %s: -1", t[i]);
	rt_jdoc_release(&d);
}

static void
test_barrier(void)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	uint64_t seed = 2024;
	int bad = 0;

	rt_buf_adds(&b, "x");
	rt_ctl_barrier(&b, 0);
	is_str(rt_buf_cstr(&b), "x{\"$rt\":\"barrier\",\"id\":0}",
	    "barrier 0, appended");
	b.len = 0;
	rt_ctl_barrier(&b, UINT64_MAX);
	is_str(rt_buf_cstr(&b),
	    "{\"$rt\":\"barrier\",\"id\":18446744073709551615}",
	    "barrier 2^64 - 1");
	rt_jdoc_init(&d, 0);
	for (int i = 0; i < 3000; i++) {
		uint64_t id = tap_xorshift(&seed) >> (i % 64);
		struct rt_ctl c;

		b.len = 0;
		rt_ctl_barrier(&b, id);
		if (rt_ctl_parse(&d, b.p, b.len, &c) != 1 ||
		    c.kind != RT_CTL_BARRIER || c.id != id)
			bad++;
	}
	ok(bad == 0, "3000 random barrier ids written and read back");
	rt_jdoc_release(&d);
	rt_buf_release(&b);
}

int
main(void)
{
	test_maybe();
	test_parse();
	test_read();
	test_barrier();
	return done_testing();
}
