/*
 * txsim.c - seeded card transactions with labelled fraud (see txsim.h,
 * rt-gen(1)).
 *
 * Customers and terminals sit on a 100 x 100 plane; a customer uses the
 * terminals within a radius.  Each day, each customer makes a Poisson
 * number of transactions at a normally distributed time of day, for a
 * normally distributed amount around the customer's own mean.  Three kinds
 * of fraud are laid over it: large amounts, compromised terminals (every
 * transaction for 28 days), compromised customers (a third of their
 * transactions for 14 days, five times the amount).
 */
#include "txsim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rtime.h"

#define SPAN 100.0		/* the plane is SPAN x SPAN */
#define DAY_US (86400 * RT_US_PER_S)
#define TERM_DAYS 28
#define CUST_DAYS 14
#define BIG_CENTS 22000		/* scenario 1: amounts over 220 */

void
rt_txsim_opts_default(struct rt_txsim_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->customers = 5000;
	o->terminals = 10000;
	o->days = 183;
	o->start = rt_days_from_civil(2018, 4, 1) * DAY_US;
	o->radius = 5;
	o->bad_terminals = 2;
	o->bad_customers = 3;
}

/* Which terminals each customer can use: a grid of cells as wide as the
 * radius, so only the 3 x 3 cells around a customer are searched. */
static void
link_terminals(struct rt_txsim *s)
{
	double r = s->o.radius > 0 ? s->o.radius : 1;
	/* Cells at least r wide (neighbours are one cell away), and at most
	 * 1024 a side however small r is. */
	double w = r > SPAN / 1024 ? r : SPAN / 1024;
	unsigned g = (unsigned)ceil(SPAN / w), i, c;
	uint32_t *cell = rt_xcalloc((size_t)g * g + 1, sizeof *cell);
	uint32_t *byc = rt_xmalloc((s->o.terminals + 1) * sizeof *byc);
	size_t n = 0, cap = (size_t)s->o.customers * 8 + 16;

#define CELL(x) ((unsigned)((x) / w) < g ? (unsigned)((x) / w) : g - 1)
	/* Counting sort of terminals by cell. */
	for (i = 0; i < s->o.terminals; i++)
		cell[CELL(s->tx[i]) * g + CELL(s->ty[i]) + 1]++;
	for (i = 1; i <= g * g; i++)
		cell[i] += cell[i - 1];
	{
		uint32_t *fill = rt_xmalloc(((size_t)g * g + 1) * sizeof *fill);

		memcpy(fill, cell, ((size_t)g * g + 1) * sizeof *fill);
		for (i = 0; i < s->o.terminals; i++)
			byc[fill[CELL(s->tx[i]) * g + CELL(s->ty[i])]++] = i;
		free(fill);
	}
	s->tstart = rt_xmalloc((s->o.customers + 1) * sizeof *s->tstart);
	s->tlist = rt_xmalloc(cap * sizeof *s->tlist);
	for (c = 0; c < s->o.customers; c++) {
		int cx = (int)CELL(s->cx[c]), cy = (int)CELL(s->cy[c]), dx, dy;

		s->tstart[c] = (uint32_t)n;
		for (dx = -1; dx <= 1; dx++)
			for (dy = -1; dy <= 1; dy++) {
				int x = cx + dx, y = cy + dy;
				uint32_t k;

				if (x < 0 || y < 0 || x >= (int)g || y >= (int)g)
					continue;
				for (k = cell[x * (int)g + y]; k < cell[x * (int)g + y + 1]; k++) {
					uint32_t t = byc[k];
					double ex = s->tx[t] - s->cx[c], ey = s->ty[t] - s->cy[c];

					if (ex * ex + ey * ey >= r * r)
						continue;
					if (n == cap) {
						cap *= 2;
						s->tlist = rt_xreallocarray(s->tlist, cap,
						    sizeof *s->tlist);
					}
					s->tlist[n++] = t;
				}
			}
		/* Keep each list in terminal order: the draw must not depend
		 * on the grid walk. */
		{
			uint32_t *a = s->tlist + s->tstart[c];
			size_t m = n - s->tstart[c], j, k;

			for (j = 1; j < m; j++)
				for (k = j; k > 0 && a[k - 1] > a[k]; k--) {
					uint32_t t = a[k];

					a[k] = a[k - 1];
					a[k - 1] = t;
				}
		}
	}
	s->tstart[s->o.customers] = (uint32_t)n;
#undef CELL
	free(cell);
	free(byc);
}

