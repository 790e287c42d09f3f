/*
 * schema.c - loading and compiling JSON Schema documents (see schema.h):
 * the scan finds resources ($id), anchors and dialects; the compiler
 * turns each schema object into a struct sn, resolving every $ref at
 * start-up.  The validator is sval.c.
 */
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "mem.h"
#include "metaschema.h"
#include "number.h"
#include "schema_int.h"
#include "uri.h"

/* Append to a growable array whose capacity is the next power of two. */
#define PUSH(arr, n) \
	((((n) & ((n) - 1)) == 0 ? (void)((arr) = rt_xreallocarray((arr), \
	    (n) ? (size_t)(n) * 2 : 1, sizeof *(arr))) : (void)0), (n)++)

static void
failf(struct rt_schema *s, const struct sdoc *d, const char *loc,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
failf(struct rt_schema *s, const struct sdoc *d, const char *loc,
    const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	if (s->failed)
		return;
	s->failed = 1;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above */
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (d)
		rt_buf_printf(s->err, "%s: ", d->name);
	if (loc)
		rt_buf_printf(s->err, "%s: ", loc);
	rt_buf_adds(s->err, msg);
}

static uint32_t
pool_add(struct rt_schema *s, const char *p, size_t n)
{
	uint32_t off = (uint32_t)s->pool.len;

	rt_buf_add(&s->pool, p, n);
	rt_buf_addc(&s->pool, '\0');
	return off;
}

/* The u32 stored under key k[0, n) of m, or SN_NONE. */
static uint32_t
map_get(const struct rt_map *m, const void *k, size_t n)
{
	uint32_t id = rt_map_find(m, k, n, rt_hash(k, n)), val;

	if (id == RT_MAP_NONE)
		return SN_NONE;
	memcpy(&val, rt_map_data(m, id), sizeof val);
	return val;
}

static void
map_set(struct rt_map *m, const void *k, size_t n, uint32_t val)
{
	int isnew;
	uint32_t id = rt_map_put(m, k, n, rt_hash(k, n), &isnew);

	memcpy(rt_map_data(m, id), &val, sizeof val);
}

/* A key of two u32 and a name, in b (cleared first). */
static const char *
key2(struct rt_buf *b, uint32_t x, uint32_t y, const char *p, size_t n)
{
	b->len = 0;
	rt_buf_add(b, &x, sizeof x);
	rt_buf_add(b, &y, sizeof y);
	rt_buf_add(b, p, n);
	return b->p;
}

static uint32_t
intern(struct rt_schema *s, const char *p, size_t n)
{
	uint32_t off = map_get(&s->inmap, p, n);

	if (off == SN_NONE) {
		off = pool_add(s, p, n);
		map_set(&s->inmap, p, n, off);
	}
	return off;
}

static uint32_t
u32_alloc(struct rt_schema *s, uint32_t n)
{
	uint32_t off = s->nu32, cap = 1;

	while (cap < s->nu32)
		cap *= 2;
	if (s->nu32 == 0 || off + n > cap) {
		while (cap < off + n)
			cap *= 2;
		s->u32 = rt_xreallocarray(s->u32, cap, sizeof *s->u32);
	}
	s->nu32 += n;
	memset(s->u32 + off, 0, n * sizeof *s->u32);
	return off;
}

/* Decoded text of string node i of doc d into b (cleared first). */
static const char *
str_of(const struct sdoc *d, uint32_t i, struct rt_buf *b)
{
	b->len = 0;
	rt_jdoc_str(&d->jd, i, b);
	return rt_buf_cstr(b);
}

static const char *
str_of_jd(const struct rt_jdoc *d, uint32_t i, struct rt_buf *b)
{
	b->len = 0;
	rt_jdoc_str(d, i, b);
	return rt_buf_cstr(b);
}

static int
key_is(const struct sdoc *d, uint32_t k, const char *name)
{
	return rt_jdoc_streq(&d->jd, k, name, strlen(name));
}

static uint32_t
member(const struct sdoc *d, uint32_t obj, const char *name)
{
	return rt_jdoc_get(&d->jd, obj, name, strlen(name));
}

/* ---- documents ---- */

static uint32_t
doc_add(struct rt_schema *s, char *text, size_t len, const char *name)
{
	uint32_t i = PUSH(s->docs, s->ndocs);
	struct sdoc *d = &s->docs[i];

	memset(d, 0, sizeof *d);
	d->text = text;
	d->len = len;
	d->name = rt_xstrdup(name);
	rt_jdoc_init(&d->jd, 0);
	if (rt_jdoc_parse(&d->jd, text, len) == -1) {
		failf(s, d, NULL, "invalid JSON: %s at byte %zu", d->jd.err,
		    d->jd.erroff + 1);
		return SN_NONE;
	}
	d->info = rt_xcalloc(d->jd.nv, sizeof *d->info);
	d->comp = rt_xcalloc(d->jd.nv, sizeof *d->comp);
	return i;
}

static char *
read_file(const char *path, size_t *len, int *err)
{
	struct rt_buf b = RT_BUF_INIT;
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	for (;;) {
		rt_buf_reserve(&b, 65536);
		r = read(fd, b.p + b.len, b.cap - b.len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		b.len += (size_t)r;
	}
	if (r < 0) {
		*err = errno;
		close(fd);
		rt_buf_release(&b);
		return NULL;
	}
	close(fd);
	*len = b.len;
	rt_buf_reserve(&b, 1);
	return b.p;
}

/* ---- dialects ---- */

static int
draft_of_uri(const char *u)
{
	size_t n = rt_uri_nofrag(u, strlen(u));

	static const char d2020[] = "https://json-schema.org/draft/2020-12/schema";
	static const char d7a[] = "http://json-schema.org/draft-07/schema";
	static const char d7b[] = "https://json-schema.org/draft-07/schema";

	if (n == sizeof d2020 - 1 && memcmp(u, d2020, n) == 0)
		return RT_DRAFT_2020;
	if ((n == sizeof d7a - 1 && memcmp(u, d7a, n) == 0) ||
	    (n == sizeof d7b - 1 && memcmp(u, d7b, n) == 0))
		return RT_DRAFT_7;
	return 0;
}

static uint32_t res_find(struct rt_schema *s, const char *uri, size_t n);
static uint32_t res_load(struct rt_schema *s, const char *uri, size_t n);

/* The dialect a "$schema" names: a known meta-schema, or a local one
 * (--schema-dir) whose own $schema is known; *novalid when its
 * $vocabulary leaves the validation vocabulary out.  0 if unknown. */
static int
draft_of(struct rt_schema *s, const char *u, int *novalid)
{
	int dr = draft_of_uri(u);
	uint32_t r, v;
	struct sdoc *d;
	struct rt_buf b = RT_BUF_INIT;

	*novalid = 0;
	if (dr)
		return dr;
	r = res_find(s, u, rt_uri_nofrag(u, strlen(u)));
	if (r == SN_NONE)
		r = res_load(s, u, rt_uri_nofrag(u, strlen(u)));
	if (r == SN_NONE)
		return 0;
	d = &s->docs[s->res[r].doc];
	if (d->jd.v[s->res[r].node].type != RT_JOBJ)
		return 0;
	v = member(d, s->res[r].node, "$schema");
	if (v == 0 || d->jd.v[v].type != RT_JSTR)
		return 0;
	dr = draft_of_uri(str_of(d, v, &b));
	v = member(d, s->res[r].node, "$vocabulary");
	if (dr == RT_DRAFT_2020 && v && d->jd.v[v].type == RT_JOBJ &&
	    !rt_jdoc_get(&d->jd, v,
	    "https://json-schema.org/draft/2020-12/vocab/validation", 54))
		*novalid = 1;
	rt_buf_release(&b);
	return dr;
}

/* ---- resources and anchors ---- */

static uint32_t
res_find(struct rt_schema *s, const char *uri, size_t n)
{
	return map_get(&s->resmap, uri, n);
}

static uint32_t
res_add(struct rt_schema *s, const char *uri, size_t n, uint32_t doc,
    uint32_t node, int draft, int novalid)
{
	uint32_t i = res_find(s, uri, n);

	if (i != SN_NONE)
		return i;
	i = PUSH(s->res, s->nres);
	memset(&s->res[i], 0, sizeof s->res[i]);
	s->res[i].uri = pool_add(s, uri, n);
	map_set(&s->resmap, uri, n, i);
	s->res[i].doc = doc;
	s->res[i].node = node;
	s->res[i].draft = (uint8_t)draft;
	s->res[i].novalid = (uint8_t)novalid;
	return i;
}

static void
anchor_add(struct rt_schema *s, uint32_t res, const char *name, uint32_t doc,
    uint32_t node, int dynamic)
{
	struct rt_buf k = RT_BUF_INIT;
	uint32_t i;

	key2(&k, res, 0, name, strlen(name));
	i = map_get(&s->ancmap, k.p, k.len);
	if (i != SN_NONE) {
		s->anc[i].dynamic |= dynamic;
		rt_buf_release(&k);
		return;
	}
	i = PUSH(s->anc, s->nanc);
	map_set(&s->ancmap, k.p, k.len, i);
	rt_buf_release(&k);
	s->anc[i].res = res;
	s->anc[i].name = intern(s, name, strlen(name));
	s->anc[i].doc = doc;
	s->anc[i].node = node;
	s->anc[i].dynamic = dynamic;
}

static uint32_t
anchor_find(const struct rt_schema *s, uint32_t res, const char *name)
{
	struct rt_buf k = RT_BUF_INIT;
	uint32_t i;

	key2(&k, res, 0, name, strlen(name));
	i = map_get(&s->ancmap, k.p, k.len);
	rt_buf_release(&k);
	return i;
}

/* ---- the scan ---- */

struct scanctx {
	struct rt_schema *s;
	uint32_t doc;
	struct rt_buf ptr;	/* JSON Pointer of the node being scanned */
	struct rt_buf tmp;
};

static void scan(struct scanctx *c, uint32_t node, uint32_t res);

static void
ptr_push_key(struct rt_buf *ptr, const char *k, size_t n)
{
	size_t i;

	rt_buf_addc(ptr, '/');
	for (i = 0; i < n; i++) {
		if (k[i] == '~')
			rt_buf_adds(ptr, "~0");
		else if (k[i] == '/')
			rt_buf_adds(ptr, "~1");
		else
			rt_buf_addc(ptr, k[i]);
	}
}

/* Scan the value of member k of node (a schema, an array of schemas or a
 * map of schemas: how = 's', 'a', 'm'). */
static void
scan_kw(struct scanctx *c, uint32_t k, uint32_t res, int how)
{
#define d (&c->s->docs[c->doc])
	size_t mark = c->ptr.len;
	uint32_t v = k + 1, e, i = 0;
	struct rt_buf key = RT_BUF_INIT;

	str_of(d, k, &key);
	ptr_push_key(&c->ptr, key.p, key.len);
	if (how == 's') {
		scan(c, v, res);
	} else if (how == 'a' && d->jd.v[v].type == RT_JARR) {
		for (e = v + 1; e < d->jd.v[v].next; e = d->jd.v[e].next) {
			size_t m2 = c->ptr.len;

			rt_buf_printf(&c->ptr, "/%u", i++);
			scan(c, e, res);
			c->ptr.len = m2;
		}
	} else if (how == 'm' && d->jd.v[v].type == RT_JOBJ) {
		for (e = v + 1; e < d->jd.v[v].next; e = d->jd.v[e + 1].next) {
			size_t m2 = c->ptr.len;

			str_of(d, e, &key);
			ptr_push_key(&c->ptr, key.p, key.len);
			if (d->jd.v[e + 1].type == RT_JOBJ ||
			    d->jd.v[e + 1].type == RT_JTRUE ||
			    d->jd.v[e + 1].type == RT_JFALSE)
				scan(c, e + 1, res);
			c->ptr.len = m2;
		}
	}
	c->ptr.len = mark;
	rt_buf_release(&key);
#undef d
}

static const char *const kw_single[] = {
	"additionalProperties", "propertyNames", "contains", "not", "if",
	"then", "else", "additionalItems", "unevaluatedProperties",
	"unevaluatedItems", NULL
};
static const char *const kw_array[] = {
	"allOf", "anyOf", "oneOf", "prefixItems", NULL
};
static const char *const kw_map[] = {
	"properties", "patternProperties", "$defs", "definitions",
	"dependentSchemas", "dependencies", NULL
};

static int
in_list(const struct sdoc *d, uint32_t k, const char *const *l)
{
	for (; *l; l++)
		if (key_is(d, k, *l))
			return 1;
	return 0;
}

/* A node with $id (or the root): its dialect. */
static int
scan_dialect(struct scanctx *c, uint32_t node, int draft, int *novalid)
{
	struct sdoc *d = &c->s->docs[c->doc];
	uint32_t v = member(d, node, "$schema");
	int dr;

	*novalid = 0;
	if (v == 0)
		return draft;
	if (d->jd.v[v].type != RT_JSTR) {
		failf(c->s, d, "#", "$schema must be a string");
		return draft;
	}
	{
		char *u = rt_xstrdup(str_of(d, v, &c->tmp));

		dr = draft_of(c->s, u, novalid);
		free(u);
	}
	if (dr == 0) {
		d = &c->s->docs[c->doc];
		str_of(d, v, &c->tmp);
		failf(c->s, d, c->ptr.len ? c->ptr.p : "#",
		    "unknown $schema '%s' (rt-validate knows draft 2020-12 and "
		    "draft 7)", c->tmp.p);
		return draft;
	}
	return dr;
}

/* $id, $anchor, $dynamicAnchor of object node: the node's resource. */
static uint32_t
scan_ids(struct scanctx *c, uint32_t node, uint32_t res)
{
	struct rt_schema *s = c->s;
	struct sdoc *d = &s->docs[c->doc];
	int draft = s->res[res].draft, novalid = s->res[res].novalid, nd;
	uint32_t v = member(d, node, "$id"), a;
	struct rt_buf abs = RT_BUF_INIT;

	if (v && d->jd.v[v].type == RT_JSTR &&
	    !(draft == RT_DRAFT_7 && member(d, node, "$ref"))) {
		const char *base = sch_str(s, s->res[res].uri), *id;
		size_t nf;

		id = str_of(d, v, &c->tmp);
		if (draft == RT_DRAFT_7 && id[0] == '#') {
			anchor_add(s, res, id + 1, c->doc, node, 0);
		} else {
			rt_uri_resolve(base, strlen(base), id, c->tmp.len, &abs);
			nf = rt_uri_nofrag(abs.p, abs.len);
			nd = scan_dialect(c, node, draft, &novalid);
			res = res_add(s, abs.p, nf, c->doc, node, nd, novalid);
			if (draft == RT_DRAFT_7 && nf + 1 < abs.len)
				anchor_add(s, res, rt_buf_cstr(&abs) + nf + 1,
				    c->doc, node, 0);
			d = &s->docs[c->doc];
		}
	}
	rt_buf_release(&abs);
	if (s->res[res].draft == RT_DRAFT_7)
		return res;
	if ((a = member(d, node, "$anchor")) && d->jd.v[a].type == RT_JSTR)
		anchor_add(s, res, str_of(d, a, &c->tmp), c->doc, node, 0);
	if ((a = member(d, node, "$dynamicAnchor")) &&
	    d->jd.v[a].type == RT_JSTR)
		anchor_add(s, res, str_of(d, a, &c->tmp), c->doc, node, 1);
	return res;
}

static void
scan(struct scanctx *c, uint32_t node, uint32_t res)
{
	struct rt_schema *s = c->s;
	struct sdoc *d = &s->docs[c->doc];
	uint32_t k, i;
	int draft;

	if (d->info[node] || s->failed)
		return;
	if (d->jd.v[node].type == RT_JOBJ)
		res = scan_ids(c, node, res);
	d = &s->docs[c->doc];
	i = PUSH(s->info, s->ninfo);
	s->info[i].res = res;
	s->info[i].ptr = pool_add(s, c->ptr.p ? c->ptr.p : "", c->ptr.len);
	d->info[node] = i + 1;
	if (d->jd.v[node].type != RT_JOBJ)
		return;
	draft = s->res[res].draft;
	for (k = node + 1; k < d->jd.v[node].next; k = d->jd.v[k + 1].next) {
		d = &s->docs[c->doc];
		str_of(d, k, &c->tmp);
		rt_schema_keyword(s, c->doc, draft, rt_buf_cstr(&c->ptr),
		    c->tmp.p, c->tmp.len);
		if (in_list(d, k, kw_single))
			scan_kw(c, k, res, 's');
		else if (in_list(d, k, kw_array))
			scan_kw(c, k, res, 'a');
		else if (in_list(d, k, kw_map))
			scan_kw(c, k, res, 'm');
		else if (key_is(d, k, "items"))
			scan_kw(c, k, res, draft == RT_DRAFT_7 &&
			    d->jd.v[k + 1].type == RT_JARR ? 'a' : 's');
	}
}

/* Scan document doc from its root, retrieved as uri. */
static void
scan_doc(struct rt_schema *s, uint32_t doc, const char *uri, size_t n)
{
	struct scanctx c = { s, doc, RT_BUF_INIT, RT_BUF_INIT };
	struct sdoc *d = &s->docs[doc];
	int novalid = 0, draft = s->o.draft;
	uint32_t res;

	if (d->jd.v[0].type == RT_JOBJ)
		draft = scan_dialect(&c, 0, draft, &novalid);
	res = res_add(s, uri, n, doc, 0, draft, novalid);
	rt_buf_adds(&c.ptr, "#");
	scan(&c, 0, res);
	rt_buf_release(&c.ptr);
	rt_buf_release(&c.tmp);
}

/* ---- --schema-dir ---- */

static uint32_t
load_file(struct rt_schema *s, const char *path, const char *uri, size_t n)
{
	size_t len;
	int e;
	char *text = read_file(path, &len, &e);
	uint32_t doc;

	if (text == NULL)
		return SN_NONE;
	doc = doc_add(s, text, len, path);
	if (doc == SN_NONE)
		return SN_NONE;
	scan_doc(s, doc, uri, n);
	return doc;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Is the file at path JSON whose $schema, if any, is a dialect rtpipe
 * knows?  The scan of --schema-dir passes over the other files rather
 * than failing on a document nobody asked for. */
static int
dialect_known(const char *path)
{
	struct rt_jdoc d;
	struct rt_buf b = RT_BUF_INIT;
	size_t len;
	int e, ok = 0;
	char *text = read_file(path, &len, &e);
	uint32_t v;

	if (text == NULL)
		return 0;
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, text, len) == 0) {
		ok = 1;
		if (d.v[0].type == RT_JOBJ &&
		    (v = rt_jdoc_get(&d, 0, "$schema", 7)) != 0)
			ok = d.v[v].type == RT_JSTR &&
			    draft_of_uri(str_of_jd(&d, v, &b)) != 0;
	}
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	free(text);
	return ok;
}

/* Every *.json file under dir, once: they may name themselves by $id. */
static void
load_all(struct rt_schema *s, const char *dir, int depth)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	if (dp == NULL || depth > 8) {
		if (dp)
			closedir(dp);
		return;
	}
	while ((e = readdir(dp)) != NULL && !s->failed) {
		size_t n = strlen(e->d_name);
		uint32_t i;
		int seen = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!is_file(path)) {
			load_all(s, path, depth + 1);
			continue;
		}
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		for (i = 0; i < s->ndocs; i++)
			seen |= strcmp(s->docs[i].name, path) == 0;
		if (!seen && dialect_known(path)) {
			struct rt_buf u = RT_BUF_INIT;
			char real[PATH_MAX];

			rt_buf_adds(&u, "file://");
			rt_buf_adds(&u, realpath(path, real) ? real : path);
			load_file(s, path, u.p, u.len);
			rt_buf_release(&u);
		}
	}
	closedir(dp);
}

