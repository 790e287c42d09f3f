/*
 * nats_ckpt.c - checkpoints of rt-nats run in a key-value bucket; see
 * nats_ckpt.h.  The blob:
 *   RTCKPT1\n part P\n barrier B\n in SEQ\n out N\n owner W\n files K\n
 *   then K times "NAME SIZE\n" and SIZE bytes, and "end HEX\n" with the
 *   FNV-1a 32 of everything before it.
 * Stored packed: "RTCKPZ1 RAWLEN\n" and one zstd frame of the blob,
 * with its checksum.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "mem.h"
#include "nats_ckpt.h"
#include "nats_conn.h"
#include "nats_part.h"

#define MAGIC "RTCKPT1\n"
#define MANIFEST "RTCKPT1 chunks "
#define PACKED "RTCKPZ1 "
/* A packed blob says how long it is unpacked: at most this (a damaged
 * length must not make us allocate the moon). */
#define UNPACKED_MAX ((uint64_t)1 << 40)

/* Files a checkpoint carries: not locks, not a writer's temporary. */
static int
carried(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.' || strstr(name, ".tmp.") != NULL)
		return 0;
	return !(n >= 5 && strcmp(name + n - 5, ".lock") == 0);
}

static int
add_file(struct rt_buf *out, const char *dir, const char *name)
{
	char path[4096];
	struct rt_buf b;
	int fd, rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rt_buf_init(&b);
	rc = rt_buf_read_fd(&b, fd);
	close(fd);
	if (rc == 0) {
		rt_buf_printf(out, "%s %zu\n", name, b.len);
		rt_buf_add(out, b.p, b.len);
	}
	rt_buf_release(&b);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The carried files of dir, sorted (owned by *v); -1 with errno. */
static int
list_dir(const char *dir, char ***v, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		if (!carried(e->d_name) || e->d_type == DT_DIR)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*v = rt_xreallocarray(*v, cap, sizeof **v);
		}
		(*v)[(*n)++] = rt_xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*v, *n, sizeof **v, by_name);
	return 0;
}

static void
free_list(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

int
rt_nckpt_encode(const struct rt_nckpt *c, const char *dir, struct rt_buf *out)
{
	char **v;
	size_t n, i, start = out->len;
	int rc = 0;

	if (dir && list_dir(dir, &v, &n) == -1)
		return -1;
	if (dir == NULL) {
		v = NULL;
		n = 0;
	}
	rt_buf_printf(out, MAGIC "part %" PRIu32 "\nbarrier %" PRIu64
	    "\nin %" PRIu64 "\nout %" PRIu64 "\nowner %s\nfiles %zu\n",
	    c->part, c->barrier, c->in_seq, c->out_n, c->owner, n);
	for (i = 0; i < n && rc == 0; i++)
		rc = add_file(out, dir, v[i]);
	free_list(v, n);
	if (rc == 0)
		rt_buf_printf(out, "end %08" PRIx32 "\n",
		    rt_fnv1a32(out->p + start, out->len - start));
	return rc;
}

/* The next header line "WORD VALUE\n" at *p (< end): VALUE into val
 * (NUL-ended, at most len - 1 bytes); 0, or -1. */
static int
field(const char **p, const char *end, const char *word, char *val,
    size_t len)
{
	size_t wl = strlen(word);
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t vl;

	if (nl == NULL || (size_t)(nl - *p) <= wl ||
	    memcmp(*p, word, wl) != 0 || (*p)[wl] != ' ')
		return -1;
	vl = (size_t)(nl - *p) - wl - 1;
	if (vl >= len)
		return -1;
	memcpy(val, *p + wl + 1, vl);
	val[vl] = '\0';
	*p = nl + 1;
	return 0;
}

static int
field_u64(const char **p, const char *end, const char *word, uint64_t *v)
{
	char s[32], *e;

	if (field(p, end, word, s, sizeof s) == -1 || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	return errno || *e ? -1 : 0;
}

int
rt_nckpt_clear(const char *dir)
{
	char **v, path[4096];
	size_t n, i;

	if (mkdir(dir, 0777) == -1 && errno != EEXIST)
		return -1;
	if (list_dir(dir, &v, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, v[i]);
		unlink(path);
	}
	free_list(v, n);
	return 0;
}

static int
write_file(const char *dir, const char *name, const char *p, size_t n)
{
	char path[4096];
	ssize_t k;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666)) == -1)
		return -1;
	while (n > 0 && (k = write(fd, p, n)) > 0) {
		p += k;
		n -= (size_t)k;
	}
	if (n > 0 || fsync(fd) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* The files of the blob from *p: checked, and written to dir when not
 * NULL.  NULL or the reason. */
static const char *
decode_files(const char *p, const char *end, uint64_t nfiles,
    const char *dir)
{
	char line[300], *sp, *e;
	uint64_t i, size;

	for (i = 0; i < nfiles; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL || (size_t)(nl - p) >= sizeof line)
			return "damaged checkpoint (file header)";
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		if ((sp = strrchr(line, ' ')) == NULL || sp == line ||
		    strchr(line, '/') != NULL)
			return "damaged checkpoint (file name)";
		*sp = '\0';
		size = strtoull(sp + 1, &e, 10);
		p = nl + 1;
		if (*e || size > (uint64_t)(end - p))
			return "damaged checkpoint (file size)";
		if (dir && write_file(dir, line, p, (size_t)size) == -1)
			return strerror(errno);
		p += size;
	}
	return p == end ? NULL : "damaged checkpoint (trailing bytes)";
}

