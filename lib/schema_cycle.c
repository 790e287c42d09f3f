/*
 * schema_cycle.c - refusing, at load, a compiled schema that would recurse
 * forever: a cycle of $ref, $dynamicRef and in-place applicators (allOf,
 * anyOf, oneOf, not, if/then/else, dependentSchemas) that applies to the
 * same instance all the way round.  A cycle through properties, items and
 * the like descends into the instance at each turn, so it ends; it is
 * left alone.  rt-validate(1), "$ref".
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "schema_int.h"

enum { E_SUB, E_REF, E_DYN };

/* The in-place graph, as adjacency lists: node i's edges are
 * to[off[i] .. off[i + 1]). */
struct graph {
	uint32_t *off, *to;
	uint8_t *kind;
	uint32_t n, cap;
	uint32_t *dynhead, *dynnext;	/* anchors by name, chained */
	uint32_t nb;			/* buckets of dynhead */
};

static void
edge(struct graph *g, uint32_t t, int kind)
{
	if (t == SN_NONE)
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->to = rt_xreallocarray(g->to, g->cap, sizeof *g->to);
		g->kind = rt_xreallocarray(g->kind, g->cap, 1);
	}
	g->to[g->n] = t;
	g->kind[g->n++] = (uint8_t)kind;
}

static void
edges_list(struct graph *g, const struct rt_schema *s, struct slist l)
{
	uint32_t k;

	for (k = 0; k < l.n; k++)
		edge(g, s->u32[l.off + k], E_SUB);
}

/* Every target a $dynamicRef to anchor name may take: its static target
 * and each $dynamicAnchor of that name. */
static void
edges_dynamic(struct graph *g, const struct rt_schema *s, const struct sn *x)
{
	uint32_t a;

	edge(g, x->dynref, E_DYN);
	if (x->dynname == SN_NONE)
		return;
	for (a = g->dynhead[x->dynname % g->nb]; a != SN_NONE;
	    a = g->dynnext[a]) {
		const struct sdoc *d = &s->docs[s->anc[a].doc];

		if (s->anc[a].name == x->dynname && d->comp[s->anc[a].node])
			edge(g, d->comp[s->anc[a].node] - 1, E_DYN);
	}
}

static void
edges_of(struct graph *g, const struct rt_schema *s, uint32_t i)
{
	const struct sn *x = &s->sn[i];
	uint32_t d;

	if (x->kind != SN_OBJ)
		return;
	edge(g, x->ref, E_REF);
	if (x->dynref != SN_NONE)
		edges_dynamic(g, s, x);
	edges_list(g, s, x->allof);
	edges_list(g, s, x->anyof);
	edges_list(g, s, x->oneof);
	edge(g, x->not_, E_SUB);
	edge(g, x->if_, E_SUB);
	if (x->if_ != SN_NONE) {	/* without "if", never applied */
		edge(g, x->then_, E_SUB);
		edge(g, x->else_, E_SUB);
	}
	if (x->keys != SN_NONE) {
		const struct ktab *t = &s->kt[x->keys];

		for (d = 0; d < t->deps.n; d++)
			edge(g, s->kent[s->u32[t->deps.off + d]].depschema,
			    E_SUB);
	}
}

static void
graph_build(struct graph *g, const struct rt_schema *s)
{
	uint32_t i, nb = s->nanc ? s->nanc : 1;

	memset(g, 0, sizeof *g);
	g->nb = nb;
	/* Dynamic anchors chained by bucket of their (interned) name. */
	g->dynhead = rt_xmalloc((size_t)nb * sizeof *g->dynhead);
	g->dynnext = rt_xmalloc((size_t)nb * sizeof *g->dynnext);
	memset(g->dynhead, 0xff, (size_t)nb * sizeof *g->dynhead);
	for (i = 0; i < s->nanc; i++)
		if (s->anc[i].dynamic) {
			g->dynnext[i] = g->dynhead[s->anc[i].name % nb];
			g->dynhead[s->anc[i].name % nb] = i;
		}
	g->off = rt_xmalloc(((size_t)s->nsn + 1) * sizeof *g->off);
	for (i = 0; i < s->nsn; i++) {
		g->off[i] = g->n;
		edges_of(g, s, i);
	}
	g->off[s->nsn] = g->n;
}

static void
graph_free(struct graph *g)
{
	free(g->off);
	free(g->to);
	free(g->kind);
	free(g->dynhead);
	free(g->dynnext);
}

/* Where schema node i is, for messages: its location, after its file's
 * name when it is in another document than the one named first. */
static void
put_loc(struct rt_buf *b, const struct rt_schema *s, uint32_t i, uint32_t doc)
{
	if (s->sn[i].doc != doc) {
		const char *name = s->docs[s->sn[i].doc].name;
		const char *base = strrchr(name, '/');

		rt_buf_adds(b, base ? base + 1 : name);
	}
	rt_buf_adds(b, sch_str(s, s->sn[i].loc));
}

/* The cycle closed by edge e of the node on top of stack[0, top]: t is
 * on the stack at pos. */
static void
report(struct rt_schema *s, const struct graph *g, const uint32_t *stack,
    uint32_t top, uint32_t pos, uint32_t e)
{
	uint32_t src = stack[top], t = g->to[e], doc = s->sn[src].doc, j;

	rt_buf_printf(s->err, "%s: ", s->docs[doc].name);
	if (g->kind[e] == E_SUB) {
		put_loc(s->err, s, t, doc);
	} else {
		put_loc(s->err, s, src, doc);
		rt_buf_adds(s->err, g->kind[e] == E_REF ? "/$ref" :
		    "/$dynamicRef");
	}
	rt_buf_adds(s->err, ": a schema cycle that never descends into the "
	    "instance: ");
	for (j = pos; j <= top; j++) {
		if (j - pos == 12 && top - j > 2) {
			rt_buf_printf(s->err, "... (%u schemas) -> ", top - j);
			j = top;
		}
		put_loc(s->err, s, stack[j], doc);
		rt_buf_adds(s->err, " -> ");
	}
	put_loc(s->err, s, t, doc);
	s->failed = 1;
}

int
rt_schema_check_cycles(struct rt_schema *s)
{
	struct graph g;
	uint32_t *stack, *at, *pos, r, top;
	uint8_t *color;		/* 0 unseen, 1 on the stack, 2 done */
	int rc = 0;

	graph_build(&g, s);
	stack = rt_xmalloc(((size_t)s->nsn + 1) * sizeof *stack);
	at = rt_xmalloc(((size_t)s->nsn + 1) * sizeof *at);
	pos = rt_xmalloc(((size_t)s->nsn + 1) * sizeof *pos);
	color = rt_xcalloc((size_t)s->nsn + 1, 1);
	for (r = 0; r < s->nsn && rc == 0; r++) {
		if (color[r])
			continue;
		top = 0;
		stack[0] = r;
		at[0] = g.off[r];
		pos[r] = 0;
		color[r] = 1;
		for (;;) {
			uint32_t n = stack[top], t;

			if (at[top] == g.off[n + 1]) {
				color[n] = 2;
				if (top-- == 0)
					break;
				continue;
			}
			t = g.to[at[top]++];
			if (color[t] == 1) {
				report(s, &g, stack, top, pos[t], at[top] - 1);
				rc = -1;
				break;
			}
			if (color[t] == 0) {
				color[t] = 1;
				stack[++top] = t;
				at[top] = g.off[t];
				pos[t] = top;
			}
		}
	}
	free(stack);
	free(at);
	free(pos);
	free(color);
	graph_free(&g);
	return rc;
}