/* The built-in meta-schema uri[0, n), loaded: its resource, or SN_NONE. */
static uint32_t
builtin_load(struct rt_schema *s, const char *uri, size_t n)
{
	size_t len;
	const char *text = rt_meta_find(uri, n, &len);
	char *copy, name[80];
	uint32_t doc;

	if (text == NULL)
		return SN_NONE;
	copy = rt_xmalloc(len + 1);
	memcpy(copy, text, len + 1);
	snprintf(name, sizeof name, "(built-in %.60s)", uri);
	doc = doc_add(s, copy, len, name);
	if (doc == SN_NONE)
		return SN_NONE;
	s->docs[doc].builtin = 1;
	scan_doc(s, doc, uri, n);
	return res_find(s, uri, n);
}

/* Find the resource uri[0, n) in --schema-dir: DIR/<the URI's path>,
 * DIR/<its last segment>, then any file whose $id it is. */
static uint32_t
res_load(struct rt_schema *s, const char *uri, size_t n)
{
	struct rt_uri u;
	char path[PATH_MAX];
	const char *base;
	size_t i;
	uint32_t r;

	if (s->failed)
		return SN_NONE;
	if ((r = builtin_load(s, uri, n)) != SN_NONE)
		return r;
	if (s->o.dir == NULL)
		return SN_NONE;
	rt_uri_split(uri, n, &u);
	while (u.npath > 0 && u.path[0] == '/') {
		u.path++;
		u.npath--;
	}
	for (i = 0; i + 1 < u.npath; i++)
		if (u.path[i] == '.' && u.path[i + 1] == '.')
			u.npath = 0;	/* never climb out of DIR */
	if (u.npath > 0 && u.npath < PATH_MAX - strlen(s->o.dir) - 2) {
		snprintf(path, sizeof path, "%s/%.*s", s->o.dir, (int)u.npath,
		    u.path);
		if (is_file(path) && load_file(s, path, uri, n) != SN_NONE &&
		    (r = res_find(s, uri, n)) != SN_NONE)
			return r;
		base = u.path + u.npath;
		while (base > u.path && base[-1] != '/')
			base--;
		snprintf(path, sizeof path, "%s/%.*s", s->o.dir,
		    (int)(u.path + u.npath - base), base);
		if (is_file(path) && load_file(s, path, uri, n) != SN_NONE &&
		    (r = res_find(s, uri, n)) != SN_NONE)
			return r;
	}
	if (!s->dirscanned) {
		s->dirscanned = 1;
		load_all(s, s->o.dir, 0);
		return res_find(s, uri, n);
	}
	return SN_NONE;
}

