/*
 * feed_page.c: the public pages, pre-rendered for the web server
 * (doc/PROTOCOL.md "Public pages"): public/index.html, what a browser gets
 * for GET <base>/, and public/post/<id>.html, one page per public post.
 * No JavaScript; the style is inline (the web page's CSP allows that and
 * nothing else); every string goes through pf_feed_esc().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "feed.h"
#include "post.h"
#include "qr.h"
#include "store.h"

#define PAGE_MAX	(4 * 1024 * 1024)	/* bytes of a page read back */

static const char css[] =
    ":root{color-scheme:light dark}"
    "body{margin:0 auto;max-width:42rem;padding:0 .75rem 2rem;"
    "font:1.05rem/1.5 system-ui,sans-serif}"
    "article{border:1px solid #bbb;border-radius:.4rem;padding:.6rem .8rem;"
    "margin:0 0 1rem;overflow-wrap:anywhere}"
    "article header{font-size:.9rem}"
    "img{max-width:100%;height:auto}svg{display:block;margin:.5rem 0}"
    ".fpr{font-family:monospace;overflow-wrap:anywhere}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere}";

static enum pf_err
esc(struct pf_buf *out, const char *s)
{
	return pf_feed_esc(out, s, strlen(s));
}

/* The head of a page titled title, up to the owner's name and fingerprint. */
static enum pf_err
page_begin(struct pf_buf *b, const struct pf_feed_ctx *c, const char *title)
{
	const char	*name = c->conf->name[0] ? c->conf->name : "peerfeed";
	enum pf_err	 e;

	if ((e = pf_buf_addstr(b, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\"><title>")) != PF_OK ||
	    (e = esc(b, title)) != PF_OK ||
	    (e = pf_buf_addstr(b, "</title>\n<link rel=\"alternate\" "
	    "type=\"application/atom+xml\" href=\"")) != PF_OK ||
	    (e = esc(b, c->base)) != PF_OK ||
	    (e = pf_buf_printf(b, "/feed.atom\"><style>%s</style></head>\n"
	    "<body>\n<header><h1><a href=\"", css)) != PF_OK ||
	    (e = esc(b, c->base)) != PF_OK ||
	    (e = pf_buf_addstr(b, "/\">")) != PF_OK ||
	    (e = esc(b, name)) != PF_OK ||
	    (e = pf_buf_addstr(b, "</a></h1>\n<p>Fingerprint: <span "
	    "class=\"fpr\">")) != PF_OK ||
	    (e = esc(b, c->self)) != PF_OK)
		return e;
	return pf_buf_addstr(b, "</span></p></header>\n<main>\n");
}

/* How to follow: the QR code of the fingerprint, Atom, peerfeed. */
static enum pf_err
page_follow(struct pf_buf *b, const struct pf_feed_ctx *c)
{
	const char	*url = c->conf->url[0] ? c->conf->url : c->base;
	char		 uri[PF_FPR_MAX + 16];
	enum pf_err	 e;

	snprintf(uri, sizeof(uri), "openpgp4fpr:%s", c->self);
	if ((e = pf_buf_addstr(b, "<section><h2>Follow</h2>\n")) != PF_OK)
		return e;
	/* Without libqrencode the page goes without the picture. */
	if (c->self[0] != '\0' && pf_qr_svg(uri, b) != PF_OK)
		pf_err_clear();
	if ((e = pf_buf_addstr(b, "\n<p>In a feed reader: <a href=\"")) != PF_OK ||
	    (e = esc(b, c->base)) != PF_OK ||
	    (e = pf_buf_addstr(b, "/feed.atom\">the Atom feed</a>.</p>\n"
	    "<p>With peerfeed, check the fingerprint above, then:</p>\n"
	    "<pre>curl -s ")) != PF_OK ||
	    (e = esc(b, url)) != PF_OK ||
	    (e = pf_buf_addstr(b, "/key | peerfeed friend add - --url ")) != PF_OK ||
	    (e = esc(b, url)) != PF_OK ||
	    (e = pf_buf_addstr(b, " --fpr ")) != PF_OK ||
	    (e = esc(b, c->self)) != PF_OK)
		return e;
	return pf_buf_addstr(b, "</pre>\n</section>\n</main>\n</body></html>\n");
}

