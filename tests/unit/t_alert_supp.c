/*
 * t_alert_supp.c - rt-alert's suppression per key (lib/alert_supp.c) on
 * its own, below t_alert.c's engine tables: a table of calls with the
 * answer, pending count and last alert time of each; the recency order
 * and --max-keys eviction; keys going at the watermark; state keys taken
 * twice; the expiry heap kept bounded; then seeded streams of calls
 * checked against a plain model of the contract (keys, their last alert,
 * pending counts, recency order).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "tap.h"

#define S 1000000LL
#define NONE INT64_MIN

/* One call: "k" a key made (new?), "t" a record of the key at t, "e"
 * expire at watermark t; then the expected answers. */
struct step {
	char op;
	const char *key;
	int64_t t;
	int ret;		/* k: isnew; t: suppressed; e: keys left */
	uint64_t pending;	/* t, when an alert */
	int64_t ta;		/* the key's last alert after (k, t) */
};

struct tcase {
	const char *name;
	int64_t dur;
	uint32_t max_keys;
	struct step s[12];
	int n;
};

static const struct tcase cases[] = {
	{ "within DUR suppressed, at DUR an alert with the count", 10 * S, 0, {
		{ 'k', "a", 0, 1, 0, NONE },
		{ 't', "a", 0, 0, 0, 0 },
		{ 't', "a", 9 * S, 1, 0, 0 },
		{ 't', "a", 9 * S + 999999, 1, 0, 0 },
		{ 't', "a", 10 * S, 0, 2, 10 * S },
		{ 't', "a", 12 * S, 1, 0, 10 * S },
		{ 't', "a", 30 * S, 0, 1, 30 * S },
	}, 7 },
	{ "either side: an earlier record within DUR suppressed", 10 * S, 0, {
		{ 'k', "a", 0, 1, 0, NONE },
		{ 't', "a", 50 * S, 0, 0, 50 * S },
		{ 't', "a", 41 * S, 1, 0, 50 * S },
		{ 't', "a", 40 * S, 0, 1, 50 * S },	/* the time stays */
		{ 't', "a", 59 * S, 1, 0, 50 * S },
	}, 5 },
	{ "keys apart; a key made twice is not new", 10 * S, 0, {
		{ 'k', "a", 0, 1, 0, NONE },
		{ 't', "a", 0, 0, 0, 0 },
		{ 'k', "b", 0, 1, 0, NONE },
		{ 't', "b", 1 * S, 0, 0, 1 * S },
		{ 'k', "a", 0, 0, 0, 0 },
		{ 't', "a", 2 * S, 1, 0, 0 },
		{ 'k', "", 0, 1, 0, NONE },
		{ 't', "", 2 * S, 0, 0, 2 * S },
	}, 8 },
	{ "expire: at ta + DUR, not before; a pending count keeps the key",
	    10 * S, 0, {
		{ 'k', "a", 0, 1, 0, NONE },
		{ 't', "a", 0, 0, 0, 0 },
		{ 'k', "b", 0, 1, 0, NONE },
		{ 't', "b", 0, 0, 0, 0 },
		{ 't', "b", 5 * S, 1, 0, 0 },
		{ 'e', NULL, 10 * S - 1, 2, 0, 0 },
		{ 'e', NULL, 10 * S, 1, 0, 0 },		/* a goes, b waits */
		{ 'e', NULL, 100 * S, 1, 0, 0 },
		{ 'k', "b", 0, 0, 0, 0 },
		{ 't', "b", 100 * S, 0, 1, 100 * S },
		{ 'e', NULL, 110 * S, 0, 0, 0 },
	}, 11 },
	{ "expire: a key that alerted again stays for its new time", 10 * S, 0, {
		{ 'k', "a", 0, 1, 0, NONE },
		{ 't', "a", 0, 0, 0, 0 },
		{ 't', "a", 15 * S, 0, 0, 15 * S },
		{ 'e', NULL, 10 * S, 1, 0, 0 },		/* a stale entry */
		{ 'e', NULL, 25 * S, 0, 0, 0 },
		{ 'k', "a", 0, 1, 0, NONE },
	}, 6 },
	{ "max-keys 2: the least recent goes; a key seen is recent", 10 * S, 2, {
		{ 'k', "a", 0, 1, 0, NONE },
		{ 'k', "b", 0, 1, 0, NONE },
		{ 'k', "a", 0, 0, 0, NONE },
		{ 'k', "c", 0, 1, 0, NONE },		/* b goes */
		{ 'k', "a", 0, 0, 0, NONE },
		{ 'k', "b", 0, 1, 0, NONE },		/* c goes */
		{ 'k', "c", 0, 1, 0, NONE },		/* a goes */
		{ 'k', "b", 0, 0, 0, NONE },
	}, 8 },
};

