/*
 * app_html.c: every byte of HTML the web page sends.  Strings from posts,
 * keys, forms and files go through pf_app_esc() (or the %s of
 * pf_app_html(), which calls it), so nothing a friend wrote becomes markup.
 * No JavaScript; the style sheet is inline so a page is one request.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "group.h"
#include "index.h"
#include "keyring.h"
#include "markdown.h"
#include "post.h"
#include "store.h"
#include "when.h"

#define MAX_IMAGES	4
#define MAX_LINKS	4

static const char css[] =
    ":root{color-scheme:light dark;--fg:#111;--bg:#fff;--mute:#4a4a4a;"
    "--line:#bbb;--acc:#0645ad;--err:#a00000}"
    "@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;"
    "--mute:#c0c0c0;--line:#555;--acc:#8ab4f8;--err:#ff8a80}}"
    "*{box-sizing:border-box}"
    "body{margin:0 auto;max-width:42rem;padding:0 .75rem 2rem;"
    "font:1.05rem/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}"
    "a{color:var(--acc)}"
    "header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;"
    "border-bottom:1px solid var(--line);padding:.5rem 0;margin-bottom:1rem}"
    "header.top form{margin:0 0 0 auto}"
    "h1{font-size:1.3rem;margin:.5rem 0}h2{font-size:1.1rem}"
    "article{border:1px solid var(--line);border-radius:.4rem;padding:.6rem .8rem;"
    "margin:0 0 1rem}"
    "article header{color:var(--mute);font-size:.9rem}"
    "article header strong{color:var(--fg)}"
    ".content{white-space:pre-wrap;overflow-wrap:anywhere}"
    ".markdown{white-space:normal}"
    ".aud{display:inline-block;border:1px solid var(--line);border-radius:1rem;"
    "padding:0 .5rem;font-size:.85rem}"
    "img{max-width:100%;height:auto;display:block;margin:.4rem 0}"
    "label{display:block;font-weight:600;margin-top:.5rem}"
    "input,select,textarea,button{font:inherit;max-width:100%}"
    "input[type=text],input[type=url],input[type=password],input[type=number],"
    "input[type=datetime-local],select,textarea{width:100%;padding:.4rem;"
    "border:1px solid var(--mute);border-radius:.3rem;color:var(--fg);"
    "background:var(--bg)}"
    "button{padding:.45rem .9rem;border:1px solid var(--acc);border-radius:.3rem;"
    "background:var(--acc);color:var(--bg);cursor:pointer;margin-top:.5rem}"
    "button.link{background:none;color:var(--acc);border:none;padding:0;"
    "text-decoration:underline;margin:0}"
    ":focus-visible{outline:3px solid var(--acc);outline-offset:2px}"
    "fieldset{border:1px solid var(--line);border-radius:.4rem;margin:.6rem 0;"
    "min-width:0}input[type=file]{width:100%}"
    "details{margin:.4rem 0}"
    ".actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline}"
    ".actions form{display:inline}"
    ".notice{border-left:4px solid var(--acc);padding:.3rem .6rem}"
    ".error{border-left-color:var(--err);color:var(--err)}"
    ".fpr{font-family:monospace;font-size:.8rem;overflow-wrap:anywhere}"
    "nav.pages{display:flex;justify-content:space-between}"
    "nav.tabs{display:flex;gap:1rem;margin:.5rem 0}"
    "nav.tabs a[aria-current]{font-weight:700;text-decoration:none}"
    "form.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;"
    "margin:1rem 0}form.filter select{width:auto}"
    ".likes{color:var(--mute);font-size:.9rem;margin:.3rem 0}"
    ".comments{margin:.5rem 0 0 .4rem;border-left:2px solid var(--line);"
    "padding-left:.6rem}.comments article{border:none;padding:.2rem 0;"
    "margin:0 0 .5rem}";

enum pf_err
pf_app_esc(struct pf_buf *b, const char *s)
{
	const char	*p, *rep;
	enum pf_err	 e;

	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((e = pf_buf_add(b, s, (size_t)(p - s))) != PF_OK ||
		    (e = pf_buf_addstr(b, rep)) != PF_OK)
			return e;
		s = p + 1;
	}
	return pf_buf_add(b, s, (size_t)(p - s));
}

/*
 * A tiny printf: %s escaped, %r raw (markup this file made), %d int,
 * %z size_t, %l long long, %f a coordinate (6 decimals), %% a percent.
 */