void
rt_txsim_init(struct rt_txsim *s, const struct rt_txsim_opts *o)
{
	unsigned i;

	memset(s, 0, sizeof *s);
	s->o = *o;
	rt_rng_seed(&s->rng, o->seed);
	s->cx = rt_xmalloc((o->customers + 1) * sizeof *s->cx);
	s->cy = rt_xmalloc((o->customers + 1) * sizeof *s->cy);
	s->mean = rt_xmalloc((o->customers + 1) * sizeof *s->mean);
	s->sd = rt_xmalloc((o->customers + 1) * sizeof *s->sd);
	s->rate = rt_xmalloc((o->customers + 1) * sizeof *s->rate);
	for (i = 0; i < o->customers; i++) {
		s->cx[i] = rt_rng_uniform(&s->rng, 0, SPAN);
		s->cy[i] = rt_rng_uniform(&s->rng, 0, SPAN);
		s->mean[i] = rt_rng_uniform(&s->rng, 5, 100);
		s->sd[i] = s->mean[i] / 2;
		s->rate[i] = rt_rng_uniform(&s->rng, 0, 4);
	}
	s->tx = rt_xmalloc((o->terminals + 1) * sizeof *s->tx);
	s->ty = rt_xmalloc((o->terminals + 1) * sizeof *s->ty);
	for (i = 0; i < o->terminals; i++) {
		s->tx[i] = rt_rng_uniform(&s->rng, 0, SPAN);
		s->ty[i] = rt_rng_uniform(&s->rng, 0, SPAN);
	}
	s->term_until = rt_xcalloc(o->terminals + 1, sizeof *s->term_until);
	s->cust_until = rt_xcalloc(o->customers + 1, sizeof *s->cust_until);
	link_terminals(s);
}

void
rt_txsim_release(struct rt_txsim *s)
{
	free(s->cx);
	free(s->cy);
	free(s->mean);
	free(s->sd);
	free(s->rate);
	free(s->tx);
	free(s->ty);
	free(s->tstart);
	free(s->tlist);
	free(s->term_until);
	free(s->cust_until);
	free(s->day);
	memset(s, 0, sizeof *s);
}

static int
by_time(const void *a, const void *b)
{
	const struct rt_tx *x = a, *y = b;

	if (x->ts != y->ts)
		return (x->ts > y->ts) - (x->ts < y->ts);
	/* id holds the draw order until ids are given */
	return (x->id > y->id) - (x->id < y->id);
}

static void
push(struct rt_txsim *s, const struct rt_tx *t)
{
	if (s->nday == s->capday) {
		s->capday = s->capday ? s->capday * 2 : 16384;
		s->day = rt_xreallocarray(s->day, s->capday, sizeof *s->day);
	}
	s->day[s->nday++] = *t;
}

/* One customer's transactions of day d. */
static void
customer_day(struct rt_txsim *s, uint32_t c, int64_t day0)
{
	unsigned n = rt_rng_poisson(&s->rng, s->rate[c]), k;
	uint32_t nt = s->tstart[c + 1] - s->tstart[c];

	for (k = 0; k < n; k++) {
		struct rt_tx t;
		double sec = rt_rng_normal(&s->rng, 43200, 20000), amount;

		if (sec <= 0 || sec >= 86400)
			continue;	/* outside the day: not drawn again */
		do
			amount = rt_rng_normal(&s->rng, s->mean[c], s->sd[c]);
		while (amount < 0);
		if (nt == 0)
			continue;	/* no terminal in reach */
		memset(&t, 0, sizeof t);
		t.ts = day0 + (int64_t)sec * RT_US_PER_S;
		t.customer = c;
		t.terminal = s->tlist[s->tstart[c] + rt_rng_below(&s->rng, nt)];
		t.cents = llround(amount * 100);
		t.id = s->nday;
		push(s, &t);
	}
}

/* Label the day's transactions with the three scenarios, in the
 * Handbook's order (a later scenario's label wins). */
static void
label_day(struct rt_txsim *s)
{
	size_t i;

	for (i = 0; i < s->nday; i++) {
		struct rt_tx *t = &s->day[i];

		if (t->cents > BIG_CENTS)
			t->fraud = 1, t->scenario = 1;
		if (s->term_until[t->terminal] > (int32_t)s->d)
			t->fraud = 1, t->scenario = 2;
		if (s->cust_until[t->customer] > (int32_t)s->d &&
		    rt_rng_below(&s->rng, 3) == 0) {
			t->cents *= 5;
			t->fraud = 1;
			t->scenario = 3;
		}
	}
}

