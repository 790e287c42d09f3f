/*
 * table_int.h - what the table loaders (tload.c) share with table.c;
 * not part of the library's interface.
 */
#ifndef RT_TABLE_INT_H
#define RT_TABLE_INT_H

#include <stdint.h>

#include "table.h"

/* What a column is to the load. */
struct rt_trole {
	int8_t keypart;		/* part of the key, or -1 */
	uint8_t store;		/* written out with the row */
	uint8_t vf, lo, hi;	/* the as-of or range column */
	uint8_t type;		/* RT_TT_* */
};

/* A value of the row being encoded: column, and place in t->vals. */
struct rt_tval {
	uint32_t col;
	size_t off, len;
};

/* Append the members of the row being encoded (n values in t->tv and
 * t->vals) to t->row after its key, dense when they are the dense
 * columns. */
void rt_table_members_(struct rt_table *t, size_t n);
/* Room for n values in t->tv. */
void rt_table_tv_(struct rt_table *t, size_t n);

/* Append the JSON text of text s[0, n) read as type (RT_TT_*, not NONE)
 * to t->val (null when empty): NULL, or why it does not read so. */
const char *rt_table_typed_(struct rt_table *t, int type, const char *s,
    size_t n);
/* Refuse the row at line for column col: "'NAME': why"; returns -1. */
int rt_table_refuse_col_(struct rt_table *t, uint64_t line, uint32_t col,
    const char *why);
/* Keep the row encoded in t->row (with t->cur_vf, cur_lo, cur_hi). */
void rt_table_keep_(struct rt_table *t, uint64_t line);

#endif
