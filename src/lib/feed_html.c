/*
 * feed_html.c: a post as HTML for readers outside peerfeed, shared by the
 * Atom feed's entries and the public pages (public/index.html and
 * public/post/<id>.html, doc/PROTOCOL.md "Public pages").  Every string
 * from a post, the configuration or the keyring goes through pf_feed_esc(),
 * so nothing the owner typed becomes markup; markdown goes through
 * markdown.c, which allows no raw HTML.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "feed.h"
#include "keyring.h"
#include "markdown.h"
#include "post.h"

#define OSM_ZOOM	15	/* the map link's zoom: streets */

enum pf_err
pf_feed_esc(struct pf_buf *out, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + n;
	enum pf_err		 e = PF_OK;

	for (; p < end && e == PF_OK; p++) {
		if (*p == '&')
			e = pf_buf_addstr(out, "&amp;");
		else if (*p == '<')
			e = pf_buf_addstr(out, "&lt;");
		else if (*p == '>')
			e = pf_buf_addstr(out, "&gt;");
		else if (*p == '"')
			e = pf_buf_addstr(out, "&quot;");
		else if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			e = pf_buf_addstr(out, "\xef\xbf\xbd");
		else if (*p == 0xef && end - p >= 3 && p[1] == 0xbf &&
		    (p[2] == 0xbe || p[2] == 0xbf)) {
			e = pf_buf_addstr(out, "\xef\xbf\xbd");
			p += 2;
		} else
			e = pf_buf_add(out, p, 1);
	}
	return e;
}

static enum pf_err
esc(struct pf_buf *out, const char *s)
{
	return pf_feed_esc(out, s, strlen(s));
}

/*
 * The display name of fpr into out: the owner's name, else the name part
 * of the key's first user id, else "someone (<first 16 digits>)".
 */
static void
who_name(const struct pf_feed_ctx *c, const char *fpr, char *out, size_t size)
{
	struct pf_keyinfo	k;

	if (strcmp(fpr, c->self) == 0 && c->conf->name[0] != '\0') {
		snprintf(out, size, "%s", c->conf->name);
		return;
	}
	if (c->kr != NULL && pf_keyring_lookup(c->kr, fpr, &k) == PF_OK &&
	    k.uid[0] != '\0' && k.uid[0] != '<') {
		snprintf(out, size, "%.*s", (int)strcspn(k.uid, "<("), k.uid);
		while (out[0] != '\0' && out[strlen(out) - 1] == ' ')
			out[strlen(out) - 1] = '\0';
		if (out[0] != '\0')
			return;
	}
	snprintf(out, size, "someone (%.16s)", fpr);
}

/* The verb of an activity ("Listen": "listened to"), or NULL. */
static const char *
verb(const char *type)
{
	static const struct {
		const char	*type;
		const char	*verb;
	} verbs[] = {
		{ "Arrive", "arrived at" }, { "Travel", "is travelling to" },
		{ "Listen", "listened to" }, { "Read", "read" },
		{ "View", "watched" }, { "Join", "joined" }, { "Leave", "left" },
	};
	size_t	i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].type, type) == 0)
			return verbs[i].verb;
	return NULL;
}

enum pf_err
pf_feed_sentence(const struct pf_feed_ctx *c, const struct pf_post *p,
    struct pf_buf *out)
{
	const char	*me = c->conf->name[0] ? c->conf->name : "The owner";
	const char	*obj, *v, *place = NULL;
	char		 who[256], fpr[PF_FPR_MAX];
	double		 lat, lon;

	if ((obj = pf_post_str(p, strcmp(p->type, "Like") == 0 ? "object" :
	    "inReplyTo")) != NULL && strchr(obj, '/') != NULL) {
		snprintf(fpr, sizeof(fpr), "%.*s", (int)strcspn(obj, "/"), obj);
		who_name(c, fpr, who, sizeof(who));
		return pf_buf_printf(out, "%s %s %s's post.", me,
		    strcmp(p->type, "Like") == 0 ? "likes" : "comments on", who);
	}
	if ((v = verb(p->type)) == NULL)
		return PF_OK;
	(void)pf_post_place(p, &lat, &lon, &place);
	if ((obj = pf_post_str(p, "object")) == NULL &&
	    (obj = pf_post_str(p, "target")) == NULL && (obj = place) == NULL)
		return pf_buf_printf(out, "%s %s a place.", me, v);
	if (strcmp(p->type, "Travel") == 0 && pf_post_str(p, "target") != NULL)
		obj = pf_post_str(p, "target");
	return pf_buf_printf(out, "%s %s %s.", me, v, obj);
}

/* "2026-12-24T18:00:00.000Z" as <time> showing "2026-12-24 18:00 UTC". */
static enum pf_err
html_time(struct pf_buf *out, const char *t)
{
	enum pf_err e;

	if ((e = pf_buf_addstr(out, "<time datetime=\"")) != PF_OK ||
	    (e = esc(out, t)) != PF_OK ||
	    (e = pf_buf_addstr(out, "\">")) != PF_OK)
		return e;
	if (strlen(t) >= 16 && t[10] == 'T')
		e = pf_buf_printf(out, "%.10s %.5s UTC", t, t + 11);
	else
		e = esc(out, t);
	return e == PF_OK ? pf_buf_addstr(out, "</time>") : e;
}

