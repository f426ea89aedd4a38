/*
 * fetch_job.c: the tools every step of a job uses (fetch_int.h): where to
 * connect, the keyring opened on first need, a request sealed and sent, a
 * sealed answer opened, a note to the caller, an HTTP status as an error.
 * They call nothing of fetch.c's state machine, so its helpers
 * (fetch_store.c, fetch_media.c, fetch_locate.c) call down into this file
 * and never back up into fetch.c.
 */
#include "config.h"


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "fetch_int.h"
#include "index.h"
#include "json.h"
#include "keyring.h"
#include "log.h"
#include "node.h"
#include "store.h"

#define PGP_TYPE	"application/pgp-encrypted"

/* Open the keyring on first need and learn (and cache) our fingerprint. */
enum pf_err
fetch_keyring(struct pf_fetcher *f)
{
	struct pf_keyinfo	 self;
	struct pf_node		*n = f->n;
	enum pf_err		 e;

	if (n->kr != NULL)
		return PF_OK;
	if (f->kr_tried)
		return pf_err(PF_ERR_CONFIG, "the keyring could not be opened");
	f->kr_tried = 1;
	if ((e = pf_keyring_open(n->gnupghome, &n->kr)) != PF_OK)
		return e;
	if (pf_keyring_self(n->kr, &self) != PF_OK)
		return pf_err(PF_ERR_CONFIG, "%s has no identity: run peerfeed "
		    "init", pf_store_path(n->st));
	memcpy(n->self, self.fpr, sizeof(n->self));
	return pf_index_meta_put(n->ix, PF_FETCH_SELF_META, n->self);
}

/*
 * The base URL the job's transfers go to: where the friend's node was
 * reached (fetch_locate.c), else its own URL.  Requests still name
 * j->fr.url as their aud: that is what the friend's responder checks.
 */
const char *
fetch_base(const struct job *j)
{
	return j->via[0] != '\0' ? j->via : j->fr.url;
}

