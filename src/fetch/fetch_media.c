/*
 * fetch_media.c: a fetch job's attachments.  Once a friend's feed is done
 * (or idle), the job walks the friend's stored live posts and fetches the
 * Image attachments not yet in friends/<fpr>/media/, at most
 * PF_FETCH_MEDIA_RUN per run, one after the other:
 *
 *   public post  GET <url>/media/<sha256>;
 *   other posts  POST <url>/media, a sealed request of kind "media" (req.c),
 *                answered by the bytes signed by the friend and encrypted
 *                to us (pf_envelope_open(), signer == the friend).
 *
 * The bytes must be exactly the size the post declares (the transfer is
 * cut off just past it), hash to its digest and decode, to the end and
 * within image.c's limits, as a picture of the mediaType the post declares
 * (so the web page shows nothing that is not one); they are stored
 * atomically under their digest.  An attachment that fails is reported
 * and fails the friend's run, but its post is already stored: the next
 * run finds the attachment missing and tries again.  An attachment larger
 * than PF_FETCH_MEDIA_MAX is never fetched (a note says so).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "fetch_int.h"
#include "image.h"
#include "index.h"
#include "node.h"
#include "store.h"

#define ATT_MAX		4	/* attachments of one post (doc/PROTOCOL.md) */

/*
 * The cap on the answer carrying m: the bytes and one more, so a longer
 * body is cut off yet told apart; a sealed answer adds OpenPGP framing
 * (binary: the request is), which compression cannot grow by a sixteenth.
 */
static size_t
media_cap(const struct pf_fetch_image *m)
{
	if (m->pub)
		return (size_t)m->size + 1;
	return (size_t)m->size + (size_t)m->size / 16 + 65536;
}

/* "friends/<fpr>/media/<sha>" into rel. */
static void
media_rel(const struct job *j, const char *sha, char *rel, size_t n)
{
	snprintf(rel, n, "friends/%.64s/media/%.64s", j->fr.fpr, sha);
}

/* Should the job fetch m: missing, not listed yet, within the limits? */
static int
wanted(struct job *j, const struct pf_fetch_image *m)
{
	char	rel[192];
	size_t	i;

	if (j->pub && !m->pub)
		return 0;
	for (i = 0; i < j->nmedia; i++)
		if (strcmp(j->media[i].sha, m->sha) == 0)
			return 0;
	media_rel(j, m->sha, rel, sizeof(rel));
	if (pf_store_exists(j->f->n->st, rel))
		return 0;
	if (m->size > PF_FETCH_MEDIA_MAX) {
		fetch_note(j, "attachment %s: %lld bytes, more than this "
		    "fetcher takes (%d): not fetched", m->sha,
		    (long long)m->size, PF_FETCH_MEDIA_MAX);
		return 0;
	}
	return 1;
}

/* Visitor: list the missing attachments of one post; stop when full. */
static enum pf_err
scan_visit(const struct pf_entry *en, void *arg)
{
	struct job		*j = arg;
	struct pf_fetch_image	 img[ATT_MAX];
	size_t			 n = 0, i;

	if (en->tombstone ||
	    memmem(en->json, en->json_len, "\"Image\"", 7) == NULL ||
	    pf_fetch_images(en->json, en->json_len, img, ATT_MAX, &n) != PF_OK)
		return PF_OK;
	for (i = 0; i < n && j->nmedia < PF_FETCH_MEDIA_RUN; i++)
		if (wanted(j, &img[i]))
			j->media[j->nmedia++] = img[i];
	return j->nmedia < PF_FETCH_MEDIA_RUN ? PF_OK : PF_ERR_EXISTS;
}

/* Queue the transfer of m (see the top comment). */
static enum pf_err
media_send(struct job *j, const struct pf_fetch_image *m)
{
	struct pf_fetch_req	*r = &j->req;
	enum pf_err		 e;

	if (m->pub) {
		snprintf(j->url, sizeof(j->url), "%s/media/%s", fetch_base(j),
		    m->sha);
		return fetch_send(j, NULL, 0, "", media_cap(m));
	}
	memset(r, 0, sizeof(*r));
	snprintf(r->aud, sizeof(r->aud), "%s/media", j->fr.url);
	memcpy(r->media, m->sha, sizeof(r->media));
	snprintf(j->url, sizeof(j->url), "%s/media", fetch_base(j));
	if ((e = fetch_seal(j, r)) != PF_OK)
		return e;
	return fetch_send(j, j->body.data, j->body.len, "", media_cap(m));
}

