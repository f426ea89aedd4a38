/*
 * fetch_store.c: taking one feed page of a fetch job: open and check it,
 * store its posts, and move the cursor.
 *
 * A private page is authenticated by the one signature on its envelope,
 * a public page (GET /feed) by none; on both, each post's detached
 * signature is verified against the friend's key before anything of the
 * page is kept.
 * Posts are written as files first (signature, then post), then indexed,
 * and only then is the cursor saved, all under the store's writer lock:
 * a run killed in between asks for the same page again next time.
 *
 * A post never goes backwards: one whose updated time is older than that
 * of the version already stored under its id (an old edit replayed, a
 * page from before a reindex on the friend's side) is passed over with a
 * note.  An equal time stores the same version again, which is what makes
 * a rerun after a kill idempotent; an edit or a tombstone, being newer,
 * replaces the stored post.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "fetch_int.h"
#include "index.h"
#include "keyring.h"
#include "node.h"
#include "post.h"
#include "store.h"

#define JSON_TYPE	"application/json"

/* Visitor: the updated time of the stored version. */
static enum pf_err
stored_updated(const struct pf_entry *en, void *arg)
{
	*(int64_t *)arg = en->updated_ms;
	return PF_OK;
}

/* True if a newer version of p is stored already: p is noted, not kept. */
static int
goes_back(struct job *j, const struct pf_post *p)
{
	int64_t	ms = -1;

	if (pf_index_get(j->f->n->ix, j->fr.fpr, p->id, stored_updated,
	    &ms) != PF_OK || ms <= p->updated_ms)
		return 0;
	fetch_note(j, "post %s: updated %lld ms before the version stored "
	    "here; kept the stored one", p->id,
	    (long long)(ms - p->updated_ms));
	return 1;
}

/* Write one post's signature, then the post, under friends/<fpr>/posts. */
static enum pf_err
write_post(struct job *j, const struct pf_fetch_post *p)
{
	struct pf_store	*st = j->f->n->st;
	char		 rel[192];
	enum pf_err	 e;

	snprintf(rel, sizeof(rel), "friends/%s/posts/%s.json.sig", j->fr.fpr,
	    p->post->id);
	if ((e = pf_store_write(st, rel, p->sig, p->sig_len)) != PF_OK)
		return e;
	rel[strlen(rel) - 4] = '\0';
	return pf_store_write(st, rel, p->json, p->json_len);
}

/* The cursor (and ETag) after the page: state.json, or the index if pub. */
static enum pf_err
save_cursor(struct job *j, const struct pf_fetch_page *pg)
{
	memcpy(j->fr.cursor, pg->next, sizeof(j->fr.cursor));
	if (j->pub)
		return pf_index_meta_put(j->f->n->ix, j->meta, pg->next);
	snprintf(j->fr.etag, sizeof(j->fr.etag), "%s", pg->more ? "" :
	    j->x.resp_etag);
	return pf_friend_save(j->f->n->st, &j->fr);
}

/* Store the page's posts (files, then the index), then its cursor. */
static enum pf_err
commit(struct job *j, const struct pf_fetch_page *pg)
{
	struct pf_node		*n = j->f->n;
	struct pf_index_item	*it = NULL;
	size_t			 i, k = 0;
	enum pf_err		 e;

	for (i = 0; i < pg->n; i++)
		k += pg->posts[i].json_len + pg->posts[i].sig_len;
	if ((e = pf_store_room(n->st, k)) != PF_OK)
		return e;
	k = 0;
	if (pg->n > 0 && (it = calloc(pg->n, sizeof(*it))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = pf_store_lock(n->st, 1)) != PF_OK)
		goto out;
	for (i = 0; i < pg->n && e == PF_OK; i++) {
		const struct pf_fetch_post *p = &pg->posts[i];

		if (goes_back(j, p->post))
			continue;
		e = write_post(j, p);
		it[k++] = (struct pf_index_item){ p->post, p->json, p->json_len,
		    p->sig, p->sig_len, 0 };
	}
	if (e == PF_OK && k > 0)
		e = pf_index_put(n->ix, it, k);
	if (e == PF_OK)
		e = save_cursor(j, pg);
	pf_store_unlock(n->st);
	j->nposts += e == PF_OK ? k : 0;
out:
	free(it);
	return e;
}

/*
 * Every post's own detached signature, verified against the friend's
 * pinned key over exactly its bytes, on public and private pages alike
 * (doc/PROTOCOL.md section "Posts"): the page's signature vouches for the
 * page, but the .sig is what is stored and relayed, and a later `gpg
 * --verify` of the stored copy must say good.  pf_envelope_verify_post
 * does it in the process (no gpg per post: a first fetch of 1000 posts).
 * One bad signature refuses the page (nothing of it is stored, the cursor
 * stays) and is counted in the run's summary.
 */
static enum pf_err
check_sigs(struct job *j, const struct pf_fetch_page *pg)
{
	const struct pf_fetch_post	*p;
	size_t				 i;
	enum pf_err			 e;

	if ((e = fetch_keyring(j->f)) != PF_OK)
		return e;
	for (i = 0; i < pg->n; i++) {
		p = &pg->posts[i];
		e = pf_envelope_verify_post(j->f->n->kr, p->json, p->json_len,
		    p->sig, p->sig_len, j->fr.fpr);
		if (e != PF_OK) {
			if (e == PF_ERR_BADSIG)
				j->f->stats->badsig++;
			return pf_err_ctx(e, "post %s: bad signature",
			    p->post->id);
		}
	}
	return PF_OK;
}

/* Parse and check the page in the job's answer (see the top comment). */
static enum pf_err
check_page(struct job *j, struct pf_fetch_page *pg)
{
	struct pf_buf	plain = { 0 };
	enum pf_err	e;

	if (j->pub) {
		if (strncasecmp(j->x.resp_ctype, JSON_TYPE,
		    strlen(JSON_TYPE)) != 0)
			return pf_err(PF_ERR_INVALID, "answer is not %s",
			    JSON_TYPE);
		if ((e = pf_fetch_page_parse(j->x.resp.data, j->x.resp.len,
		    &j->req, pg)) == PF_OK)
			e = check_sigs(j, pg);
		return e;
	}
	if ((e = fetch_open(j, PF_FETCH_PLAIN_MAX, &plain)) == PF_OK &&
	    (e = pf_fetch_page_parse(plain.data, plain.len, &j->req, pg)) == PF_OK)
		e = check_sigs(j, pg);
	pf_buf_free(&plain);
	return e;
}

/*
 * Take the page in the job's answer: check it, store its posts, save the
 * cursor; *more if the friend has more.
 */
enum pf_err
fetch_store_page(struct job *j, int *more)
{
	struct pf_fetch_page	pg = { 0 };
	enum pf_err		e;

	if ((e = check_page(j, &pg)) != PF_OK)
		goto out;
	if (pg.more && strcmp(pg.next, j->req.since) == 0) {
		e = pf_err(PF_ERR_INVALID, "response: next does not move past "
		    "since, yet more is true");
		goto out;
	}
	if ((e = commit(j, &pg)) != PF_OK)
		goto out;
	j->f->stats->pages++;
	*more = pg.more;
out:
	pf_fetch_page_free(&pg);
	return e;
}
