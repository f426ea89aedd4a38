/*
 * feed.c: feed pages (JSON), the Atom feed, and their static copies.
 *
 * The latest page needs the position just before the last N changes of a
 * stream, and the index only walks forward.  Every change is keyed by
 * (updated_ms, id) (index.h), so the cursor of a visited entry is exactly
 * that pair; a walk remembers the last N + 1 of them in a ring.  To keep
 * the walk short, the writer stores where its last latest page started
 * ("feed.public.start" = "<page size> <cursor>"): the number of changes
 * after a fixed cursor never shrinks (an edit or delete removes an entry
 * and appends a newer one), so that cursor stays at or before the start
 * of every later latest page of that size or smaller.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "feed.h"
#include "index.h"
#include "post.h"
#include "store.h"

#define SCAN_CHUNK	1024	/* changes per index call when walking */
#define HINT_KEY	"feed.public.start"
#define TITLE_MAX	80	/* code points of an Atom entry title */

static const char *const public_aud[] = { "public" };

/* Append n bytes at p as a JSON string; they must hold no NUL. */
static enum pf_err
json_bytes(struct pf_buf *out, struct pf_buf *tmp, const char *p, size_t n)
{
	(void)tmp;
	if (memchr(p, '\0', n) != NULL)
		return pf_err(PF_ERR_INDEX, "stored post holds a NUL byte");
	return pf_buf_json_mem(out, p, n);
}

struct page {
	struct pf_buf	*out;
	struct pf_buf	 tmp;
	size_t		 n;
};

/* Visitor: one post of a page as {"id","author","post","sig"}. */
static enum pf_err
page_entry(const struct pf_entry *ent, void *arg)
{
	struct page	*pg = arg;
	struct pf_buf	*o = pg->out;
	enum pf_err	 e;

	if ((e = pf_buf_addstr(o, pg->n++ ? ",{\"id\":" : "{\"id\":")) != PF_OK ||
	    (e = pf_buf_json_str(o, ent->id)) != PF_OK ||
	    (e = pf_buf_addstr(o, ",\"author\":")) != PF_OK ||
	    (e = pf_buf_json_str(o, ent->author)) != PF_OK ||
	    (e = pf_buf_addstr(o, ",\"post\":")) != PF_OK ||
	    (e = json_bytes(o, &pg->tmp, ent->json, ent->json_len)) != PF_OK ||
	    (e = pf_buf_addstr(o, ",\"sig\":")) != PF_OK ||
	    (e = json_bytes(o, &pg->tmp, ent->sig ? ent->sig : "",
	    ent->sig ? ent->sig_len : 0)) != PF_OK)
		return e;
	return pf_buf_addstr(o, "}");
}

enum pf_err
pf_feed_page(struct pf_index *ix, const char *const *auds, size_t naud,
    const struct pf_cursor *since, size_t limit, struct pf_buf *out,
    struct pf_cursor *next, int *more)
{
	struct page	 pg = { out, { 0 }, 0 };
	struct pf_cursor nx;
	char		 c[PF_CURSOR_MAX];
	int		 mo = 0;
	enum pf_err	 e;

