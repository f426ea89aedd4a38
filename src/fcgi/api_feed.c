/*
 * api_feed.c: GET /feed (public pages), GET /feed.atom, and POST /feed,
 * the private exchange of doc/DESIGN.md section 5, whose envelope checks
 * POST /media (api_media.c) shares through pf_api_private_open() and
 * pf_api_private_reply().
 *
 * A private request is checked cheapest first, and nothing that depends on
 * whether the unauthenticated Peerfeed-From hint names a friend is seen
 * before a good signature by a friend has verified, so the answers for a
 * friend's, a blocked, an unknown and a random fingerprint are the same:
 *   1. Peerfeed-From: a full fingerprint, else 400 (whatever it names);
 *   2. (feed only) If-None-Match: the hint's ETag is computed for every
 *      hint alike; only a friend's current ETag (which only that friend
 *      can know) gets the bodiless 304, nothing else done;
 *   3. Content-Type application/pgp-encrypted, size <= body_max, and the
 *      body looks like an encrypted OpenPGP message (armor header, or a
 *      first packet that is a public-key encrypted session key);
 *   4. decrypt and verify (one good signature by a usable friend subkey,
 *      plaintext <= plain_max; an unknown, unpinned or blocked signer is
 *      the one 403 "not a friend"), the signer must be the hinted key,
 *      and a usable friend;
 *   5. the plaintext, field by field (req.c) as a request of the kind the
 *      endpoint serves (aud is url/feed or url/media), and then the nonce,
 *      which is remembered for twice the window only once all else passed.
 *
 * Idle polls.  A 200 answer that leaves the reader at the newest change it
 * can see (more is false and next is that change's cursor) carries
 *	ETag: "pf1-" HMAC-SHA256(node key, owner, reader, audiences, newest)
 * truncated to 128 bits.  The reader polls again with If-None-Match (and
 * may leave the body empty): while no change reaches it and its groups
 * stay the same, the value is the same and the answer is a bodiless 304.
 * Why this leaks nothing beyond "nothing changed": the 304 is given only
 * for a hint naming a friend (others go on as without the header), the tag is keyed
 * with a secret that never leaves the node (DIR/etag.key), so it reveals
 * nothing about its inputs (group names, times) and cannot be guessed or
 * forged (128 bits); someone holding a tag (the reader, or whoever saw
 * the header) learns only whether it is still current, that is whether
 * anything changed for that reader since, which the reader's own poll
 * timing already shows.  No post, count or time is in the answer.  The
 * key and the tags are api_state.c's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "budget.h"
#include "envelope.h"
#include "feed.h"
#include "http.h"
#include "index.h"
#include "keyring.h"
#include "req.h"
#include "store.h"
#include "urls.h"

#define PGP_TYPE	"application/pgp-encrypted"
#define ARMOR_HEAD	"-----BEGIN PGP MESSAGE-----"
#define NOT_FRIEND	"not a friend of this node"

/*
 * The Peerfeed-From hint, normalized: 400 if missing or malformed, the same
 * for every well-formed fingerprint, so it says nothing about the keyring.
 */
static enum pf_err
hint_parse(const char *hint, char fpr[PF_FPR_MAX])
{
	if (hint == NULL || *hint == '\0')
		return pf_err(PF_ERR_INVALID, "Peerfeed-From: header missing");
	if (pf_fpr_normalize(hint, fpr) != PF_OK)
		return pf_err(PF_ERR_INVALID, "Peerfeed-From: not a full "
		    "fingerprint (40 or 64 hex digits)");
	return PF_OK;
}

/* 403 for every key that may not read: one message, so no oracle. */
static enum pf_err
friend_check(struct pf_api *a, const char *fpr)
{
	struct pf_keyinfo	 ki;
	enum pf_err		 e;

	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		return e;
	if (pf_keyring_lookup(a->kr, fpr, &ki) != PF_OK || ki.secret ||
	    ki.disabled || ki.revoked || ki.expired || ki.invalid)
		return pf_err(PF_ERR_FORBIDDEN, NOT_FRIEND);
	return PF_OK;
}