static void
make_day(struct rt_txsim *s)
{
	int64_t day0 = s->o.start + (int64_t)s->d * DAY_US;
	uint32_t c;
	unsigned k;
	size_t i;

	s->nday = s->next = 0;
	for (k = 0; k < s->o.bad_terminals && s->o.terminals; k++)
		s->term_until[rt_rng_below(&s->rng, s->o.terminals)] =
		    (int32_t)(s->d + TERM_DAYS);
	for (k = 0; k < s->o.bad_customers && s->o.customers; k++)
		s->cust_until[rt_rng_below(&s->rng, s->o.customers)] =
		    (int32_t)(s->d + CUST_DAYS);
	for (c = 0; c < s->o.customers; c++)
		customer_day(s, c, day0);
	if (s->nday)	/* s->day is NULL until the first transaction */
		qsort(s->day, s->nday, sizeof *s->day, by_time);
	label_day(s);
	for (i = 0; i < s->nday; i++)
		s->day[i].id = s->id++;
}

int
rt_txsim_next(struct rt_txsim *s, struct rt_tx *t)
{
	while (s->next >= s->nday) {
		if (s->d >= s->o.days)
			return 0;
		make_day(s);
		s->d++;
	}
	*t = s->day[s->next++];
	return 1;
}

/* Amount in cents as decimal text with two decimals. */
static void
put_cents(struct rt_buf *b, int64_t cents, int group)
{
	char t[32];
	int i = (int)sizeof t, k = 0;
	uint64_t u = cents < 0 ? 0 - (uint64_t)cents : (uint64_t)cents;

	t[--i] = (char)('0' + u % 10);
	u /= 10;
	t[--i] = (char)('0' + u % 10);
	u /= 10;
	t[--i] = '.';
	do {
		if (group && k > 0 && k % 3 == 0)
			t[--i] = ',';
		t[--i] = (char)('0' + u % 10);
		u /= 10;
		k++;
	} while (u);
	if (cents < 0)
		t[--i] = '-';
	rt_buf_add(b, t + i, sizeof t - (size_t)i);
}

static void
put_ts(struct rt_buf *b, int64_t us)
{
	char t[48];

	rt_buf_add(b, t, rt_time_fmt(us, 0, t));
}

/* One transaction, each field after its text in pre (the last: what
 * ends the record). */
static void
put_tx(const struct rt_tx *t, struct rt_buf *b, const char *const pre[8])
{
	rt_buf_adds(b, pre[0]);
	rt_buf_addu(b, t->id);
	rt_buf_adds(b, pre[1]);
	put_ts(b, t->ts);
	rt_buf_adds(b, pre[2]);
	rt_buf_addu(b, t->customer);
	rt_buf_adds(b, pre[3]);
	rt_buf_addu(b, t->terminal);
	rt_buf_adds(b, pre[4]);
	put_cents(b, t->cents, 0);
	rt_buf_adds(b, pre[5]);
	rt_buf_addc(b, (char)('0' + t->fraud));
	rt_buf_adds(b, pre[6]);
	rt_buf_addc(b, (char)('0' + t->scenario));
	rt_buf_adds(b, pre[7]);
}

void
rt_txsim_json(const struct rt_tx *t, struct rt_buf *b)
{
	static const char *const pre[8] = { "{\"tx_id\":", ",\"ts\":\"",
	    "\",\"customer_id\":", ",\"terminal_id\":", ",\"amount\":",
	    ",\"is_fraud\":", ",\"fraud_scenario\":", "}" };

	put_tx(t, b, pre);
}

void
rt_txsim_csv_header(struct rt_buf *b)
{
	rt_buf_adds(b, "tx_id,ts,customer_id,terminal_id,amount,is_fraud,"
	    "fraud_scenario\n");
}

void
rt_txsim_csv(const struct rt_tx *t, struct rt_buf *b)
{
	static const char *const pre[8] = { "", ",", ",", ",", ",", ",", ",",
	    "" };

	put_tx(t, b, pre);
}

void
rt_txmess_init(struct rt_txmess *m, uint64_t seed)
{
	memset(m, 0, sizeof *m);
	rt_rng_seed(&m->rng, seed ^ 0x6D657373790ULL);
}

void
rt_txmess_header(struct rt_buf *b)
{
	/* What `rt-clean --keys snake` turns back into the clean names. */
	rt_buf_adds(b, "TX_ID, TS ,Customer ID,TerminalID,Amount,Is Fraud,"
	    "Fraud_Scenario\n");
}

/* Per mille chances of each kind of dirt. */
#define P_BLANK 5
#define P_DUP 10
#define P_BROKEN 1
#define P_PAD 50
#define P_DOLLAR 20
#define P_QUOTE 100