const char *
rt_nckpt_decode(const char *p, size_t n, struct rt_nckpt *c, const char *dir)
{
	const char *end = p + n, *tail;
	uint64_t part, nfiles;
	char sum[16], want[16];

	memset(c, 0, sizeof *c);
	if (n < 8 + 13 || memcmp(p, MAGIC, 8) != 0)
		return "not a checkpoint of this release";
	tail = end - 13;	/* "end XXXXXXXX\n" */
	snprintf(want, sizeof want, "%08" PRIx32, rt_fnv1a32(p, (size_t)(tail -
	    p)));
	if (field(&tail, end, "end", sum, sizeof sum) == -1 ||
	    strcmp(sum, want) != 0)
		return "damaged checkpoint (checksum)";
	end -= 13;
	p += 8;
	if (field_u64(&p, end, "part", &part) == -1 || part > UINT32_MAX ||
	    field_u64(&p, end, "barrier", &c->barrier) == -1 ||
	    field_u64(&p, end, "in", &c->in_seq) == -1 ||
	    field_u64(&p, end, "out", &c->out_n) == -1 ||
	    field(&p, end, "owner", c->owner, sizeof c->owner) == -1 ||
	    field_u64(&p, end, "files", &nfiles) == -1)
		return "damaged checkpoint (header)";
	c->part = (uint32_t)part;
	if (dir && rt_nckpt_clear(dir) == -1)
		return strerror(errno);
	return decode_files(p, end, nfiles, dir);
}

int
rt_nckpt_pack(const char *raw, size_t n, struct rt_buf *out)
{
	size_t bound = ZSTD_compressBound(n), k;
	ZSTD_CCtx *z = ZSTD_createCCtx();

	if (z == NULL)
		return -1;
	rt_buf_printf(out, PACKED "%zu\n", n);
	rt_buf_reserve(out, bound);
	/* Fast, with the frame's own checksum: damage is seen unpacking. */
	ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
	k = ZSTD_compress2(z, out->p + out->len, bound, raw, n);
	ZSTD_freeCCtx(z);
	if (ZSTD_isError(k))
		return -1;
	out->len += k;
	return 0;
}

const char *
rt_nckpt_unpack(const char *p, size_t n, struct rt_buf *out)
{
	const char *end = p + n;
	uint64_t raw;
	size_t k;

	out->len = 0;
	if (n < sizeof PACKED - 1 || memcmp(p, PACKED, sizeof PACKED - 1) != 0) {
		rt_buf_add(out, p, n);	/* an earlier release's: as it is */
		return NULL;
	}
	if (field_u64(&p, end, "RTCKPZ1", &raw) == -1 || raw > UNPACKED_MAX)
		return "damaged checkpoint (packed header)";
	if (ZSTD_getFrameContentSize(p, (size_t)(end - p)) != raw)
		return "damaged checkpoint (packed length)";
	rt_buf_reserve(out, (size_t)raw);
	k = ZSTD_decompress(out->p, (size_t)raw, p, (size_t)(end - p));
	if (ZSTD_isError(k) || k != raw)
		return "damaged checkpoint (packed data)";
	out->len = k;
	return NULL;
}

void
rt_nckpt_manifest(struct rt_buf *out, uint32_t nchunks, uint64_t total,
    const char *tag)
{
	rt_buf_printf(out, MANIFEST "%" PRIu32 " %" PRIu64 " %s\n", nchunks,
	    total, tag);
}

int
rt_nckpt_is_manifest(const char *p, size_t n, uint32_t *nchunks,
    uint64_t *total, char *tag, size_t taglen)
{
	char s[200], *q, *e;
	size_t ml = sizeof MANIFEST - 1, tl;
	unsigned long long k;

	if (n < ml || n >= sizeof s || memcmp(p, MANIFEST, ml) != 0)
		return -1;
	memcpy(s, p, n);
	s[n] = '\0';
	q = s + ml;
	k = strtoull(q, &e, 10);
	if (e == q || *e != ' ' || k == 0 || k > UINT32_MAX)
		return -1;
	*nchunks = (uint32_t)k;
	q = e + 1;
	*total = strtoull(q, &e, 10);
	if (e == q || *e != ' ')
		return -1;
	q = e + 1;
	tl = strcspn(q, "\n");
	if (tl == 0 || tl >= taglen || strcmp(q + tl, "\n") != 0)
		return -1;
	memcpy(tag, q, tl);
	tag[tl] = '\0';
	return 0;
}