/* Live keys as text, least recent first: "a b c". */
static void
order(const struct rt_asupp *s, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (uint32_t id = rt_asupp_first(s); id != RT_MAP_NONE;
	    id = rt_asupp_next(s, id)) {
		size_t klen;
		const char *k = rt_map_key(&s->keymap, id, &klen);

		n += (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? " " : "",
		    (int)klen, k);
		if (n >= cap)
			break;
	}
}

static void
one_case(const struct tcase *tc)
{
	struct rt_asupp s;
	uint32_t id = 0;
	int bad = 0;

	rt_asupp_init(&s, tc->dur, tc->max_keys);
	for (int i = 0; i < tc->n; i++) {
		const struct step *p = &tc->s[i];
		int isnew = -1, r;
		uint64_t pend = 99;

		switch (p->op) {
		case 'k':
			id = rt_asupp_key(&s, p->key, strlen(p->key), &isnew);
			if (isnew != p->ret || s.ta[id] != p->ta)
				bad++, diag("%s: step %d: isnew %d", tc->name, i,
				    isnew);
			break;
		case 't':
			id = rt_asupp_key(&s, p->key, strlen(p->key), &isnew);
			r = rt_asupp_test(&s, id, p->t, &pend);
			if (r != p->ret || (r == 0 && pend != p->pending) ||
			    (r == 1 && pend != 99) || s.ta[id] != p->ta)
				bad++, diag("%s: step %d: %d pending %llu ta %lld",
				    tc->name, i, r, (unsigned long long)pend,
				    (long long)s.ta[id]);
			break;
		default:
			rt_asupp_expire(&s, p->t);
			if (s.keymap.count != (uint32_t)p->ret)
				bad++, diag("%s: step %d: %u keys", tc->name, i,
				    s.keymap.count);
		}
	}
	ok(bad == 0, "%s", tc->name);
	rt_asupp_release(&s);
}

static void
order_cases(void)
{
	struct rt_asupp s;
	char o[64];
	int isnew;

	rt_asupp_init(&s, 5 * S, 3);
	rt_asupp_key(&s, "a", 1, &isnew);
	rt_asupp_key(&s, "b", 1, &isnew);
	rt_asupp_key(&s, "c", 1, &isnew);
	rt_asupp_key(&s, "a", 1, &isnew);
	order(&s, o, sizeof o);
	is_str(o, "b c a", "max-keys 3: a seen again moves to the end");
	rt_asupp_key(&s, "d", 1, &isnew);
	order(&s, o, sizeof o);
	is_str(o, "c a d", "max-keys 3: d in, b (least recent) out");
	ok(s.evicted == 1, "max-keys 3: one key evicted, counted");
	ok(rt_asupp_load(&s, "e", 1, 3 * S, 2) == 0, "load: a new key taken");
	order(&s, o, sizeof o);
	is_str(o, "a d e", "load: as the most recent, evicting the least");
	ok(rt_asupp_load(&s, "d", 1, 0, 0) == -1, "load: a key there already "
	    "is -1");
	{
		uint32_t id = rt_asupp_key(&s, "e", 1, &isnew);
		uint64_t pend = 0;

		ok(!isnew && s.ta[id] == 3 * S && s.supp[id] == 2,
		    "load: the key's time and count kept");
		ok(rt_asupp_test(&s, id, 8 * S, &pend) == 0 && pend == 2,
		    "load: its count goes with its next alert, at ta + DUR");
	}
	rt_asupp_release(&s);
	/* A key loaded with a pending count does not go at the watermark. */
	rt_asupp_init(&s, 5 * S, 0);
	rt_asupp_load(&s, "p", 1, 0, 1);
	rt_asupp_load(&s, "q", 1, 0, 0);
	rt_asupp_expire(&s, 100 * S);
	order(&s, o, sizeof o);
	is_str(o, "p", "load and expire: the key with a count stays");
	rt_asupp_release(&s);
	/* The expiry heap stays bounded by the keys when one key alerts
	 * again and again. */
	rt_asupp_init(&s, 1, 0);
	{
		uint32_t id = rt_asupp_key(&s, "a", 1, &isnew);
		uint64_t pend;
		size_t most = 0;

		for (int i = 0; i < 100000; i++) {
			id = rt_asupp_key(&s, "a", 1, &isnew);
			rt_asupp_test(&s, id, i * 2, &pend);
			most = s.expiry.n > most ? s.expiry.n : most;
		}
		ok(most <= 2 * 1 + 1024 + 1, "expiry heap: 100000 alerts of "
		    "one key, at most %zu entries", most);
	}
	rt_asupp_release(&s);
}

/* ---- a plain model -------------------------------------------------- */

struct mkey {
	char k[4];
	int64_t ta;
	uint64_t supp;
};

struct model {
	struct mkey v[64];	/* least recent first */
	int n;
	uint64_t evicted;
};

