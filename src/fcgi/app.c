/*
 * app.c: the owner's web page under BASE/app/: routes, login and logout,
 * the pages, and the CSRF check of every form.
 *
 * Reads (timeline, friends, media) use the responder's read-only index and
 * keyring.  A change goes to app_write.c, which makes it in a forked
 * writer process exactly as the CLI would.
 *
 * Who gets in: the request must carry the session cookie of a login with
 * the password set by `peerfeed passwd` (app_session.c); anything else
 * gets 401 and the login form, which says nothing about the owner.  A POST
 * must also carry the session's CSRF token (403 otherwise).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "http.h"
#include "image.h"
#include "index.h"
#include "passwd.h"
#include "post.h"
#include "store.h"

#define HTML		"text/html; charset=utf-8"
#define CSP		"default-src 'none'; style-src 'unsafe-inline'; " \
			"img-src 'self'; form-action 'self'; " \
			"frame-ancestors 'none'; base-uri 'none'"
#define SID		"pfsid"		/* the session cookie */
#define PRE		"pflogin"	/* the login form's CSRF cookie */
#define FAIL_DELAY	2		/* seconds of no login after a failed one */

/* One request as the app sees it. */
struct ctx {
	struct pf_api			*a;
	const struct pf_http_req	*req;
	struct pf_http_resp		*resp;
	struct pf_app_page		 pg;
	char				 sid[PF_SESSION_HEX];
	char				 csrf[PF_SESSION_HEX];
	char				 cookie_path[160];
	struct pf_form			 form;
};

/* --- answers --- */

static void
html_start(struct ctx *c, int status)
{
	pf_http_resp_reset(c->resp);
	c->resp->status = status;
	c->resp->type = HTML;
	c->resp->csp = CSP;
	(void)pf_http_header(c->resp, "Cache-Control", "no-store");
}

static enum pf_err
redirect(struct ctx *c, const char *where)
{
	char loc[300];

	html_start(c, 303);
	snprintf(loc, sizeof(loc), "%s/app/%s", c->pg.base, where);
	(void)pf_http_header(c->resp, "Location", loc);
	return pf_app_html(&c->resp->body, "<!doctype html><title>See other"
	    "</title><a href=\"%s\">Continue</a>\n", loc);
}

static void
set_cookie(struct ctx *c, const char *name, const char *value, long max_age)
{
	char v[400];

	snprintf(v, sizeof(v), "%s=%s; Path=%s; Max-Age=%ld; HttpOnly; Secure; "
	    "SameSite=Strict", name, value, c->cookie_path, max_age);
	(void)pf_http_header(c->resp, "Set-Cookie", v);
}

/* A page saying what went wrong, with the status the error maps to. */
static enum pf_err
fail_page(struct ctx *c, enum pf_err e)
{
	char	msg[512];
	int	status = pf_err_http(e);

	snprintf(msg, sizeof(msg), "%s", pf_errmsg());
	html_start(c, status >= 400 ? status : 500);
	c->pg.notice = msg;
	c->pg.error = 1;
	(void)pf_app_html_message(&c->resp->body, &c->pg, "That did not work");
	return e;
}

/*
 * 401 and the login form, for every request without a session.  The
 * form's CSRF token is bound to a cookie of its own, so another site
 * cannot log the browser in to this node.
 */
/* True if the Host header h names an .onion service (port aside). */
static int
host_onion(const char *h)
{
	size_t n = strcspn(h, ":");

	return n >= 6 && strncasecmp(h + n - 6, ".onion", 6) == 0;
}

/*
 * True if the page came over plain HTTP to a name other than loopback:
 * browsers then drop the Secure session cookie, so a login cannot stick.
 * An .onion name is a secure context for Tor Browser, which keeps the
 * cookie (doc/INSTALL.md, "The web page from your phone").
 */
static int
cookie_wont_stick(const struct pf_http_req *r)
{
	const char	*h = r->host;
	size_t		 n = strlen("localhost");

	if (r->scheme == NULL || strcmp(r->scheme, "http") != 0 || h == NULL)
		return 0;
	return strncmp(h, "127.", 4) != 0 && strncmp(h, "[::1]", 5) != 0 &&
	    !(strncmp(h, "localhost", n) == 0 && (h[n] == '\0' || h[n] == ':')) &&
	    !host_onion(h);
}