/* Pass a note about the job's friend to the caller, sanitized. */
void
fetch_note(struct job *j, const char *fmt, ...)
{
	const struct pf_fetch_opts	*o = j->f->opts;
	char				 raw[512], msg[512];
	va_list				 ap;

	if (o->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	pf_log_sanitize(raw, msg, sizeof(msg));
	o->note(&j->fr, msg, o->arg);
}

/*
 * Queue the job's transfer to j->url: a POST of body with our Peerfeed-From
 * hint, or a GET if body is NULL (anonymous: public pages and media need
 * no name), If-None-Match etag unless "", the answer capped at max_body
 * (0: the engine's cap).
 */
enum pf_err
fetch_send(struct job *j, const void *body, size_t len, const char *etag,
    size_t max_body)
{
	pf_xfer_free(&j->x);
	j->x = (struct pf_xfer){ .url = j->url, .body = body,
	    .body_len = len, .ctype = body != NULL ? PGP_TYPE : NULL,
	    .from = body != NULL ? j->f->n->self : NULL,
	    .etag = etag[0] != '\0' ? etag : NULL, .max_body = max_body,
	    .not_before = j->not_before, .arg = j };
	j->not_before = 0;
	return pf_net_start(j->f->net, &j->x);
}

/*
 * Complete the private request r (the caller set aud and since/limit or
 * media): us, the friend, the time, a fresh nonce; sign and encrypt its
 * plaintext to the friend into j->body.
 */
enum pf_err
fetch_seal(struct job *j, struct pf_fetch_req *r)
{
	struct pf_buf	plain = { 0 };
	struct pf_keyinfo k;
	enum pf_err	e;

	if ((e = fetch_keyring(j->f)) != PF_OK)
		return e;
	/* A blocked friend is not asked: its key cannot be encrypted to. */
	if (pf_keyring_lookup(j->f->n->kr, j->fr.fpr, &k) == PF_OK &&
	    k.disabled) {
		j->blocked = 1;
		return pf_err(PF_ERR_FORBIDDEN, "skipped: the key is blocked "
		    "(peerfeed unblock %s fetches it again)", j->fr.fpr);
	}
	memcpy(r->self, j->f->n->self, sizeof(r->self));
	memcpy(r->peer, j->fr.fpr, sizeof(r->peer));
	r->ts = pf_now_ms() / 1000;
	pf_buf_reset(&j->body);
	if ((e = pf_random_hex(r->nonce, 16)) == PF_OK &&
	    (e = pf_fetch_request(r, &plain)) == PF_OK)
		e = pf_envelope_seal(j->f->n->kr, r->peer, plain.data, plain.len,
		    0, &j->body);
	pf_buf_free(&plain);
	return e;
}

/*
 * Open the sealed answer in j->x into plain (at most max bytes): it must
 * be signed by the friend, and by no one else.
 */
enum pf_err
fetch_open(struct job *j, size_t max, struct pf_buf *plain)
{
	char	signer[PF_FPR_MAX];
	int64_t	t;
	enum pf_err e;

	/* The type itself, not a longer one: parameters may follow. */
	if (strncasecmp(j->x.resp_ctype, PGP_TYPE, strlen(PGP_TYPE)) != 0 ||
	    strchr("; \t", j->x.resp_ctype[strlen(PGP_TYPE)]) == NULL)
		return pf_err(PF_ERR_INVALID, "answer is not %s", PGP_TYPE);
	if ((e = pf_envelope_open(j->f->n->kr, j->x.resp.data, j->x.resp.len,
	    max, plain, signer, &t)) != PF_OK)
		return e;
	if (strcmp(signer, j->fr.fpr) != 0)
		return pf_err(PF_ERR_BADSIG, "answer signed by %s, not by the "
		    "friend", signer);
	return PF_OK;
}

/*
 * After a 429 (the friend's OpenPGP budget or its web server's limit) or a
 * 503 (its key unavailable) with a Retry-After of at most
 * PF_FETCH_RETRY_MAX seconds, and fewer than PF_FETCH_RETRIES retries so
 * far: 1, the job's next transfer waits that long (doc/PROTOCOL.md,
 * "Errors"); the caller sends it again, freshly sealed.  Else 0.
 */
int
fetch_retry(struct job *j)
{
	const struct pf_xfer *x = &j->x;

	if (x->err != PF_OK || (x->status != 429 && x->status != 503) ||
	    x->retry_after < 0 || x->retry_after > PF_FETCH_RETRY_MAX ||
	    j->retries >= PF_FETCH_RETRIES)
		return 0;
	j->retries++;
	j->not_before = pf_now_ms() + 1000 * (x->retry_after > 0 ?
	    x->retry_after : 1);
	fetch_note(j, "HTTP %ld: retrying in %ld s (%d of %d)", x->status,
	    x->retry_after > 0 ? x->retry_after : 1, j->retries,
	    PF_FETCH_RETRIES);
	return 1;
}

/*
 * "HTTP 403: <detail>" from an error answer's JSON body, if it has one;
 * the retries made before it, if any.
 */
enum pf_err
fetch_http_error(const struct job *j)
{
	const struct pf_xfer	*x = &j->x;
	struct json_object	*o = NULL;
	const char		*d = "";
	char			 clean[160];
	enum pf_err		 e;

	if (pf_json_parse(x->resp.data ? x->resp.data : "", x->resp.len, 2,
	    &o) == PF_OK)
		(void)pf_json_get_str(o, "detail", 0, 150, &d);
	pf_log_sanitize(d, clean, sizeof(clean));
	e = pf_err(PF_ERR_NETWORK, "HTTP %ld%s%s", x->status,
	    clean[0] ? ": " : "", clean);
	if (j->retries > 0)
		e = pf_err_ctx(e, "after %d retries", j->retries);
	pf_json_free(o);
	return e;
}