	if ((e = pf_buf_addstr(out, "\"posts\":[")) != PF_OK ||
	    (e = pf_index_changes(ix, auds, naud, since, limit, page_entry, &pg,
	    &nx, &mo)) != PF_OK)
		goto out;
	pf_cursor_fmt(&nx, c);
	if ((e = pf_buf_addstr(out, "],\"next\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, c)) != PF_OK ||
	    (e = pf_buf_addstr(out, mo ? ",\"more\":true" :
	    ",\"more\":false")) != PF_OK)
		goto out;
	if (next != NULL)
		*next = nx;
	if (more != NULL)
		*more = mo;
out:
	pf_buf_free(&pg.tmp);
	return e;
}

/* The cursors of the last size entries walked. */
struct ring {
	struct pf_cursor	*c;
	size_t			 size;
	size_t			 count;
};

static enum pf_err
ring_add(const struct pf_entry *ent, void *arg)
{
	struct ring		*r = arg;
	struct pf_cursor	*c = &r->c[r->count++ % r->size];

	c->ms = ent->updated_ms;
	snprintf(c->id, sizeof(c->id), "%s", ent->id);
	return PF_OK;
}

/* The stored start of the latest public page, if good for limit. */
static int
hint_get(struct pf_index *ix, size_t limit, struct pf_cursor *out)
{
	char	 v[PF_CURSOR_MAX + 32], *sp;
	long	 n;

	if (pf_index_meta_get(ix, HINT_KEY, v, sizeof(v)) != PF_OK ||
	    (sp = strchr(v, ' ')) == NULL)
		return 0;
	*sp = '\0';
	n = strtol(v, NULL, 10);
	if (n <= 0 || (size_t)n < limit || pf_cursor_parse(sp + 1, out) != PF_OK)
		return 0;
	return 1;
}

/*
 * The cursor just before the last limit changes visible to auds: walk
 * forward from the stored hint (public only) or the beginning.
 */
static enum pf_err
latest_start(struct pf_index *ix, const char *const *auds, size_t naud,
    size_t limit, struct pf_cursor *start)
{
	struct ring		 r = { NULL, limit + 1, 0 };
	struct pf_cursor	 cur, nx;
	int			 more = 1;
	enum pf_err		 e = PF_OK;

	memset(&cur, 0, sizeof(cur));
	if (naud == 1 && strcmp(auds[0], "public") == 0)
		(void)hint_get(ix, limit, &cur);
	*start = cur;
	if ((r.c = calloc(r.size, sizeof(*r.c))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	while (more && e == PF_OK) {
		size_t before = r.count;

		e = pf_index_changes(ix, auds, naud, &cur, SCAN_CHUNK, ring_add,
		    &r, &nx, &more);
		if (e == PF_OK && more && r.count == before)
			e = pf_err(PF_ERR_INDEX, "change stream does not advance");
		cur = nx;
	}
	if (e == PF_OK && r.count > limit)
		*start = r.c[(r.count - limit - 1) % r.size];
	free(r.c);
	return e;
}

enum pf_err
pf_feed_latest(struct pf_index *ix, const char *const *auds, size_t naud,
    size_t limit, struct pf_buf *out)
{
	struct pf_cursor	start;
	enum pf_err		e;

	if ((e = latest_start(ix, auds, naud, limit, &start)) != PF_OK)
		return e;
	return pf_feed_page(ix, auds, naud, &start, limit, out, NULL, NULL);
}

void
pf_feed_ctx_init(struct pf_feed_ctx *c, const struct pf_conf *conf,
    struct pf_keyring *kr, const char *self)
{
	c->conf = conf;
	c->kr = kr;
	c->self = self != NULL ? self : "";
	c->base = conf->url[0] ? conf->url : conf->base_path;
	c->changed = NULL;
}

static enum pf_err
xml_text(struct pf_buf *out, const char *s, size_t n)
{
	return pf_feed_esc(out, s, n);
}

static enum pf_err
xml_elem(struct pf_buf *out, const char *name, const char *text)
{
	enum pf_err e;

	if ((e = pf_buf_printf(out, "<%s>", name)) != PF_OK ||
	    (e = xml_text(out, text, strlen(text))) != PF_OK)
		return e;
	return pf_buf_printf(out, "</%s>\n", name);
}

/*
 * An entry title: the sentence of a like or activity, else the first line
 * of its name or text, at most TITLE_MAX code points.
 */
static enum pf_err
atom_title(struct pf_buf *out, const struct pf_feed_ctx *c,
    const struct pf_post *p, struct pf_buf *tmp)
{
	const char	*t = pf_post_str(p, "name");
	size_t		 i, cps = 0;
	enum pf_err	 e;

	pf_buf_reset(tmp);
	if ((e = pf_feed_sentence(c, p, tmp)) != PF_OK)
		return e;
	if (tmp->len > 0)
		t = tmp->data;
	if (t == NULL || *t == '\0')
		t = pf_post_str(p, "content");
	if (t == NULL || *t == '\0')
		t = p->type;
	for (i = 0; t[i] != '\0' && t[i] != '\n'; i++) {
		if (((unsigned char)t[i] & 0xc0) != 0x80 && cps++ == TITLE_MAX)
			break;
	}
	if ((e = pf_buf_addstr(out, "<title>")) != PF_OK ||
	    (e = xml_text(out, t, i)) != PF_OK)
		return e;
	return pf_buf_addstr(out, t[i] != '\0' && t[i] != '\n' ?
	    "\xe2\x80\xa6</title>\n" : "</title>\n");
}

/* <link rel="rel" href="<base>path"/> (base NULL: path alone). */
static enum pf_err
atom_link(struct pf_buf *out, const char *rel, const char *base,
    const char *path, const char *more)
{
	enum pf_err e;

	if ((e = pf_buf_printf(out, "<link rel=\"%s\" href=\"", rel)) != PF_OK ||
	    (base != NULL && (e = xml_text(out, base, strlen(base))) != PF_OK) ||
	    (e = xml_text(out, path, strlen(path))) != PF_OK)
		return e;
	return pf_buf_printf(out, "\"%s/>\n", more);
}

/* The entry's links: its page, its images as enclosures, its link URLs. */
static enum pf_err
atom_links(struct pf_buf *out, const struct pf_feed_ctx *c,
    const struct pf_post *p)
{
	struct pf_image	 img[PF_ATT_MAX];
	struct pf_link	 ln[PF_ATT_MAX];
	size_t		 i, ni = pf_post_images(p, img, PF_ATT_MAX);
	size_t		 nl = pf_post_links(p, ln, PF_ATT_MAX);
	char		 path[128], more[sizeof(img[0].type) + 64];
	enum pf_err	 e;

	snprintf(path, sizeof(path), "/post/%s.html", p->id);
	e = atom_link(out, "alternate", c->base, path, " type=\"text/html\"");
	for (i = 0; i < ni && e == PF_OK; i++) {
		snprintf(path, sizeof(path), "/media/%.64s", img[i].digest);
		snprintf(more, sizeof(more), " type=\"%s\" length=\"%lld\"",
		    img[i].type, (long long)img[i].size);
		e = atom_link(out, "enclosure", c->base, path, more);
	}
	for (i = 0; i < nl && e == PF_OK; i++)
		e = atom_link(out, "related", NULL, ln[i].href, "");
	return e;
}

/* The body of one <entry> for post p (a non-deleted public post). */
static enum pf_err
atom_entry(struct pf_buf *out, const struct pf_feed_ctx *c, const char *idbase,
    const struct pf_post *p)
{
	struct pf_buf	 tmp = { 0 };
	char		 pub[32], upd[32];
	enum pf_err	 e;

	pf_time_fmt(p->published_ms, pub);
	pf_time_fmt(p->updated_ms, upd);
	if ((e = pf_buf_addstr(out, "<entry>\n<id>")) != PF_OK ||
	    (e = xml_text(out, idbase, strlen(idbase))) != PF_OK ||
	    (e = pf_buf_printf(out, "/feed.atom#%s</id>\n", p->id)) != PF_OK ||
	    (e = atom_title(out, c, p, &tmp)) != PF_OK ||
	    (e = atom_links(out, c, p)) != PF_OK ||
	    (e = xml_elem(out, "published", pub)) != PF_OK ||
	    (e = xml_elem(out, "updated", upd)) != PF_OK ||
	    (e = pf_buf_addstr(out, "<author><name>")) != PF_OK ||
	    (e = xml_text(out, c->conf->name, strlen(c->conf->name))) != PF_OK ||
	    (e = pf_buf_addstr(out,
	    "</name></author>\n<content type=\"html\">")) != PF_OK)
		goto out;
	pf_buf_reset(&tmp);
	if ((e = pf_feed_post_html(c, p, &tmp)) != PF_OK ||
	    (e = xml_text(out, tmp.data ? tmp.data : "", tmp.len)) != PF_OK)
		goto out;
	e = pf_buf_addstr(out, "</content>\n</entry>\n");
out:
	pf_buf_free(&tmp);
	return e;
}

/*
 * The last PF_ATOM_ENTRIES public changes: the live posts, oldest first,
 * how many were deletions, and the time of the newest change.
 */
struct window {
	struct pf_post	*p[PF_ATOM_ENTRIES];
	size_t		 n;
	size_t		 ngone;
	int64_t		 newest;
};

static enum pf_err
window_visit(const struct pf_entry *ent, void *arg)
{
	struct window	*w = arg;
	struct pf_post	*p = NULL;

	if (ent->updated_ms > w->newest)
		w->newest = ent->updated_ms;
	if (w->n + w->ngone == PF_ATOM_ENTRIES)
		return PF_OK;
	if (ent->tombstone) {
		w->ngone++;
		return PF_OK;
	}
	if (pf_post_parse(ent->json, ent->json_len, &p) != PF_OK)
		return pf_err_ctx(PF_ERR_INDEX, "post %s", ent->id);
	if (p->tombstone) {
		w->ngone++;
		pf_post_free(p);
	} else
		w->p[w->n++] = p;
	return PF_OK;
}

/* Load w (zeroed by the caller; free with window_free() even on error). */
static enum pf_err
window_load(struct pf_index *ix, struct window *w)
{
	struct pf_cursor	start, nx;
	size_t			i;
	int			more;
	enum pf_err		e;

	if ((e = latest_start(ix, public_aud, 1, PF_ATOM_ENTRIES, &start)) != PF_OK ||
	    (e = pf_index_changes(ix, public_aud, 1, &start, PF_ATOM_ENTRIES,
	    window_visit, w, &nx, &more)) != PF_OK)
		return e;
	/* Newest first, as the feed and the page show them. */
	for (i = 0; i < w->n / 2; i++) {
		struct pf_post *t = w->p[i];

		w->p[i] = w->p[w->n - 1 - i];
		w->p[w->n - 1 - i] = t;
	}
	return PF_OK;
}

static void
window_free(struct window *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		pf_post_free(w->p[i]);
	w->n = 0;
}

static enum pf_err
atom_head(struct pf_buf *out, const struct pf_conf *conf, const char *base,
    int64_t newest)
{
	char		 upd[32];
	enum pf_err	 e;

	pf_time_fmt(newest, upd);
	if ((e = pf_buf_addstr(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>")) != PF_OK ||
	    (e = xml_text(out, base, strlen(base))) != PF_OK ||
	    (e = pf_buf_addstr(out, "/feed.atom</id>\n")) != PF_OK ||
	    (e = xml_elem(out, "title", conf->name[0] ? conf->name :
	    "peerfeed")) != PF_OK ||
	    (e = xml_elem(out, "updated", upd)) != PF_OK ||
	    (e = pf_buf_addstr(out, "<author><name>")) != PF_OK ||
	    (e = xml_text(out, conf->name, strlen(conf->name))) != PF_OK ||
	    (e = pf_buf_addstr(out, "</name></author>\n")) != PF_OK ||
	    (e = pf_buf_printf(out, "<generator version=\"%s\">peerfeed"
	    "</generator>\n", PACKAGE_VERSION)) != PF_OK)
		return e;
	if (conf->url[0] == '\0')
		return PF_OK;
	if ((e = pf_buf_addstr(out, "<link rel=\"self\" href=\"")) != PF_OK ||
	    (e = xml_text(out, base, strlen(base))) != PF_OK ||
	    (e = pf_buf_addstr(out, "/feed.atom\"/>\n"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"")) != PF_OK ||
	    (e = xml_text(out, base, strlen(base))) != PF_OK)
		return e;
	return pf_buf_addstr(out, "/\"/>\n");
}

/* The Atom document of the posts in w. */
static enum pf_err
atom_doc(const struct window *w, const struct pf_feed_ctx *c, struct pf_buf *out)
{
	/* Atom ids must be IRIs: without a URL, a tag: URI (RFC 4151). */
	const char	*idbase = c->conf->url[0] ? c->conf->url :
			    "tag:peerfeed.invalid,2025:node";
	size_t		 i;
	enum pf_err	 e;

	if ((e = atom_head(out, c->conf, idbase, w->newest)) != PF_OK)
		return e;
	for (i = 0; i < w->n && e == PF_OK; i++)
		e = atom_entry(out, c, idbase, w->p[i]);
	return e == PF_OK ? pf_buf_addstr(out, "</feed>\n") : e;
}

enum pf_err
pf_feed_atom(struct pf_index *ix, const struct pf_feed_ctx *c, struct pf_buf *out)
{
	struct window	*w;
	enum pf_err	 e;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = window_load(ix, w)) == PF_OK)
		e = atom_doc(w, c, out);
	window_free(w);
	free(w);
	return e;
}

/* Remember where the latest public page of size limit starts. */
static enum pf_err
hint_put(struct pf_index *ix, size_t limit)
{
	struct pf_cursor	 start;
	char			 c[PF_CURSOR_MAX], v[PF_CURSOR_MAX + 32];
	enum pf_err		 e;

	if ((e = latest_start(ix, public_aud, 1, limit, &start)) != PF_OK)
		return e;
	pf_cursor_fmt(&start, c);
	snprintf(v, sizeof(v), "%zu %s", limit, c);
	return pf_index_meta_put(ix, HINT_KEY, v);
}

/* public/feed.atom and the public pages, from one walk of the window. */
static enum pf_err
publish_html(struct pf_store *st, struct pf_index *ix,
    const struct pf_feed_ctx *c, struct pf_buf *b)
{
	struct pf_feed_ctx	 pc = *c;
	struct window		*w;
	enum pf_err		 e;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	/* The pages link under the base path: same origin at every URL. */
	pc.base = c->conf->base_path;
	if ((e = window_load(ix, w)) == PF_OK &&
	    (e = atom_doc(w, c, b)) == PF_OK &&
	    (e = pf_store_write(st, "public/feed.atom", b->data, b->len)) == PF_OK)
		e = pf_feed_pages_publish(st, &pc, w->p, w->n);
	window_free(w);
	free(w);
	return e;
}

enum pf_err
pf_feed_publish_static(struct pf_store *st, struct pf_index *ix,
    const struct pf_feed_ctx *c)
{
	const struct pf_conf	*conf = c->conf;
	struct pf_buf		 b = { 0 };
	enum pf_err		 e;

	if ((e = hint_put(ix, (size_t)conf->page_max)) != PF_OK ||
	    (e = pf_buf_addstr(&b, "{")) != PF_OK ||
	    (e = pf_feed_latest(ix, public_aud, 1, (size_t)conf->page_max,
	    &b)) != PF_OK ||
	    (e = pf_buf_addstr(&b, "}\n")) != PF_OK ||
	    (e = pf_store_write(st, "public/feed.json", b.data, b.len)) != PF_OK)
		goto out;
	pf_buf_reset(&b);
	e = publish_html(st, ix, c, &b);
out:
	pf_buf_free(&b);
	return e;
}