enum pf_err
pf_app_html(struct pf_buf *b, const char *fmt, ...)
{
	va_list		 ap;
	const char	*p, *s;
	enum pf_err	 e = PF_OK;

	va_start(ap, fmt);
	for (p = fmt; *p != '\0' && e == PF_OK; p++) {
		s = strchr(p, '%');
		if (s == NULL) {
			e = pf_buf_addstr(b, p);
			break;
		}
		if (s > p && (e = pf_buf_add(b, p, (size_t)(s - p))) != PF_OK)
			break;
		p = s + 1;
		switch (*p) {
		case 's':
			s = va_arg(ap, const char *);
			e = pf_app_esc(b, s ? s : "");
			break;
		case 'r':
			s = va_arg(ap, const char *);
			e = pf_buf_addstr(b, s ? s : "");
			break;
		case 'd': e = pf_buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'z': e = pf_buf_printf(b, "%zu", va_arg(ap, size_t)); break;
		case 'l': e = pf_buf_printf(b, "%lld", va_arg(ap, long long)); break;
		case 'f': e = pf_buf_printf(b, "%.6f", va_arg(ap, double)); break;
		case '%': e = pf_buf_add(b, "%", 1); break;
		default:
			e = pf_err(PF_ERR_USAGE, "pf_app_html: bad format");
			p--;
			break;
		}
	}
	va_end(ap);
	return e;
}

enum pf_err
pf_app_html_begin(struct pf_buf *b, const struct pf_app_page *pg,
    const char *title)
{
	enum pf_err e;

	e = pf_app_html(b, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">"
	    "<title>%s - peerfeed</title><style>%r</style></head>\n<body>"
	    "<header class=\"top\"><strong>peerfeed</strong>", title, css);
	if (e == PF_OK && pg->csrf != NULL)
		e = pf_app_html(b, "<nav aria-label=\"Main\">"
		    "<a href=\"%s/app/\">Timeline</a> "
		    "<a href=\"%s/app/friends\">Friends and groups</a></nav>"
		    "<form method=\"post\" action=\"%s/app/logout\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<button class=\"link\">Log out</button></form>",
		    pg->base, pg->base, pg->base, pg->csrf);
	if (e == PF_OK)
		e = pf_app_html(b, "</header>\n<main>\n<h1>%s</h1>\n", title);
	if (e == PF_OK && pg->notice != NULL)
		e = pf_app_html(b, "<p class=\"notice%r\" role=\"%r\">%s</p>\n",
		    pg->error ? " error" : "", pg->error ? "alert" : "status",
		    pg->notice);
	return e;
}

enum pf_err
pf_app_html_end(struct pf_buf *b)
{
	return pf_buf_addstr(b, "</main>\n</body></html>\n");
}

/*
 * Open a form posting to <base>/app/action (multipart if it carries a
 * file), with the hidden CSRF field every form has.
 */
static enum pf_err
form_open(struct pf_buf *b, const struct pf_app_page *pg, const char *action,
    int multipart)
{
	return pf_app_html(b, "<form method=\"post\" action=\"%s/app/%r\"%r>"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", pg->base,
	    action, multipart ? " enctype=\"multipart/form-data\"" : "",
	    pg->csrf);
}

/* A <section> headed title (its id: id-h), opening a form_open() form. */
static enum pf_err
section_form(struct pf_buf *b, const struct pf_app_page *pg, const char *id,
    const char *title, const char *action, int multipart)
{
	enum pf_err e;

	e = pf_app_html(b, "<section aria-labelledby=\"%r-h\"><h2 id=\"%r-h\">"
	    "%s</h2>", id, id, title);
	return e == PF_OK ? form_open(b, pg, action, multipart) : e;
}