/* ---- references ---- */

/* Member key[0, n) of object node obj of doc: as rt_jdoc_get, through an
 * index for a large object, built when a $ref first walks into it (the
 * last of duplicate keys wins there too). */
static uint32_t
obj_get(struct rt_schema *s, uint32_t doc, uint32_t obj, const char *key,
    size_t n)
{
	const struct rt_jdoc *jd = &s->docs[doc].jd;
	struct rt_buf k = RT_BUF_INIT, name = RT_BUF_INIT;
	uint32_t m, r;

	if (jd->v[obj].n <= 8)
		return rt_jdoc_get(jd, obj, key, n);
	key2(&k, doc, obj, "", 0);
	if (map_get(&s->objmap, k.p, k.len) == SN_NONE) {
		map_set(&s->objmap, k.p, k.len, 1);
		for (m = obj + 1; m < jd->v[obj].next; m = jd->v[m + 1].next) {
			str_of_jd(jd, m, &name);
			key2(&k, doc, obj, name.p ? name.p : "", name.len);
			map_set(&s->memmap, k.p, k.len, m + 1);
		}
	}
	key2(&k, doc, obj, key, n);
	r = map_get(&s->memmap, k.p, k.len);
	rt_buf_release(&k);
	rt_buf_release(&name);
	return r == SN_NONE ? 0 : r;
}

/* The node at JSON Pointer ptr[0, n) (percent-decoded) from (doc,
 * node), scanning it if the scan did not reach it. */
