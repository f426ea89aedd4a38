/*
 * index.c: the LMDB index, a cache of the post files (index.h).  This is
 * the only file that knows LMDB; every value is copied out, or handed to a
 * visitor, before its transaction ends.
 *
 * One environment, six named databases (integers are big-endian; a signed
 * 64-bit time is stored with its sign bit flipped so memcmp orders it):
 *
 *   posts     "author\0id" -> header (struct vhdr layout, VHDR bytes),
 *             json bytes, NUL, signature bytes, NUL, audiences each
 *             followed by NUL.  The NULs let callers treat json and sig
 *             as C strings.
 *   changes   own posts only: "aud\0" ms(8) id -> author; one entry per
 *             audience of the post, ms = updated_ms.  The key leaves the
 *             author out because every own post has the same one.
 *   timeline  published_ms(8) author "\0" id -> "" for every post that is
 *             not a tombstone, so newest first is a reverse scan.
 *   meta      key -> value, both text.
 *   nonces    nonce -> expires_s(8).
 *   nonce_exp expires_s(8) nonce -> "", so expired nonces are purged from
 *             the front without scanning the live ones.
 *
 * A struct pf_index is for one thread at a time: growing the map
 * (MDB_MAP_FULL) or adopting another process's growth (MDB_MAP_RESIZED)
 * needs every transaction of this process to be finished.  Visitors run
 * inside a read transaction and must not write to the index.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "pf.h"
#include "index.h"
#include "post.h"

#define MAPSIZE_DEFAULT	((size_t)64 << 20)
#define MAPSIZE_MIN	((size_t)64 << 10)
#define GROW_MAX	12	/* doublings per write: 1 MiB -> 4 GiB */
#define MAXREADERS	126
#define NAUD_MAX	64	/* audiences of one reader */
#define META_KEY_MAX	128
#define META_VAL_MAX	1024
#define NONCE_MAX	128
#define NONCE_PURGE_MAX	64	/* expired nonces dropped per call */
#define SIG_MAX		65536
#define PATH_MAX_INDEX	(PATH_MAX - 16)

#define VHDR		32	/* updated(8) published(8) flags(4) json(4) sig(4) naud(4) */
#define VF_TOMBSTONE	0x1
#define VF_OWN		0x2

#define PKEY_MAX	(PF_FPR_MAX + PF_ID_MAX)
#define CKEY_MAX	(PF_AUD_MAX + 8 + PF_ID_MAX)
#define TKEY_MAX	(8 + PF_FPR_MAX + PF_ID_MAX)

struct pf_index {
	MDB_env		*env;
	MDB_dbi		 posts;
	MDB_dbi		 changes;
	MDB_dbi		 timeline;
	MDB_dbi		 meta;
	MDB_dbi		 nonces;
	MDB_dbi		 nexp;
	unsigned	 flags;
};

/* A decoded posts value; pointers into the LMDB page. */
struct val {
	int64_t		 updated_ms;
	int64_t		 published_ms;
	uint32_t	 flags;
	const char	*json;
	size_t		 json_len;
	const char	*sig;
	size_t		 sig_len;
	uint32_t	 naud;
	const char	*auds;		/* naud NUL-terminated strings */
};

/* What an old version needs to have its change and timeline keys removed. */
struct oldpost {
	int64_t		 updated_ms;
	int64_t		 published_ms;
	uint32_t	 flags;
	size_t		 naud;
	char		 to[PF_TO_MAX][PF_AUD_MAX];
};

/* One reader audience's position in the changes database. */
struct stream {
	MDB_cursor	*c;
	const char	*aud;
	size_t		 alen;
	int		 live;
	int64_t		 ms;
	char		 id[PF_ID_MAX];
	char		 author[PF_FPR_MAX];
};

typedef int (*write_fn)(struct pf_index *, MDB_txn *, void *);

static void
put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v ^ ((uint64_t)1 << 63);
	int	 i;

	for (i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)u;
}

