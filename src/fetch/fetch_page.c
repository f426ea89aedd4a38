/*
 * fetch_page.c: the pure parts of fetching: the request plaintext a
 * friend's responder expects (req.c is the other side), and the checks on
 * the response plaintext once pf_envelope_open() has verified that the
 * friend signed it.  What is checked here is that the page answers our
 * request (from, to, nonce) and that every post in it is the friend's and
 * well-formed; each post's own signature is verified by fetch_store.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "json.h"
#include "post.h"

#define SIG_HEAD	"-----BEGIN PGP SIGNATURE-----"

static const char *const page_members[] = {
	"v", "from", "to", "nonce", "posts", "next", "more", NULL
};
static const char *const public_members[] = {
	"posts", "next", "more", NULL
};
static const char *const post_members[] = {
	"id", "author", "post", "sig", NULL
};

enum pf_err
pf_fetch_request(const struct pf_fetch_req *r, struct pf_buf *out)
{
	enum pf_err e;

	if ((e = pf_buf_addstr(out, "{\"v\":1,\"from\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->self)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\"to\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->peer)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\"aud\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->aud)) != PF_OK ||
	    (e = pf_buf_printf(out, ",\"ts\":%lld,\"nonce\":",
	    (long long)r->ts)) != PF_OK ||
	    (e = pf_buf_json_str(out, r->nonce)) != PF_OK)
		return e;
	if (r->media[0] != '\0') {
		if ((e = pf_buf_addstr(out, ",\"media\":")) != PF_OK ||
		    (e = pf_buf_json_str(out, r->media)) != PF_OK)
			return e;
		return pf_buf_addstr(out, "}");
	}
	if (r->since[0] != '\0' &&
	    ((e = pf_buf_addstr(out, ",\"since\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->since)) != PF_OK))
		return e;
	return pf_buf_printf(out, ",\"limit\":%ld}", r->limit);
}

/* True if c needs no percent-encoding in a query value (RFC 3986). */
static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

enum pf_err
pf_fetch_public_url(const char *base, const char *since, long limit,
    char *out, size_t n)
{
	size_t		len;
	int		k;
	unsigned char	c;

	k = snprintf(out, n, "%s/feed?since=", base);
	if (k < 0 || (size_t)k >= n)
		goto toolong;
	len = (size_t)k;
	for (; *since != '\0'; since++) {
		c = (unsigned char)*since;
		k = snprintf(out + len, n - len, unreserved(c) ? "%c" : "%%%02X",
		    c);
		if (k < 0 || (size_t)k >= n - len)
			goto toolong;
		len += (size_t)k;
	}
	k = snprintf(out + len, n - len, "&limit=%ld", limit);
	if (k >= 0 && (size_t)k < n - len)
		return PF_OK;
toolong:
	return pf_err(PF_ERR_LIMIT, "public feed URL: longer than %zu bytes",
	    n - 1);
}

enum pf_err
pf_fetch_images(const char *json, size_t len, struct pf_fetch_image *out,
    size_t max, size_t *n)
{
	struct pf_post	*p;
	struct pf_image	 img[PF_ATT_MAX];
	size_t		 i, k;
	enum pf_err	 e;

	if ((e = pf_post_parse(json, len, &p)) != PF_OK)
		return e;
	k = pf_post_images(p, img, max < PF_ATT_MAX ? max : PF_ATT_MAX);
	for (i = 0; i < k; i++) {
		memcpy(out[i].sha, img[i].digest, PF_SHA256_HEX);
		out[i].size = img[i].size;
		out[i].pub = pf_post_has_aud(p, "public");
		memcpy(out[i].type, img[i].type, sizeof(out[i].type));
	}
	*n = k;
	pf_post_free(p);
	return PF_OK;
}

/* A required member (NOTFOUND is a malformed page, not a 404). */
static enum pf_err
need(enum pf_err e, const char *what)
{
	if (e == PF_OK)
		return PF_OK;
	return pf_err_ctx(e == PF_ERR_NOTFOUND ? PF_ERR_INVALID : e, "%s",
	    what);
}

/* The member fpr must be a fingerprint equal to want. */
static enum pf_err
same_fpr(struct json_object *o, const char *name, const char *want,
    const char *what)
{
	const char	*s;
	char		 fpr[PF_FPR_MAX];
	enum pf_err	 e;

	if ((e = need(pf_json_get_str(o, name, 40, 64, &s), what)) != PF_OK)
		return e;
	if (pf_fpr_normalize(s, fpr) != PF_OK)
		return pf_err(PF_ERR_INVALID, "%s: %s: not a fingerprint", what,
		    name);
	if (strcmp(fpr, want) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "%s: %s is %s, not %s", what,
		    name, fpr, want);
	return PF_OK;
}

/* Check one element of posts and fill *fp from it. */
static enum pf_err
check_post(struct json_object *v, size_t i, const struct pf_fetch_req *r,
    struct pf_fetch_post *fp)
{
	const char	*id, *sig;
	char		 what[48];
	enum pf_err	 e;

