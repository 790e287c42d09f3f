/*
 * txsim.h - a seeded simulator of card transactions with labelled fraud,
 * after the transaction generator described in "Reproducible Machine
 * Learning for Credit Card Fraud Detection: Practical Handbook" (Le Borgne
 * et al.), written from that description.  rt-gen(1) spells out the model.
 */
#ifndef RT_TXSIM_H
#define RT_TXSIM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rng.h"

struct rt_txsim_opts {
	uint64_t seed;
	unsigned customers;	/* 5000 */
	unsigned terminals;	/* 10000 */
	unsigned days;		/* 183 */
	int64_t start;		/* first day, microseconds (2018-04-01) */
	double radius;		/* customers use terminals this close (5) */
	unsigned bad_terminals;	/* compromised per day (2), for 28 days */
	unsigned bad_customers;	/* compromised per day (3), for 14 days */
};

/* One transaction. */
struct rt_tx {
	uint64_t id;		/* 0, 1, ... in time order */
	int64_t ts;		/* event time, microseconds */
	uint32_t customer, terminal;
	int64_t cents;		/* amount in cents */
	int fraud;		/* 0 or 1 */
	int scenario;		/* 0 none, 1 amount over 220, 2 compromised
				 * terminal, 3 compromised customer */
};

struct rt_txsim_day;

struct rt_txsim {
	struct rt_txsim_opts o;
	struct rt_rng rng;
	double *cx, *cy, *mean, *sd, *rate;	/* customer profiles */
	uint32_t *tstart, *tlist;	/* each customer's terminals */
	double *tx, *ty;		/* terminal positions */
	int32_t *term_until, *cust_until;	/* compromised until day */
	struct rt_tx *day;	/* the current day's transactions, sorted */
	size_t nday, capday, next;
	unsigned d;		/* the current day */
	uint64_t id;
};

void rt_txsim_opts_default(struct rt_txsim_opts *o);
/* Draw the customer and terminal profiles. */
void rt_txsim_init(struct rt_txsim *s, const struct rt_txsim_opts *o);
void rt_txsim_release(struct rt_txsim *s);
/* The next transaction in time order: 1, or 0 after the last day. */
int rt_txsim_next(struct rt_txsim *s, struct rt_tx *t);

/* Append t as an NDJSON record (no newline):
 * {"tx_id":0,"ts":"2018-04-01T00:00:31Z","customer_id":596,
 *  "terminal_id":3156,"amount":57.16,"is_fraud":0,"fraud_scenario":0} */
void rt_txsim_json(const struct rt_tx *t, struct rt_buf *b);
/* The CSV header and a row (no newline) in the clean form. */
void rt_txsim_csv_header(struct rt_buf *b);
void rt_txsim_csv(const struct rt_tx *t, struct rt_buf *b);

/* A messy export (rt-gen --messy): the same transactions written the way
 * real exports are, with its own seeded dirt, as CSV or (ndjson set) as
 * NDJSON with the same names and values: text where the CSV value is not
 * a plain number, and a broken row's line cut short. */
struct rt_txmess {
	struct rt_rng rng;
	int ndjson;		/* set after rt_txmess_init: NDJSON lines */
	uint64_t duplicates;	/* rows written twice */
	uint64_t broken;	/* rows no cleaner can mend */
	uint64_t blank;		/* blank lines */
};

void rt_txmess_init(struct rt_txmess *m, uint64_t seed);
/* The messy CSV header line (with its newline). */
void rt_txmess_header(struct rt_buf *b);
/* Append the line(s) for t, newlines included: maybe a blank line first,
 * maybe the row twice, maybe a broken row. */
void rt_txmess_rows(struct rt_txmess *m, const struct rt_tx *t,
    struct rt_buf *b);

#endif