static int64_t
get64(const unsigned char *p)
{
	uint64_t u = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return (int64_t)(u ^ ((uint64_t)1 << 63));
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Map an LMDB return code to PF_ERR_INDEX with LMDB's own words. */
static enum pf_err
lmdb_err(int rc, const char *what)
{
	return pf_err(PF_ERR_INDEX, "index: %s: %s", what, mdb_strerror(rc));
}

/* Copy n bytes of a key into a C string of size outlen; -1 if too long. */
static int
copystr(char *out, size_t outlen, const void *p, size_t n)
{
	if (n >= outlen || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Key "author\0id" into buf (PKEY_MAX); returns its length. */
static size_t
post_key(char *buf, const char *author, const char *id)
{
	size_t a = strlen(author), i = strlen(id);

	memcpy(buf, author, a + 1);
	memcpy(buf + a + 1, id, i);
	return a + 1 + i;
}

/* Key "aud\0" ms id into buf (CKEY_MAX); returns its length. */
static size_t
chg_key(unsigned char *buf, const char *aud, int64_t ms, const char *id)
{
	size_t a = strlen(aud), i = strlen(id);

	memcpy(buf, aud, a + 1);
	put64(buf + a + 1, ms);
	memcpy(buf + a + 9, id, i);
	return a + 9 + i;
}

/* Key published(8) "author\0id" into buf (TKEY_MAX); returns its length. */
static size_t
tl_key(unsigned char *buf, int64_t published, const char *author,
    const char *id)
{
	put64(buf, published);
	return 8 + post_key((char *)buf + 8, author, id);
}

/* Split a posts or timeline key back into author and id. */
static int
split_key(const unsigned char *p, size_t n, char author[PF_FPR_MAX],
    char id[PF_ID_MAX])
{
	const unsigned char *nul = memchr(p, '\0', n);

	if (nul == NULL ||
	    copystr(author, PF_FPR_MAX, p, (size_t)(nul - p)) == -1 ||
	    copystr(id, PF_ID_MAX, nul + 1, n - (size_t)(nul - p) - 1) == -1)
		return -1;
	return 0;
}

/* Decode a posts value; MDB_CORRUPTED if its lengths do not add up. */
static int
val_decode(const MDB_val *v, struct val *out)
{
	const unsigned char *p = v->mv_data;
	size_t	 rest;

	if (v->mv_size < VHDR + 2)
		return MDB_CORRUPTED;
	out->updated_ms = get64(p);
	out->published_ms = get64(p + 8);
	out->flags = get32(p + 16);
	out->json_len = get32(p + 20);
	out->sig_len = get32(p + 24);
	out->naud = get32(p + 28);
	rest = v->mv_size - VHDR;
	if (out->json_len > rest - 2 || out->sig_len > rest - 2 - out->json_len)
		return MDB_CORRUPTED;
	out->json = (const char *)p + VHDR;
	out->sig = out->json + out->json_len + 1;
	out->auds = out->sig + out->sig_len + 1;
	if (out->json[out->json_len] != '\0' || out->sig[out->sig_len] != '\0')
		return MDB_CORRUPTED;
	return 0;
}

/* Copy what unlinking an old version needs out of its value. */
static int
old_copy(const struct val *v, size_t vsize, const void *vbase,
    struct oldpost *o)
{
	const char *p = v->auds, *end = (const char *)vbase + vsize;
	size_t	 i, n;

	o->updated_ms = v->updated_ms;
	o->published_ms = v->published_ms;
	o->flags = v->flags;
	if (v->naud > PF_TO_MAX)
		return MDB_CORRUPTED;
	for (i = 0; i < v->naud; i++) {
		n = strnlen(p, (size_t)(end - p));
		if (p + n == end || copystr(o->to[i], PF_AUD_MAX, p, n) == -1)
			return MDB_CORRUPTED;
		p += n + 1;
	}
	o->naud = v->naud;
	return 0;
}

/* Begin a transaction, adopting a map another process grew. */
static int
txn_begin(struct pf_index *ix, unsigned flags, MDB_txn **txn)
{
	int rc;

	rc = mdb_txn_begin(ix->env, NULL, flags, txn);
	if (rc == MDB_MAP_RESIZED) {
		if ((rc = mdb_env_set_mapsize(ix->env, 0)) != 0)
			return rc;
		rc = mdb_txn_begin(ix->env, NULL, flags, txn);
	}
	return rc;
}

/* Double the map; only while no transaction of this process is active. */
static int
grow(struct pf_index *ix)
{
	MDB_envinfo info;

	if (mdb_env_info(ix->env, &info) != 0)
		return MDB_PANIC;
	if (info.me_mapsize > SIZE_MAX / 2)
		return MDB_MAP_FULL;
	return mdb_env_set_mapsize(ix->env, info.me_mapsize * 2);
}

/*
 * Run fn in one write transaction and commit it.  On MDB_MAP_FULL the
 * whole transaction is lost (LMDB aborts it), so abort, double the map and
 * run fn again, at most GROW_MAX times.  Returns an LMDB code.
 */
static int
write_txn(struct pf_index *ix, write_fn fn, void *arg)
{
	MDB_txn	*txn;
	int	 rc = MDB_MAP_FULL, tries;

	for (tries = 0; tries <= GROW_MAX; tries++) {
		if ((rc = txn_begin(ix, 0, &txn)) != 0)
			return rc;
		if ((rc = fn(ix, txn, arg)) != 0)
			mdb_txn_abort(txn);
		else
			rc = mdb_txn_commit(txn);
		if (rc != MDB_MAP_FULL)
			return rc;
		if ((rc = grow(ix)) != 0)
			return rc;
	}
	return MDB_MAP_FULL;
}

/* The map size asked for by PEERFEED_INDEX_MAPSIZE, or the default. */
static enum pf_err
mapsize_conf(size_t *out)
{
	const char	*s = getenv("PEERFEED_INDEX_MAPSIZE");
	char		*end;
	unsigned long long v;

	*out = MAPSIZE_DEFAULT;
	if (s == NULL || *s == '\0')
		return PF_OK;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    v < MAPSIZE_MIN || v > SIZE_MAX / 2)
		return pf_err(PF_ERR_CONFIG, "PEERFEED_INDEX_MAPSIZE: not a "
		    "byte count from %zu: \"%.40s\"", MAPSIZE_MIN, s);
	*out = (size_t)v;
	return PF_OK;
}

/* Open the named databases; a reader does not create missing ones. */
static enum pf_err
open_dbis(struct pf_index *ix)
{
	static const char *names[] = { "posts", "changes", "timeline",
	    "meta", "nonces", "nonce_exp" };
	MDB_dbi	*dbis[] = { &ix->posts, &ix->changes, &ix->timeline,
	    &ix->meta, &ix->nonces, &ix->nexp };
	MDB_txn	*txn;
	unsigned rdonly = ix->flags & PF_INDEX_RDONLY;
	size_t	 i;
	int	 rc;

	if ((rc = txn_begin(ix, rdonly ? MDB_RDONLY : 0, &txn)) != 0)
		return lmdb_err(rc, "begin");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = mdb_dbi_open(txn, names[i], rdonly ? 0 : MDB_CREATE,
		    dbis[i]);
		if (rc != 0) {
			mdb_txn_abort(txn);
			if (rc == MDB_NOTFOUND)
				return pf_err(PF_ERR_INDEX, "index incomplete "
				    "(no \"%s\"): run peerfeed reindex", names[i]);
			return lmdb_err(rc, names[i]);
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return lmdb_err(rc, "commit");
	return PF_OK;
}

/* Make the directory (CREATE) or check the environment is there. */
static enum pf_err
open_dir(const char *path, unsigned flags)
{
	char		data[PATH_MAX];
	struct stat	st;

	if (strnlen(path, PATH_MAX_INDEX) == PATH_MAX_INDEX)
		return pf_err(PF_ERR_USAGE, "index: path too long");
	if ((flags & PF_INDEX_CREATE) &&
	    mkdir(path, 0700) == -1 && errno != EEXIST)
		return pf_err(PF_ERR_SYS, "index: mkdir %s: %s", path,
		    strerror(errno));
	snprintf(data, sizeof(data), "%s/data.mdb", path);
	if (stat(data, &st) == 0)
		return PF_OK;
	if (errno == ENOENT && !(flags & PF_INDEX_CREATE))
		return pf_err(PF_ERR_INDEX, "index missing: run peerfeed "
		    "reindex (%s)", path);
	if (errno == ENOENT)
		return PF_OK;
	return pf_err(PF_ERR_SYS, "index: %s: %s", data, strerror(errno));
}

/*
 * Open the environment at path.  A map smaller than the configured size
 * is grown to it; a bigger one (grown earlier) is kept.
 */
enum pf_err
pf_index_open(const char *path, unsigned flags, struct pf_index **out)
{
	struct pf_index	*ix = NULL;
	MDB_envinfo	 info;
	size_t		 mapsize;
	enum pf_err	 e;
	int		 rc, dead;

	if ((e = mapsize_conf(&mapsize)) != PF_OK ||
	    (e = open_dir(path, flags)) != PF_OK)
		return e;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return pf_err(PF_ERR_NOMEM, "index: out of memory");
	ix->flags = flags;
	if ((rc = mdb_env_create(&ix->env)) != 0 ||
	    (rc = mdb_env_set_maxreaders(ix->env, MAXREADERS)) != 0 ||
	    (rc = mdb_env_set_maxdbs(ix->env, 8)) != 0 ||
	    (rc = mdb_env_open(ix->env, path, MDB_NOTLS, 0600)) != 0 ||
	    (rc = mdb_reader_check(ix->env, &dead)) != 0 ||
	    (rc = mdb_env_info(ix->env, &info)) != 0) {
		e = lmdb_err(rc, path);
		goto out;
	}
	if (info.me_mapsize < mapsize &&
	    (rc = mdb_env_set_mapsize(ix->env, mapsize)) != 0) {
		e = lmdb_err(rc, "set map size");
		goto out;
	}
	if ((e = open_dbis(ix)) != PF_OK)
		goto out;
	*out = ix;
	ix = NULL;
out:
	pf_index_close(ix);
	return e;
}

/* Close the environment; NULL is fine. */
void
pf_index_close(struct pf_index *ix)
{
	if (ix == NULL)
		return;
	if (ix->env != NULL)
		mdb_env_close(ix->env);
	free(ix);
}

/*
 * Cursors.  "<ms>.<id>" where id is "" (before every id at ms), "~" (after
 * every id at ms) or a post id; an RFC 3339 time T is (T, "~"), i.e. the
 * changes strictly after T; "" is the beginning.
 */
enum pf_err
pf_cursor_parse(const char *s, struct pf_cursor *out)
{
	struct pf_cursor c;
	const char	*p = s;
	size_t		 n = strnlen(s, PF_CURSOR_MAX);

	memset(&c, 0, sizeof(c));
	if (n == PF_CURSOR_MAX)
		return pf_err(PF_ERR_INVALID, "since: longer than %d "
		    "characters", PF_CURSOR_MAX - 1);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (c.ms > (INT64_MAX - (*p - '0')) / 10)
			goto bad;
		c.ms = c.ms * 10 + (*p - '0');
	}
	if (p > s && *p == '.') {
		p++;
		if (*p != '\0' && strcmp(p, "~") != 0 && !pf_id_valid(p))
			goto bad;
		memcpy(c.id, p, strlen(p) + 1);
	} else if (*s != '\0') {
		if (pf_time_parse(s, &c.ms) != PF_OK || c.ms < 0)
			goto bad;
		c.id[0] = '~';
	}
	*out = c;
	return PF_OK;
bad:
	return pf_err(PF_ERR_INVALID, "since: neither a cursor (<ms>.<id>) "
	    "nor an RFC 3339 time: \"%.40s\"", s);
}

void
pf_cursor_fmt(const struct pf_cursor *c, char out[PF_CURSOR_MAX])
{
	snprintf(out, PF_CURSOR_MAX, "%lld.%.*s", (long long)c->ms,
	    PF_ID_MAX - 1, c->id);
}

/* Check a batch before any transaction starts; returns PF_OK or why not. */
static enum pf_err
items_check(const struct pf_index_item *items, size_t n)
{
	const struct pf_post *p;
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if ((p = items[i].post) == NULL ||
		    (items[i].json == NULL && items[i].json_len > 0) ||
		    (items[i].sig == NULL && items[i].sig_len > 0))
			return pf_err(PF_ERR_USAGE, "index: item %zu: no post", i);
		if (!pf_fpr_valid(p->author) || !pf_id_valid(p->id))
			return pf_err(PF_ERR_INVALID, "index: item %zu: bad "
			    "author or id", i);
		if (items[i].json_len > PF_POST_MAX || items[i].sig_len > SIG_MAX)
			return pf_err(PF_ERR_LIMIT, "index: %s: post or "
			    "signature too large", p->id);
		if (p->nto > PF_TO_MAX)
			return pf_err(PF_ERR_LIMIT, "index: %s: more than %d "
			    "audiences", p->id, PF_TO_MAX);
		for (j = 0; j < p->nto; j++)
			if (p->to[j][0] == '\0' ||
			    strnlen(p->to[j], PF_AUD_MAX) == PF_AUD_MAX)
				return pf_err(PF_ERR_INVALID, "index: %s: "
				    "bad audience", p->id);
	}
	return PF_OK;
}

/*
 * Remove the change and timeline keys of the stored version of (author,
 * id).  Audiences the new version no longer names lose their change entry
 * and get no new one: a reader that lost access must not be sent the new
 * version (not even its tombstone); it keeps the copy it already has.
 */
static int
unlink_old(struct pf_index *ix, MDB_txn *txn, const char *author,
    const char *id, const struct oldpost *o)
{
	unsigned char	 k[CKEY_MAX > TKEY_MAX ? CKEY_MAX : TKEY_MAX];
	MDB_val		 key;
	size_t		 i;
	int		 rc;

	key.mv_data = k;
	for (i = 0; (o->flags & VF_OWN) && i < o->naud; i++) {
		key.mv_size = chg_key(k, o->to[i], o->updated_ms, id);
		rc = mdb_del(txn, ix->changes, &key, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return rc;
	}
	if (o->flags & VF_TOMBSTONE)
		return 0;
	key.mv_size = tl_key(k, o->published_ms, author, id);
	rc = mdb_del(txn, ix->timeline, &key, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Drop the stored version of (author, id), if any, but not its value. */
static int
forget_old(struct pf_index *ix, MDB_txn *txn, MDB_val *pkey, int *found)
{
	struct oldpost	 old;
	struct val	 v;
	MDB_val		 data;
	char		 author[PF_FPR_MAX], id[PF_ID_MAX];
	int		 rc;

	*found = 0;
	if ((rc = mdb_get(txn, ix->posts, pkey, &data)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0 || (rc = val_decode(&data, &v)) != 0 ||
	    (rc = old_copy(&v, data.mv_size, data.mv_data, &old)) != 0)
		return rc;
	if (split_key(pkey->mv_data, pkey->mv_size, author, id) == -1)
		return MDB_CORRUPTED;
	*found = 1;
	return unlink_old(ix, txn, author, id, &old);
}

/* Write the posts value of one item straight into the page. */
static int
put_value(struct pf_index *ix, MDB_txn *txn, MDB_val *pkey,
    const struct pf_index_item *it)
{
	const struct pf_post *p = it->post;
	MDB_val		 data;
	unsigned char	*w;
	size_t		 i, n, size = VHDR + it->json_len + it->sig_len + 2;
	int		 rc;

	for (i = 0; i < p->nto; i++)
		size += strlen(p->to[i]) + 1;
	data.mv_size = size;
	if ((rc = mdb_put(txn, ix->posts, pkey, &data, MDB_RESERVE)) != 0)
		return rc;
	w = data.mv_data;
	put64(w, p->updated_ms);
	put64(w + 8, p->published_ms);
	put32(w + 16, (p->tombstone ? VF_TOMBSTONE : 0) | (it->own ? VF_OWN : 0));
	put32(w + 20, (uint32_t)it->json_len);
	put32(w + 24, (uint32_t)it->sig_len);
	put32(w + 28, (uint32_t)p->nto);
	w += VHDR;
	if (it->json_len > 0)
		memcpy(w, it->json, it->json_len);
	w += it->json_len;
	*w++ = '\0';
	if (it->sig_len > 0)
		memcpy(w, it->sig, it->sig_len);
	w += it->sig_len;
	*w++ = '\0';
	for (i = 0; i < p->nto; i++) {
		n = strlen(p->to[i]) + 1;
		memcpy(w, p->to[i], n);
		w += n;
	}
	return 0;
}

/* Store one item: value, change entries (own), timeline entry. */
static int
put_one(struct pf_index *ix, MDB_txn *txn, const struct pf_index_item *it)
{
	const struct pf_post *p = it->post;
	unsigned char	 k[CKEY_MAX > TKEY_MAX ? CKEY_MAX : TKEY_MAX];
	char		 pk[PKEY_MAX];
	MDB_val		 key, data;
	size_t		 i;
	int		 rc, found;

	key.mv_data = pk;
	key.mv_size = post_key(pk, p->author, p->id);
	if ((rc = forget_old(ix, txn, &key, &found)) != 0 ||
	    (rc = put_value(ix, txn, &key, it)) != 0)
		return rc;
	key.mv_data = k;
	data.mv_data = (void *)p->author;
	data.mv_size = strlen(p->author);
	for (i = 0; it->own && i < p->nto; i++) {
		key.mv_size = chg_key(k, p->to[i], p->updated_ms, p->id);
		if ((rc = mdb_put(txn, ix->changes, &key, &data, 0)) != 0)
			return rc;
	}
	if (p->tombstone)
		return 0;
	key.mv_size = tl_key(k, p->published_ms, p->author, p->id);
	data.mv_size = 0;
	return mdb_put(txn, ix->timeline, &key, &data, 0);
}

/* Read a meta value inside txn into out; MDB_NOTFOUND if absent. */
static int
meta_read(struct pf_index *ix, MDB_txn *txn, const char *k, char *out,
    size_t outlen)
{
	MDB_val	 key, data;
	int	 rc;

	key.mv_data = (void *)k;
	key.mv_size = strlen(k);
	if ((rc = mdb_get(txn, ix->meta, &key, &data)) != 0)
		return rc;
	if (copystr(out, outlen, data.mv_data, data.mv_size) == -1)
		return MDB_CORRUPTED;
	return 0;
}

static int
meta_write(struct pf_index *ix, MDB_txn *txn, const char *k, const char *v)
{
	MDB_val key, data;

	key.mv_data = (void *)k;
	key.mv_size = strlen(k);
	data.mv_data = (void *)v;
	data.mv_size = strlen(v);
	return mdb_put(txn, ix->meta, &key, &data, 0);
}

/* Raise meta own.updated_ms and own.last_id to the batch's own maxima. */
static int
own_meta(struct pf_index *ix, MDB_txn *txn, int64_t ms, const char *id)
{
	char	 buf[META_VAL_MAX], num[24];
	int	 rc;

	rc = meta_read(ix, txn, "own.updated_ms", buf, sizeof(buf));
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (rc == MDB_NOTFOUND || strtoll(buf, NULL, 10) < ms) {
		snprintf(num, sizeof(num), "%lld", (long long)ms);
		if ((rc = meta_write(ix, txn, "own.updated_ms", num)) != 0)
			return rc;
	}
	rc = meta_read(ix, txn, "own.last_id", buf, sizeof(buf));
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (rc == MDB_NOTFOUND || strcmp(buf, id) < 0)
		rc = meta_write(ix, txn, "own.last_id", id);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

struct put_args {
	const struct pf_index_item	*items;
	size_t				 n;
};

static int
put_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	const struct put_args *a = arg;
	const char	*max_id = NULL;
	int64_t		 max_ms = INT64_MIN;
	size_t		 i;
	int		 rc;

	for (i = 0; i < a->n; i++) {
		if ((rc = put_one(ix, txn, &a->items[i])) != 0)
			return rc;
		if (!a->items[i].own)
			continue;
		if (a->items[i].post->updated_ms > max_ms)
			max_ms = a->items[i].post->updated_ms;
		if (max_id == NULL || strcmp(a->items[i].post->id, max_id) > 0)
			max_id = a->items[i].post->id;
	}
	return max_id == NULL ? 0 : own_meta(ix, txn, max_ms, max_id);
}

/*
 * Store n items in one transaction.  Errors: PF_ERR_USAGE on a read-only
 * handle, PF_ERR_INVALID/PF_ERR_LIMIT for a bad item (nothing stored),
 * PF_ERR_INDEX if LMDB fails (nothing stored).
 */
enum pf_err
pf_index_put(struct pf_index *ix, const struct pf_index_item *items, size_t n)
{
	struct put_args	 a = { items, n };
	enum pf_err	 e;
	int		 rc;

	if (ix->flags & PF_INDEX_RDONLY)
		return pf_err(PF_ERR_USAGE, "index: opened read-only");
	if ((e = items_check(items, n)) != PF_OK)
		return e;
	if ((rc = write_txn(ix, put_txn, &a)) != 0)
		return lmdb_err(rc, "put");
	return PF_OK;
}

struct del_args {
	const char	*author;
	const char	*id;
};

static int
del_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	const struct del_args *a = arg;
	char	 pk[PKEY_MAX];
	MDB_val	 key;
	int	 rc, found;

	key.mv_data = pk;
	key.mv_size = post_key(pk, a->author, a->id);
	if ((rc = forget_old(ix, txn, &key, &found)) != 0)
		return rc;
	if (!found)
		return MDB_NOTFOUND;
	return mdb_del(txn, ix->posts, &key, NULL);
}

/* Remove a post and all its keys.  PF_ERR_NOTFOUND if it is not there. */
enum pf_err
pf_index_del(struct pf_index *ix, const char *author, const char *id)
{
	struct del_args	 a = { author, id };
	int		 rc;

	if (ix->flags & PF_INDEX_RDONLY)
		return pf_err(PF_ERR_USAGE, "index: opened read-only");
	if (strnlen(author, PF_FPR_MAX) == PF_FPR_MAX ||
	    strnlen(id, PF_ID_MAX) == PF_ID_MAX)
		return pf_err(PF_ERR_NOTFOUND, "index: no such post");
	rc = write_txn(ix, del_txn, &a);
	if (rc == MDB_NOTFOUND)
		return pf_err(PF_ERR_NOTFOUND, "index: no post %.64s/%.31s",
		    author, id);
	return rc == 0 ? PF_OK : lmdb_err(rc, "del");
}

/* Hand a posts value to fn as an entry. */
static enum pf_err
entry_visit(const char *author, const char *id, const MDB_val *data,
    pf_index_fn fn, void *arg)
{
	struct pf_entry	 ent;
	struct val	 v;
	int		 rc;

	if ((rc = val_decode(data, &v)) != 0)
		return lmdb_err(rc, "get");
	ent.author = author;
	ent.id = id;
	ent.updated_ms = v.updated_ms;
	ent.published_ms = v.published_ms;
	ent.tombstone = (v.flags & VF_TOMBSTONE) != 0;
	ent.json = v.json;
	ent.json_len = v.json_len;
	ent.sig = v.sig;
	ent.sig_len = v.sig_len;
	return fn(&ent, arg);
}

/*
 * Look up (author, id) with the posts cursor pc and hand it to fn.  Unlike
 * mdb_get(), a positioned cursor skips the descent from the root when the
 * key is on its current leaf page, the common case in a page of changes
 * or of the timeline, where the ids of own posts follow their times.
 */
static enum pf_err
visit_post(MDB_cursor *pc, const char *author, const char *id,
    pf_index_fn fn, void *arg)
{
	char		 pk[PKEY_MAX];
	MDB_val		 key, data;
	int		 rc;

	key.mv_data = pk;
	key.mv_size = post_key(pk, author, id);
	rc = mdb_cursor_get(pc, &key, &data, MDB_SET_KEY);
	if (rc == MDB_NOTFOUND)
		return pf_err(PF_ERR_NOTFOUND, "index: no post %s/%s",
		    author, id);
	if (rc != 0)
		return lmdb_err(rc, "get");
	return entry_visit(author, id, &data, fn, arg);
}

/* Visit one post.  PF_ERR_NOTFOUND if absent. */
enum pf_err
pf_index_get(struct pf_index *ix, const char *author, const char *id,
    pf_index_fn fn, void *arg)
{
	MDB_txn		*txn;
	MDB_cursor	*pc;
	enum pf_err	 e;
	int		 rc;

	if (strnlen(author, PF_FPR_MAX) == PF_FPR_MAX ||
	    strnlen(id, PF_ID_MAX) == PF_ID_MAX)
		return pf_err(PF_ERR_NOTFOUND, "index: no such post");
	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	if ((rc = mdb_cursor_open(txn, ix->posts, &pc)) != 0)
		e = lmdb_err(rc, "cursor");
	else {
		e = visit_post(pc, author, id, fn, arg);
		mdb_cursor_close(pc);
	}
	mdb_txn_abort(txn);
	return e;
}

/* Load the stream's head from a cursor result; not live past its audience. */
static int
stream_load(struct stream *s, int rc, const MDB_val *key, const MDB_val *data)
{
	const unsigned char *k = key->mv_data;

	s->live = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (key->mv_size < s->alen + 9 || memcmp(k, s->aud, s->alen + 1) != 0)
		return 0;
	s->ms = get64(k + s->alen + 1);
	if (copystr(s->id, sizeof(s->id), k + s->alen + 9,
	    key->mv_size - s->alen - 9) == -1 ||
	    copystr(s->author, sizeof(s->author), data->mv_data,
	    data->mv_size) == -1)
		return MDB_CORRUPTED;
	s->live = 1;
	return 0;
}

static int
stream_next(struct stream *s)
{
	MDB_val	 key, data;
	int	 rc;

	rc = mdb_cursor_get(s->c, &key, &data, MDB_NEXT);
	return stream_load(s, rc, &key, &data);
}

/* Position s on its first change strictly after since. */
static int
stream_seek(struct stream *s, const struct pf_cursor *since)
{
	unsigned char	 k[CKEY_MAX];
	MDB_val		 key, data;
	int		 rc;

	key.mv_data = k;
	key.mv_size = chg_key(k, s->aud, since->ms, since->id);
	rc = mdb_cursor_get(s->c, &key, &data, MDB_SET_RANGE);
	if ((rc = stream_load(s, rc, &key, &data)) != 0)
		return rc;
	if (s->live && s->ms == since->ms && strcmp(s->id, since->id) == 0)
		return stream_next(s);
	return 0;
}

/* The live stream with the smallest (ms, id), or NULL. */
static struct stream *
stream_min(struct stream *s, size_t n)
{
	struct stream	*best = NULL;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!s[i].live)
			continue;
		if (best == NULL || s[i].ms < best->ms ||
		    (s[i].ms == best->ms && strcmp(s[i].id, best->id) < 0))
			best = &s[i];
	}
	return best;
}

/* Validate a reader's audiences and open one stream per audience. */
static enum pf_err
streams_open(struct pf_index *ix, MDB_txn *txn, const char *const *auds,
    size_t naud, struct stream **out)
{
	struct stream	*s;
	size_t		 i;
	int		 rc;

	if (naud > NAUD_MAX)
		return pf_err(PF_ERR_LIMIT, "index: more than %d audiences",
		    NAUD_MAX);
	if ((s = calloc(naud + 1, sizeof(*s))) == NULL)
		return pf_err(PF_ERR_NOMEM, "index: out of memory");
	*out = s;
	for (i = 0; i < naud; i++) {
		s[i].aud = auds[i];
		s[i].alen = strnlen(auds[i], PF_AUD_MAX);
		if (s[i].alen == PF_AUD_MAX || s[i].alen == 0)
			return pf_err(PF_ERR_INVALID, "index: bad audience");
		if ((rc = mdb_cursor_open(txn, ix->changes, &s[i].c)) != 0)
			return lmdb_err(rc, "cursor");
	}
	return PF_OK;
}

static void
streams_close(struct stream *s, size_t naud)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < naud; i++)
		if (s[i].c != NULL)
			mdb_cursor_close(s[i].c);
	free(s);
}

