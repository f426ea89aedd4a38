/*
 * index_feed.c: the change feed: cursors, and the merge of a reader's
 * per-audience change streams (pf_index_changes, pf_index_latest).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

#define NAUD_MAX	64	/* audiences of one reader */

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
	if (pf_index_copystr(s->id, sizeof(s->id), k + s->alen + 9,
	    key->mv_size - s->alen - 9) == -1 ||
	    pf_index_copystr(s->author, sizeof(s->author), data->mv_data,
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
	key.mv_size = pf_index_chg_key(k, s->aud, since->ms, since->id);
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
			return pf_index_lmdb_err(rc, "cursor");
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
	if ((e = pf_index_visit_post(pc, best->author, best->id, fn,
	    arg)) != PF_OK)
		return e == PF_ERR_NOTFOUND ? pf_err(PF_ERR_INDEX, "index: "
		    "change %s without post: run peerfeed reindex", at->id) : e;
	for (i = 0; i < n; i++)
		if (s[i].live && s[i].ms == at->ms &&
		    strcmp(s[i].id, at->id) == 0 &&
		    (rc = stream_next(&s[i])) != 0)
			return pf_index_lmdb_err(rc, "next");
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

	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	if ((e = streams_open(ix, txn, auds, naud, &s)) != PF_OK)
		goto out;
	if ((rc = mdb_cursor_open(txn, ix->posts, &pc)) != 0) {
		e = pf_index_lmdb_err(rc, "cursor");
		goto out;
	}
	at.id[PF_ID_MAX - 1] = '\0';
	for (i = 0; i < naud; i++)
		if ((rc = stream_seek(&s[i], &at)) != 0) {
			e = pf_index_lmdb_err(rc, "seek");
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
	if ((rc = pf_index_txn_begin(ix, MDB_RDONLY, &txn)) != 0)
		return pf_index_lmdb_err(rc, "begin");
	if ((e = streams_open(ix, txn, auds, naud, &s)) != PF_OK)
		goto out;
	for (i = 0; i < naud; i++)
		if ((rc = latest_one(&s[i], &c)) != 0) {
			e = pf_index_lmdb_err(rc, "latest");
			goto out;
		}
	*out = c;
out:
	streams_close(s, naud);
	mdb_txn_abort(txn);
	return e;
}