/* Count a failed attachment, keep the first reason, note each. */
static void
media_failed(struct job *j, const struct pf_fetch_image *m)
{
	char why[PF_RESULT_MAX];

	snprintf(why, sizeof(why), "%s", pf_errmsg());
	if (j->media_failed++ == 0)
		snprintf(j->media_why, sizeof(j->media_why), "attachment "
		    "%.16s...: %.200s", m->sha, why);
	fetch_note(j, "attachment %s: %s", m->sha, why);
}

/*
 * Queue the next attachment: 1 if one is in flight, else 0 with the job's
 * result in *err and, for an error, why[size].
 */
static int
media_next(struct job *j, enum pf_err *err, char *why, size_t size)
{
	for (; j->imedia < j->nmedia; j->imedia++) {
		if (media_send(j, &j->media[j->imedia]) == PF_OK)
			return 1;
		media_failed(j, &j->media[j->imedia]);
	}
	*err = j->media_failed == 0 ? PF_OK : PF_ERR_INVALID;
	snprintf(why, size, "%zu of %zu attachments failed, posts kept; %s",
	    j->media_failed, j->nmedia, j->media_why);
	return 0;
}

int
fetch_media_start(struct job *j, enum pf_err *err, char *why, size_t size)
{
	enum pf_err e;

	j->phase = JOB_MEDIA;
	j->nmedia = j->imedia = j->media_failed = 0;
	e = pf_index_walk(j->f->n->ix, j->fr.fpr, scan_visit, j);
	if (e != PF_OK && e != PF_ERR_EXISTS) {
		snprintf(why, size, "%s", pf_errmsg());
		*err = e;
		return 0;
	}
	return media_next(j, err, why, size);
}

/*
 * Check the bytes b against m and store them as friends/<fpr>/media/<sha>,
 * their thumbnail as thumbs/<sha>.
 */
static enum pf_err
media_keep(struct job *j, const struct pf_fetch_image *m,
    const struct pf_buf *b)
{
	struct pf_store	*st = j->f->n->st;
	struct pf_buf	 thumb = { 0 };
	char		 got[PF_SHA256_HEX], rel[192];
	enum pf_err	 e;

	if (b->len != (size_t)m->size)
		return pf_err(PF_ERR_INVALID, "%zu bytes, but the post declares "
		    "%lld", b->len, (long long)m->size);
	pf_sha256_hex(b->data != NULL ? b->data : "", b->len, got);
	if (strcmp(got, m->sha) != 0)
		return pf_err(PF_ERR_INVALID, "the bytes' SHA-256 is %.16s..., "
		    "not the digest the post declares", got);
	if ((e = pf_image_check(b->data, b->len, m->type, &thumb)) != PF_OK)
		goto out;
	media_rel(j, m->sha, rel, sizeof(rel));
	if ((e = pf_store_lock(st, 1)) != PF_OK)
		goto out;
	if ((e = pf_store_write(st, rel, b->data != NULL ? b->data : "",
	    b->len)) == PF_OK && thumb.len > 0)
		e = pf_store_add_thumb(st, m->sha, thumb.data, thumb.len);
	pf_store_unlock(st);
out:
	pf_buf_free(&thumb);
	return e;
}

/* The attachment in flight arrived (or not): keep it, then the next. */
int
fetch_media_step(struct job *j, enum pf_err *err, char *why, size_t size)
{
	const struct pf_fetch_image	*m = &j->media[j->imedia];
	struct pf_xfer			*x = &j->x;
	struct pf_buf			 plain = { 0 };
	enum pf_err			 e;

	if (x->err == PF_ERR_LIMIT)
		e = pf_err(PF_ERR_LIMIT, "more than the %lld bytes the post "
		    "declares: aborted", (long long)m->size);
	else if (x->err != PF_OK)
		e = pf_err(x->err, "%s", x->error);
	else if (fetch_retry(j) && (e = media_send(j, m)) == PF_OK)
		return 1;	/* the same attachment again, later */
	else if (x->status != 200)
		e = fetch_http_error(j);
	else if (m->pub)
		e = media_keep(j, m, &x->resp);
	else if ((e = fetch_open(j, (size_t)m->size, &plain)) == PF_OK)
		e = media_keep(j, m, &plain);
	pf_buf_free(&plain);
	if (e == PF_OK)
		j->f->stats->media++;
	else
		media_failed(j, m);
	j->imedia++;
	return media_next(j, err, why, size);
}