static int
walk_pointer(struct rt_schema *s, uint32_t doc, uint32_t node,
    const char *ptr, size_t n, uint32_t *out)
{
	struct sdoc *d = &s->docs[doc];
	struct rt_buf seg = RT_BUF_INIT;
	uint32_t deep = node;
	size_t i = 0;

	while (i < n) {
		size_t j = i + 1;

		if (ptr[i] != '/')
			goto bad;
		seg.len = 0;
		for (; j < n && ptr[j] != '/'; j++) {
			if (ptr[j] == '~' && j + 1 < n && (ptr[j + 1] == '0' ||
			    ptr[j + 1] == '1')) {
				rt_buf_addc(&seg, ptr[j + 1] == '0' ? '~' : '/');
				j++;
			} else {
				rt_buf_addc(&seg, ptr[j]);
			}
		}
		i = j;
		if (d->jd.v[node].type == RT_JOBJ) {
			node = obj_get(s, doc, node, seg.p ? seg.p : "",
			    seg.len);
		} else if (d->jd.v[node].type == RT_JARR) {
			char *end;
			unsigned long k;

			rt_buf_cstr(&seg);
			k = strtoul(seg.p, &end, 10);
			if (*end || seg.len == 0 || (seg.p[0] == '0' && seg.len > 1))
				goto bad;
			node = k < d->jd.v[node].n ?
			    rt_jdoc_index(&d->jd, node, (uint32_t)k) : 0;
		} else {
			goto bad;
		}
		if (node == 0)
			goto bad;
		if (d->info[node])
			deep = node;
	}
	if (!d->info[node]) {
		struct scanctx c = { s, doc, RT_BUF_INIT, RT_BUF_INIT };
		const struct sinfo *in = &s->info[d->info[deep] - 1];

		rt_buf_adds(&c.ptr, sch_str(s, in->ptr));
		rt_buf_add(&c.ptr, ptr, n);
		scan(&c, node, in->res);
		rt_buf_release(&c.ptr);
		rt_buf_release(&c.tmp);
	}
	rt_buf_release(&seg);
	*out = node;
	return 0;
bad:
	rt_buf_release(&seg);
	return -1;
}

/* Resolve reference ref of the schema at (doc, node) to a node.  0 with
 * *tdoc, *tnode (and *dyn: the anchor when the fragment names a
 * $dynamicAnchor, else SN_NONE), or -1. */
static int
resolve(struct rt_schema *s, uint32_t doc, uint32_t node, const char *ref,
    uint32_t *tdoc, uint32_t *tnode, uint32_t *dyn)
{
	const struct sinfo *in = &s->info[s->docs[doc].info[node] - 1];
	const char *base = sch_str(s, s->res[in->res].uri);
	struct rt_buf abs = RT_BUF_INIT, frag = RT_BUF_INIT;
	uint32_t r, a;
	size_t nf;
	int rc = -1;

	*dyn = SN_NONE;
	rt_uri_resolve(base, strlen(base), ref, strlen(ref), &abs);
	rt_buf_cstr(&abs);
	nf = rt_uri_nofrag(abs.p, abs.len);
	r = res_find(s, abs.p, nf);
	if (r == SN_NONE)
		r = res_load(s, abs.p, nf);
	if (r == SN_NONE || s->failed)
		goto out;
	if (nf + 1 < abs.len)
		rt_uri_unescape(abs.p + nf + 1, abs.len - nf - 1, &frag);
	rt_buf_cstr(&frag);
	*tdoc = s->res[r].doc;
	if (frag.len == 0) {
		*tnode = s->res[r].node;
		rc = 0;
	} else if (frag.p[0] == '/') {
		rc = walk_pointer(s, *tdoc, s->res[r].node, frag.p, frag.len,
		    tnode);
	} else if ((a = anchor_find(s, r, frag.p)) != SN_NONE) {
		*tdoc = s->anc[a].doc;
		*tnode = s->anc[a].node;
		if (s->anc[a].dynamic)
			*dyn = s->anc[a].name;
		rc = 0;
	}
out:
	rt_buf_release(&abs);
	rt_buf_release(&frag);
	return rc;
}

/* ---- the compiler ---- */

struct comp {
	struct rt_schema *s;
	uint32_t doc, node, sn;
	struct rt_buf tmp;
	char loc[64];
};

static uint32_t compile(struct rt_schema *s, uint32_t doc, uint32_t node);

static struct sn *
SN(struct comp *c)
{
	return &c->s->sn[c->sn];
}

static const struct sdoc *
DOC(struct comp *c)
{
	return &c->s->docs[c->doc];
}

static const struct rt_jnode *
J(struct comp *c, uint32_t i)
{
	return &c->s->docs[c->doc].jd.v[i];
}

static void
bad(struct comp *c, const char *kw, const char *what)
{
	failf(c->s, DOC(c), NULL, "%s/%s: %s", sch_str(c->s, SN(c)->loc), kw,
	    what);
}

/* Are the numbers of value v (and of its contents) within the exponents
 * rtpipe compares exactly (decimal.h)?  Else bad() says so: 0. */
static int
nums_in_range(struct comp *c, uint32_t v, const char *kw)
{
	uint32_t i;
	struct rt_dec d;

	for (i = v; i < J(c, v)->next; i++) {
		if (J(c, i)->type != RT_JNUM)
			continue;
		rt_dec_parse(&d, rt_jdoc_text(&DOC(c)->jd, i), J(c, i)->len);
		if (!rt_dec_in_range(&d)) {
			bad(c, kw, "a number's exponent is out of range "
			    "(rt-validate allows -10^15 to 10^15)");
			return 0;
		}
	}
	return 1;
}

static int
get_num(struct comp *c, uint32_t v, const char *kw, struct snum *out)
{
	if (J(c, v)->type != RT_JNUM) {
		bad(c, kw, "expected a number");
		return -1;
	}
	if (!nums_in_range(c, v, kw))
		return -1;
	rt_num_parse(rt_jdoc_text(&DOC(c)->jd, v), J(c, v)->len, &out->d);
	out->doc = c->doc;
	out->node = v;
	return 0;
}

static int
get_count(struct comp *c, uint32_t v, const char *kw, uint32_t *out)
{
	double d;

	if (J(c, v)->type != RT_JNUM ||
	    rt_num_parse(rt_jdoc_text(&DOC(c)->jd, v), J(c, v)->len, &d) ||
	    d < 0 || d != (double)(uint64_t)d) {
		bad(c, kw, "expected a non-negative integer");
		return -1;
	}
	*out = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	return 0;
}

static uint32_t
sub(struct comp *c, uint32_t v, const char *kw)
{
	if (J(c, v)->type != RT_JOBJ && J(c, v)->type != RT_JTRUE &&
	    J(c, v)->type != RT_JFALSE) {
		bad(c, kw, "expected a schema (an object or a boolean)");
		return SN_NONE;
	}
	return compile(c->s, c->doc, v);
}

static struct slist
sub_list(struct comp *c, uint32_t v, const char *kw)
{
	struct slist l = { 0, 0 };
	uint32_t e, i = 0;

	if (J(c, v)->type != RT_JARR || J(c, v)->n == 0) {
		bad(c, kw, "expected a non-empty array of schemas");
		return l;
	}
	l.n = J(c, v)->n;
	l.off = u32_alloc(c->s, l.n);
	for (e = v + 1; e < J(c, v)->next; e = J(c, e)->next) {
		uint32_t k = sub(c, e, kw);

		c->s->u32[l.off + i++] = k;
	}
	return l;
}

static const char *const typenames[] = {
	"null", "boolean", "integer", "number", "string", "array", "object"
};

static unsigned
type_bit(struct comp *c, uint32_t v)
{
	unsigned i;

	if (J(c, v)->type == RT_JSTR)
		for (i = 0; i < 7; i++)
			if (rt_jdoc_streq(&DOC(c)->jd, v, typenames[i],
			    strlen(typenames[i])))
				return 1u << i;
	bad(c, "type", "unknown type");
	return 0;
}

static void
kw_type(struct comp *c, uint32_t v)
{
	uint32_t e;
	unsigned t = 0;

	if (J(c, v)->type == RT_JARR)
		for (e = v + 1; e < J(c, v)->next; e = J(c, e)->next)
			t |= type_bit(c, e);
	else
		t = type_bit(c, v);
	SN(c)->types = (uint8_t)(t ? t : 0x80);	/* [] allows nothing */
}

static void
kw_enum(struct comp *c, uint32_t v)
{
	uint32_t e, i = 0;
	struct slist l;

	if (J(c, v)->type != RT_JARR) {
		bad(c, "enum", "expected an array");
		return;
	}
	if (!nums_in_range(c, v, "enum"))
		return;
	l.n = J(c, v)->n;
	l.off = u32_alloc(c->s, 2 * l.n);
	for (e = v + 1; e < J(c, v)->next; e = J(c, e)->next) {
		c->s->u32[l.off + i++] = c->doc;
		c->s->u32[l.off + i++] = e;
	}
	SN(c)->enm = l;
	SN(c)->has |= K_ENUM;
}

