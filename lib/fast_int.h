/*
 * fast_int.h - the tree of the fast path (fast.h), shared by its parser
 * (fast_parse.c) and its evaluator (fast_eval.c).  Not a public header.
 */
#ifndef RT_FAST_INT_H
#define RT_FAST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fast.h"
#include "jqre.h"

/* Value types, in jq's order of types (false and true are one kind,
 * "boolean", but order false < true). */
enum vt { V_NULL, V_FALSE, V_TRUE, V_NUM, V_STR, V_ARR, V_OBJ };

/* A value: numbers and strings held, containers as their record node. */
struct fv {
	int t;
	double n;
	const char *s;
	size_t len;
	uint32_t node;		/* arrays and objects: node in the record */
};

enum op {
	F_DOT, F_FIELD, F_INDEX, F_LIT, F_NEG, F_ADD, F_SUB, F_MUL, F_DIV,
	F_EQ, F_NE, F_LT, F_LE, F_GT, F_GE, F_AND, F_OR, F_ALT, F_PIPE,
	F_NOT, F_LENGTH, F_TYPE, F_DOWN, F_UP, F_TEST, F_STARTS, F_ENDS,
	F_HAS, F_IN
};

/* Limits that keep the parser's and the evaluator's recursion shallow:
 * a condition nested deeper, or a tree higher, is libjq's. */
#define RT_FAST_NEST 200
#define RT_FAST_HEIGHT 1000

struct rt_fnode {
	enum op op;
	struct rt_fnode *a, *b;	/* operands; F_FIELD/F_INDEX: a is the input */
	struct fv lit;		/* F_LIT, F_FIELD key, F_HAS key, ... */
	struct fv *list;	/* F_IN */
	int nlist;
	struct rt_jqre *re;	/* F_TEST */
	int height;		/* of the tree below, this node included */
	int top;		/* F_FIELD of the record itself */
	int slot;		/* its slot in the per-record field cache */
};

#endif