/*
 * Visit the change at the head of best, then move every stream whose head
 * is that same change (a post naming several of the reader's audiences),
 * so it is visited once.
 */
static enum pf_err
merge_step(MDB_cursor *pc, struct stream *s, size_t n, struct stream *best,
    pf_index_fn fn, void *arg, struct pf_cursor *at)
{
	enum pf_err	 e;
	size_t		 i;
	int		 rc;

	at->ms = best->ms;
	memcpy(at->id, best->id, sizeof(at->id));
	if ((e = visit_post(pc, best->author, best->id, fn, arg)) != PF_OK)
		return e == PF_ERR_NOTFOUND ? pf_err(PF_ERR_INDEX, "index: "
		    "change %s without post: run peerfeed reindex", at->id) : e;
	for (i = 0; i < n; i++)
		if (s[i].live && s[i].ms == at->ms &&
		    strcmp(s[i].id, at->id) == 0 &&
		    (rc = stream_next(&s[i])) != 0)
			return lmdb_err(rc, "next");
	return PF_OK;
}

/*
 * Merge the reader's per-audience change streams in (updated_ms, id)
 * order from just after since.  Each page costs k seeks (MDB_SET_RANGE)
 * plus one step per change, whatever the size of the index.
 */
enum pf_err
pf_index_changes(struct pf_index *ix, const char *const *auds, size_t naud,
    const struct pf_cursor *since, size_t limit, pf_index_fn fn, void *arg,
    struct pf_cursor *next, int *more)
{
	struct stream	*s = NULL, *best;
	struct pf_cursor at = *since;
	MDB_txn		*txn;
	MDB_cursor	*pc = NULL;
	size_t		 i, n = 0;
	enum pf_err	 e;
	int		 rc;

	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	if ((e = streams_open(ix, txn, auds, naud, &s)) != PF_OK)
		goto out;
	if ((rc = mdb_cursor_open(txn, ix->posts, &pc)) != 0) {
		e = lmdb_err(rc, "cursor");
		goto out;
	}
	at.id[PF_ID_MAX - 1] = '\0';
	for (i = 0; i < naud; i++)
		if ((rc = stream_seek(&s[i], &at)) != 0) {
			e = lmdb_err(rc, "seek");
			goto out;
		}
	for (; n < limit && (best = stream_min(s, naud)) != NULL; n++)
		if ((e = merge_step(pc, s, naud, best, fn, arg, &at)) != PF_OK)
			goto out;
	*next = at;
	*more = stream_min(s, naud) != NULL;
out:
	if (pc != NULL)
		mdb_cursor_close(pc);
	streams_close(s, naud);
	mdb_txn_abort(txn);
	return e;
}