static int
chance(struct rt_txmess *m, unsigned per_mille)
{
	return rt_rng_below(&m->rng, 1000) < per_mille;
}

/* The messy export's columns, as its header names them. */
static const char *const mess_keys[] = {
	"TX_ID", " TS ", "Customer ID", "TerminalID", "Amount", "Is Fraud",
	"Fraud_Scenario"
};

/* Before field i: the separator, and in NDJSON the member's name. */
static void
mess_field(const struct rt_txmess *m, struct rt_buf *b, int i)
{
	if (!m->ndjson) {
		if (i)
			rt_buf_addc(b, ',');
		return;
	}
	rt_buf_adds(b, i ? ",\"" : "{\"");
	rt_buf_adds(b, mess_keys[i]);
	rt_buf_adds(b, "\":");
}

/* A quote around a value: in NDJSON when the value is text (str), in
 * CSV when the export quoted it (csvq). */
static void
mess_quote(const struct rt_txmess *m, struct rt_buf *b, int str, int csvq)
{
	if (m->ndjson ? str : csvq)
		rt_buf_addc(b, '"');
}

static void
messy_ts(struct rt_txmess *m, int64_t us, struct rt_buf *b)
{
	uint64_t k = rt_rng_below(&m->rng, 10);
	char t[48];
	size_t n;

	if (k < 2) {		/* epoch seconds: a number */
		rt_buf_addi(b, us / RT_US_PER_S);
		return;
	}
	n = rt_time_fmt(us, 0, t);
	if (k < 5) {		/* "2018-04-01 08:15:02", no zone: UTC */
		t[10] = ' ';
		n--;
	}
	mess_quote(m, b, 1, 0);
	rt_buf_add(b, t, n);
	mess_quote(m, b, 1, 0);
}

/* The amount: broken (n/a), grouped, quoted, with a dollar sign. */
static void
messy_amount(struct rt_txmess *m, const struct rt_tx *t, struct rt_buf *b,
    int broken)
{
	int q, dollar;

	if (broken == 1) {
		mess_quote(m, b, 1, 0);
		rt_buf_adds(b, "n/a");	/* an amount nobody can read */
		mess_quote(m, b, 1, 0);
	} else if (t->cents >= 100000) {
		rt_buf_addc(b, '"');	/* "1,234.50" needs quotes */
		put_cents(b, t->cents, 1);
		rt_buf_addc(b, '"');
	} else {
		q = chance(m, P_QUOTE);
		dollar = chance(m, P_DOLLAR);
		mess_quote(m, b, q || dollar, q);
		if (dollar)
			rt_buf_addc(b, '$');
		put_cents(b, t->cents, 0);
		mess_quote(m, b, q || dollar, q);
	}
}

static void
messy_row(struct rt_txmess *m, const struct rt_tx *t, struct rt_buf *b,
    int broken)
{
	int pad = chance(m, P_PAD);

	mess_field(m, b, 0);
	rt_buf_addu(b, t->id);
	mess_field(m, b, 1);
	messy_ts(m, t->ts, b);
	mess_field(m, b, 2);
	mess_quote(m, b, pad, 0);
	if (pad)
		rt_buf_addc(b, ' ');
	rt_buf_addu(b, t->customer);
	if (pad)
		rt_buf_addc(b, ' ');
	mess_quote(m, b, pad, 0);
	mess_field(m, b, 3);
	rt_buf_addu(b, t->terminal);
	mess_field(m, b, 4);
	messy_amount(m, t, b, broken);
	mess_field(m, b, 5);
	rt_buf_addc(b, (char)('0' + t->fraud));
	if (broken != 2) {	/* 2: the row (or the line) is cut short */
		mess_field(m, b, 6);
		rt_buf_addc(b, (char)('0' + t->scenario));
		if (m->ndjson)
			rt_buf_addc(b, '}');
	}
	rt_buf_addc(b, '\n');
}

void
rt_txmess_rows(struct rt_txmess *m, const struct rt_tx *t, struct rt_buf *b)
{
	if (chance(m, P_BLANK)) {
		rt_buf_addc(b, '\n');
		m->blank++;
	}
	if (chance(m, P_BROKEN)) {
		messy_row(m, t, b, 1 + (int)rt_rng_below(&m->rng, 2));
		m->broken++;
		return;
	}
	messy_row(m, t, b, 0);
	if (chance(m, P_DUP)) {
		messy_row(m, t, b, 0);
		m->duplicates++;
	}
}