static enum pf_err
login_page(struct ctx *c, int status, const char *notice)
{
	char		pre[PF_SESSION_HEX], tok[PF_SESSION_HEX], both[400];
	struct pf_app_page pg = c->pg;
	enum pf_err	e;

	html_start(c, status);
	if (c->req->cookie == NULL ||
	    pf_app_cookie(c->req->cookie, PRE, pre, sizeof(pre)) != PF_OK ||
	    strlen(pre) != PF_SESSION_HEX - 1) {
		if ((e = pf_random_hex(pre, 32)) != PF_OK)
			return e;
		set_cookie(c, PRE, pre, 3600);
	}
	pf_app_csrf("login", pre, tok);
	pg.csrf = NULL;
	if (cookie_wont_stick(c->req)) {
		snprintf(both, sizeof(both), "%s%sThis page came over plain "
		    "HTTP: your browser keeps the login only over HTTPS (or "
		    "on 127.0.0.1). Reach it through HTTPS or an SSH tunnel.",
		    notice ? notice : "", notice ? " " : "");
		notice = both;
	}
	pg.notice = notice;
	pg.error = notice != NULL;
	if (status == 401)
		(void)pf_http_header(c->resp, "WWW-Authenticate",
		    "FormBased realm=\"peerfeed\"");
	return pf_app_html_login(&c->resp->body, &pg, tok);
}

/* --- pages --- */

static const struct {
	const char	*code;
	const char	*text;
} notices[] = {
	{ "posted", "Posted." }, { "edited", "Saved." },
	{ "deleted", "Deleted." }, { "liked", "Liked." },
	{ "commented", "Comment sent." }, { "added", "Friend added." },
	{ "moved", "Groups changed." }, { "blocked", "Blocked." },
	{ "unblocked", "Unblocked." },
};

/* The notice named by ?msg= (only these fixed texts: nothing is echoed). */
static void
notice(struct ctx *c)
{
	char	v[32];
	size_t	i;

	if (pf_http_query(c->req->query, "msg", v, sizeof(v)) != PF_OK)
		return;
	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(v, notices[i].code) == 0)
			c->pg.notice = notices[i].text;
}

static enum pf_err
get_timeline(struct ctx *c)
{
	struct pf_app_view	v;
	enum pf_err		e;

	if ((e = pf_app_view_parse(c->req->query, &v)) != PF_OK)
		return fail_page(c, e);
	html_start(c, 200);
	notice(c);
	return pf_app_html_timeline(&c->resp->body, &c->pg, &v);
}

static enum pf_err
keep_post(const struct pf_entry *en, void *arg)
{
	return pf_post_parse(en->json, en->json_len, (struct pf_post **)arg);
}

static enum pf_err
get_edit(struct ctx *c)
{
	struct pf_post	*p = NULL;
	char		 id[PF_ID_MAX];
	enum pf_err	 e;

	if (pf_http_query(c->req->query, "id", id, sizeof(id)) != PF_OK ||
	    !pf_id_valid(id))
		return fail_page(c, pf_err(PF_ERR_INVALID, "id: not a post id"));
	if ((e = pf_index_get(c->a->ix, c->a->self, id, keep_post, &p)) != PF_OK)
		return fail_page(c, e == PF_ERR_NOTFOUND ? pf_err(e, "no such "
		    "post") : e);
	if (p->tombstone) {
		pf_post_free(p);
		return fail_page(c, pf_err(PF_ERR_NOTFOUND, "that post was "
		    "deleted"));
	}
	html_start(c, 200);
	e = pf_app_html_edit(&c->resp->body, &c->pg, p);
	pf_post_free(p);
	return e;
}

static enum pf_err
get_friends(struct ctx *c)
{
	html_start(c, 200);
	notice(c);
	return pf_app_html_friends(&c->resp->body, &c->pg);
}

/* The kinds of picture the page shows, by the extension of its URL. */
static const char *const media_types[][2] = {
	{ "png", "image/png" }, { "jpg", "image/jpeg" },
	{ "gif", "image/gif" }, { "webp", "image/webp" },
	{ "avif", "image/avif" },
};
#define NMEDIA_TYPES	(sizeof(media_types) / sizeof(media_types[0]))

/*
 * Make the missing thumbnail of media/<sha> (or a friend's copy, rel) of
 * the given type, checked in a child process (image.c): the responder
 * itself never runs libvips, it forks its writers.  A picture stored
 * before thumbnails existed gets one on its first view.
 */
static enum pf_err
make_thumb(struct ctx *c, const char *rel, const char *sha, const char *type)
{
	struct pf_buf	data = { 0 }, thumb = { 0 };
	enum pf_err	e;

	if ((e = pf_store_read(c->a->st, rel, (size_t)c->a->conf->media_max,
	    &data)) == PF_OK &&
	    (e = pf_image_check(data.data, data.len, type, &thumb)) == PF_OK &&
	    thumb.len > 0)
		e = pf_store_add_thumb(c->a->st, sha, thumb.data, thumb.len);
	pf_buf_free(&data);
	pf_buf_free(&thumb);
	return e;
}