static int
m_find(const struct model *m, const char *k)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->v[i].k, k) == 0)
			return i;
	return -1;
}

static int
m_key(struct model *m, const char *k, uint32_t max_keys)
{
	int i = m_find(m, k);

	if (i >= 0) {
		struct mkey x = m->v[i];

		if (max_keys) {	/* recency moves only with --max-keys */
			memmove(&m->v[i], &m->v[i + 1], (size_t)(m->n - i - 1) *
			    sizeof x);
			m->v[m->n - 1] = x;
			return m->n - 1;
		}
		return i;
	}
	snprintf(m->v[m->n].k, sizeof m->v[m->n].k, "%s", k);
	m->v[m->n].ta = NONE;
	m->v[m->n].supp = 0;
	m->n++;
	if (max_keys && (uint32_t)m->n > max_keys) {
		memmove(&m->v[0], &m->v[1], (size_t)(m->n - 1) * sizeof m->v[0]);
		m->n--;
		m->evicted++;
	}
	return m->n - 1;
}

static int
m_test(struct model *m, int i, int64_t t, int64_t dur, uint64_t *pending)
{
	struct mkey *x = &m->v[i];

	if (x->ta != NONE && (t > x->ta ? t - x->ta : x->ta - t) < dur) {
		x->supp++;
		return 1;
	}
	*pending = x->supp;
	x->supp = 0;
	if (x->ta == NONE || t > x->ta)
		x->ta = t;
	return 0;
}

static void
m_expire(struct model *m, int64_t wm, int64_t dur)
{
	int k = 0;

	for (int i = 0; i < m->n; i++)
		if (!(m->v[i].ta != NONE && m->v[i].ta + dur <= wm &&
		    m->v[i].supp == 0))
			m->v[k++] = m->v[i];
	m->n = k;
}

static int
same_as_model(const struct rt_asupp *s, const struct model *m)
{
	int i = 0;

	if (s->keymap.count != (uint32_t)m->n || s->evicted != m->evicted)
		return 0;
	for (uint32_t id = rt_asupp_first(s); id != RT_MAP_NONE;
	    id = rt_asupp_next(s, id), i++) {
		size_t klen;
		const char *k = rt_map_key(&s->keymap, id, &klen);

		if (i >= m->n || klen != strlen(m->v[i].k) ||
		    memcmp(k, m->v[i].k, klen) != 0 || s->ta[id] != m->v[i].ta ||
		    s->supp[id] != m->v[i].supp)
			return 0;
	}
	return i == m->n;
}

static void
seeded(uint64_t seed, int64_t dur, uint32_t max_keys)
{
	struct rt_asupp s;
	struct model m;
	int64_t t = 0, wm = 0;
	int bad = 0, alerts = 0, supp = 0, gone = 0;
	uint64_t s0 = seed;

	rt_asupp_init(&s, dur, max_keys);
	memset(&m, 0, sizeof m);
	for (int i = 0; i < 5000 && !bad; i++) {
		uint64_t z = tap_xorshift(&seed);
		char k[4];

		snprintf(k, sizeof k, "%c", 'a' + (int)(z % 20));
		if ((z >> 8) % 10 == 0) {
			int before = m.n;

			wm = t - (int64_t)((z >> 16) % 20) * S;
			rt_asupp_expire(&s, wm);
			m_expire(&m, wm, dur);
			gone += before - m.n;
		} else {
			int isnew, mi = m_key(&m, k, max_keys), r, mr;
			uint32_t id = rt_asupp_key(&s, k, strlen(k), &isnew);
			uint64_t p1 = 0, p2 = 0;
			int64_t et;

			t += (int64_t)((z >> 16) % 3) * S;
			et = t - (int64_t)((z >> 24) % 8) * S;
			et = et < wm ? wm : et;
			r = rt_asupp_test(&s, id, et, &p1);
			mr = m_test(&m, mi, et, dur, &p2);
			bad += r != mr || p1 != p2;
			alerts += r == 0;
			supp += r == 1;
		}
		bad += !same_as_model(&s, &m);
		if (bad)
			diag("seed %llu: differs at call %d",
			    (unsigned long long)s0, i);
	}
	ok(bad == 0 && alerts > 500 && supp > 300 &&
	    (max_keys < 5 || gone > 10),
	    "seeded %llu, DUR %llds, max-keys %u: 5000 calls as the model "
	    "(%d alerts, %d suppressed, %d keys gone)",
	    (unsigned long long)s0, (long long)(dur / S), max_keys, alerts,
	    supp, gone);
	rt_asupp_release(&s);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		one_case(&cases[i]);
	order_cases();
	seeded(1, 10 * S, 0);
	seeded(2, 5 * S, 8);
	seeded(3, 20 * S, 3);
	seeded(4, 3 * S, 15);
	return done_testing();
}
