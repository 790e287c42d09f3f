/*
 * clean.h - the rules rt-clean applies to one record: key normalisation,
 * renaming, selection, trimming, typed fields, defaults, required fields
 * and duplicate ids.  rt-clean(1) documents each rule and their order.
 */
#ifndef RT_CLEAN_H
#define RT_CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"
#include "json.h"
#include "rtime.h"
#include "seen.h"

enum rt_keys { RT_KEYS_ASIS, RT_KEYS_LOWER, RT_KEYS_SNAKE };

/* What a rule asks of a field (flags may combine, a type excepted). */
#define RT_CF_NUMBER	0x001
#define RT_CF_INTEGER	0x002
#define RT_CF_BOOL	0x004
#define RT_CF_TIME	0x008
#define RT_CF_UPPER	0x010
#define RT_CF_LOWER	0x020
#define RT_CF_REQUIRE	0x040
#define RT_CF_SELECT	0x080
#define RT_CF_DROP	0x100
#define RT_CF_DEFAULT	0x200
#define RT_CF_TYPES	(RT_CF_NUMBER | RT_CF_INTEGER | RT_CF_BOOL | RT_CF_TIME)

struct rt_clean_field {
	char *name;		/* output name (after --keys and --rename) */
	size_t len;
	unsigned flags;
	char *def;		/* --default value as JSON text */
	size_t deflen;
	int deftype;		/* enum rt_jtype of def */
};

struct rt_clean_keyinfo;

struct rt_clean {
	/* Settings. */
	enum rt_keys keys;
	int trim;		/* default on */
	int drop_empty;
	unsigned numflags;	/* RT_NUM_DECIMAL_COMMA */
	int selecting;		/* some --select was given */
	struct rt_clean_field *f;
	size_t nf;
	char **ren_from, **ren_to;
	size_t nren;
	int dedupe;		/* index into f of the --dedupe field, or -1 */
	int dedupe_time;	/* index into f of the time for the window */
	size_t dedupe_max;
	int64_t dedupe_window;
	struct rt_timeopt *topt;	/* borrowed */
	/* State. */
	struct rt_seen seen;
	struct rt_jdoc doc;
	struct rt_buf out, val, tmp;
	struct rt_map keymap;	/* raw key text -> keyinfo */
	struct rt_clean_keyinfo *ki;
	size_t nki, capki;
	uint32_t *pos;		/* keyinfo of the previous record's i-th key */
	size_t cappos;
	struct rt_map outmap;	/* output key -> dense id, for duplicates */
	uint32_t *stamp;	/* by output key id: record generation */
	uint32_t capstamp, gen;
	uint32_t *fnode;	/* by field: set when present in this record */
	int64_t *ftime;		/* dedupe: the record's event time */
	char why[192];
	const char *res;	/* the cleaned record: c->out, or the input */
	size_t reslen;
	int pass;		/* this record passes unchanged */
	struct rt_buf hid;	/* the --dedupe value of a field not written
				 * out (--drop, --select) */
	int hidden;		/* hid holds this record's id */
	uint64_t nrec;		/* records given to rt_clean_record */
	unsigned char *fseen;	/* by field: in one of the first records */
};

/* Records looked at for fields that never occur (rt_clean_unseen). */
#define RT_CLEAN_CHECKN 1000

void rt_clean_init(struct rt_clean *c, struct rt_timeopt *topt);
void rt_clean_release(struct rt_clean *c);

/* Add flags to field name (created on first mention).  A second type for
 * the same field is an error: returns a message, else NULL. */
const char *rt_clean_field(struct rt_clean *c, const char *name,
    unsigned flags);
/* "F=V": V is JSON if it parses as JSON, else a string. */
const char *rt_clean_default(struct rt_clean *c, const char *spec);
/* "OLD=NEW". */
const char *rt_clean_rename(struct rt_clean *c, const char *spec);
/* --dedupe F with --dedupe-window and --dedupe-max: call after the
 * --time fields are known.  NULL or a message. */
const char *rt_clean_dedupe(struct rt_clean *c, const char *name,
    int64_t window, size_t max);

/*
 * The --dedupe memory in a state file (state.h), so that runs over the
 * chunks of an input in turn drop what one run would.  rt_clean_config
 * appends the settings that shape it (the state's fingerprint);
 * rt_clean_save appends the memory; rt_clean_load takes it back into a
 * fresh rt_clean with the same settings: NULL, or why the text is
 * refused.  Only with --dedupe.
 */
void rt_clean_config(const struct rt_clean *c, struct rt_buf *b);
void rt_clean_save(const struct rt_clean *c, struct rt_buf *b);
const char *rt_clean_load(struct rt_clean *c, const char *p, size_t n);

/* The next field from *i on that a type or case option names (without
 * a --default) and none of the first min(c->nrec, RT_CLEAN_CHECKN)
 * records held, under its final name: its name, *i moved past it; NULL
 * when none is left.  A likely misspelling, for a warning. */
const char *rt_clean_unseen(const struct rt_clean *c, size_t *i);

enum { RT_CLEAN_OUT, RT_CLEAN_REJECT, RT_CLEAN_DROP };

/*
 * Clean record r.  RT_CLEAN_OUT: the cleaned record is
 * c->res[0, c->reslen) (valid until the next call; the input itself when
 * nothing changed).  RT_CLEAN_REJECT:
 * *why says why (no record content).  RT_CLEAN_DROP: a duplicate id.
 */
struct rt_rec;
int rt_clean_record(struct rt_clean *c, const struct rt_rec *r,
    const char **why);

/* Normalise a key (decoded) into out per mode; trims when trim is set. */
void rt_clean_key(enum rt_keys mode, int trim, const char *k, size_t n,
    struct rt_buf *out);

#endif