enum pf_err
pf_app_html_login(struct pf_buf *b, const struct pf_app_page *pg,
    const char *login_csrf)
{
	enum pf_err e;

	if ((e = pf_app_html_begin(b, pg, "Log in")) != PF_OK)
		return e;
	e = pf_app_html(b, "<form method=\"post\" action=\"%s/app/login\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<label for=\"password\">Password</label>"
	    "<input type=\"password\" id=\"password\" name=\"password\" "
	    "autocomplete=\"current-password\" required autofocus>"
	    "<button>Log in</button></form>\n", pg->base, login_csrf);
	return e == PF_OK ? pf_app_html_end(b) : e;
}

enum pf_err
pf_app_html_message(struct pf_buf *b, const struct pf_app_page *pg,
    const char *title)
{
	enum pf_err e;

	if ((e = pf_app_html_begin(b, pg, title)) != PF_OK ||
	    (e = pf_app_html(b, "<p><a href=\"%s/app/\">Back to the "
	    "timeline</a></p>\n", pg->base)) != PF_OK)
		return e;
	return pf_app_html_end(b);
}

/* How much of a user id is the name: "Bob" of "Bob <bob@example.org>". */
static size_t
uid_name(const char *uid)
{
	size_t k = strcspn(uid, "<");

	while (k > 0 && uid[k - 1] == ' ')
		k--;
	return k > 0 ? k : strlen(uid);
}

void
pf_app_who(const struct pf_app_page *pg, const char *fpr, char *out, size_t n)
{
	struct pf_keyinfo k;

	if (strcmp(fpr, pg->api->self) == 0)
		snprintf(out, n, "%s", pg->api->conf->name[0] ?
		    pg->api->conf->name : "You");
	else if (pf_keyring_lookup(pg->api->kr, fpr, &k) == PF_OK && k.uid[0])
		snprintf(out, n, "%.*s", (int)uid_name(k.uid), k.uid);
	else
		snprintf(out, n, "%.16s...", fpr);
}

/* An audience as a person reads it. */
static enum pf_err
audience(struct pf_buf *b, const struct pf_app_page *pg, const char *aud)
{
	char name[300];

	if (strcmp(aud, "public") == 0)
		return pf_app_html(b, "<span class=\"aud\">public</span> ");
	if (strncmp(aud, "group:", 6) == 0)
		return pf_app_html(b, "<span class=\"aud\">group %s</span> ",
		    aud + 6);
	if (strncmp(aud, "key:", 4) == 0) {
		pf_app_who(pg, aud + 4, name, sizeof(name));
		return pf_app_html(b, "<span class=\"aud\" title=\"%s\">only "
		    "%s</span> ", aud + 4, name);
	}
	return pf_app_html(b, "<span class=\"aud\">%s</span> ", aud);
}

/* <time>: "3 h ago", the local time as its title, RFC 3339 for machines. */
static enum pf_err
render_time(struct pf_buf *b, int64_t ms)
{
	char iso[32], ago[PF_WHEN_MAX], local[PF_WHEN_MAX];

	pf_time_fmt(ms, iso);
	pf_when_ago(ms, pf_now_ms(), ago);
	pf_when_local(ms, local);
	return pf_app_html(b, "<time datetime=\"%s\" title=\"%s\">%s</time>",
	    iso, local, ago);
}

/* An Event's name and times, in the owner's zone. */
static enum pf_err
render_event(struct pf_buf *b, const struct pf_post *p)
{
	const char	*name = pf_post_str(p, "name");
	const char	*s = pf_post_str(p, "startTime");
	const char	*e = pf_post_str(p, "endTime");
	char		 times[2 * PF_WHEN_MAX] = "";
	int64_t		 a, z = -1;

	if (s != NULL && pf_time_parse(s, &a) == PF_OK) {
		if (e == NULL || pf_time_parse(e, &z) != PF_OK)
			z = -1;
		pf_when_event(a, z, times);
	}
	return pf_app_html(b, "<p class=\"event\"><strong>Event: %s</strong>"
	    "<br><time datetime=\"%s\">%s</time></p>", name ? name : "",
	    s ? s : "", times);
}

