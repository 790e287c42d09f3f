/*
 * msrc.c - several inputs read side by side (see msrc.h).
 */
#include "msrc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"
#include "opttab.h"

/* The format an operand's prefix names, and where its path starts; -1
 * when it has none (a path may hold a ':' of its own). */
static int
prefix_fmt(const char *op, const char **path)
{
	const char *colon = strchr(op, ':');
	char pre[8];
	int fmt;

	if (colon == NULL || (size_t)(colon - op) >= sizeof pre)
		return -1;
	memcpy(pre, op, (size_t)(colon - op));
	pre[colon - op] = '\0';
	if ((fmt = rt_fmt_parse(pre)) >= 0)
		*path = colon + 1;
	return fmt;
}

const char *
rt_msrcs_init(struct rt_msrcs *s, char *const *ops, int n, enum rt_fmt fmt,
    size_t max)
{
	static char *const stdin_only[] = { (char *)"-" };
	int k, dash = 0;

	memset(s, 0, sizeof *s);
	if (n == 0) {
		ops = stdin_only;
		n = 1;
	}
	s->n = n;
	s->v = rt_xcalloc((size_t)n, sizeof *s->v);
	s->pfd = rt_xcalloc((size_t)n, sizeof *s->pfd);
	s->who = rt_xcalloc((size_t)n, sizeof *s->who);
	for (k = 0; k < n; k++) {
		struct rt_msrc *in = &s->v[k];
		const char *path = ops[k];
		int f = prefix_fmt(ops[k], &path);

		in->path = rt_xstrdup(path);
		in->name = strcmp(path, "-") == 0 ? "stdin" : in->path;
		in->label = in->name;
		rt_src_init(&in->src, &in->path, 1, f >= 0 ? (enum rt_fmt)f :
		    fmt, max);
		in->src.nowait = 1;
		if (strcmp(path, "-") == 0 && dash++)
			return "standard input ('-') given twice";
	}
	return NULL;
}

void
rt_msrcs_release(struct rt_msrcs *s)
{
	int k;

	for (k = 0; k < s->n; k++) {
		rt_src_release(&s->v[k].src);
		rt_buf_release(&s->v[k].jlabel);
		free(s->v[k].path);
	}
	free(s->v);
	free(s->names);
	free(s->pfd);
	free(s->who);
	memset(s, 0, sizeof *s);
}

void
rt_msrcs_jlabels(struct rt_msrcs *s)
{
	int k;

	for (k = 0; k < s->n; k++) {
		s->v[k].jlabel.len = 0;
		rt_json_put_str(&s->v[k].jlabel, s->v[k].label,
		    strlen(s->v[k].label));
	}
}

const char *
rt_msrcs_names(struct rt_msrcs *s, const char *list)
{
	char *at, *tok;
	int k = 0;

	free(s->names);
	for (k = 0; k < s->n; k++)
		s->v[k].label = s->v[k].name;	/* none into the old list */
	k = 0;
	at = s->names = rt_xstrdup(list);
	while ((tok = rt_opttab_item(&at)) != NULL) {
		if (*tok == '\0')
			continue;
		if (k == s->n)
			return "more names than inputs";
		s->v[k++].label = tok;
	}
	return k < s->n ? "fewer names than inputs" : NULL;
}

int
rt_msrc_next(struct rt_msrcs *s, int i, struct rt_rec *r)
{
	struct rt_msrc *in = &s->v[i];
	int k;

	if (in->ended)
		return 0;
	k = rt_src_next(&in->src, r);
	if (k == 0 || k == -1) {
		in->ended = 1;
		rt_src_release(&in->src);
	}
	return k;
}

int
rt_msrcs_wait(struct rt_msrcs *s, int timeout,
    int (*waiting)(void *arg, int i), void (*ready)(void *arg, int i),
    void *arg)
{
	int n = 0, k, got;

	for (k = 0; k < s->n; k++) {
		if (s->v[k].ended || !waiting(arg, k) ||
		    rt_src_fd(&s->v[k].src) < 0)
			continue;
		s->pfd[n].fd = rt_src_fd(&s->v[k].src);
		s->pfd[n].events = POLLIN;
		s->pfd[n].revents = 0;
		s->who[n++] = k;
	}
	if (n == 0 && timeout < 0)
		return 0;	/* nothing would ever wake us */
	if ((got = poll(s->pfd, (nfds_t)n, timeout)) <= 0)
		return got == -1 && errno == EINTR ? 0 : got;
	for (k = 0; k < n; k++)
		if (s->pfd[k].revents)
			ready(arg, s->who[k]);
	return got;
}