void
rt_nckpt_chunk_key(char *key, size_t len, uint32_t part, const char *tag,
    uint32_t i)
{
	snprintf(key, len, "p%" PRIu32 ".c.%s.%" PRIu32, part, tag, i);
}

const char *
rt_nckpt_bucket(struct rt_nconn *c, kvStore **kv, const char *name,
    size_t value_max, int replicas, int64_t ttl_us, char *why,
    size_t whylen)
{
	int64_t until = rt_nconn_now() + 15000000;
	kvStore *made = NULL;
	jsCtx *quick = NULL;
	char stream[300];
	jsOptions jo;
	kvConfig cfg;
	natsStatus s;
	int k;

	/* rt_nconn_stream waits for the stream's leader too: a bucket just
	 * made (by us or by another worker) has none for a moment, and the
	 * first puts and gets would wait for their whole timeout. */
	snprintf(stream, sizeof stream, "KV_%s", name);
	if ((k = rt_nconn_stream(c, stream, why, whylen)) == 0) {
		jsOptions_Init(&jo);
		jo.Wait = 1000;
		if ((s = natsConnection_JetStream(&quick, c->nc, &jo)) != NATS_OK)
			return rt_nconn_err(s, 0, why, whylen);
		kvConfig_Init(&cfg);
		cfg.Bucket = name;
		cfg.History = 1;
		cfg.MaxValueSize = (int32_t)(value_max + 4096);
		cfg.Replicas = replicas;
		cfg.TTL = ttl_us * 1000;
		cfg.StorageType = js_FileStorage;
		snprintf(why, whylen, "not made after 15 s");
		while (k == 0 && rt_nconn_now() < until) {
			s = js_CreateKeyValue(&made, quick, &cfg);
			kvStore_Destroy(made);
			made = NULL;
			if (s != NATS_OK && s != NATS_TIMEOUT &&
			    s != NATS_NO_RESPONDERS) {
				rt_nconn_err(s, 0, why, whylen);
				k = rt_nconn_stream(c, stream, why, whylen) == 1 ?
				    1 : -1;	/* another's, of its own config? */
				break;
			}
			k = rt_nconn_stream(c, stream, why, whylen);
		}
		jsCtx_Destroy(quick);
	}
	if (k != 1)
		return why;
	if ((s = js_KeyValue(kv, c->js, name)) != NATS_OK)
		return rt_nconn_err(s, 0, why, whylen);
	return NULL;
}

/* Fetch the chunks a manifest names into blob: 0, or -1. */
static int
load_chunks(kvStore *kv, uint32_t part, uint32_t nchunks, uint64_t total,
    const char *tag, struct rt_buf *blob, char *why, size_t whylen)
{
	char key[128];
	kvEntry *e;
	natsStatus s;
	uint32_t i;

	blob->len = 0;
	for (i = 0; i < nchunks; i++) {
		rt_nckpt_chunk_key(key, sizeof key, part, tag, i);
		if ((s = kvStore_Get(&e, kv, key)) != NATS_OK) {
			rt_nconn_err(s, 0, why, whylen);
			return -1;
		}
		rt_buf_add(blob, kvEntry_Value(e), (size_t)kvEntry_ValueLen(e));
		kvEntry_Destroy(e);
	}
	if (blob->len != total) {
		snprintf(why, whylen, "checkpoint chunks: %zu bytes, not %llu",
		    blob->len, (unsigned long long)total);
		return -1;
	}
	return 0;
}

int
rt_nckpt_load(kvStore *kv, uint32_t part, struct rt_buf *blob, uint64_t *rev,
    char *tag, char *why, size_t whylen)
{
	char key[32];
	kvEntry *e = NULL;
	struct rt_buf st;
	const char *bad;
	natsStatus s;
	uint32_t nch;
	uint64_t total;
	int rc = 1;

	snprintf(key, sizeof key, "p%" PRIu32, part);
	*rev = 0;
	blob->len = 0;
	tag[0] = '\0';
	s = kvStore_Get(&e, kv, key);
	if (s == NATS_NOT_FOUND)
		return 0;
	if (s != NATS_OK) {
		rt_nconn_err(s, 0, why, whylen);
		return -1;
	}
	*rev = kvEntry_Revision(e);
	rt_buf_init(&st);
	if (rt_nckpt_is_manifest(kvEntry_Value(e), (size_t)kvEntry_ValueLen(e),
	    &nch, &total, tag, RT_NCKPT_TAGLEN) == 0)
		rc = load_chunks(kv, part, nch, total, tag, &st, why, whylen)
		    == 0 ? 1 : -1;
	else
		rt_buf_add(&st, kvEntry_Value(e), (size_t)kvEntry_ValueLen(e));
	kvEntry_Destroy(e);
	if (rc == 1 && (bad = rt_nckpt_unpack(st.p, st.len, blob)) != NULL) {
		snprintf(why, whylen, "%s", bad);
		rc = -1;
	}
	rt_buf_release(&st);
	return rc;
}