static uint32_t
regex_add(struct comp *c, uint32_t v, const char *kw)
{
	char err[160];
	struct rt_regex *re;
	uint32_t i;

	if (J(c, v)->type != RT_JSTR) {
		bad(c, kw, "expected a string");
		return SN_NONE;
	}
	str_of(DOC(c), v, &c->tmp);
	re = rt_regex_new(c->tmp.p, c->tmp.len, err, sizeof err);
	if (re == NULL) {
		char msg[300];

		snprintf(msg, sizeof msg, "invalid regular expression '%.60s': %s",
		    c->tmp.p, err);
		bad(c, kw, msg);
		return SN_NONE;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	i = PUSH(c->s->re, c->s->nre);
	c->s->re[i] = re;
	return i;
}

static void
kw_patprops(struct comp *c, uint32_t v)
{
	uint32_t k, i = 0;
	struct slist l;

	if (J(c, v)->type != RT_JOBJ) {
		bad(c, "patternProperties", "expected an object");
		return;
	}
	l.n = J(c, v)->n;
	l.off = u32_alloc(c->s, 2 * l.n);
	for (k = v + 1; k < J(c, v)->next; k = J(c, k + 1)->next) {
		uint32_t re = regex_add(c, k, "patternProperties");
		uint32_t sch = sub(c, k + 1, "patternProperties");

		c->s->u32[l.off + i++] = re;
		c->s->u32[l.off + i++] = sch;
	}
	SN(c)->patprops = l;
}

/* ---- key tables (properties, required, dependent*) ---- */

/* Add the name t to the set names (a map: ids in order of first mention,
 * so the key table is built in one pass, whatever the count). */
static void
name_add(struct rt_map *names, const struct rt_buf *t)
{
	const char *p = t->p ? t->p : "";
	int isnew;

	rt_map_put(names, p, t->len, rt_hash(p, t->len), &isnew);
}

static uint32_t
kent_find(const struct rt_schema *s, const struct ktab *t, const char *p,
    size_t n)
{
	uint64_t h = rt_hash(p, n);
	uint32_t i = (uint32_t)h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint32_t e = s->u32[t->slots + i];
		const struct kent *k;

		if (e == 0)
			return SN_NONE;
		k = &s->kent[e - 1];
		if (k->hash == h && k->len == n &&
		    memcmp(sch_str(s, k->name), p, n) == 0)
			return e - 1;
	}
}

static int
is_depkw(struct comp *c, uint32_t k)
{
	int d7 = SN(c)->draft == RT_DRAFT_7;

	return d7 ? key_is(DOC(c), k, "dependencies") :
	    key_is(DOC(c), k, "dependentRequired") ||
	    key_is(DOC(c), k, "dependentSchemas");
}

/* Gather every property name the object keywords mention. */
static void
gather_names(struct comp *c, struct rt_map *names)
{
	uint32_t k, m, e;
	struct rt_buf t = RT_BUF_INIT;

	for (k = c->node + 1; k < J(c, c->node)->next; k = J(c, k + 1)->next) {
		uint32_t v = k + 1;

		if (key_is(DOC(c), k, "properties") && J(c, v)->type == RT_JOBJ) {
			for (m = v + 1; m < J(c, v)->next; m = J(c, m + 1)->next)
				(str_of(DOC(c), m, &t), name_add(names, &t));
		} else if (key_is(DOC(c), k, "required") &&
		    J(c, v)->type == RT_JARR && !c->s->res[SN(c)->res].novalid) {
			for (e = v + 1; e < J(c, v)->next; e = J(c, e)->next)
				if (J(c, e)->type == RT_JSTR)
					(str_of(DOC(c), e, &t),
					    name_add(names, &t));
		} else if (is_depkw(c, k) && J(c, v)->type == RT_JOBJ) {
			for (m = v + 1; m < J(c, v)->next; m = J(c, m + 1)->next) {
				(str_of(DOC(c), m, &t), name_add(names, &t));
				if (J(c, m + 1)->type != RT_JARR)
					continue;
				for (e = m + 2; e < J(c, m + 1)->next;
				    e = J(c, e)->next)
					if (J(c, e)->type == RT_JSTR)
						(str_of(DOC(c), e, &t),
						    name_add(names, &t));
			}
		}
	}
	rt_buf_release(&t);
}

static uint32_t
ktab_new(struct comp *c, const struct rt_map *names)
{
	struct rt_schema *s = c->s;
	uint32_t n = rt_map_idcap(names), i, t, cap = 4;
	struct ktab *kt;
	int isnew;

	while (cap < 2 * n)
		cap *= 2;
	t = PUSH(s->kt, s->nkt);
	kt = &s->kt[t];
	memset(kt, 0, sizeof *kt);
	kt->first = s->nkent;
	kt->n = n;
	kt->mask = cap - 1;
	kt->slots = u32_alloc(s, cap);
	for (i = 0; i < n; i++) {
		uint32_t e = PUSH(s->kent, s->nkent), h;
		struct kent *k = &s->kent[e];
		size_t len;
		const char *name = rt_map_key(names, i, &len);

		memset(k, 0, sizeof *k);
		k->name = pool_add(s, name, len);
		k->len = (uint32_t)len;
		k->hash = rt_hash(name, len);
		k->schema = k->depschema = SN_NONE;
		rt_map_put(&s->names, name, len, k->hash, &isnew);
		for (h = (uint32_t)k->hash & kt->mask; s->u32[kt->slots + h];
		    h = (h + 1) & kt->mask)
			;
		s->u32[kt->slots + h] = e + 1;
	}
	return t;
}

static uint32_t
kent_of(struct comp *c, uint32_t t, uint32_t strnode)
{
	str_of(DOC(c), strnode, &c->tmp);
	return kent_find(c->s, &c->s->kt[t], c->tmp.p, c->tmp.len);
}

static void
kw_required(struct comp *c, uint32_t t, uint32_t v)
{
	uint32_t e, i = 0, k;
	struct slist l;

	if (J(c, v)->type != RT_JARR) {
		bad(c, "required", "expected an array of strings");
		return;
	}
	l.n = J(c, v)->n;
	l.off = u32_alloc(c->s, l.n);
	for (e = v + 1; e < J(c, v)->next; e = J(c, e)->next) {
		if (J(c, e)->type != RT_JSTR) {
			bad(c, "required", "expected an array of strings");
			return;
		}
		k = kent_of(c, t, e);
		c->s->u32[l.off + i++] = k;
		if (!c->s->kent[k].required)
			c->s->kt[t].nreq++;
		c->s->kent[k].required = 1;
	}
	c->s->kt[t].req = l;
}

static void
kw_properties(struct comp *c, uint32_t t, uint32_t v)
{
	uint32_t m;

	if (J(c, v)->type != RT_JOBJ) {
		bad(c, "properties", "expected an object");
		return;
	}
	for (m = v + 1; m < J(c, v)->next; m = J(c, m + 1)->next) {
		uint32_t e = kent_of(c, t, m), sch = sub(c, m + 1, "properties");

		c->s->kent[e].schema = sch;
	}
}

static void
kw_deps(struct comp *c, uint32_t t, uint32_t v, const char *kw, int d7)
{
	uint32_t m, x;

	if (J(c, v)->type != RT_JOBJ) {
		bad(c, kw, "expected an object");
		return;
	}
	for (m = v + 1; m < J(c, v)->next; m = J(c, m + 1)->next) {
		uint32_t e = kent_of(c, t, m), w = m + 1;

		if (J(c, w)->type == RT_JARR && (d7 || kw[9] == 'R')) {
			struct slist l;
			uint32_t i = 0;

			if (c->s->res[SN(c)->res].novalid && !d7)
				continue;
			l.n = J(c, w)->n;
			l.off = u32_alloc(c->s, l.n);
			for (x = w + 1; x < J(c, w)->next; x = J(c, x)->next) {
				if (J(c, x)->type != RT_JSTR) {
					bad(c, kw, "expected arrays of strings");
					return;
				}
				c->s->u32[l.off + i++] = kent_of(c, t, x);
			}
			c->s->kent[e].depreq = l;
		} else if (d7 || kw[9] == 'S') {
			uint32_t sch = sub(c, w, kw);

			c->s->kent[e].depschema = sch;
		} else {
			bad(c, kw, "expected an object of arrays of strings");
		}
	}
}