/* One post as an <article>, its time linking to its page. */
static enum pf_err
page_article(struct pf_buf *b, const struct pf_feed_ctx *c,
    const struct pf_post *p)
{
	char		 t[32];
	enum pf_err	 e;

	pf_time_fmt(p->published_ms, t);
	if ((e = pf_buf_printf(b, "<article id=\"p%s\"><header><a href=\"",
	    p->id)) != PF_OK ||
	    (e = esc(b, c->base)) != PF_OK ||
	    (e = pf_buf_printf(b, "/post/%s.html\"><time datetime=\"%s\">"
	    "%.10s %.5s UTC</time></a></header>\n", p->id, t, t, t + 11)) != PF_OK ||
	    (e = pf_feed_post_html(c, p, b)) != PF_OK)
		return e;
	return pf_buf_addstr(b, "</article>\n");
}

static enum pf_err
page_index(struct pf_buf *b, const struct pf_feed_ctx *c,
    struct pf_post *const *posts, size_t n)
{
	size_t		 i;
	enum pf_err	 e;

	if ((e = page_begin(b, c, c->conf->name[0] ? c->conf->name :
	    "peerfeed")) != PF_OK)
		return e;
	if (n == 0 && (e = pf_buf_addstr(b, "<p>No public posts yet.</p>\n")) !=
	    PF_OK)
		return e;
	for (i = 0; i < n && e == PF_OK; i++)
		e = page_article(b, c, posts[i]);
	return e == PF_OK ? page_follow(b, c) : e;
}

static enum pf_err
page_post(struct pf_buf *b, const struct pf_feed_ctx *c, const struct pf_post *p)
{
	struct pf_buf	 title = { 0 };
	const char	*name = c->conf->name[0] ? c->conf->name : "peerfeed";
	enum pf_err	 e;

	if ((e = pf_buf_printf(&title, "%s: post %s", name, p->id)) == PF_OK &&
	    (e = page_begin(b, c, title.data)) == PF_OK &&
	    (e = page_article(b, c, p)) == PF_OK)
		e = page_follow(b, c);
	pf_buf_free(&title);
	return e;
}

/* Write rel with b's bytes unless it holds them already. */
static enum pf_err
write_changed(struct pf_store *st, const char *rel, const struct pf_buf *b)
{
	struct pf_buf	 old = { 0 };
	int		 same;

	same = pf_store_read(st, rel, PAGE_MAX, &old) == PF_OK &&
	    old.len == b->len && memcmp(old.data, b->data, b->len) == 0;
	pf_err_clear();
	pf_buf_free(&old);
	return same ? PF_OK : pf_store_write(st, rel, b->data, b->len);
}

/* Is id one of posts[0..n)? */
static int
listed(const char *id, struct pf_post *const *posts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(posts[i]->id, id) == 0)
			return 1;
	return 0;
}

enum pf_err
pf_feed_pages_publish(struct pf_store *st, const struct pf_feed_ctx *c,
    struct pf_post *const *posts, size_t n)
{
	struct pf_buf	 b = { 0 };
	char		 rel[64];
	size_t		 i;
	enum pf_err	 e;

	if ((e = pf_store_mkdir(st, "public/post", 0755)) != PF_OK ||
	    (e = page_index(&b, c, posts, n)) != PF_OK ||
	    (e = pf_store_write(st, "public/index.html", b.data, b.len)) != PF_OK)
		goto out;
	for (i = 0; i < n && e == PF_OK; i++) {
		pf_buf_reset(&b);
		snprintf(rel, sizeof(rel), "public/post/%s.html", posts[i]->id);
		if ((e = page_post(&b, c, posts[i])) == PF_OK)
			e = write_changed(st, rel, &b);
	}
	if (e == PF_OK && c->changed != NULL && pf_id_valid(c->changed) &&
	    !listed(c->changed, posts, n)) {
		snprintf(rel, sizeof(rel), "public/post/%s.html", c->changed);
		e = pf_store_unlink(st, rel);
	}
out:
	pf_buf_free(&b);
	return e;
}