/* The last change of one audience, if newer than *out. */
static int
latest_one(struct stream *s, struct pf_cursor *out)
{
	unsigned char	 k[PF_AUD_MAX + 1];
	MDB_val		 key, data;
	int		 rc;

	/* Seek to the first key past the "aud\0" prefix, then step back. */
	memcpy(k, s->aud, s->alen);
	k[s->alen] = '\1';
	key.mv_data = k;
	key.mv_size = s->alen + 1;
	rc = mdb_cursor_get(s->c, &key, &data, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(s->c, &key, &data, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(s->c, &key, &data, MDB_LAST);
	if ((rc = stream_load(s, rc, &key, &data)) != 0 || !s->live)
		return rc;
	if (s->ms > out->ms || (s->ms == out->ms && strcmp(s->id, out->id) > 0)) {
		out->ms = s->ms;
		memcpy(out->id, s->id, sizeof(out->id));
	}
	return 0;
}

/* The newest change visible to auds, zeroed if there is none. */
enum pf_err
pf_index_latest(struct pf_index *ix, const char *const *auds, size_t naud,
    struct pf_cursor *out)
{
	struct stream	*s = NULL;
	struct pf_cursor c;
	MDB_txn		*txn;
	size_t		 i;
	enum pf_err	 e;
	int		 rc;

	memset(&c, 0, sizeof(c));
	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	if ((e = streams_open(ix, txn, auds, naud, &s)) != PF_OK)
		goto out;
	for (i = 0; i < naud; i++)
		if ((rc = latest_one(&s[i], &c)) != 0) {
			e = lmdb_err(rc, "latest");
			goto out;
		}
	*out = c;
out:
	streams_close(s, naud);
	mdb_txn_abort(txn);
	return e;
}

/*
 * Newest first: a reverse scan of the timeline database.  With an author
 * filter the scan passes over other authors' entries.
 */
enum pf_err
pf_index_timeline(struct pf_index *ix, const char *author, size_t skip,
    size_t limit, pf_index_fn fn, void *arg)
{
	MDB_txn		*txn;
	MDB_cursor	*c = NULL, *pc = NULL;
	MDB_val		 key, data;
	char		 a[PF_FPR_MAX], id[PF_ID_MAX];
	enum pf_err	 e = PF_OK;
	int		 rc;

	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	if ((rc = mdb_cursor_open(txn, ix->timeline, &c)) != 0 ||
	    (rc = mdb_cursor_open(txn, ix->posts, &pc)) != 0) {
		e = lmdb_err(rc, "cursor");
		goto out;
	}
	for (rc = mdb_cursor_get(c, &key, &data, MDB_LAST); rc == 0 && limit > 0;
	    rc = mdb_cursor_get(c, &key, &data, MDB_PREV)) {
		if (key.mv_size < 8 || split_key((unsigned char *)key.mv_data + 8,
		    key.mv_size - 8, a, id) == -1) {
			rc = MDB_CORRUPTED;
			break;
		}
		if (author != NULL && strcmp(a, author) != 0)
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		if ((e = visit_post(pc, a, id, fn, arg)) != PF_OK)
			goto out;
		limit--;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		e = lmdb_err(rc, "timeline");
out:
	if (pc != NULL)
		mdb_cursor_close(pc);
	if (c != NULL)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return e;
}

/*
 * Scan the posts of author (all if NULL) in key order, calling fn with
 * the entry if fn is not NULL, and counting them into *n if n is not NULL.
 */
static enum pf_err
scan_posts(struct pf_index *ix, const char *author, pf_index_fn fn,
    void *arg, size_t *n)
{
	MDB_txn		*txn;
	MDB_cursor	*c = NULL;
	MDB_val		 key, data;
	char		 pk[PF_FPR_MAX + 1], a[PF_FPR_MAX], id[PF_ID_MAX];
	size_t		 alen = 0, count = 0;
	enum pf_err	 e = PF_OK;
	int		 rc, op = MDB_FIRST;

	if (author != NULL) {
		if ((alen = strnlen(author, PF_FPR_MAX)) == PF_FPR_MAX)
			return pf_err(PF_ERR_INVALID, "index: bad author");
		memcpy(pk, author, alen + 1);
		key.mv_data = pk;
		key.mv_size = alen + 1;
		op = MDB_SET_RANGE;
	}
	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	if ((rc = mdb_cursor_open(txn, ix->posts, &c)) != 0) {
		e = lmdb_err(rc, "cursor");
		goto out;
	}
	for (rc = mdb_cursor_get(c, &key, &data, op); rc == 0;
	    rc = mdb_cursor_get(c, &key, &data, MDB_NEXT)) {
		if (author != NULL && (key.mv_size <= alen ||
		    memcmp(key.mv_data, pk, alen + 1) != 0))
			break;
		count++;
		if (fn == NULL)
			continue;
		if (split_key(key.mv_data, key.mv_size, a, id) == -1) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((e = entry_visit(a, id, &data, fn, arg)) != PF_OK)
			goto out;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		e = lmdb_err(rc, "walk");
	else if (n != NULL)
		*n = count;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return e;
}

enum pf_err
pf_index_walk(struct pf_index *ix, const char *author, pf_index_fn fn,
    void *arg)
{
	return scan_posts(ix, author, fn, arg, NULL);
}

/* Counting every post reads the database's entry count, not the posts. */
enum pf_err
pf_index_count(struct pf_index *ix, const char *author, size_t *n)
{
	MDB_txn	*txn;
	MDB_stat st;
	int	 rc;

	if (author != NULL)
		return scan_posts(ix, author, NULL, NULL, n);
	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	rc = mdb_stat(txn, ix->posts, &st);
	mdb_txn_abort(txn);
	if (rc != 0)
		return lmdb_err(rc, "stat");
	*n = st.ms_entries;
	return PF_OK;
}

enum pf_err
pf_index_meta_get(struct pf_index *ix, const char *key, char *out,
    size_t outlen)
{
	MDB_txn	*txn;
	int	 rc;

	if (strnlen(key, META_KEY_MAX) == META_KEY_MAX || *key == '\0')
		return pf_err(PF_ERR_INVALID, "index: bad meta key");
	if ((rc = txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return lmdb_err(rc, "begin");
	rc = meta_read(ix, txn, key, out, outlen);
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND)
		return pf_err(PF_ERR_NOTFOUND, "index: no meta \"%s\"", key);
	if (rc == MDB_CORRUPTED)
		return pf_err(PF_ERR_LIMIT, "index: meta \"%s\": longer than "
		    "%zu bytes", key, outlen);
	return rc == 0 ? PF_OK : lmdb_err(rc, "meta");
}

struct meta_args {
	const char	*key;
	const char	*val;
};

static int
meta_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	const struct meta_args *a = arg;

	return meta_write(ix, txn, a->key, a->val);
}

enum pf_err
pf_index_meta_put(struct pf_index *ix, const char *key, const char *val)
{
	struct meta_args a = { key, val };
	int		 rc;

	if (ix->flags & PF_INDEX_RDONLY)
		return pf_err(PF_ERR_USAGE, "index: opened read-only");
	if (strnlen(key, META_KEY_MAX) == META_KEY_MAX || *key == '\0' ||
	    strnlen(val, META_VAL_MAX) == META_VAL_MAX)
		return pf_err(PF_ERR_LIMIT, "index: meta key or value too long");
	if ((rc = write_txn(ix, meta_txn, &a)) != 0)
		return lmdb_err(rc, "meta");
	return PF_OK;
}

struct nonce_args {
	const char	*nonce;
	int64_t		 now_s;
	int64_t		 expires_s;
};

/* Drop (nonce, exp) from both nonce databases. */
static int
nonce_drop(struct pf_index *ix, MDB_txn *txn, const void *nonce, size_t len,
    int64_t exp)
{
	unsigned char	 k[8 + NONCE_MAX];
	MDB_val		 key;
	int		 rc;

	put64(k, exp);
	memcpy(k + 8, nonce, len);
	key.mv_data = k;
	key.mv_size = 8 + len;
	if ((rc = mdb_del(txn, ix->nexp, &key, NULL)) != 0 && rc != MDB_NOTFOUND)
		return rc;
	key.mv_data = (void *)nonce;
	key.mv_size = len;
	rc = mdb_del(txn, ix->nonces, &key, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Purge at most NONCE_PURGE_MAX expired nonces, oldest first. */
static int
nonce_purge(struct pf_index *ix, MDB_txn *txn, int64_t now_s)
{
	MDB_cursor	*c;
	MDB_val		 key, data;
	char		 nonce[NONCE_MAX];
	size_t		 len;
	int64_t		 exp;
	int		 i, rc;

	if ((rc = mdb_cursor_open(txn, ix->nexp, &c)) != 0)
		return rc;
	for (i = 0; i < NONCE_PURGE_MAX; i++) {
		if ((rc = mdb_cursor_get(c, &key, &data, MDB_FIRST)) != 0)
			break;
		if (key.mv_size < 8 || key.mv_size > 8 + NONCE_MAX) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((exp = get64(key.mv_data)) > now_s)
			break;
		len = key.mv_size - 8;
		memcpy(nonce, (char *)key.mv_data + 8, len);
		if ((rc = nonce_drop(ix, txn, nonce, len, exp)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
nonce_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	const struct nonce_args *a = arg;
	unsigned char	 k[8 + NONCE_MAX], v[8];
	MDB_val		 key, data;
	size_t		 len = strlen(a->nonce);
	int64_t		 exp = 0;
	int		 rc;

	if ((rc = nonce_purge(ix, txn, a->now_s)) != 0)
		return rc;
	key.mv_data = (void *)a->nonce;
	key.mv_size = len;
	rc = mdb_get(txn, ix->nonces, &key, &data);
	if (rc == 0 && data.mv_size != 8)
		return MDB_CORRUPTED;
	if (rc == 0 && (exp = get64(data.mv_data)) > a->now_s)
		return MDB_KEYEXIST;
	/* Seen once but expired, and not purged yet: take it as new. */
	if ((rc == 0 && (rc = nonce_drop(ix, txn, a->nonce, len, exp)) != 0) ||
	    (rc != 0 && rc != MDB_NOTFOUND))
		return rc;
	put64(v, a->expires_s);
	data.mv_data = v;
	data.mv_size = 8;
	if ((rc = mdb_put(txn, ix->nonces, &key, &data, 0)) != 0)
		return rc;
	put64(k, a->expires_s);
	memcpy(k + 8, a->nonce, len);
	key.mv_data = k;
	key.mv_size = 8 + len;
	data.mv_size = 0;
	return mdb_put(txn, ix->nexp, &key, &data, 0);
}

/* Remember a nonce; works on a read-only handle (its own tiny txn). */
enum pf_err
pf_index_nonce_add(struct pf_index *ix, const char *nonce, int64_t now_s,
    int64_t expires_s)
{
	struct nonce_args a = { nonce, now_s, expires_s };
	int		 rc;

	if (*nonce == '\0' || strnlen(nonce, NONCE_MAX) == NONCE_MAX)
		return pf_err(PF_ERR_INVALID, "nonce: empty or longer than %d "
		    "bytes", NONCE_MAX - 1);
	rc = write_txn(ix, nonce_txn, &a);
	if (rc == MDB_KEYEXIST)
		return pf_err(PF_ERR_REPLAY, "nonce: already seen");
	return rc == 0 ? PF_OK : lmdb_err(rc, "nonce");
}