/* Is tag among the entity tags of an If-None-Match value? */
static int
etag_listed(const char *header, const char *tag)
{
	const char	*p = header;
	size_t		 n, tlen = strlen(tag);

	while (*p != '\0') {
		p += strspn(p, " \t,");
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		n = strcspn(p, " \t,");
		if (n == tlen && strncmp(p, tag, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* The reader's audiences and their current ETag. */
static enum pf_err
reader_state(struct pf_api *a, const char *reader, char ***auds, size_t *naud,
    struct pf_cursor *latest, char tag[PF_API_ETAG_MAX])
{
	enum pf_err e;

	if ((e = pf_api_audiences(a, reader, auds, naud)) != PF_OK)
		return e;
	if ((e = pf_index_latest(a->ix, (const char *const *)*auds, *naud,
	    latest)) != PF_OK ||
	    (e = pf_api_etag(a, reader, *auds, *naud, latest, tag)) != PF_OK) {
		free(*auds);
		*auds = NULL;
	}
	return e;
}

/*
 * The idle poll: 1 (resp is a 304) if req carries a friend's hint and that
 * friend's current ETag; 0 to go on (every other hint, known or not, takes
 * the same path and does the same work); -1 with an error.
 */
static int
idle_poll(struct pf_api *a, const struct pf_http_req *req,
    struct pf_http_resp *resp, enum pf_err *err)
{
	char			 fpr[PF_FPR_MAX], tag[PF_API_ETAG_MAX];
	char			**auds = NULL;
	size_t			 naud;
	struct pf_cursor	 latest;
	int			 hit = 0, friend;

	if (req->if_none_match == NULL || hint_parse(req->from, fpr) != PF_OK)
		return 0;
	friend = friend_check(a, fpr) == PF_OK;
	if ((*err = reader_state(a, fpr, &auds, &naud, &latest, tag)) != PF_OK)
		return -1;
	if (friend && etag_listed(req->if_none_match, tag)) {
		snprintf(resp->who, sizeof(resp->who), "%s", fpr);
		resp->status = 304;
		*err = pf_http_header(resp, "ETag", tag);
		hit = *err == PF_OK ? 1 : -1;
	}
	free(auds);
	return hit;
}

/*
 * A malformed query parameter is 400 with pf_http_query()'s message,
 * which names the parameter and the rule (given twice, bad escape, too
 * long).
 */
static enum pf_err
query_fail(void)
{
	return pf_err(PF_ERR_INVALID, "%s", pf_errmsg());
}

/* Parse the public query: since (absent: latest page) and limit. */
static enum pf_err
public_query(struct pf_api *a, const char *q, int *has_since,
    struct pf_cursor *since, size_t *limit)
{
	char		 v[PF_CURSOR_MAX];
	char		*end;
	long		 n;
	enum pf_err	 e;

	*limit = (size_t)a->conf->page_max;
	if ((e = pf_http_query(q, "limit", v, sizeof(v))) == PF_OK) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || strspn(v, "0123456789") != strlen(v) ||
		    *end != '\0' || errno != 0 || n < 1)
			return pf_err(PF_ERR_INVALID, "limit: must be a positive "
			    "integer");
		/* A larger page than ours is not an error: give page_max. */
		if (n < a->conf->page_max)
			*limit = (size_t)n;
	} else if (e != PF_ERR_NOTFOUND)
		return query_fail();
	*has_since = 0;
	if ((e = pf_http_query(q, "since", v, sizeof(v))) == PF_ERR_NOTFOUND)
		return PF_OK;
	if (e != PF_OK)
		return query_fail();
	*has_since = 1;
	return pf_cursor_parse(v, since);
}

/*
 * GET /feed?since=C&limit=N: public changes after C, oldest first; without
 * since, the latest page (feed.h), byte for byte public/feed.json when
 * limit is page_max.  A friend's idle poll may come this way too.
 */
enum pf_err
pf_api_feed_get(struct pf_api *a, const struct pf_http_req *req,
    const char *param, struct pf_http_resp *resp)
{
	static const char *const pub[] = { "public" };
	struct pf_cursor	 since;
	size_t			 limit;
	int			 has_since = 0;
	enum pf_err		 e = PF_OK;

	(void)param;
	if (req->if_none_match != NULL && req->from != NULL &&
	    idle_poll(a, req, resp, &e) == 1)
		return PF_OK;
	if ((e = public_query(a, req->query, &has_since, &since, &limit)) != PF_OK)
		return e;
	if ((e = pf_buf_addstr(&resp->body, "{")) != PF_OK ||
	    (e = has_since ? pf_feed_page(a->ix, pub, 1, &since, limit,
	    &resp->body, NULL, NULL) : pf_feed_latest(a->ix, pub, 1, limit,
	    &resp->body)) != PF_OK ||
	    (e = pf_buf_addstr(&resp->body, "}\n")) != PF_OK)
		return e;
	resp->type = "application/json";
	return pf_http_header(resp, "Cache-Control", "no-cache");
}

/* GET /feed.atom: the Atom document, as public/feed.atom holds it. */
enum pf_err
pf_api_atom(struct pf_api *a, const struct pf_http_req *req, const char *param,
    struct pf_http_resp *resp)
{
	struct pf_feed_ctx	fc;
	enum pf_err		e;

	(void)req;
	(void)param;
	pf_feed_ctx_init(&fc, a->conf, a->kr, a->self);
	if ((e = pf_feed_atom(a->ix, &fc, &resp->body)) != PF_OK)
		return e;
	resp->type = "application/atom+xml; charset=utf-8";
	return pf_http_header(resp, "Cache-Control", "no-cache");
}

/* Cheap checks on the envelope before any OpenPGP work (steps 3). */
static enum pf_err
envelope_precheck(struct pf_api *a, const struct pf_http_req *req, int *armor)
{
	const unsigned char	*b = (const unsigned char *)req->body.data;
	size_t			 tl = strlen(PGP_TYPE);
	const char		*ct = req->content_type;

	if (ct == NULL || strncasecmp(ct, PGP_TYPE, tl) != 0 ||
	    (ct[tl] != '\0' && ct[tl] != ';'))
		return pf_err(PF_ERR_INVALID, "Content-Type: must be %s", PGP_TYPE);
	if (req->body.len > (size_t)a->conf->body_max)
		return pf_err(PF_ERR_LIMIT, "request body: more than %ld bytes",
		    a->conf->body_max);
	if (req->body.len == 0)
		return pf_err(PF_ERR_INVALID, "request body: empty (send the "
		    "signed and encrypted request)");
	*armor = req->body.len >= strlen(ARMOR_HEAD) &&
	    memcmp(b, ARMOR_HEAD, strlen(ARMOR_HEAD)) == 0;
	/* RFC 4880 4.2: old (0x84-0x87) or new (0xc1) header of tag 1, PKESK. */
	if (!*armor && !((b[0] & 0xfc) == 0x84 || b[0] == 0xc1))
		return pf_err(PF_ERR_INVALID, "request body: not an OpenPGP "
		    "message encrypted to a public key");
	return PF_OK;
}

#define RETIRED_WAIT_MS	2000	/* for a reindex to swap its index in */
#define RETIRED_STEP_MS	20

/*
 * Remember the request's nonce in the index in place.  A reindex retires
 * the old index before it copies the nonces over (pf_index_retire), so a
 * nonce refused there waits for the new index, which then holds every
 * nonce the old one had.
 */
static enum pf_err
nonce_remember(struct pf_api *a, const char *nonce, int64_t now)
{
	enum pf_err	e;
	int		waited;

	for (waited = 0; ; waited += RETIRED_STEP_MS) {
		e = pf_index_nonce_add(a->ix, nonce, now, now + 2 * a->conf->window);
		if (e != PF_ERR_LOCKED || waited >= RETIRED_WAIT_MS)
			break;
		usleep(RETIRED_STEP_MS * 1000);
		if ((e = pf_index_reopen(&a->ix)) != PF_OK)
			return e;
	}
	if (e == PF_ERR_LOCKED)
		return pf_err(PF_ERR_LOCKED, "the index was replaced by a "
		    "reindex that did not finish: run peerfeed reindex");
	return e;
}

/* Steps 4 and 5: open the envelope and check the request of kind in it. */
static enum pf_err
open_request(struct pf_api *a, const struct pf_http_req *req, const char *hint,
    enum pf_req_kind kind, struct pf_req *r)
{
	struct pf_buf		 plain = { 0 }, aud = { 0 };
	struct pf_req_want	 w;
	struct pf_urls		 u;
	size_t			 i;
	char			 signer[PF_FPR_MAX];
	int64_t			 sig_time, now = pf_now_ms() / 1000;
	enum pf_err		 e;

	pf_urls_node(a->st, a->conf, &u);
	if (u.n == 0)
		return pf_err(PF_ERR_CONFIG, "url is not set in peerfeed.conf");
	/* The envelope checks the signer against the keyring: a friend added
	 * since the last request must be known to it. */
	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		goto out;
	/* Unknown, unpinned and blocked signers: one answer (PROTOCOL.md). */
	if ((e = pf_envelope_open(a->kr, req->body.data, req->body.len,
	    (size_t)a->conf->plain_max, &plain, signer, &sig_time)) != PF_OK) {
		if (e == PF_ERR_FORBIDDEN)
			e = pf_err(PF_ERR_FORBIDDEN, NOT_FRIEND);
		goto out;
	}
	if (strcmp(signer, hint) != 0) {
		e = pf_err(PF_ERR_BADSIG, "signed by a key other than Peerfeed-From");
		goto out;
	}
	if ((e = friend_check(a, signer)) != PF_OK)
		goto out;
	if (sig_time - now > a->conf->window || now - sig_time > a->conf->window) {
		e = pf_err(PF_ERR_STALE, "signature time %lld s off the server "
		    "clock (window %ld s)", (long long)(sig_time - now),
		    a->conf->window);
		goto out;
	}
	/* Any of the node's URLs (doc/PROTOCOL.md, "Base URL"), one a line. */
	for (i = 0; i < u.n; i++)
		if ((e = pf_buf_printf(&aud, "%s%s%s", i ? "\n" : "", u.v[i],
		    kind == PF_REQ_MEDIA ? "/media" : "/feed")) != PF_OK)
			goto out;
	w = (struct pf_req_want){ signer, a->self, aud.data, now,
	    a->conf->window, a->conf->page_max, kind };
	if ((e = pf_req_parse(plain.data, plain.len, &w, r)) != PF_OK)
		goto out;
	e = nonce_remember(a, r->nonce, now);
out:
	pf_buf_free(&plain);
	pf_buf_free(&aud);
	return e;
}

enum pf_err
pf_api_private_open(struct pf_api *a, const struct pf_http_req *req,
    enum pf_req_kind kind, struct pf_http_resp *resp, struct pf_req *r,
    int *armor)
{
	char		 hint[PF_FPR_MAX];
	enum pf_err	 e;

	/*
	 * Nothing here depends on whether the hint names a friend until a
	 * good signature by a friend has verified (PROTOCOL.md "Private
	 * requests"): a stranger cannot test fingerprints.
	 */
	if ((e = hint_parse(req->from, hint)) != PF_OK ||
	    (e = envelope_precheck(a, req, armor)) != PF_OK)
		return e;
	/* The OpenPGP work starts here, so does its budget (not before:
	 * the idle 304 and the cheap refusals cost none). */
	if ((e = pf_budget_take(a->st, a->conf->pgp_rate,
	    a->conf->pgp_burst)) != PF_OK)
		return e;
	if ((e = open_request(a, req, hint, kind, r)) == PF_OK)
		snprintf(resp->who, sizeof(resp->who), "%s", hint);
	return e;
}

enum pf_err
pf_api_private_reply(struct pf_api *a, const char *to, const void *plain,
    size_t len, int armor, struct pf_http_resp *resp)
{
	enum pf_err e;

	if ((e = pf_envelope_seal(a->kr, to, plain, len, armor,
	    &resp->body)) != PF_OK ||
	    (e = pf_http_header(resp, "Cache-Control", "no-store")) != PF_OK)
		return e;
	resp->type = PGP_TYPE;
	return PF_OK;
}

/* The response plaintext for request r from reader. */
static enum pf_err
build_response(struct pf_api *a, const struct pf_req *r, char *const *auds,
    size_t naud, struct pf_buf *out, struct pf_cursor *next, int *more)
{
	enum pf_err e;

	if ((e = pf_buf_addstr(out, "{\"v\":1,\"from\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, a->self)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\"to\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->from)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\"nonce\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->nonce)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",")) != PF_OK ||
	    (e = pf_feed_page(a->ix, (const char *const *)auds, naud, &r->since,
	    r->limit, out, next, more)) != PF_OK)
		return e;
	return pf_buf_addstr(out, "}\n");
}

/* ETag header if the reader is now at its newest change. */
static enum pf_err
maybe_etag(struct pf_api *a, const char *reader, const struct pf_cursor *next,
    int more, struct pf_http_resp *resp)
{
	char			**auds = NULL, tag[PF_API_ETAG_MAX];
	size_t			  naud;
	struct pf_cursor	  latest;
	enum pf_err		  e;

	if (more)
		return PF_OK;
	if ((e = reader_state(a, reader, &auds, &naud, &latest, tag)) != PF_OK)
		return e;
	if (latest.ms == next->ms && strcmp(latest.id, next->id) == 0)
		e = pf_http_header(resp, "ETag", tag);
	free(auds);
	return e;
}

/* POST /feed: the private exchange (see the comment at the top). */
enum pf_err
pf_api_feed_post(struct pf_api *a, const struct pf_http_req *req,
    const char *param, struct pf_http_resp *resp)
{
	struct pf_buf		 plain = { 0 };
	struct pf_req		 r;
	struct pf_cursor	 next;
	char			 **auds = NULL;
	size_t			 naud;
	int			 armor, more;
	enum pf_err		 e = PF_OK;

	(void)param;
	if (idle_poll(a, req, resp, &e) != 0)
		return e;
	if ((e = pf_api_private_open(a, req, PF_REQ_FEED, resp, &r,
	    &armor)) != PF_OK ||
	    (e = pf_api_audiences(a, r.from, &auds, &naud)) != PF_OK ||
	    (e = build_response(a, &r, auds, naud, &plain, &next, &more)) != PF_OK ||
	    (e = pf_api_private_reply(a, r.from, plain.data, plain.len, armor,
	    resp)) != PF_OK ||
	    (e = maybe_etag(a, r.from, &next, more, resp)) != PF_OK)
		goto out;
out:
	free(auds);
	pf_buf_free(&plain);
	return e;
}