/* The entries of key table t that dependent* name, once each, so that a
 * record's object is checked against them alone. */
static void
deps_list(struct rt_schema *s, uint32_t t)
{
	uint32_t e, n = 0, off;
	const struct ktab *kt = &s->kt[t];

	for (e = kt->first; e < kt->first + kt->n; e++)
		n += s->kent[e].depreq.n || s->kent[e].depschema != SN_NONE;
	off = u32_alloc(s, n);
	kt = &s->kt[t];
	for (n = 0, e = kt->first; e < kt->first + kt->n; e++)
		if (s->kent[e].depreq.n || s->kent[e].depschema != SN_NONE)
			s->u32[off + n++] = e;
	s->kt[t].deps.off = off;
	s->kt[t].deps.n = n;
}

static void
object_keys(struct comp *c)
{
	struct rt_map names;
	uint32_t t, k;
	int d7 = SN(c)->draft == RT_DRAFT_7, nv = c->s->res[SN(c)->res].novalid;

	rt_map_init(&names);
	gather_names(c, &names);
	if (rt_map_idcap(&names) > 0) {
		t = ktab_new(c, &names);
		SN(c)->keys = t;
		for (k = c->node + 1; k < J(c, c->node)->next;
		    k = J(c, k + 1)->next) {
			uint32_t v = k + 1;

			if (key_is(DOC(c), k, "properties"))
				kw_properties(c, t, v);
			else if (key_is(DOC(c), k, "required") && !nv)
				kw_required(c, t, v);
			else if (d7 && key_is(DOC(c), k, "dependencies"))
				kw_deps(c, t, v, "dependencies", 1);
			else if (!d7 && key_is(DOC(c), k, "dependentRequired") && !nv)
				kw_deps(c, t, v, "dependentRequired", 0);
			else if (!d7 && key_is(DOC(c), k, "dependentSchemas"))
				kw_deps(c, t, v, "dependentSchemas", 0);
		}
		deps_list(c->s, t);
	}
	rt_map_release(&names);
}

/* ---- one schema object ---- */

static void
kw_ref(struct comp *c, uint32_t v, int dynamic)
{
	const char *kw = dynamic ? "$dynamicRef" : "$ref";
	uint32_t tdoc, tnode, dyn, t;
	char loc[600];

	if (J(c, v)->type != RT_JSTR) {
		bad(c, kw, "expected a string");
		return;
	}
	{
		char *ref = rt_xstrdup(str_of(DOC(c), v, &c->tmp));
		int rc = resolve(c->s, c->doc, c->node, ref, &tdoc, &tnode, &dyn);

		free(ref);
		if (rc == 0)
			goto found;
	}
	{
		if (c->s->failed)
			return;
		str_of(DOC(c), v, &c->tmp);
		snprintf(loc, sizeof loc, "%s/%s", sch_str(c->s, SN(c)->loc), kw);
		failf(c->s, DOC(c), loc, "cannot resolve '%s'%s", c->tmp.p,
		    c->s->o.dir ? "" : " (other schema files: --schema-dir)");
		return;
	}
found:
	t = compile(c->s, tdoc, tnode);
	if (dynamic) {
		SN(c)->dynref = t;
		SN(c)->dynname = dyn;
	} else {
		SN(c)->ref = t;
	}
}

/* The numeric and count limits: keyword, where the value goes in struct
 * sn, its K_* bit, and whether draft 7 has it. */
static const struct limit {
	const char *kw;
	size_t off;
	uint32_t bit;
	char kind;		/* 'n' a number (struct snum), 'c' a count */
	char d7;
} limits[] = {
	{ "minimum", offsetof(struct sn, min), K_MIN, 'n', 1 },
	{ "maximum", offsetof(struct sn, max), K_MAX, 'n', 1 },
	{ "exclusiveMinimum", offsetof(struct sn, exmin), K_EXMIN, 'n', 1 },
	{ "exclusiveMaximum", offsetof(struct sn, exmax), K_EXMAX, 'n', 1 },
	{ "multipleOf", offsetof(struct sn, mult), K_MULT, 'n', 1 },
	{ "minLength", offsetof(struct sn, minlen), K_MINLEN, 'c', 1 },
	{ "maxLength", offsetof(struct sn, maxlen), K_MAXLEN, 'c', 1 },
	{ "minItems", offsetof(struct sn, minitems), K_MINITEMS, 'c', 1 },
	{ "maxItems", offsetof(struct sn, maxitems), K_MAXITEMS, 'c', 1 },
	{ "minProperties", offsetof(struct sn, minprops), K_MINPROPS, 'c', 1 },
	{ "maxProperties", offsetof(struct sn, maxprops), K_MAXPROPS, 'c', 1 },
	{ "minContains", offsetof(struct sn, mincont), K_MINCONT, 'c', 0 },
	{ "maxContains", offsetof(struct sn, maxcont), K_MAXCONT, 'c', 0 },
};

/* multipleOf's divisor (number node v), prepared for exact remainders:
 * 0, or -1 when it is not greater than 0 (bad() said so). */
static int
mult_prepare(struct comp *c, uint32_t v)
{
	struct rt_dec d;
	uint32_t i;

	rt_dec_parse(&d, rt_jdoc_text(&DOC(c)->jd, v), J(c, v)->len);
	if (d.n == 0 || d.neg) {
		bad(c, "multipleOf", "must be greater than 0");
		return -1;
	}
	i = PUSH(c->s->mul, c->s->nmul);
	rt_decdiv_init(&c->s->mul[i], &d);
	SN(c)->mul = i;
	return 0;
}

/* Keyword k (value v) if it is a limit: 1, else 0. */
static int
kw_limit(struct comp *c, uint32_t k, uint32_t v)
{
	struct sn *n = SN(c);
	char *field = (char *)n;
	size_t i;

	for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		const struct limit *l = &limits[i];

		if (!key_is(DOC(c), k, l->kw) || (!l->d7 &&
		    n->draft == RT_DRAFT_7))
			continue;
		if (l->kind == 'n' ? get_num(c, v, l->kw,
		    (struct snum *)(void *)(field + l->off)) :
		    get_count(c, v, l->kw, (uint32_t *)(void *)(field +
		    l->off)))
			return 1;	/* bad() said why */
		if (l->bit == K_MULT && mult_prepare(c, v))
			return 1;
		n->has |= l->bit;
		return 1;
	}
	return 0;
}

/* Validation-vocabulary keywords (left out by a $vocabulary). */
static int
kw_assert(struct comp *c, uint32_t k, uint32_t v)
{
	struct sn *n = SN(c);
	const struct sdoc *d = DOC(c);
	uint32_t re;

	if (kw_limit(c, k, v))
		return 1;
	if (key_is(d, k, "type")) {
		kw_type(c, v);
	} else if (key_is(d, k, "enum")) {
		kw_enum(c, v);
	} else if (key_is(d, k, "const")) {
		if (!nums_in_range(c, v, "const"))
			return 1;
		n->cdoc = c->doc;
		n->cnode = v;
		n->has |= K_CONST;
	} else if (key_is(d, k, "uniqueItems")) {
		if (J(c, v)->type == RT_JTRUE)
			n->has |= K_UNIQUE;
		else if (J(c, v)->type != RT_JFALSE)
			bad(c, "uniqueItems", "expected a boolean");
	} else if (key_is(d, k, "pattern")) {
		if ((re = regex_add(c, v, "pattern")) != SN_NONE) {
			SN(c)->pattern = re;
			SN(c)->has |= K_PATTERN;
		}
	} else {
		return 0;
	}
	return 1;
}

/* The applicators of one subschema: keyword, where the compiled index
 * goes in struct sn, whether draft 7 has it, and whether it needs the
 * annotations of unevaluated*. */
static const struct single {
	const char *kw;
	size_t off;
	char d7, track;
} singles[] = {
	{ "not", offsetof(struct sn, not_), 1, 0 },
	{ "if", offsetof(struct sn, if_), 1, 0 },
	{ "then", offsetof(struct sn, then_), 1, 0 },
	{ "else", offsetof(struct sn, else_), 1, 0 },
	{ "additionalProperties", offsetof(struct sn, addprops), 1, 0 },
	{ "propertyNames", offsetof(struct sn, propnames), 1, 0 },
	{ "contains", offsetof(struct sn, contains), 1, 0 },
	{ "unevaluatedProperties", offsetof(struct sn, uneval_props), 0, 1 },
	{ "unevaluatedItems", offsetof(struct sn, uneval_items), 0, 1 },
};