static void
drop_chunks(kvStore *kv, uint32_t part, const char *tag, uint32_t n)
{
	char key[128];
	uint32_t i;

	for (i = 0; i < n; i++) {
		rt_nckpt_chunk_key(key, sizeof key, part, tag, i);
		kvStore_Purge(kv, key, NULL);
	}
}

/* Store blob in chunks of value_max under a new tag; the manifest into
 * man.  Returns the number of chunks, or 0 on trouble. */
static uint32_t
put_chunks(kvStore *kv, uint32_t part, const struct rt_buf *blob,
    size_t value_max, char *tag, struct rt_buf *man)
{
	char key[128];
	uint32_t i, n = (uint32_t)((blob->len + value_max - 1) / value_max);
	size_t off, len;

	/* Unique to this writer and moment; says how many chunks. */
	snprintf(tag, RT_NCKPT_TAGLEN, "%" PRIx64 "x%xn%" PRIu32,
	    (uint64_t)rt_nconn_now(), (unsigned)getpid(), n);
	for (i = 0; i < n; i++) {
		off = (size_t)i * value_max;
		len = blob->len - off < value_max ? blob->len - off : value_max;
		rt_nckpt_chunk_key(key, sizeof key, part, tag, i);
		if (kvStore_Put(NULL, kv, key, blob->p + off, (int)len) !=
		    NATS_OK) {
			drop_chunks(kv, part, tag, i);
			return 0;
		}
	}
	rt_nckpt_manifest(man, n, blob->len, tag);
	return n;
}

/* After a failed write: 1 when the key's revision moved (fenced). */
static int
fenced(kvStore *kv, const char *key, uint64_t rev)
{
	kvEntry *e = NULL;
	natsStatus s = kvStore_Get(&e, kv, key);
	int k;

	if (s == NATS_NOT_FOUND)
		return rev != 0;
	if (s != NATS_OK)
		return 0;
	k = kvEntry_Revision(e) != rev;
	kvEntry_Destroy(e);
	return k;
}

int
rt_nckpt_store(kvStore *kv, uint32_t part, const struct rt_buf *blob,
    size_t value_max, uint64_t *rev, char *tag, char *why, size_t whylen)
{
	char key[32], newtag[RT_NCKPT_TAGLEN] = "";
	struct rt_buf man, packed;
	const struct rt_buf *v = &packed;
	uint32_t nch = 0;
	uint64_t nrev = 0;
	natsStatus s;

	snprintf(key, sizeof key, "p%" PRIu32, part);
	rt_buf_init(&man);
	rt_buf_init(&packed);
	if (rt_nckpt_pack(blob->p, blob->len, &packed) == -1) {
		snprintf(why, whylen, "checkpoint: the compressor failed");
		rt_buf_release(&packed);
		return -1;
	}
	if (packed.len > value_max) {
		if ((nch = put_chunks(kv, part, &packed, value_max, newtag,
		    &man)) == 0) {
			rt_buf_release(&man);
			rt_buf_release(&packed);
			rt_nconn_err(NATS_ERR, 0, why, whylen);
			return -1;
		}
		v = &man;
	}
	if (*rev == 0)
		s = kvStore_Create(&nrev, kv, key, v->p, (int)v->len);
	else
		s = kvStore_Update(&nrev, kv, key, v->p, (int)v->len, *rev);
	rt_buf_release(&man);
	rt_buf_release(&packed);
	if (s != NATS_OK) {
		rt_nconn_err(s, 0, why, whylen);
		if (nch)
			drop_chunks(kv, part, newtag, nch);
		return fenced(kv, key, *rev) ? 1 : -1;
	}
	if (tag[0] && strrchr(tag, 'n'))
		drop_chunks(kv, part, tag,
		    (uint32_t)strtoul(strrchr(tag, 'n') + 1, NULL, 10));
	memcpy(tag, newtag, sizeof newtag);
	*rev = nrev;
	return 0;
}

int
rt_nckpt_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	struct stat st;

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rt_nckpt_remove(path);
		else
			unlink(path);
	}
	closedir(d);
	return rmdir(dir);
}
