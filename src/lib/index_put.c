/*
 * index_put.c: storing and removing posts (pf_index_put, pf_index_del):
 * the posts value and the change and timeline keys of each version.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

#define SIG_MAX		65536

/* What an old version needs to have its change and timeline keys removed. */
struct oldpost {
	int64_t		 updated_ms;
	int64_t		 published_ms;
	uint32_t	 flags;
	size_t		 naud;
	char		 to[PF_TO_MAX][PF_AUD_MAX];
};

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
		if (p + n == end ||
		    pf_index_copystr(o->to[i], PF_AUD_MAX, p, n) == -1)
			return MDB_CORRUPTED;
		p += n + 1;
	}
	o->naud = v->naud;
	return 0;
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
		key.mv_size = pf_index_chg_key(k, o->to[i], o->updated_ms, id);
		rc = mdb_del(txn, ix->changes, &key, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return rc;
	}
	if (o->flags & VF_TOMBSTONE)
		return 0;
	key.mv_size = pf_index_tl_key(k, o->published_ms, author, id);
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
	if (rc != 0 || (rc = pf_index_val_decode(&data, &v)) != 0 ||
	    (rc = old_copy(&v, data.mv_size, data.mv_data, &old)) != 0)
		return rc;
	if (pf_index_split_key(pkey->mv_data, pkey->mv_size, author, id) == -1)
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
	key.mv_size = pf_index_post_key(pk, p->author, p->id);
	if ((rc = forget_old(ix, txn, &key, &found)) != 0 ||
	    (rc = put_value(ix, txn, &key, it)) != 0)
		return rc;
	key.mv_data = k;
	data.mv_data = (void *)p->author;
	data.mv_size = strlen(p->author);
	for (i = 0; it->own && i < p->nto; i++) {
		key.mv_size = pf_index_chg_key(k, p->to[i], p->updated_ms,
		    p->id);
		if ((rc = mdb_put(txn, ix->changes, &key, &data, 0)) != 0)
			return rc;
	}
	if (p->tombstone)
		return 0;
	key.mv_size = pf_index_tl_key(k, p->published_ms, p->author, p->id);
	data.mv_size = 0;
	return mdb_put(txn, ix->timeline, &key, &data, 0);
}

/* Raise meta own.updated_ms and own.last_id to the batch's own maxima. */
static int
own_meta(struct pf_index *ix, MDB_txn *txn, int64_t ms, const char *id)
{
	char	 buf[META_VAL_MAX], num[24];
	int	 rc;

	rc = pf_index_meta_read(ix, txn, "own.updated_ms", buf, sizeof(buf));
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (rc == MDB_NOTFOUND || strtoll(buf, NULL, 10) < ms) {
		snprintf(num, sizeof(num), "%lld", (long long)ms);
		rc = pf_index_meta_write(ix, txn, "own.updated_ms", num);
		if (rc != 0)
			return rc;
	}
	rc = pf_index_meta_read(ix, txn, "own.last_id", buf, sizeof(buf));
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (rc == MDB_NOTFOUND || strcmp(buf, id) < 0)
		rc = pf_index_meta_write(ix, txn, "own.last_id", id);
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
	if ((rc = pf_index_write_txn(ix, put_txn, &a)) != 0)
		return pf_index_lmdb_err(rc, "put");
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
	key.mv_size = pf_index_post_key(pk, a->author, a->id);
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
	rc = pf_index_write_txn(ix, del_txn, &a);
	if (rc == MDB_NOTFOUND)
		return pf_err(PF_ERR_NOTFOUND, "index: no post %.64s/%.31s",
		    author, id);
	return rc == 0 ? PF_OK : pf_index_lmdb_err(rc, "del");
}
