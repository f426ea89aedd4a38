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

/*
 * Append s[0..n) as XML character data: markup characters escaped, and
 * code points XML 1.0 forbids (C0 controls but tab, newline and return;
 * U+FFFE, U+FFFF) replaced by U+FFFD.  s is valid UTF-8 (post.c).
 */
static enum pf_err
xml_text(struct pf_buf *out, const char *s, size_t n)
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
xml_elem(struct pf_buf *out, const char *name, const char *text)
{
	enum pf_err e;

	if ((e = pf_buf_printf(out, "<%s>", name)) != PF_OK ||
	    (e = xml_text(out, text, strlen(text))) != PF_OK)
		return e;
	return pf_buf_printf(out, "</%s>\n", name);
}

/* An entry title: the first line of text, at most TITLE_MAX code points. */
static enum pf_err
atom_title(struct pf_buf *out, const struct pf_post *p)
{
	const char	*t = pf_post_str(p, "name");
	size_t		 i, cps = 0;
	enum pf_err	 e;

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

/* The body of one <entry> for post p (a non-deleted public post). */
static enum pf_err
atom_entry(struct pf_buf *out, const struct pf_conf *conf, const char *base,
    const struct pf_post *p)
{
	struct pf_buf	 txt = { 0 };
	const char	*content = pf_post_str(p, "content");
	char		 pub[32], upd[32];
	enum pf_err	 e;

	pf_time_fmt(p->published_ms, pub);
	pf_time_fmt(p->updated_ms, upd);
	if (content == NULL) {
		if ((e = pf_post_render(p, NULL, &txt)) != PF_OK)
			goto out;
		content = txt.data ? txt.data : "";
	}
	if ((e = pf_buf_addstr(out, "<entry>\n<id>")) != PF_OK ||
	    (e = xml_text(out, base, strlen(base))) != PF_OK ||
	    (e = pf_buf_printf(out, "/feed.atom#%s</id>\n", p->id)) != PF_OK ||
	    (e = atom_title(out, p)) != PF_OK ||
	    (e = xml_elem(out, "published", pub)) != PF_OK ||
	    (e = xml_elem(out, "updated", upd)) != PF_OK ||
	    (e = pf_buf_addstr(out, "<author><name>")) != PF_OK ||
	    (e = xml_text(out, conf->name, strlen(conf->name))) != PF_OK ||
	    (e = pf_buf_addstr(out,
	    "</name></author>\n<content type=\"text\">")) != PF_OK ||
	    (e = xml_text(out, content, strlen(content))) != PF_OK)
		goto out;
	e = pf_buf_addstr(out, "</content>\n</entry>\n");
out:
	pf_buf_free(&txt);
	return e;
}

/* Collects Atom entries, oldest first, each in its own buffer. */
struct atom {
	const struct pf_conf	*conf;
	const char		*base;
	struct pf_buf		 ent[PF_ATOM_ENTRIES];
	size_t			 n;
	int64_t			 newest;
};

static enum pf_err
atom_visit(const struct pf_entry *ent, void *arg)
{
	struct atom	*a = arg;
	struct pf_post	*p = NULL;
	enum pf_err	 e;

	if (ent->updated_ms > a->newest)
		a->newest = ent->updated_ms;
	if (ent->tombstone || a->n == PF_ATOM_ENTRIES)
		return PF_OK;
	if ((e = pf_post_parse(ent->json, ent->json_len, &p)) != PF_OK) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", pf_errmsg());
		return pf_err(PF_ERR_INDEX, "post %s: %s", ent->id, msg);
	}
	if (!p->tombstone)
		e = atom_entry(&a->ent[a->n++], a->conf, a->base, p);
	pf_post_free(p);
	return e;
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
	    (e = xml_text(out, base, strlen(base))) != PF_OK)
		return e;
	return pf_buf_addstr(out, "/feed.atom\"/>\n");
}

enum pf_err
pf_feed_atom(struct pf_index *ix, const struct pf_conf *conf, struct pf_buf *out)
{
	struct atom		*a;
	struct pf_cursor	 start, nx;
	size_t			 i;
	int			 more;
	enum pf_err		 e;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	a->conf = conf;
	/* Atom ids must be IRIs: without a URL, a tag: URI (RFC 4151). */
	a->base = conf->url[0] ? conf->url : "tag:peerfeed.invalid,2025:node";
	if ((e = latest_start(ix, public_aud, 1, PF_ATOM_ENTRIES, &start)) != PF_OK ||
	    (e = pf_index_changes(ix, public_aud, 1, &start, PF_ATOM_ENTRIES,
	    atom_visit, a, &nx, &more)) != PF_OK ||
	    (e = atom_head(out, conf, a->base, a->newest)) != PF_OK)
		goto out;
	for (i = a->n; i > 0 && e == PF_OK; i--)
		e = pf_buf_add(out, a->ent[i - 1].data, a->ent[i - 1].len);
	if (e == PF_OK)
		e = pf_buf_addstr(out, "</feed>\n");
out:
	for (i = 0; i < PF_ATOM_ENTRIES; i++)
		pf_buf_free(&a->ent[i]);
	free(a);
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

enum pf_err
pf_feed_publish_static(struct pf_store *st, struct pf_index *ix,
    const struct pf_conf *conf)
{
	struct pf_buf	 b = { 0 };
	enum pf_err	 e;

	if ((e = hint_put(ix, (size_t)conf->page_max)) != PF_OK ||
	    (e = pf_buf_addstr(&b, "{")) != PF_OK ||
	    (e = pf_feed_latest(ix, public_aud, 1, (size_t)conf->page_max,
	    &b)) != PF_OK ||
	    (e = pf_buf_addstr(&b, "}\n")) != PF_OK ||
	    (e = pf_store_write(st, "public/feed.json", b.data, b.len)) != PF_OK)
		goto out;
	pf_buf_reset(&b);
	if ((e = pf_feed_atom(ix, conf, &b)) != PF_OK)
		goto out;
	e = pf_store_write(st, "public/feed.atom", b.data, b.len);
out:
	pf_buf_free(&b);
	return e;
}
