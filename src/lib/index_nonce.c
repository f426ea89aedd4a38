/*
 * index_nonce.c: the nonces seen by the responder, each kept until it
 * expires (pf_index_nonce_add).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

#define NONCE_MAX	128
#define NONCE_PURGE_MAX	64	/* expired nonces dropped per call */

struct nonce_args {
	const char	*nonce;
	int64_t		 now_s;
	int64_t		 expires_s;
};

struct copy_args {
	struct pf_index	*from;
	int64_t		 now_s;
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
	char		 retired[8];
	int		 rc;

	/* A reindex is copying this index's nonces over: not one more. */
	if (pf_index_meta_read(ix, txn, META_RETIRED, retired,
	    sizeof(retired)) == 0)
		return RC_RETIRED;
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
	rc = pf_index_write_txn(ix, nonce_txn, &a);
	if (rc == MDB_KEYEXIST)
		return pf_err(PF_ERR_REPLAY, "nonce: already seen");
	if (rc == RC_RETIRED)
		return pf_err(PF_ERR_LOCKED, "index: replaced by a reindex");
	return rc == 0 ? PF_OK : pf_index_lmdb_err(rc, "nonce");
}

/* Copy every unexpired nonce of a->from into txn, one read txn over it. */
static int
copy_txn(struct pf_index *to, MDB_txn *txn, void *arg)
{
	const struct copy_args *a = arg;
	MDB_txn		*rtxn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 key, data;
	int		 rc;

	if ((rc = pf_index_txn_begin(a->from, MDB_RDONLY, &rtxn)) != 0)
		return rc;
	if ((rc = mdb_cursor_open(rtxn, a->from->nexp, &c)) != 0)
		goto out;
	/* nonce_exp is ordered by expiry: start at the first unexpired one. */
	while ((rc = mdb_cursor_get(c, &key, &data, MDB_NEXT)) == 0) {
		unsigned char v[8];
		MDB_val nk, nv;

		if (key.mv_size <= 8 || key.mv_size > 8 + NONCE_MAX) {
			rc = MDB_CORRUPTED;
			break;
		}
		if (get64(key.mv_data) <= a->now_s)
			continue;
		memcpy(v, key.mv_data, 8);
		nk.mv_data = (unsigned char *)key.mv_data + 8;
		nk.mv_size = key.mv_size - 8;
		nv.mv_data = v;
		nv.mv_size = 8;
		if ((rc = mdb_put(txn, to->nonces, &nk, &nv, 0)) != 0 ||
		    (rc = mdb_put(txn, to->nexp, &key, &data, 0)) != 0)
			break;
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	mdb_cursor_close(c);
	mdb_txn_abort(rtxn);
	return rc;
}

/* Carry the unexpired nonces over into a rebuilt index (reindex). */
enum pf_err
pf_index_nonce_copy(struct pf_index *from, struct pf_index *to, int64_t now_s)
{
	struct copy_args a = { from, now_s };
	int		 rc;

	rc = pf_index_write_txn(to, copy_txn, &a);
	return rc == 0 ? PF_OK : pf_index_lmdb_err(rc, "copying nonces");
}

struct dump_args {
	struct pf_buf	*out;
	int64_t		 now_s;
};

/* Append every unexpired nonce of ix as "EXPIRES_S NONCE\n" to a->out. */
static int
dump_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	const struct dump_args *a = arg;
	MDB_cursor	*c;
	MDB_val		 key, data;
	int		 rc;

	if ((rc = mdb_cursor_open(txn, ix->nexp, &c)) != 0)
		return rc;
	while ((rc = mdb_cursor_get(c, &key, &data, MDB_NEXT)) == 0) {
		if (key.mv_size <= 8 || key.mv_size > 8 + NONCE_MAX) {
			rc = MDB_CORRUPTED;
			break;
		}
		if (get64(key.mv_data) <= a->now_s)
			continue;
		if (pf_buf_printf(a->out, "%lld %.*s\n",
		    (long long)get64(key.mv_data), (int)(key.mv_size - 8),
		    (const char *)key.mv_data + 8) != PF_OK) {
			rc = ENOMEM;
			break;
		}
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

enum pf_err
pf_index_nonce_dump(struct pf_index *ix, int64_t now_s, struct pf_buf *out)
{
	struct dump_args a = { out, now_s };
	MDB_txn		*txn;
	int		 rc;

	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) == 0) {
		rc = dump_txn(ix, txn, &a);
		mdb_txn_abort(txn);
	}
	if (rc == ENOMEM)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	return rc == 0 ? PF_OK : pf_index_lmdb_err(rc, "listing nonces");
}

struct load_args {
	const char	*text;
	size_t		 len;
	int64_t		 now_s;
	size_t		 bad;		/* the line that failed, from 1 */
};

/* One dump line "EXPIRES_S NONCE": 0, or -1 if malformed. */
static int
load_line(const char *line, size_t n, int64_t *exp, const char **nonce,
    size_t *nlen)
{
	char		 num[24], *end;
	const char	*sp = memchr(line, ' ', n);
	size_t		 i, dl;

	if (sp == NULL || (dl = (size_t)(sp - line)) == 0 || dl >= sizeof(num))
		return -1;
	memcpy(num, line, dl);
	num[dl] = '\0';
	*exp = strtoll(num, &end, 10);
	if (*end != '\0' || *exp <= 0)
		return -1;
	*nonce = sp + 1;
	*nlen = n - dl - 1;
	if (*nlen == 0 || *nlen >= NONCE_MAX)
		return -1;
	for (i = 0; i < *nlen; i++)
		if ((unsigned char)(*nonce)[i] <= ' ' || (*nonce)[i] == 0x7f)
			return -1;
	return 0;
}

static int
load_txn(struct pf_index *ix, MDB_txn *txn, void *arg)
{
	struct load_args *a = arg;
	const char	*p = a->text, *end = a->text + a->len, *nl, *nonce;
	unsigned char	 k[8 + NONCE_MAX], v[8];
	MDB_val		 key, data;
	int64_t		 exp;
	size_t		 nlen;
	int		 rc;

	for (a->bad = 1; p < end; p = nl + 1, a->bad++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    load_line(p, (size_t)(nl - p), &exp, &nonce, &nlen) == -1)
			return MDB_INCOMPATIBLE;
		if (exp <= a->now_s)
			continue;
		put64(v, exp);
		key = (MDB_val){ nlen, (void *)nonce };
		data = (MDB_val){ 8, v };
		if ((rc = mdb_put(txn, ix->nonces, &key, &data, 0)) != 0)
			return rc;
		put64(k, exp);
		memcpy(k + 8, nonce, nlen);
		key = (MDB_val){ 8 + nlen, k };
		data = (MDB_val){ 0, NULL };
		if ((rc = mdb_put(txn, ix->nexp, &key, &data, 0)) != 0)
			return rc;
	}
	a->bad = 0;
	return 0;
}

enum pf_err
pf_index_nonce_load(struct pf_index *ix, const char *text, size_t len,
    int64_t now_s)
{
	struct load_args a = { text, len, now_s, 0 };
	int		 rc;

	rc = pf_index_write_txn(ix, load_txn, &a);
	if (rc == MDB_INCOMPATIBLE && a.bad > 0)
		return pf_err(PF_ERR_INVALID, "nonces: line %zu: not "
		    "\"EXPIRES NONCE\"", a.bad);
	return rc == 0 ? PF_OK : pf_index_lmdb_err(rc, "loading nonces");
}