/* Open DIR/rel read-only into the answer, of the given type. */
static enum pf_err
send_file(struct ctx *c, const char *rel, const char *type)
{
	struct stat	 sb;
	char		*path;
	int		 fd;

	if ((path = pf_store_join(c->a->st, rel)) == NULL)
		return fail_page(c, pf_err(PF_ERR_NOMEM, "out of memory"));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		if (fd != -1)
			close(fd);
		return fail_page(c, pf_err(PF_ERR_NOTFOUND, "no such file"));
	}
	pf_http_resp_reset(c->resp);
	c->resp->type = type;
	c->resp->fd = fd;
	c->resp->fd_len = sb.st_size;
	/* Named by content: it never changes; private: it is the owner's. */
	(void)pf_http_header(c->resp, "Cache-Control",
	    "private, max-age=31536000, immutable");
	return PF_OK;
}

/*
 * GET /app/media/<FPR>-<SHA256>.<ext>: an attachment of an own post
 * (media/) or a friend's (friends/<FPR>/media/), as an image; GET
 * /app/thumb/<FPR>-<SHA256>.<ext>: its thumbnail (thumbs/<SHA256>, WebP),
 * made on the first view if it is missing.
 */
static enum pf_err
get_media(struct ctx *c, const char *seg, int thumb)
{
	char		 fpr[PF_FPR_MAX], sha[PF_SHA256_HEX], rel[200], trel[80];
	const char	*dash = strchr(seg, '-'), *dot;
	size_t		 i;
	enum pf_err	 e;

	if (dash == NULL || (size_t)(dash - seg) >= PF_FPR_MAX ||
	    (dot = strchr(dash, '.')) == NULL || dot - dash - 1 != 64)
		return fail_page(c, pf_err(PF_ERR_NOTFOUND, "no such file"));
	snprintf(fpr, sizeof(fpr), "%.*s", (int)(dash - seg), seg);
	snprintf(sha, sizeof(sha), "%.64s", dash + 1);
	for (i = 0; i < NMEDIA_TYPES; i++)
		if (strcmp(dot + 1, media_types[i][0]) == 0)
			break;
	if (!pf_fpr_valid(fpr) || !pf_hex_lower(sha, 64) || i == NMEDIA_TYPES)
		return fail_page(c, pf_err(PF_ERR_NOTFOUND, "no such file"));
	if (strcmp(fpr, c->a->self) == 0)
		snprintf(rel, sizeof(rel), "media/%s", sha);
	else
		snprintf(rel, sizeof(rel), "friends/%s/media/%s", fpr, sha);
	if (!thumb)
		return send_file(c, rel, media_types[i][1]);
	snprintf(trel, sizeof(trel), "thumbs/%s", sha);
	if (!pf_store_exists(c->a->st, trel) && pf_store_exists(c->a->st, rel) &&
	    (e = make_thumb(c, rel, sha, media_types[i][1])) != PF_OK)
		return fail_page(c, e);
	/* A picture whose thumbnail was too large has none: itself. */
	if (!pf_store_exists(c->a->st, trel))
		return send_file(c, rel, media_types[i][1]);
	return send_file(c, trel, "image/webp");
}

/* --- POST --- */


static enum pf_err
read_form(struct ctx *c)
{
	const struct pf_http_req *r = c->req;

	return pf_app_form_parse(r->content_type, r->body.data, r->body.len,
	    (size_t)c->a->conf->media_max, &c->form);
}

static enum pf_err
post_login(struct ctx *c)
{
	char		 pre[PF_SESSION_HEX], tok[PF_SESSION_HEX], secs[16];
	char		 msg[80];
	const char	*pw;
	int		 wait;
	enum pf_err	 e;

	if ((e = read_form(c)) != PF_OK)
		return login_page(c, 400, "The form could not be read.");
	if (c->req->cookie == NULL ||
	    pf_app_cookie(c->req->cookie, PRE, pre, sizeof(pre)) != PF_OK ||
	    !pf_app_csrf_ok("login", pre, pf_app_form_get(&c->form, "csrf")))
		return login_page(c, 403, "The login form expired: try again.");
	pw = pf_app_form_get(&c->form, "password");
	e = pf_passwd_try(c->a->st, pw ? pw : "", c->req->remote_addr,
	    FAIL_DELAY, &wait);
	if (e == PF_ERR_LOCKED) {
		/* A guesser gets one try per FAIL_DELAY, and holds no worker. */
		snprintf(msg, sizeof(msg), "Too many attempts: try again in "
		    "%d seconds.", wait);
		snprintf(secs, sizeof(secs), "%d", wait);
		if ((e = login_page(c, 429, msg)) == PF_OK)
			e = pf_http_header(c->resp, "Retry-After", secs);
		return e;
	}
	if (e == PF_ERR_FORBIDDEN || e == PF_ERR_NOTFOUND)
		return login_page(c, 401, "Wrong password.");
	if (e != PF_OK)
		return fail_page(c, e);
	if ((e = pf_app_session_new(c->a->st, tok)) != PF_OK)
		return fail_page(c, e);
	redirect(c, "");
	set_cookie(c, SID, tok, PF_SESSION_TTL);
	set_cookie(c, PRE, "", 0);
	return PF_OK;
}