/* File name extension for an image media type, or NULL if not shown. */
static const char *
image_ext(const char *type)
{
	static const char *const map[][2] = {
		{ "image/png", "png" }, { "image/jpeg", "jpg" },
		{ "image/gif", "gif" }, { "image/webp", "webp" },
		{ "image/avif", "avif" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

static enum pf_err
render_images(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_post *p)
{
	struct pf_image	 img[MAX_IMAGES];
	char		 rel[1024];
	const char	*ext, *alt;
	size_t		 n, i;
	enum pf_err	 e = PF_OK;
	int		 own = strcmp(p->author, pg->api->self) == 0;

	n = pf_post_images(p, img, MAX_IMAGES);
	alt = pf_post_str(p, "content");
	for (i = 0; i < n && e == PF_OK; i++) {
		if (own)
			snprintf(rel, sizeof(rel), "media/%s", img[i].digest);
		else
			snprintf(rel, sizeof(rel), "friends/%s/media/%s",
			    p->author, img[i].digest);
		ext = image_ext(img[i].type);
		if (ext == NULL || !pf_store_exists(pg->api->st, rel))
			e = pf_app_html(b, "<p>[image %s, %l bytes%r]</p>",
			    img[i].type, (long long)img[i].size, ext == NULL ?
			    ", not shown here" : ", not fetched yet");
		else	/* the thumbnail, a link to the full picture */
			e = pf_app_html(b, "<a href=\"%s/app/media/%s-%s.%s\">"
			    "<img src=\"%s/app/thumb/%s-%s.%s\" alt=\"%s\" "
			    "loading=\"lazy\"></a>", pg->base, p->author,
			    img[i].digest, ext, pg->base, p->author,
			    img[i].digest, ext, alt ? alt : "image");
	}
	return e;
}

static enum pf_err
render_links(struct pf_buf *b, const struct pf_post *p)
{
	struct pf_link	 l[MAX_LINKS];
	size_t		 n, i;
	enum pf_err	 e = PF_OK;

	n = pf_post_links(p, l, MAX_LINKS);
	for (i = 0; i < n && e == PF_OK; i++)
		e = pf_app_html(b, "<p class=\"link\">Link: <a href=\"%s\" "
		    "rel=\"noopener noreferrer nofollow\">%s</a>%r%s%r</p>",
		    l[i].href, l[i].name ? l[i].name : l[i].href,
		    l[i].name ? " <small>(" : "", l[i].name ? l[i].href : "",
		    l[i].name ? ")</small>" : "");
	return e;
}

static enum pf_err
render_place(struct pf_buf *b, const struct pf_post *p)
{
	const char	*name;
	double		 lat, lon;

	if (!pf_post_place(p, &lat, &lon, &name))
		return PF_OK;
	return pf_app_html(b, "<p class=\"place\">Place: %s%r"
	    "<span class=\"coords\">(%f, %f)</span> "
	    "<a href=\"https://www.openstreetmap.org/?mlat=%f&amp;mlon=%f"
	    "#map=16/%f/%f\" rel=\"noopener noreferrer\">map</a></p>",
	    name ? name : "", name ? " " : "", lat, lon, lat, lon, lat, lon);
}

/* "FPR/ID" of another post, as a reference a person can follow. */
static enum pf_err
render_ref(struct pf_buf *b, const struct pf_app_page *pg, const char *label,
    const char *ref)
{
	char		 fpr[PF_FPR_MAX], name[300];
	const char	*slash = strchr(ref, '/');

	if (slash == NULL || (size_t)(slash - ref) >= sizeof(fpr))
		return pf_app_html(b, "<p>%s %s</p>", label, ref);
	snprintf(fpr, sizeof(fpr), "%.*s", (int)(slash - ref), ref);
	pf_app_who(pg, fpr, name, sizeof(name));
	return pf_app_html(b, "<p class=\"ref\">%s <a href=\"#p-%s-%s\">a post "
	    "by %s</a></p>", label, fpr, slash + 1, name);
}

/* A post's text: plain text escaped, CommonMark as safe HTML (markdown.c). */
static enum pf_err
render_content(struct pf_buf *b, const struct pf_post *p, const char *content)
{
	enum pf_err	e;

	if (!pf_markdown_is(pf_post_str(p, "mediaType")))
		return pf_app_html(b, "<p class=\"content\">%s</p>", content);
	if ((e = pf_buf_addstr(b, "<div class=\"content markdown\">")) != PF_OK ||
	    (e = pf_markdown_html(content, strlen(content), b)) != PF_OK)
		return e;
	return pf_buf_addstr(b, "</div>");
}

/* The body of one post, by type. */
static enum pf_err
render_body(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_post *p)
{
	const char	*name = pf_post_str(p, "name");
	const char	*content = pf_post_str(p, "content");
	const char	*s;
	enum pf_err	 e = PF_OK;

	if (strcmp(p->type, "Like") == 0)
		return render_ref(b, pg, "Likes", pf_post_str(p, "object") ?
		    pf_post_str(p, "object") : "");
	if (strcmp(p->type, "Event") == 0) {
		e = render_event(b, p);
	} else if (strcmp(p->type, "Note") != 0) {
		e = pf_app_html(b, "<p class=\"activity\"><strong>%s</strong>",
		    p->type);
		if (e == PF_OK && name != NULL)
			e = pf_app_html(b, " %s", name);
		if (e == PF_OK && (s = pf_post_str(p, "object")) != NULL)
			e = pf_app_html(b, ": %s", s);
		if (e == PF_OK && (s = pf_post_str(p, "target")) != NULL)
			e = pf_app_html(b, " (to %s)", s);
		if (e == PF_OK)
			e = pf_buf_addstr(b, "</p>");
	}
	if (e == PF_OK && (s = pf_post_str(p, "inReplyTo")) != NULL)
		e = render_ref(b, pg, "Comment on", s);
	if (e == PF_OK && content != NULL)
		e = render_content(b, p, content);
	if (e == PF_OK)
		e = render_images(b, pg, p);
	if (e == PF_OK)
		e = render_links(b, p);
	if (e == PF_OK)
		e = render_place(b, p);
	return e;
}

/* Own post: edit and delete.  A friend's: like and comment. */
static enum pf_err
render_actions(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_post *p)
{
	enum pf_err e;

	if (strcmp(p->author, pg->api->self) == 0) {
		/* A like has nothing to edit: it can only be taken back. */
		e = pf_app_html(b, "<div class=\"actions\">");
		if (e == PF_OK && strcmp(p->type, "Like") != 0)
			e = pf_app_html(b, "<a href=\"%s/app/edit?id=%s\">Edit</a>",
			    pg->base, p->id);
		if (e == PF_OK && (e = form_open(b, pg, "delete", 0)) == PF_OK)
			e = pf_app_html(b, "<input type=\"hidden\" name=\"id\" "
			    "value=\"%s\"><button class=\"link\">Delete</button>"
			    "</form></div>", p->id);
		return e;
	}
	if (strcmp(p->type, "Like") == 0)
		return PF_OK;
	if ((e = pf_buf_addstr(b, "<div class=\"actions\">")) == PF_OK &&
	    (e = form_open(b, pg, "like", 0)) == PF_OK)
		e = pf_app_html(b, "<input type=\"hidden\" name=\"ref\" "
		    "value=\"%s/%s\"><button class=\"link\">Like</button></form>"
		    "</div><details><summary>Comment</summary>", p->author, p->id);
	if (e == PF_OK && (e = form_open(b, pg, "comment", 0)) == PF_OK)
		e = pf_app_html(b, "<input type=\"hidden\" name=\"ref\" "
		    "value=\"%s/%s\"><label for=\"c-%s\">Your comment (only "
		    "the author sees it)</label><textarea id=\"c-%s\" "
		    "name=\"content\" rows=\"2\" required></textarea>"
		    "<button>Send comment</button></form></details>",
		    p->author, p->id, p->id, p->id);
	return e;
}

enum pf_err
pf_app_html_post_open(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_post *p)
{
	char		 name[300];
	size_t		 i;
	enum pf_err	 e;

	pf_app_who(pg, p->author, name, sizeof(name));
	e = pf_app_html(b, "<article id=\"p-%s-%s\" class=\"post type-%s\">"
	    "<header><strong>%s</strong> ", p->author, p->id, p->type, name);
	if (e == PF_OK)
		e = render_time(b, p->published_ms);
	if (e == PF_OK)
		e = pf_app_html(b, "%r<br>to: ", p->updated_ms !=
		    p->published_ms ? " (edited)" : "");
	for (i = 0; i < p->nto && e == PF_OK; i++)
		e = audience(b, pg, p->to[i]);
	if (e == PF_OK)
		e = pf_buf_addstr(b, "</header>");
	if (e == PF_OK)
		e = render_body(b, pg, p);
	if (e == PF_OK)
		e = render_actions(b, pg, p);
	return e;
}

enum pf_err
pf_app_html_post(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_post *p)
{
	enum pf_err e;

	if ((e = pf_app_html_post_open(b, pg, p)) == PF_OK)
		e = pf_buf_addstr(b, "</article>\n");
	return e;
}

/* <option>s for every audience: public, each group, each friend. */
static enum pf_err
audience_options(struct pf_buf *b, const struct pf_app_page *pg,
    const char *selected)
{
	struct pf_group		*g = NULL;
	struct pf_keyinfo	*k = NULL;
	size_t			 ng = 0, nk = 0, i;
	char			 v[PF_AUD_MAX];
	enum pf_err		 e;

	e = pf_app_html(b, "<option value=\"public\"%r>Public</option>",
	    selected && strcmp(selected, "public") == 0 ? " selected" : "");
	if (e == PF_OK && pf_group_list(pg->api->gnupghome, &g, &ng) == PF_OK)
		for (i = 0; i < ng && e == PF_OK; i++) {
			snprintf(v, sizeof(v), "group:%s", g[i].name);
			e = pf_app_html(b, "<option value=\"%s\"%r>Group %s"
			    "</option>", v, selected && strcmp(selected, v) == 0 ?
			    " selected" : "", g[i].name);
		}
	if (e == PF_OK && pf_keyring_list(pg->api->kr, &k, &nk) == PF_OK)
		for (i = 0; i < nk && e == PF_OK; i++) {
			if (k[i].disabled)
				continue;
			snprintf(v, sizeof(v), "key:%s", k[i].fpr);
			e = pf_app_html(b, "<option value=\"%s\"%r>Only %s"
			    "</option>", v, selected && strcmp(selected, v) == 0 ?
			    " selected" : "", k[i].uid);
		}
	pf_group_free(g, ng);
	free(k);
	return e;
}

enum pf_err
pf_app_html_compose(struct pf_buf *b, const struct pf_app_page *pg)
{
	static const char *const types[] = { "Note", "Event", "Arrive",
	    "Travel", "Listen", "Read", "View" };
	size_t		i;
	enum pf_err	e;

	e = section_form(b, pg, "compose", "New post", "post", 1);
	if (e == PF_OK)
		e = pf_app_html(b, "<label for=\"content\">Text</label>"
		    "<textarea id=\"content\" name=\"content\" rows=\"3\">"
		    "</textarea><label><input type=\"checkbox\" name=\"markdown\" "
		    "value=\"1\"> Markdown (*emphasis*, [link](https://...))"
		    "</label><label for=\"to\">Audience</label>"
		    "<select id=\"to\" name=\"to\">");
	if (e == PF_OK)
		e = audience_options(b, pg, "public");
	if (e == PF_OK)
		e = pf_app_html(b, "</select><label for=\"type\">Kind</label>"
		    "<select id=\"type\" name=\"type\">");
	for (i = 0; i < sizeof(types) / sizeof(types[0]) && e == PF_OK; i++)
		e = pf_app_html(b, "<option value=\"%s\">%s%r</option>",
		    types[i], types[i], i == 0 ? " (status, image, link, place)" :
		    i == 1 ? "" : " (activity)");
	if (e == PF_OK)
		e = pf_app_html(b, "</select>"
		    "<details><summary>Image</summary>"
		    "<label for=\"image\">Image file (PNG, JPEG, GIF, WebP, AVIF)"
		    "</label><input type=\"file\" id=\"image\" name=\"image\" "
		    "accept=\"image/png,image/jpeg,image/gif,image/webp,image/avif\">"
		    "</details><details><summary>Link</summary>"
		    "<label for=\"link\">Link URL</label>"
		    "<input type=\"url\" id=\"link\" name=\"link\" "
		    "placeholder=\"https://\"></details>"
		    "<details><summary>Place</summary>"
		    "<label for=\"place\">Place name</label>"
		    "<input type=\"text\" id=\"place\" name=\"place\">"
		    "<label for=\"lat\">Latitude</label>"
		    "<input type=\"number\" id=\"lat\" name=\"lat\" step=\"any\" "
		    "min=\"-90\" max=\"90\">"
		    "<label for=\"lon\">Longitude</label>"
		    "<input type=\"number\" id=\"lon\" name=\"lon\" step=\"any\" "
		    "min=\"-180\" max=\"180\"></details>"
		    "<details><summary>Event or activity</summary>"
		    "<label for=\"name\">Name (event name, link title, activity)"
		    "</label><input type=\"text\" id=\"name\" name=\"name\">"
		    "<label for=\"start\">Starts (your time zone)</label>"
		    "<input type=\"datetime-local\" id=\"start\" name=\"start\">"
		    "<label for=\"end\">Ends (your time zone)</label>"
		    "<input type=\"datetime-local\" id=\"end\" name=\"end\">"
		    "<label for=\"object\">Object (what you listen to, read, "
		    "view...)</label><input type=\"text\" id=\"object\" "
		    "name=\"object\"><label for=\"target\">Target (where to)"
		    "</label><input type=\"text\" id=\"target\" name=\"target\">"
		    "</details><button>Post</button></form></section>\n");
	return e;
}

enum pf_err
pf_app_html_edit(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_post *p)
{
	const char	*content = pf_post_str(p, "content");
	enum pf_err	 e;

	if ((e = pf_app_html_begin(b, pg, "Edit post")) != PF_OK ||
	    (e = pf_app_html_post(b, pg, p)) != PF_OK ||
	    (e = form_open(b, pg, "edit", 0)) != PF_OK)
		return e;
	e = pf_app_html(b, "<input type=\"hidden\" name=\"id\" value=\"%s\">"
	    "<label for=\"content\">Text</label><textarea id=\"content\" "
	    "name=\"content\" rows=\"5\">%s</textarea>"
	    "<label for=\"to\">Audience</label><select id=\"to\" name=\"to\">",
	    p->id, content ? content : "");
	/* The first choice keeps every audience the post has now. */
	if (e == PF_OK)
		e = pf_app_html(b, "<option value=\"\" selected>Unchanged"
		    "</option>");
	if (e == PF_OK)
		e = audience_options(b, pg, NULL);
	if (e == PF_OK)
		e = pf_app_html(b, "</select><button>Save</button></form>"
		    "<p><a href=\"%s/app/\">Cancel</a></p>", pg->base);
	return e == PF_OK ? pf_app_html_end(b) : e;
}

/* The groups fpr is in, comma-separated, into out ("" if none). */
static void
groups_of(const struct pf_group *g, size_t ng, const char *fpr, char *out,
    size_t n, const char **first)
{
	size_t i, j, len = 0;

	out[0] = '\0';
	*first = NULL;
	for (i = 0; i < ng; i++)
		for (j = 0; j < g[i].n; j++)
			if (strcmp(g[i].members[j], fpr) == 0 && len + 2 < n) {
				len += (size_t)snprintf(out + len, n - len,
				    "%s%s", len ? ", " : "", g[i].name);
				if (*first == NULL)
					*first = g[i].name;
			}
}

static enum pf_err
friend_row(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_keyinfo *k, const struct pf_group *g, size_t ng)
{
	char		 groups[512], id[16];
	const char	*first, *state;
	size_t		 i;
	enum pf_err	 e;

	state = k->disabled ? "blocked" : k->revoked ? "revoked" :
	    k->expired ? "expired" : "friend";
	groups_of(g, ng, k->fpr, groups, sizeof(groups), &first);
	snprintf(id, sizeof(id), "%.12s", k->fpr);
	e = pf_app_html(b, "<article id=\"f-%s\" class=\"friend\"><header>"
	    "<strong>%s</strong> (%s)<br><span class=\"fpr\">%s</span></header>"
	    "<p>Groups: %s</p>", k->fpr, k->uid, state, k->fpr,
	    groups[0] ? groups : "none");
	if (e == PF_OK)
		e = form_open(b, pg, "group", 0);
	if (e == PF_OK)
		e = pf_app_html(b, "<input type=\"hidden\" name=\"fpr\" "
		    "value=\"%s\"><label for=\"g-%s\">Move to group</label>"
		    "<select id=\"g-%s\" name=\"group\"><option value=\"\">"
		    "(no group)</option>", k->fpr, id, id);
	for (i = 0; i < ng && e == PF_OK; i++)
		e = pf_app_html(b, "<option%r>%s</option>", first != NULL &&
		    strcmp(first, g[i].name) == 0 ? " selected" : "", g[i].name);
	if (e == PF_OK)
		e = pf_app_html(b, "</select><label for=\"ng-%s\">or a new group"
		    "</label><input type=\"text\" id=\"ng-%s\" name=\"newgroup\" "
		    "pattern=\"[A-Za-z0-9_.\\-]{1,63}\"><button>Move</button></form>",
		    id, id);
	if (e == PF_OK)
		e = form_open(b, pg, k->disabled ? "unblock" : "block", 0);
	if (e == PF_OK)
		e = pf_app_html(b, "<input type=\"hidden\" name=\"fpr\" "
		    "value=\"%s\"><button>%r</button></form></article>\n",
		    k->fpr, k->disabled ? "Unblock" : "Block");
	return e;
}

static enum pf_err
add_forms(struct pf_buf *b, const struct pf_app_page *pg)
{
	enum pf_err e;

	e = section_form(b, pg, "add", "Add a friend", "friend", 1);
	if (e == PF_OK)
		e = pf_app_html(b, "<fieldset><legend>From a key file</legend>"
		    "<label for=\"keyfile\">Public key file "
		    "(peerfeed id --export)</label><input type=\"file\" "
		    "id=\"keyfile\" name=\"keyfile\" required>"
		    "<label for=\"k-url\">Their node URL (optional)</label>"
		    "<input type=\"url\" id=\"k-url\" name=\"url\" "
		    "placeholder=\"https://friend.example/peerfeed\">"
		    "<label for=\"k-group\">Group (optional)</label>"
		    "<input type=\"text\" id=\"k-group\" name=\"group\">"
		    "<button>Add friend</button></fieldset></form>");
	if (e == PF_OK)
		e = form_open(b, pg, "friend", 0);
	if (e == PF_OK)
		e = pf_app_html(b, "<fieldset><legend>From their node</legend>"
		    "<label for=\"u-url\">Node URL</label>"
		    "<input type=\"url\" id=\"u-url\" name=\"url\" required "
		    "placeholder=\"https://friend.example/peerfeed\">"
		    "<label for=\"u-fpr\">Fingerprint (they tell you: peerfeed "
		    "id)</label><input type=\"text\" id=\"u-fpr\" name=\"fpr\" "
		    "required autocomplete=\"off\">"
		    "<label for=\"u-group\">Group (optional)</label>"
		    "<input type=\"text\" id=\"u-group\" name=\"group\">"
		    "<button>Add friend</button></fieldset></form></section>\n");
	return e;
}

enum pf_err
pf_app_html_friends(struct pf_buf *b, const struct pf_app_page *pg)
{
	struct pf_keyinfo	*k = NULL;
	struct pf_group		*g = NULL;
	size_t			 nk = 0, ng = 0, i;
	enum pf_err		 e;

	if ((e = pf_app_html_begin(b, pg, "Friends and groups")) != PF_OK ||
	    (e = pf_keyring_list(pg->api->kr, &k, &nk)) != PF_OK ||
	    (e = pf_group_list(pg->api->gnupghome, &g, &ng)) != PF_OK)
		goto out;
	e = pf_app_html(b, "<p>You are <strong>%s</strong>, "
	    "<span class=\"fpr\">%s</span>.</p>"
	    "<section aria-labelledby=\"fr-h\"><h2 id=\"fr-h\">Friends (%z)"
	    "</h2>\n", pg->api->conf->name, pg->api->self, nk);
	for (i = 0; i < nk && e == PF_OK; i++)
		e = friend_row(b, pg, &k[i], g, ng);
	if (e == PF_OK && nk == 0)
		e = pf_app_html(b, "<p>No friends yet.</p>");
	if (e == PF_OK)
		e = pf_buf_addstr(b, "</section>\n");
	if (e == PF_OK)
		e = add_forms(b, pg);
	if (e == PF_OK)
		e = pf_app_html_end(b);
out:
	pf_group_free(g, ng);
	free(k);
	return e;
}