static const struct multi {
	const char *kw;
	size_t off;
	char d7;
} multis[] = {
	{ "allOf", offsetof(struct sn, allof), 1 },
	{ "anyOf", offsetof(struct sn, anyof), 1 },
	{ "oneOf", offsetof(struct sn, oneof), 1 },
	{ "prefixItems", offsetof(struct sn, prefix), 0 },
};

/* Keyword k (value v) if it is in singles or multis: 1, else 0.  The sn
 * array moves while subschemas compile, so SN(c) is taken after. */
static int
kw_subschemas(struct comp *c, uint32_t k, uint32_t v)
{
	int d7 = SN(c)->draft == RT_DRAFT_7;
	size_t i;

	for (i = 0; i < sizeof singles / sizeof singles[0]; i++)
		if ((singles[i].d7 || !d7) && key_is(DOC(c), k,
		    singles[i].kw)) {
			uint32_t t = sub(c, v, singles[i].kw);

			*(uint32_t *)(void *)((char *)SN(c) + singles[i].off) = t;
			SN(c)->track |= (uint8_t)singles[i].track;
			return 1;
		}
	for (i = 0; i < sizeof multis / sizeof multis[0]; i++)
		if ((multis[i].d7 || !d7) && key_is(DOC(c), k, multis[i].kw)) {
			struct slist l = sub_list(c, v, multis[i].kw);

			*(struct slist *)(void *)((char *)SN(c) +
			    multis[i].off) = l;
			return 1;
		}
	return 0;
}

static void
kw_items(struct comp *c, uint32_t v)
{
	struct slist l;
	uint32_t t;

	if (SN(c)->draft == RT_DRAFT_7 && J(c, v)->type == RT_JARR) {
		l = sub_list(c, v, "items");
		SN(c)->prefix = l;
		if (l.n == 0)
			SN(c)->prefix.off = u32_alloc(c->s, 0);
	} else {
		t = sub(c, v, "items");
		SN(c)->items = t;
	}
}

static void
kw_format(struct comp *c, uint32_t v)
{
	if (J(c, v)->type != RT_JSTR) {
		bad(c, "format", "expected a string");
	} else if (c->s->o.formats) {
		str_of(DOC(c), v, &c->tmp);
		SN(c)->format = (uint8_t)rt_format_lookup(c->tmp.p,
		    c->tmp.len);
		if (SN(c)->format)
			SN(c)->has |= K_FORMAT;
	}
}

/* Applicators and the rest. */
static void
kw_apply(struct comp *c, uint32_t k, uint32_t v)
{
	const struct sdoc *d = DOC(c);
	int d7 = SN(c)->draft == RT_DRAFT_7;

	if (kw_subschemas(c, k, v))
		return;
	if (key_is(d, k, "$ref"))
		kw_ref(c, v, 0);
	else if (!d7 && key_is(d, k, "$dynamicRef"))
		kw_ref(c, v, 1);
	else if (key_is(d, k, "patternProperties"))
		kw_patprops(c, v);
	else if (key_is(d, k, "items"))
		kw_items(c, v);
	else if (key_is(d, k, "format"))
		kw_format(c, v);
}

/* Draft 7 additionalItems applies only after an array "items". */
static void
d7_additional_items(struct comp *c)
{
	uint32_t v = member(DOC(c), c->node, "additionalItems"), t;
	uint32_t it = member(DOC(c), c->node, "items");

	if (v == 0 || it == 0 || J(c, it)->type != RT_JARR)
		return;
	t = sub(c, v, "additionalItems");
	SN(c)->items = t;
}

static void
sn_init(struct sn *n)
{
	memset(n, 0, sizeof *n);
	n->pattern = n->not_ = n->if_ = n->then_ = n->else_ = SN_NONE;
	n->ref = n->dynref = n->dynname = n->items = n->contains = SN_NONE;
	n->uneval_items = n->keys = n->addprops = n->propnames = SN_NONE;
	n->uneval_props = n->cdoc = SN_NONE;
	n->mincont = 1;
}

static void
compile_object(struct comp *c)
{
	uint32_t k, v;
	int d7 = SN(c)->draft == RT_DRAFT_7;
	int nv = c->s->res[SN(c)->res].novalid;

	if (d7 && (v = member(DOC(c), c->node, "$ref")) != 0) {
		kw_ref(c, v, 0);	/* draft 7: $ref hides its siblings */
		return;
	}
	object_keys(c);
	for (k = c->node + 1; k < J(c, c->node)->next && !c->s->failed;
	    k = J(c, k + 1)->next) {
		v = k + 1;
		if (!nv && kw_assert(c, k, v))
			continue;
		kw_apply(c, k, v);
	}
	if (d7)
		d7_additional_items(c);
}

static uint32_t
compile(struct rt_schema *s, uint32_t doc, uint32_t node)
{
	struct comp c;
	struct sdoc *d = &s->docs[doc];
	const struct sinfo *in;
	uint32_t i;

	if (d->comp[node])
		return d->comp[node] - 1;
	if (s->failed)
		return 0;
	if (!d->info[node]) {
		failf(s, d, NULL, "internal error: an unscanned schema node");
		return 0;
	}
	in = &s->info[d->info[node] - 1];
	i = PUSH(s->sn, s->nsn);
	sn_init(&s->sn[i]);
	d->comp[node] = i + 1;
	s->sn[i].res = in->res;
	s->sn[i].draft = s->res[in->res].draft;
	s->sn[i].loc = in->ptr;
	s->sn[i].doc = doc;
	s->sn[i].node = node;
	switch (d->jd.v[node].type) {
	case RT_JTRUE:
		s->sn[i].kind = SN_TRUE;
		return i;
	case RT_JFALSE:
		s->sn[i].kind = SN_FALSE;
		return i;
	case RT_JOBJ:
		break;
	default:
		failf(s, d, sch_str(s, in->ptr), "a schema must be an object or "
		    "a boolean");
		return i;
	}
	s->sn[i].kind = SN_OBJ;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.doc = doc;
	c.node = node;
	c.sn = i;
	compile_object(&c);
	rt_buf_release(&c.tmp);
	return i;
}

/* Compile every $dynamicAnchor and list them per resource: a count per
 * resource, then each anchor into its resource's list, in anchor order. */
static void
compile_dynamic(struct rt_schema *s)
{
	uint32_t i, r, *fill;

	for (i = 0; i < s->nanc && !s->failed; i++)
		if (s->anc[i].dynamic)
			compile(s, s->anc[i].doc, s->anc[i].node);
	for (r = 0; r < s->nres; r++)
		s->res[r].dyn.n = 0;
	for (i = 0; i < s->nanc; i++)
		s->res[s->anc[i].res].dyn.n += s->anc[i].dynamic != 0;
	fill = rt_xcalloc((size_t)s->nres + 1, sizeof *fill);
	for (r = 0; r < s->nres; r++)
		s->res[r].dyn.off = u32_alloc(s, 2 * s->res[r].dyn.n);
	for (i = 0; i < s->nanc; i++) {
		const struct sdoc *d = &s->docs[s->anc[i].doc];
		uint32_t *l;

		if (!s->anc[i].dynamic)
			continue;
		r = s->anc[i].res;
		l = s->u32 + s->res[r].dyn.off + 2 * fill[r]++;
		l[0] = s->anc[i].name;
		l[1] = d->comp[s->anc[i].node] ? d->comp[s->anc[i].node] - 1 : 0;
	}
	free(fill);
}

static struct rt_schema *
schema_new(const struct rt_schema_opts *o, struct rt_buf *err)
{
	struct rt_schema *s = rt_xcalloc(1, sizeof *s);

	s->o = *o;
	if (s->o.draft == 0)
		s->o.draft = RT_DRAFT_2020;
	s->err = err;
	rt_buf_addc(&s->pool, '\0');	/* offset 0: "" */
	rt_map_init_data(&s->resmap, sizeof(uint32_t));
	rt_map_init_data(&s->ancmap, sizeof(uint32_t));
	rt_map_init_data(&s->inmap, sizeof(uint32_t));
	rt_map_init_data(&s->memmap, sizeof(uint32_t));
	rt_map_init_data(&s->objmap, sizeof(uint32_t));
	rt_map_init(&s->names);
	rt_map_init(&s->warnmap);
	return s;
}