static enum pf_err
post_logout(struct ctx *c)
{
	enum pf_err e;

	if ((e = pf_app_session_end(c->a->st, c->sid)) != PF_OK)
		return fail_page(c, e);
	redirect(c, "login");
	set_cookie(c, SID, "", 0);
	return PF_OK;
}

static enum pf_err
post(struct ctx *c)
{
	const char	*done;
	enum pf_err	 e;

	if ((e = read_form(c)) != PF_OK)
		return fail_page(c, e);
	if (!pf_app_csrf_ok("form", c->sid, pf_app_form_get(&c->form, "csrf"))) {
		html_start(c, 403);
		c->pg.notice = "The form had no valid CSRF token: reload the "
		    "page and try again.";
		c->pg.error = 1;
		(void)pf_app_html_message(&c->resp->body, &c->pg, "Forbidden");
		return PF_ERR_FORBIDDEN;
	}
	if (strcmp(c->req->path, "/app/logout") == 0)
		return post_logout(c);
	if ((e = pf_app_write(c->a, c->req->path, &c->form, &done)) != PF_OK)
		return fail_page(c, e);
	return redirect(c, done);
}

/* --- dispatch --- */

static enum pf_err
dispatch(struct ctx *c)
{
	const char	*path = c->req->path;
	int		 get = strcmp(c->req->method, "POST") != 0;

	if (strcmp(path, "/app") == 0)
		return redirect(c, "");
	if (strcmp(path, "/app/login") == 0) {
		if (!get)
			return post_login(c);
		return login_page(c, 200, NULL);
	}
	if (c->req->cookie == NULL ||
	    pf_app_cookie(c->req->cookie, SID, c->sid, sizeof(c->sid)) != PF_OK ||
	    pf_app_session_check(c->a->st, c->sid) != PF_OK) {
		login_page(c, 401, NULL);
		return PF_ERR_FORBIDDEN;
	}
	pf_app_csrf("form", c->sid, c->csrf);
	c->pg.csrf = c->csrf;
	if (!get)
		return post(c);
	if (strcmp(path, "/app/") == 0)
		return get_timeline(c);
	if (strcmp(path, "/app/edit") == 0)
		return get_edit(c);
	if (strcmp(path, "/app/friends") == 0)
		return get_friends(c);
	if (strncmp(path, "/app/media/", 11) == 0)
		return get_media(c, path + 11, 0);
	if (strncmp(path, "/app/thumb/", 11) == 0)
		return get_media(c, path + 11, 1);
	return fail_page(c, pf_err(PF_ERR_NOTFOUND, "no such page"));
}

int
pf_app_may_upload(const struct pf_http_req *req, void *arg)
{
	struct pf_api	*a = arg;
	char		 sid[PF_SESSION_HEX];

	return strncmp(req->path, "/app/", 5) == 0 && req->cookie != NULL &&
	    pf_app_cookie(req->cookie, SID, sid, sizeof(sid)) == PF_OK &&
	    pf_app_session_check(a->st, sid) == PF_OK;
}

enum pf_err
pf_app(struct pf_api *a, const struct pf_http_req *req, const char *param,
    struct pf_http_resp *resp)
{
	struct ctx	*c;
	enum pf_err	 e;

	(void)param;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	c->a = a;
	c->req = req;
	c->resp = resp;
	c->pg.api = a;
	c->pg.base = a->conf->base_path;
	snprintf(c->cookie_path, sizeof(c->cookie_path), "%s/app/",
	    a->conf->base_path);
	/* A friend added or blocked (here or by the CLI) counts at once. */
	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		(void)fail_page(c, e);
	else
		e = dispatch(c);
	pf_app_form_free(&c->form);
	free(c);
	/* The answer is in resp already: only the log line sees e. */
	return e == PF_OK || resp->body.len > 0 || resp->fd > 0 ? PF_OK : e;
}
