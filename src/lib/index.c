/*
 * index.c: the LMDB index, a cache of the post files (index.h): opening it,
 * the key and value encodings of index_int.h, reads (get, timeline, walk,
 * count) and meta.  Writes of posts are in index_put.c, the change feed in
 * index_feed.c and nonces in index_nonce.c.  These are the only files that
 * know LMDB; every value is copied out, or handed to a visitor, before its
 * transaction ends.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_int.h"

#define MAPSIZE_DEFAULT	((size_t)64 << 20)
#define MAPSIZE_MIN	((size_t)64 << 10)
#define GROW_MAX	12	/* doublings per write: 1 MiB -> 4 GiB */
#define MAXREADERS	126
#define FULL_MARGIN	((uint64_t)1 << 20)	/* free bytes below which a disk is full */
#define LOCK_RESERVE	((off_t)16 << 10)	/* >= LMDB's table for MAXREADERS */
#define PATH_MAX_INDEX	(PATH_MAX - 16)

/* Map an LMDB return code to PF_ERR_INDEX with LMDB's own words. */
enum pf_err
pf_index_lmdb_err(int rc, const char *what)
{
	return pf_err(PF_ERR_INDEX, "index: %s: %s", what, mdb_strerror(rc));
}

/* Copy n bytes of a key into a C string of size outlen; -1 if too long. */
int
pf_index_copystr(char *out, size_t outlen, const void *p, size_t n)
{
	if (n >= outlen || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Key "author\0id" into buf (PKEY_MAX); returns its length. */
size_t
pf_index_post_key(char *buf, const char *author, const char *id)
{
	size_t a = strlen(author), i = strlen(id);

	memcpy(buf, author, a + 1);
	memcpy(buf + a + 1, id, i);
	return a + 1 + i;
}

/* Key "aud\0" ms id into buf (CKEY_MAX); returns its length. */
size_t
pf_index_chg_key(unsigned char *buf, const char *aud, int64_t ms,
    const char *id)
{
	size_t a = strlen(aud), i = strlen(id);

	memcpy(buf, aud, a + 1);
	put64(buf + a + 1, ms);
	memcpy(buf + a + 9, id, i);
	return a + 9 + i;
}

/* Key published(8) "author\0id" into buf (TKEY_MAX); returns its length. */
size_t
pf_index_tl_key(unsigned char *buf, int64_t published, const char *author,
    const char *id)
{
	put64(buf, published);
	return 8 + pf_index_post_key((char *)buf + 8, author, id);
}

/* Split a posts or timeline key back into author and id. */
int
pf_index_split_key(const unsigned char *p, size_t n, char author[PF_FPR_MAX],
    char id[PF_ID_MAX])
{
	const unsigned char *nul = memchr(p, '\0', n);

	if (nul == NULL ||
	    pf_index_copystr(author, PF_FPR_MAX, p, (size_t)(nul - p)) == -1 ||
	    pf_index_copystr(id, PF_ID_MAX, nul + 1,
	    n - (size_t)(nul - p) - 1) == -1)
		return -1;
	return 0;
}

/* Decode a posts value; MDB_CORRUPTED if its lengths do not add up. */
int
pf_index_val_decode(const MDB_val *v, struct val *out)
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
/* Begin a transaction, adopting a map another process grew. */
int
pf_index_txn_begin(struct pf_index *ix, unsigned flags, MDB_txn **txn)
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
 * LMDB reports a short write as EIO; on a filesystem that is all but full,
 * that is what it was, so say ENOSPC.
 */
static int
full_disk(struct pf_index *ix, int rc)
{
	struct statvfs	 sv;
	const char	*path;

	if (rc != EIO || mdb_env_get_path(ix->env, &path) != 0 ||
	    statvfs(path, &sv) != 0)
		return rc;
	return (uint64_t)sv.f_bavail * sv.f_frsize < FULL_MARGIN ? ENOSPC : rc;
}

/*
 * Run fn in one write transaction and commit it.  On MDB_MAP_FULL the
 * whole transaction is lost (LMDB aborts it), so abort, double the map and
 * run fn again, at most GROW_MAX times.  Returns an LMDB code.
 */
int
pf_index_write_txn(struct pf_index *ix, write_fn fn, void *arg)
{
	MDB_txn	*txn;
	int	 rc = MDB_MAP_FULL, tries;

	for (tries = 0; tries <= GROW_MAX; tries++) {
		if ((rc = pf_index_txn_begin(ix, 0, &txn)) != 0)
			return rc;
		if ((rc = fn(ix, txn, arg)) != 0)
			mdb_txn_abort(txn);
		else
			rc = mdb_txn_commit(txn);
		if (rc != MDB_MAP_FULL)
			return full_disk(ix, rc);
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

	if ((rc = pf_index_txn_begin(ix, rdonly ? MDB_RDONLY : 0, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = mdb_dbi_open(txn, names[i], rdonly ? 0 : MDB_CREATE,
		    dbis[i]);
		if (rc != 0) {
			mdb_txn_abort(txn);
			if (rc == MDB_NOTFOUND)
				return pf_err(PF_ERR_INDEX, "index incomplete "
				    "(no \"%s\"): run peerfeed reindex", names[i]);
			return pf_index_lmdb_err(rc, names[i]);
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return pf_index_lmdb_err(rc, "commit");
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
 * Create lock.mdb with its blocks allocated.  LMDB would extend a new lock
 * file with ftruncate and write its reader table through a shared map: on
 * a full filesystem (tmpfs above all) the first store into an unallocated
 * page is a SIGBUS.  Allocated first, a full disk is an ordinary error;
 * LMDB takes a lock file bigger than it needs as room for more readers.
 */
static enum pf_err
lock_reserve(const char *path)
{
	char	lock[PATH_MAX];
	int	fd, rc;

	snprintf(lock, sizeof(lock), "%s/lock.mdb", path);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return errno == EEXIST || errno == ENOENT ? PF_OK :
		    pf_err(PF_ERR_SYS, "index: %s: %s", lock, strerror(errno));
	rc = posix_fallocate(fd, 0, LOCK_RESERVE);
	close(fd);
	if (rc != 0) {
		unlink(lock);
		return pf_err(PF_ERR_SYS, "index: %s: %s", lock, strerror(rc));
	}
	return PF_OK;
}

/* Remember which data.mdb the environment has open (pf_index_moved). */
static enum pf_err
identity(struct pf_index *ix, const char *data)
{
	struct stat	sb;
	int		fd;

	if (mdb_env_get_fd(ix->env, &fd) != 0 || fstat(fd, &sb) == -1)
		return pf_err(PF_ERR_INDEX, "index: %s: cannot stat", data);
	snprintf(ix->data, sizeof(ix->data), "%s", data);
	ix->dev = sb.st_dev;
	ix->ino = sb.st_ino;
	return PF_OK;
}

int
pf_index_moved(const struct pf_index *ix)
{
	struct stat sb;

	if (stat(ix->data, &sb) == -1)
		return 0;
	return sb.st_ino != ix->ino || sb.st_dev != ix->dev;
}

enum pf_err
pf_index_reopen(struct pf_index **ix)
{
	struct pf_index	*nx;
	const char	*path;
	enum pf_err	 e;

	if (!pf_index_moved(*ix))
		return PF_OK;
	if (mdb_env_get_path((*ix)->env, &path) != 0)
		return pf_err(PF_ERR_INDEX, "index: no path");
	if ((e = pf_index_open(path, (*ix)->flags, &nx)) != PF_OK)
		return e;
	pf_index_close(*ix);
	*ix = nx;
	return PF_OK;
}

static int
retire_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	MDB_val	key;
	int	rc;

	if (*(int *)arg)
		return pf_index_meta_write(ix, txn, META_RETIRED, "1");
	key.mv_data = (void *)META_RETIRED;
	key.mv_size = strlen(META_RETIRED);
	rc = mdb_del(txn, ix->meta, &key, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

enum pf_err
pf_index_retire(struct pf_index *ix, int on)
{
	int rc;

	if ((rc = pf_index_write_txn(ix, retire_txn, &on)) != 0)
		return pf_index_lmdb_err(rc, on ? "retire" : "unretire");
	return PF_OK;
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
	char		 data[PATH_MAX];
	size_t		 mapsize;
	enum pf_err	 e;
	int		 rc, dead;

	if ((e = mapsize_conf(&mapsize)) != PF_OK ||
	    (e = open_dir(path, flags)) != PF_OK ||
	    (e = lock_reserve(path)) != PF_OK)
		return e;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return pf_err(PF_ERR_NOMEM, "index: out of memory");
	ix->flags = flags;
	snprintf(data, sizeof(data), "%s/data.mdb", path);
	/*
	 * A new environment starts at exactly the configured size (LMDB's
	 * own default, 1 MiB, would hide a smaller one); an existing one
	 * keeps its size here, since a size set before mdb_env_open would
	 * shrink a map that grew.
	 */
	if ((rc = mdb_env_create(&ix->env)) != 0 ||
	    (access(data, F_OK) == -1 && errno == ENOENT &&
	    (rc = mdb_env_set_mapsize(ix->env, mapsize)) != 0) ||
	    (rc = mdb_env_set_maxreaders(ix->env, MAXREADERS)) != 0 ||
	    (rc = mdb_env_set_maxdbs(ix->env, 8)) != 0 ||
	    (rc = mdb_env_open(ix->env, path, MDB_NOTLS, 0600)) != 0 ||
	    (rc = mdb_reader_check(ix->env, &dead)) != 0 ||
	    (rc = mdb_env_info(ix->env, &info)) != 0) {
		e = pf_index_lmdb_err(rc, path);
		goto out;
	}
	if (info.me_mapsize < mapsize &&
	    (rc = mdb_env_set_mapsize(ix->env, mapsize)) != 0) {
		e = pf_index_lmdb_err(rc, "set map size");
		goto out;
	}
	if ((e = open_dbis(ix)) != PF_OK || (e = identity(ix, data)) != PF_OK)
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
/* Read a meta value inside txn into out; MDB_NOTFOUND if absent. */
int
pf_index_meta_read(struct pf_index *ix, MDB_txn *txn, const char *k, char *out,
    size_t outlen)
{
	MDB_val	 key, data;
	int	 rc;

	key.mv_data = (void *)k;
	key.mv_size = strlen(k);
	if ((rc = mdb_get(txn, ix->meta, &key, &data)) != 0)
		return rc;
	if (pf_index_copystr(out, outlen, data.mv_data, data.mv_size) == -1)
		return MDB_CORRUPTED;
	return 0;
}

int
pf_index_meta_write(struct pf_index *ix, MDB_txn *txn, const char *k,
    const char *v)
{
	MDB_val key, data;

	key.mv_data = (void *)k;
	key.mv_size = strlen(k);
	data.mv_data = (void *)v;
	data.mv_size = strlen(v);
	return mdb_put(txn, ix->meta, &key, &data, 0);
}

/* Hand a posts value to fn as an entry. */
static enum pf_err
entry_visit(const char *author, const char *id, const MDB_val *data,
    pf_index_fn fn, void *arg)
{
	struct pf_entry	 ent;
	struct val	 v;
	int		 rc;

	if ((rc = pf_index_val_decode(data, &v)) != 0)
		return pf_index_lmdb_err(rc, "get");
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
enum pf_err
pf_index_visit_post(MDB_cursor *pc, const char *author, const char *id,
    pf_index_fn fn, void *arg)
{
	char		 pk[PKEY_MAX];
	MDB_val		 key, data;
	int		 rc;

	key.mv_data = pk;
	key.mv_size = pf_index_post_key(pk, author, id);
	rc = mdb_cursor_get(pc, &key, &data, MDB_SET_KEY);
	if (rc == MDB_NOTFOUND)
		return pf_err(PF_ERR_NOTFOUND, "index: no post %s/%s",
		    author, id);
	if (rc != 0)
		return pf_index_lmdb_err(rc, "get");
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
	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	if ((rc = mdb_cursor_open(txn, ix->posts, &pc)) != 0)
		e = pf_index_lmdb_err(rc, "cursor");
	else {
		e = pf_index_visit_post(pc, author, id, fn, arg);
		mdb_cursor_close(pc);
	}
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

	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	if ((rc = mdb_cursor_open(txn, ix->timeline, &c)) != 0 ||
	    (rc = mdb_cursor_open(txn, ix->posts, &pc)) != 0) {
		e = pf_index_lmdb_err(rc, "cursor");
		goto out;
	}
	for (rc = mdb_cursor_get(c, &key, &data, MDB_LAST); rc == 0 && limit > 0;
	    rc = mdb_cursor_get(c, &key, &data, MDB_PREV)) {
		if (key.mv_size < 8 ||
		    pf_index_split_key((unsigned char *)key.mv_data + 8,
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
		if ((e = pf_index_visit_post(pc, a, id, fn, arg)) != PF_OK)
			goto out;
		limit--;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		e = pf_index_lmdb_err(rc, "timeline");
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
	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	if ((rc = mdb_cursor_open(txn, ix->posts, &c)) != 0) {
		e = pf_index_lmdb_err(rc, "cursor");
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
		if (pf_index_split_key(key.mv_data, key.mv_size, a, id) == -1) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((e = entry_visit(a, id, &data, fn, arg)) != PF_OK)
			goto out;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		e = pf_index_lmdb_err(rc, "walk");
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
	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	rc = mdb_stat(txn, ix->posts, &st);
	mdb_txn_abort(txn);
	if (rc != 0)
		return pf_index_lmdb_err(rc, "stat");
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
	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	rc = pf_index_meta_read(ix, txn, key, out, outlen);
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND)
		return pf_err(PF_ERR_NOTFOUND, "index: no meta \"%s\"", key);
	if (rc == MDB_CORRUPTED)
		return pf_err(PF_ERR_LIMIT, "index: meta \"%s\": longer than "
		    "%zu bytes", key, outlen);
	return rc == 0 ? PF_OK : pf_index_lmdb_err(rc, "meta");
}

struct meta_args {
	const char	*key;
	const char	*val;
};

static int
meta_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	const struct meta_args *a = arg;

	return pf_index_meta_write(ix, txn, a->key, a->val);
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
	if ((rc = pf_index_write_txn(ix, meta_txn, &a)) != 0)
		return pf_index_lmdb_err(rc, "meta");
	return PF_OK;
}