	snprintf(what, sizeof(what), "posts[%zu]", i);
	if (!pf_json_is_obj(v))
		return pf_err(PF_ERR_INVALID, "%s: not an object", what);
	if ((e = pf_json_only_members(v, post_members, what)) != PF_OK ||
	    (e = need(pf_json_get_str(v, "id", 1, PF_ID_MAX - 1, &id),
	    what)) != PF_OK ||
	    (e = same_fpr(v, "author", r->peer, what)) != PF_OK ||
	    (e = need(pf_json_get_str(v, "post", 1, PF_POST_MAX, &fp->json),
	    what)) != PF_OK ||
	    (e = need(pf_json_get_str(v, "sig", 1, PF_SIG_MAX, &sig),
	    what)) != PF_OK)
		return e;
	if (!pf_id_valid(id))
		return pf_err(PF_ERR_INVALID, "%s: id: not a post id", what);
	snprintf(what, sizeof(what), "post %s", id);
	/* No NUL inside: pf_json_parse refuses it. */
	fp->json_len = strlen(fp->json);
	fp->sig = sig;
	fp->sig_len = strlen(sig);
	if (fp->json_len > PF_POST_MAX || fp->sig_len > PF_SIG_MAX)
		return pf_err(PF_ERR_LIMIT, "%s: larger than %d bytes", what,
		    fp->json_len > PF_POST_MAX ? PF_POST_MAX : PF_SIG_MAX);
	if (strncmp(sig, SIG_HEAD, strlen(SIG_HEAD)) != 0)
		return pf_err(PF_ERR_INVALID, "%s: sig: not an armored OpenPGP "
		    "signature", what);
	if ((e = pf_post_parse(fp->json, fp->json_len, &fp->post)) != PF_OK)
		return need(e, what);
	if (strcmp(fp->post->author, r->peer) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "%s: attributedTo is %s, not the "
		    "friend %s", what, fp->post->author, r->peer);
	if (strcmp(fp->post->id, id) != 0)
		return pf_err(PF_ERR_INVALID, "%s: the post's own id is %s",
		    what, fp->post->id);
	return PF_OK;
}

/* A private page's header: v, from, to, nonce. */
static enum pf_err
check_sealed(struct json_object *o, const struct pf_fetch_req *r)
{
	const char		*s;
	int64_t			 v;
	enum pf_err		 e;

	if ((e = pf_json_only_members(o, page_members, "response")) != PF_OK ||
	    (e = need(pf_json_get_int(o, "v", 0, 1000, &v), "response")) != PF_OK)
		return e;
	if (v != 1)
		return pf_err(PF_ERR_INVALID, "response: v: version %lld not "
		    "supported", (long long)v);
	if ((e = same_fpr(o, "from", r->peer, "response")) != PF_OK ||
	    (e = same_fpr(o, "to", r->self, "response")) != PF_OK ||
	    (e = need(pf_json_get_str(o, "nonce", 1, 64, &s),
	    "response")) != PF_OK)
		return e;
	if (strcmp(s, r->nonce) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "response: nonce: not the one "
		    "we sent (a replayed answer)");
	return PF_OK;
}

/* The page's own members: the header (private pages), next, more. */
static enum pf_err
check_head(struct json_object *o, const struct pf_fetch_req *r,
    struct pf_fetch_page *pg)
{
	const char		*s;
	struct pf_cursor	 c;
	enum pf_err		 e;

	if ((e = r->pub ?
	    pf_json_only_members(o, public_members, "response") :
	    check_sealed(o, r)) != PF_OK)
		return e;
	if ((e = need(pf_json_get_str(o, "next", 0, PF_CURSOR_MAX - 1, &s),
	    "response")) != PF_OK ||
	    (e = need(pf_json_get_bool(o, "more", &pg->more), "response")) != PF_OK)
		return e;
	if (strlen(s) >= PF_CURSOR_MAX || pf_cursor_parse(s, &c) != PF_OK)
		return pf_err(PF_ERR_INVALID, "response: next: not a cursor");
	memcpy(pg->next, s, strlen(s) + 1);
	return PF_OK;
}

enum pf_err
pf_fetch_page_parse(const char *buf, size_t len, const struct pf_fetch_req *r,
    struct pf_fetch_page *out)
{
	struct json_object	*o = NULL, *posts;
	struct pf_fetch_page	 pg;
	size_t			 i;
	enum pf_err		 e;

	memset(&pg, 0, sizeof(pg));
	if ((e = pf_json_parse(buf, len, PF_FETCH_DEPTH, &o)) != PF_OK)
		return need(e, "response");
	pg.doc = o;
	if ((e = check_head(o, r, &pg)) != PF_OK ||
	    (e = need(pf_json_get_arr(o, "posts", 0, (size_t)r->limit, &posts),
	    "response")) != PF_OK)
		goto out;
	pg.n = pf_json_arr_len(posts);
	if (pg.n > 0 && (pg.posts = calloc(pg.n, sizeof(*pg.posts))) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < pg.n && e == PF_OK; i++)
		e = check_post(pf_json_arr_at(posts, i), i, r,
		    &pg.posts[i]);
	if (e == PF_OK && pg.more && pg.n == 0)
		e = pf_err(PF_ERR_INVALID, "response: more is true on an "
		    "empty page");
out:
	if (e != PF_OK) {
		pf_fetch_page_free(&pg);
		return e;
	}
	*out = pg;
	return PF_OK;
}

void
pf_fetch_page_free(struct pf_fetch_page *pg)
{
	size_t i;

	for (i = 0; i < pg->n && pg->posts != NULL; i++)
		pf_post_free(pg->posts[i].post);
	free(pg->posts);
	pf_json_free(pg->doc);
	memset(pg, 0, sizeof(*pg));
}
