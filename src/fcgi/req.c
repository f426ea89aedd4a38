/*
 * req.c: checking the plaintext of a private request (feed or media).  The rules are
 * those of doc/PROTOCOL.md "Private requests" and doc/DESIGN.md section
 * 5.3 (step 5) and 5.4 (step 11); each error names the field and the rule.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "req.h"

/* Members by request kind: the common ones, then the kind's own. */
#define COMMON_MEMBERS	"v", "from", "to", "aud", "ts", "nonce"
static const char *const feed_members[] = {
	COMMON_MEMBERS, "since", "limit", NULL
};
static const char *const media_members[] = { COMMON_MEMBERS, "media", NULL };

static const char *const *const kind_members[] = {
	[PF_REQ_FEED] = feed_members,
	[PF_REQ_MEDIA] = media_members,
};

/*
 * Re-raise the last error, with context unless it is NULL; a missing
 * required member (PF_ERR_NOTFOUND from json.c) is a malformed request, not
 * a 404.
 */
static enum pf_err
fail(enum pf_err e, const char *ctx)
{
	if (e == PF_ERR_NOTFOUND)
		e = PF_ERR_INVALID;
	return ctx != NULL ? pf_err_ctx(e, "%s", ctx) : e;
}

/*
 * Every member must be one this kind of request has: an unknown one may
 * mean a newer v, and one of another kind (media in a feed request) a
 * request sent to the wrong endpoint.
 */
static enum pf_err
known_members(struct json_object *o, enum pf_req_kind kind)
{
	return pf_json_only_members(o, kind_members[kind], "request");
}

/* True if s is one of the lines of list. */
static int
aud_listed(const char *list, const char *s)
{
	size_t	n = strlen(s), len;

	for (;;) {
		len = strcspn(list, "\n");
		if (len == n && strncmp(list, s, n) == 0)
			return 1;
		if (list[len] == '\0')
			return 0;
		list += len + 1;
	}
}

/* from == signer, to == self, aud == one of our endpoints. */
static enum pf_err
check_parties(struct json_object *o, const struct pf_req_want *w,
    struct pf_req *r)
{
	const char	*s;
	char		 to[PF_FPR_MAX];
	enum pf_err	 e;

	if ((e = pf_json_get_str(o, "from", 1, 64, &s)) != PF_OK)
		return fail(e, NULL);
	if ((e = pf_fpr_normalize(s, r->from)) != PF_OK)
		return fail(e, "from");
	if (strcmp(r->from, w->signer) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "from: is not the key that "
		    "signed the request");
	if ((e = pf_json_get_str(o, "to", 1, 64, &s)) != PF_OK)
		return fail(e, NULL);
	if ((e = pf_fpr_normalize(s, to)) != PF_OK)
		return fail(e, "to");
	if (strcmp(to, w->self) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "to: names another node's key");
	if ((e = pf_json_get_str(o, "aud", 1, 1024, &s)) != PF_OK)
		return fail(e, NULL);
	if (!aud_listed(w->aud, s))
		return pf_err(PF_ERR_FORBIDDEN, "aud: not this node's endpoint "
		    "(%.*s)", (int)strcspn(w->aud, "\n"), w->aud);
	return PF_OK;
}

/* ts within the window, and a well-formed nonce. */
static enum pf_err
check_fresh(struct json_object *o, const struct pf_req_want *w, struct pf_req *r)
{
	const char	*s;
	int64_t		 skew;
	enum pf_err	 e;

	if ((e = pf_json_get_int(o, "ts", 0, PF_JSON_INT_MAX, &r->ts)) != PF_OK)
		return fail(e, NULL);
	skew = r->ts - w->now;
	if (skew > w->window || -skew > w->window)
		return pf_err(PF_ERR_STALE, "ts: %lld s %s the server clock "
		    "(window %ld s)", (long long)(skew < 0 ? -skew : skew),
		    skew < 0 ? "behind" : "ahead of", w->window);
	if ((e = pf_json_get_str(o, "nonce", PF_NONCE_LEN, PF_NONCE_LEN,
	    &s)) != PF_OK)
		return fail(e, NULL);
	if (!pf_hex_lower(s, PF_NONCE_LEN))
		return pf_err(PF_ERR_INVALID, "nonce: not %d lowercase hex "
		    "digits", PF_NONCE_LEN);
	memcpy(r->nonce, s, PF_NONCE_LEN + 1);
	return PF_OK;
}

/* A feed request's optional since and limit. */
static enum pf_err
check_page(struct json_object *o, const struct pf_req_want *w, struct pf_req *r)
{
	const char	*s;
	int64_t		 n;
	enum pf_err	 e;

	memset(&r->since, 0, sizeof(r->since));
	r->has_since = 0;
	if ((e = pf_json_get_str(o, "since", 0, PF_CURSOR_MAX - 1, &s)) == PF_OK) {
		if ((e = pf_cursor_parse(s, &r->since)) != PF_OK)
			return fail(PF_ERR_INVALID, NULL);
		r->has_since = 1;
	} else if (e != PF_ERR_NOTFOUND)
		return e;
	r->limit = (size_t)w->page_max;
	/* A larger page than ours is not an error: the reader gets page_max. */
	if ((e = pf_json_get_int(o, "limit", 1, PF_JSON_INT_MAX, &n)) == PF_OK) {
		if (n < w->page_max)
			r->limit = (size_t)n;
	}
	else if (e != PF_ERR_NOTFOUND)
		return e;
	return PF_OK;
}

/* A media request's required digest. */
static enum pf_err
check_media(struct json_object *o, struct pf_req *r)
{
	const char	*s;
	enum pf_err	 e;

	if ((e = pf_json_get_str(o, "media", PF_SHA256_HEX - 1,
	    PF_SHA256_HEX - 1, &s)) != PF_OK)
		return fail(e, NULL);
	if (!pf_hex_lower(s, PF_SHA256_HEX - 1))
		return pf_err(PF_ERR_INVALID, "media: not a SHA-256 digest (%d "
		    "lowercase hex digits)", PF_SHA256_HEX - 1);
	memcpy(r->media, s, PF_SHA256_HEX);
	return PF_OK;
}

enum pf_err
pf_req_parse(const char *buf, size_t len, const struct pf_req_want *w,
    struct pf_req *out)
{
	struct json_object	*o = NULL;
	struct pf_req		 r;
	int64_t			 v;
	enum pf_err		 e;

	memset(&r, 0, sizeof(r));
	r.kind = w->kind;
	if ((e = pf_json_parse(buf, len, PF_REQ_DEPTH, &o)) != PF_OK)
		return fail(e, "request");
	if ((e = known_members(o, w->kind)) != PF_OK)
		goto out;
	if ((e = pf_json_get_int(o, "v", 0, 1000, &v)) != PF_OK) {
		e = fail(e, NULL);
		goto out;
	}
	if (v != 1) {
		e = pf_err(PF_ERR_INVALID, "v: version %lld not supported "
		    "(this node speaks 1)", (long long)v);
		goto out;
	}
	if ((e = check_parties(o, w, &r)) != PF_OK ||
	    (e = check_fresh(o, w, &r)) != PF_OK ||
	    (e = w->kind == PF_REQ_MEDIA ? check_media(o, &r) :
	    check_page(o, w, &r)) != PF_OK)
		goto out;
	*out = r;
out:
	pf_json_free(o);
	return e;
}