/* The text as paragraphs: markdown rendered, plain text with line breaks. */
static enum pf_err
html_text(struct pf_buf *out, const struct pf_post *p, const char *text)
{
	const char	*nl;
	enum pf_err	 e;

	if (pf_markdown_is(pf_post_str(p, "mediaType")))
		return pf_markdown_html(text, strlen(text), out);
	if ((e = pf_buf_addstr(out, "<p>")) != PF_OK)
		return e;
	while ((nl = strchr(text, '\n')) != NULL && e == PF_OK) {
		if ((e = pf_feed_esc(out, text, (size_t)(nl - text))) == PF_OK)
			e = pf_buf_addstr(out, "<br>\n");
		text = nl + 1;
	}
	if (e == PF_OK && (e = esc(out, text)) == PF_OK)
		e = pf_buf_addstr(out, "</p>\n");
	return e;
}

/* An Event's name and times. */
static enum pf_err
html_event(struct pf_buf *out, const struct pf_post *p)
{
	const char	*name = pf_post_str(p, "name");
	const char	*start = pf_post_str(p, "startTime");
	const char	*end = pf_post_str(p, "endTime");
	enum pf_err	 e;

	if ((e = pf_buf_addstr(out, "<p><strong>")) != PF_OK ||
	    (e = esc(out, name ? name : "Event")) != PF_OK ||
	    (e = pf_buf_addstr(out, "</strong><br>\nStarts ")) != PF_OK ||
	    (e = html_time(out, start ? start : "")) != PF_OK)
		return e;
	if (end != NULL && ((e = pf_buf_addstr(out, ", ends ")) != PF_OK ||
	    (e = html_time(out, end)) != PF_OK))
		return e;
	return pf_buf_addstr(out, ".</p>\n");
}

enum pf_err
pf_feed_map_url(struct pf_buf *out, double lat, double lon)
{
	return pf_buf_printf(out, "https://www.openstreetmap.org/?mlat=%.6f"
	    "&mlon=%.6f#map=%d/%.6f/%.6f", lat, lon, OSM_ZOOM, lat, lon);
}

/* The place, linked to a map. */
static enum pf_err
html_place(struct pf_buf *out, const struct pf_post *p)
{
	struct pf_buf	 u = { 0 };
	const char	*name;
	double		 lat, lon;
	enum pf_err	 e;

	if (!pf_post_place(p, &lat, &lon, &name))
		return PF_OK;
	if ((e = pf_feed_map_url(&u, lat, lon)) == PF_OK &&
	    (e = pf_buf_addstr(out, "<p>Place: <a href=\"")) == PF_OK &&
	    (e = esc(out, u.data)) == PF_OK &&
	    (e = pf_buf_addstr(out, "\">")) == PF_OK) {
		if (name != NULL)
			e = esc(out, name);
		else
			e = pf_buf_printf(out, "%.6f, %.6f", lat, lon);
	}
	if (e == PF_OK)
		e = pf_buf_addstr(out, " (map)</a></p>\n");
	pf_buf_free(&u);
	return e;
}

/* Images inline, each linked to its file, then links. */
static enum pf_err
html_attachments(struct pf_buf *out, const struct pf_feed_ctx *c,
    const struct pf_post *p)
{
	struct pf_image	 img[PF_ATT_MAX];
	struct pf_link	 ln[PF_ATT_MAX];
	size_t		 i, ni = pf_post_images(p, img, PF_ATT_MAX);
	size_t		 nl = pf_post_links(p, ln, PF_ATT_MAX);
	enum pf_err	 e = PF_OK;

	for (i = 0; i < ni && e == PF_OK; i++) {
		if ((e = pf_buf_addstr(out, "<p><a href=\"")) != PF_OK ||
		    (e = esc(out, c->base)) != PF_OK ||
		    (e = pf_buf_printf(out, "/media/%s\"><img src=\"",
		    img[i].digest)) != PF_OK ||
		    (e = esc(out, c->base)) != PF_OK)
			break;
		e = pf_buf_printf(out, "/media/%s\" alt=\"image %zu\"></a></p>\n",
		    img[i].digest, i + 1);
	}
	for (i = 0; i < nl && e == PF_OK; i++) {
		if ((e = pf_buf_addstr(out, "<p>Link: <a href=\"")) != PF_OK ||
		    (e = esc(out, ln[i].href)) != PF_OK ||
		    (e = pf_buf_addstr(out, "\">")) != PF_OK ||
		    (e = esc(out, ln[i].name ? ln[i].name : ln[i].href)) != PF_OK)
			break;
		e = pf_buf_addstr(out, "</a></p>\n");
	}
	return e;
}

enum pf_err
pf_feed_post_html(const struct pf_feed_ctx *c, const struct pf_post *p,
    struct pf_buf *out)
{
	struct pf_buf	 s = { 0 };
	const char	*text = pf_post_str(p, "content"), *ref;
	enum pf_err	 e;

	if ((e = pf_feed_sentence(c, p, &s)) == PF_OK && s.len > 0 &&
	    (e = pf_buf_addstr(out, "<p>")) == PF_OK &&
	    (e = esc(out, s.data)) == PF_OK)
		e = pf_buf_addstr(out, "</p>\n");
	if (e == PF_OK && s.len > 0 && (ref = pf_post_str(p, strcmp(p->type,
	    "Like") == 0 ? "object" : "inReplyTo")) != NULL &&
	    (e = pf_buf_addstr(out, "<p><small>Post ")) == PF_OK &&
	    (e = esc(out, ref)) == PF_OK)
		e = pf_buf_addstr(out, "</small></p>\n");
	if (e == PF_OK && strcmp(p->type, "Event") == 0)
		e = html_event(out, p);
	if (e == PF_OK && text != NULL)
		e = html_text(out, p, text);
	if (e == PF_OK)
		e = html_attachments(out, c, p);
	if (e == PF_OK)
		e = html_place(out, p);
	pf_buf_free(&s);
	return e;
}