static struct rt_schema *
schema_finish(struct rt_schema *s, uint32_t doc, const char *uri)
{
	if (doc != SN_NONE && !s->failed) {
		scan_doc(s, doc, uri, strlen(uri));
		/* The meta-schema's errors first: they are the fullest. */
		if (!s->failed && !s->o.nometa)
			rt_schema_check_meta(s, doc, 0);
		if (!s->failed)
			s->root = compile(s, doc, 0);
		if (!s->failed)
			compile_dynamic(s);
		if (!s->failed)
			rt_schema_check_cycles(s);
		if (!s->failed && !s->o.nometa)
			rt_schema_check_meta(s, doc, 1);
		if (!s->failed)
			rt_schema_warnings_finish(s);
	}
	if (s->failed) {
		rt_schema_free(s);
		return NULL;
	}
	s->err = NULL;
	return s;
}

struct rt_schema *
rt_schema_compile(const char *p, size_t n, const char *name,
    const struct rt_schema_opts *o, struct rt_buf *err)
{
	struct rt_schema *s = schema_new(o, err);
	char *text = rt_xmalloc(n + 1);

	memcpy(text, p, n);
	text[n] = '\0';
	return schema_finish(s, doc_add(s, text, n, name), "rtpipe:schema");
}

struct rt_schema *
rt_schema_load(const char *path, const struct rt_schema_opts *o,
    struct rt_buf *err)
{
	struct rt_schema *s;
	struct rt_buf uri = RT_BUF_INIT;
	char real[PATH_MAX], *text;
	size_t len;
	int e = 0;
	uint32_t doc;

	if ((text = read_file(path, &len, &e)) == NULL) {
		rt_buf_printf(err, "%s: %s", path, strerror(e));
		return NULL;
	}
	s = schema_new(o, err);
	doc = doc_add(s, text, len, path);
	rt_buf_adds(&uri, "file://");
	rt_buf_adds(&uri, realpath(path, real) ? real : path);
	s = schema_finish(s, doc, rt_buf_cstr(&uri));
	rt_buf_release(&uri);
	return s;
}

void
rt_schema_free(struct rt_schema *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndocs; i++) {
		free(s->docs[i].text);
		free(s->docs[i].info);
		free(s->docs[i].comp);
		free(s->docs[i].name);
		rt_jdoc_release(&s->docs[i].jd);
	}
	for (i = 0; i < s->nre; i++)
		rt_regex_free(s->re[i]);
	for (i = 0; i < s->nmul; i++)
		rt_decdiv_release(&s->mul[i]);
	free(s->mul);
	free(s->docs);
	free(s->res);
	free(s->anc);
	free(s->info);
	free(s->sn);
	free(s->kent);
	free(s->kt);
	free(s->re);
	free(s->u32);
	rt_map_release(&s->resmap);
	rt_map_release(&s->ancmap);
	rt_map_release(&s->inmap);
	rt_map_release(&s->names);
	rt_map_release(&s->memmap);
	rt_map_release(&s->objmap);
	rt_map_release(&s->warnmap);
	free(s->warn);
	free(s->woff);
	rt_buf_release(&s->warnings);
	rt_buf_release(&s->pool);
	free(s);
}

/* Types of property name in schema node i (depth-limited). */
/* The RT_ST_* of a JSON value of the schema. */
static unsigned
value_type(const struct rt_schema *s, uint32_t doc, uint32_t node)
{
	switch (s->docs[doc].jd.v[node].type) {
	case RT_JNULL: return RT_ST_NULL;
	case RT_JTRUE: case RT_JFALSE: return RT_ST_BOOL;
	case RT_JNUM: return RT_ST_NUM;
	case RT_JSTR: return RT_ST_STR;
	case RT_JARR: return RT_ST_ARR;
	default: return RT_ST_OBJ;
	}
}

/* The types schema i allows by "type", else by its enum or const values,
 * else through a $ref. */
static unsigned
own_types(const struct rt_schema *s, uint32_t i)
{
	const struct sn *p = &s->sn[i];
	unsigned t = p->types & 0x7f;
	uint32_t k;

	if (!t && (p->has & K_CONST))
		t = value_type(s, p->cdoc, p->cnode);
	for (k = 0; !(p->types & 0x7f) && (p->has & K_ENUM) && k < p->enm.n;
	    k++)
		t |= value_type(s, s->u32[p->enm.off + 2 * k],
		    s->u32[p->enm.off + 2 * k + 1]);
	if (!t && p->ref != SN_NONE && p->ref != i)
		t = s->sn[p->ref].types & 0x7f;
	return t;
}

static unsigned
prop_types(const struct rt_schema *s, uint32_t i, const char *name, size_t n,
    int depth)
{
	const struct sn *x;
	unsigned t = 0;
	uint32_t k;

	if (i == SN_NONE || depth > 8)
		return 0;
	x = &s->sn[i];
	if (x->keys != SN_NONE) {
		uint32_t e = kent_find(s, &s->kt[x->keys], name, n);

		if (e != SN_NONE && s->kent[e].schema != SN_NONE)
			t = own_types(s, s->kent[e].schema);
	}
	if (!t && x->ref != SN_NONE)
		t = prop_types(s, x->ref, name, n, depth + 1);
	for (k = 0; !t && k < x->allof.n; k++)
		t = prop_types(s, s->u32[x->allof.off + k], name, n, depth + 1);
	return t;
}

unsigned
rt_schema_prop_types(const struct rt_schema *s, const char *name, size_t n)
{
	return prop_types(s, s->root, name, n, 0);
}

int
rt_schema_names_key(const struct rt_schema *s, const char *p, size_t n)
{
	return rt_map_find(&s->names, p, n, rt_hash(p, n)) != RT_MAP_NONE;
}

/*
 * A CSV row typed by the schema: a field whose property allows number,
 * integer, boolean or null but not string is written as that JSON value
 * when its text reads as one; everything else stays a string.
 */
const struct rt_jdoc *
rt_schema_type_row(const struct rt_schema *s, const struct rt_jdoc *d,
    struct rt_buf *b, struct rt_jdoc *typed)
{
	uint32_t k;
	size_t n;
	int first = 1;

	rt_buf_clear(b);
	rt_buf_addc(b, '{');
	for (k = rt_jdoc_first(d, 0); k < d->v[0].next; k = rt_jdoc_after(d,
	    k + 1)) {
		const char *kt = rt_jdoc_text(d, k), *vt;
		unsigned t;

		if (!first)
			rt_buf_addc(b, ',');
		first = 0;
		rt_buf_add(b, kt, d->v[k].len);
		rt_buf_addc(b, ':');
		vt = rt_jdoc_text(d, k + 1);
		n = d->v[k + 1].len;
		t = d->v[k + 1].type == RT_JSTR && !(d->v[k].flags &
		    RT_JF_ESC) ? rt_schema_prop_types(s, kt + 1,
		    d->v[k].len - 2) : 0;
		if (t & RT_ST_STR || d->v[k + 1].flags & RT_JF_ESC)
			t = 0;
		if (n == 2 && (t & RT_ST_NULL))
			rt_buf_adds(b, "null");
		else if ((t & (RT_ST_NUM | RT_ST_INT)) && n > 2 &&
		    rt_json_valid(vt + 1, n - 2, NULL, NULL) == 0 &&
		    ((vt[1] >= '0' && vt[1] <= '9') || vt[1] == '-'))
			rt_buf_add(b, vt + 1, n - 2);
		else if ((t & RT_ST_BOOL) && n == 6 && memcmp(vt, "\"true\"",
		    6) == 0)
			rt_buf_adds(b, "true");
		else if ((t & RT_ST_BOOL) && n == 7 && memcmp(vt, "\"false\"",
		    7) == 0)
			rt_buf_adds(b, "false");
		else
			rt_buf_add(b, vt, n);
	}
	rt_buf_addc(b, '}');
	if (rt_jdoc_parse(typed, b->p, b->len) == -1)
		return d;	/* cannot happen: every piece is JSON */
	return typed;
}
