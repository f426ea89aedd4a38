/*
 * test_index.c: the LMDB index against a real environment in a private
 * temp dir.  Posts are built as struct pf_post values directly, so these
 * tests do not depend on post.c.  PF_BENCH=1 adds a page latency
 * measurement at 1k and 100k posts (printed, never asserted).
 */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* nftw() flags */
#endif
#include <sys/wait.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pf.h"
#include "index.h"
#include "post.h"

#define OWNER	"0123456789ABCDEF0123456789ABCDEF01234567"
#define FRIEND	"FEDCBA9876543210FEDCBA9876543210FEDCBA98"
#define KEYX	"key:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define KEYY	"key:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define ID_BASE	1764000000000LL

struct fix {
	char		 dir[32];
	char		 path[64];
	struct pf_index	*ix;
};

/* One change or entry as seen by a visitor. */
struct seen {
	char	 id[PF_ID_MAX];
	char	 author[PF_FPR_MAX];
	int64_t	 ms;
	int	 tombstone;
	char	 json[128];
};

struct collect {
	struct seen	*v;
	size_t		 n, cap;
};

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static void
rmrf(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static struct fix *
fix_new(void)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/pfix.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/index", f->dir);
	assert_int_equal(pf_index_open(f->path, PF_INDEX_CREATE, &f->ix), PF_OK);
	return f;
}

static int
setup(void **state)
{
	*state = fix_new();
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	pf_index_close(f->ix);
	rmrf(f->dir);
	free(f);
	return 0;
}

/* Fill p; to is a space-separated list of audiences. */
static void
mkpost(struct pf_post *p, const char *author, int64_t idms, unsigned seq,
    int64_t updated, int64_t published, int tomb, const char *to)
{
	char	 buf[512], *s, *save = NULL;

	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%013lld-%04x", (long long)idms, seq);
	snprintf(p->type, sizeof(p->type), "%s", tomb ? "Tombstone" : "Note");
	snprintf(p->author, sizeof(p->author), "%s", author);
	p->updated_ms = updated;
	p->published_ms = published;
	p->tombstone = tomb;
	snprintf(buf, sizeof(buf), "%s", to);
	for (s = strtok_r(buf, " ", &save); s != NULL;
	    s = strtok_r(NULL, " ", &save))
		snprintf(p->to[p->nto++], PF_AUD_MAX, "%s", s);
}

/* Store posts[0..n) with a small JSON body naming id and updated. */
static void
put_posts(struct pf_index *ix, const struct pf_post *posts, size_t n, int own)
{
	struct pf_index_item	*items = calloc(n, sizeof(*items));
	char			(*js)[96] = calloc(n, sizeof(*js));
	size_t			 i;

	assert_true(items != NULL && js != NULL);
	for (i = 0; i < n; i++) {
		items[i].post = &posts[i];
		items[i].json_len = (size_t)snprintf(js[i], sizeof(js[i]),
		    "{\"id\":\"%s\",\"u\":%lld}", posts[i].id,
		    (long long)posts[i].updated_ms);
		items[i].json = js[i];
		items[i].sig = "SIG";
		items[i].sig_len = 3;
		items[i].own = own;
	}
	assert_int_equal(pf_index_put(ix, items, n), PF_OK);
	free(items);
	free(js);
}

static void
put1(struct pf_index *ix, const struct pf_post *p, int own)
{
	put_posts(ix, p, 1, own);
}

static enum pf_err
collect_fn(const struct pf_entry *e, void *arg)
{
	struct collect	*c = arg;
	struct seen	*s;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		assert_non_null(c->v);
	}
	s = &c->v[c->n++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", e->id);
	snprintf(s->author, sizeof(s->author), "%s", e->author);
	s->ms = e->updated_ms;
	s->tombstone = e->tombstone;
	assert_int_equal(e->json[e->json_len], '\0');
	assert_int_equal(e->sig[e->sig_len], '\0');
	snprintf(s->json, sizeof(s->json), "%s", e->json);
	return PF_OK;
}

/* Page through a reader's changes from since; returns the page count. */
static size_t
page_all(struct pf_index *ix, const char *const *auds, size_t naud,
    const char *since, size_t limit, struct collect *c)
{
	struct pf_cursor cur, next;
	char		 buf[PF_CURSOR_MAX];
	size_t		 pages = 0, before;
	int		 more = 1;

	assert_int_equal(pf_cursor_parse(since, &cur), PF_OK);
	while (more) {
		before = c->n;
		assert_int_equal(pf_index_changes(ix, auds, naud, &cur, limit,
		    collect_fn, c, &next, &more), PF_OK);
		assert_true(c->n - before <= limit);
		/* A page starts strictly after its cursor (never repeats it). */
		if (c->n > before)
			assert_true(c->v[before].ms > cur.ms ||
			    (c->v[before].ms == cur.ms &&
			    strcmp(c->v[before].id, cur.id) > 0));
		if (more)
			assert_int_equal(c->n - before, limit);
		/* The cursor goes over the wire as text. */
		pf_cursor_fmt(&next, buf);
		assert_int_equal(pf_cursor_parse(buf, &cur), PF_OK);
		assert_int_equal(cur.ms, next.ms);
		assert_string_equal(cur.id, next.id);
		pages++;
	}
	return pages;
}

static void
collect_free(struct collect *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int
has_id(const struct collect *c, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		n += strcmp(c->v[i].id, id) == 0;
	return (int)n;
}

static void
test_put_get(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p;
	struct collect	 c = { 0 };
	size_t		 n;

	mkpost(&p, OWNER, ID_BASE, 1, 5000, 4000, 0, "public");
	put1(f->ix, &p, 1);
	assert_int_equal(pf_index_get(f->ix, OWNER, p.id, collect_fn, &c), PF_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].author, OWNER);
	assert_string_equal(c.v[0].id, p.id);
	assert_int_equal(c.v[0].ms, 5000);
	assert_int_equal(c.v[0].tombstone, 0);
	assert_non_null(strstr(c.v[0].json, p.id));
	assert_int_equal(pf_index_get(f->ix, OWNER, "1764000000000-ffff",
	    collect_fn, &c), PF_ERR_NOTFOUND);
	assert_int_equal(pf_index_get(f->ix, FRIEND, p.id, collect_fn, &c),
	    PF_ERR_NOTFOUND);
	assert_int_equal(pf_index_count(f->ix, NULL, &n), PF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(pf_index_count(f->ix, FRIEND, &n), PF_OK);
	assert_int_equal(n, 0);
	/* Bad items are refused before anything is written. */
	snprintf(p.id, sizeof(p.id), "x/../y");
	{
		struct pf_index_item it = { &p, "{}", 2, NULL, 0, 1 };
		assert_int_equal(pf_index_put(f->ix, &it, 1), PF_ERR_INVALID);
	}
	collect_free(&c);
}

static void
test_audiences(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p[7];
	struct collect	 c = { 0 };
	const char	*pub[] = { "public" };
	const char	*kx[] = { "public", KEYX };
	const char	*grp[] = { "public", KEYX, "group:fam" };

	mkpost(&p[0], OWNER, ID_BASE, 0, 100, 100, 0, "public");
	mkpost(&p[1], OWNER, ID_BASE, 1, 101, 101, 0, KEYX);
	mkpost(&p[2], OWNER, ID_BASE, 2, 102, 102, 0, "group:fam");
	mkpost(&p[3], OWNER, ID_BASE, 3, 103, 103, 0, KEYY);
	mkpost(&p[4], OWNER, ID_BASE, 4, 104, 104, 0, "group:other");
	mkpost(&p[5], OWNER, ID_BASE, 5, 105, 105, 0,
	    "public " KEYX " group:fam");
	put_posts(f->ix, p, 6, 1);
	/* A friend's public post is in the timeline, never in our feed. */
	mkpost(&p[6], FRIEND, ID_BASE, 6, 106, 106, 0, "public");
	put1(f->ix, &p[6], 0);

	page_all(f->ix, pub, 1, "", 10, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].id, p[0].id);
	assert_string_equal(c.v[1].id, p[5].id);
	collect_free(&c);

	page_all(f->ix, kx, 2, "", 10, &c);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[1].id, p[1].id);
	assert_int_equal(has_id(&c, p[5].id), 1);
	collect_free(&c);

	/* p[5] names three of this reader's audiences: still seen once. */
	page_all(f->ix, grp, 3, "", 1, &c);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.v[0].id, p[0].id);
	assert_string_equal(c.v[1].id, p[1].id);
	assert_string_equal(c.v[2].id, p[2].id);
	assert_string_equal(c.v[3].id, p[5].id);
	collect_free(&c);
}

/* One group's name starts another's: each reader gets only its own group. */
static void
test_group_prefix(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p[3];
	struct collect	 c = { 0 };
	const char	*fam[] = { "public", "group:fam" };
	const char	*family[] = { "public", "group:family" };
	const char	*both[] = { "public", "group:fam", "group:family" };

	mkpost(&p[0], OWNER, ID_BASE, 0, 100, 100, 0, "group:family");
	mkpost(&p[1], OWNER, ID_BASE, 1, 101, 101, 0, "group:fam");
	mkpost(&p[2], OWNER, ID_BASE, 2, 102, 102, 0, "group:family");
	put_posts(f->ix, p, 3, 1);

	page_all(f->ix, fam, 2, "", 10, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].id, p[1].id);
	collect_free(&c);

	page_all(f->ix, family, 2, "", 1, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].id, p[0].id);
	assert_string_equal(c.v[1].id, p[2].id);
	collect_free(&c);

	page_all(f->ix, both, 3, "", 1, &c);
	assert_int_equal(c.n, 3);
	assert_int_equal(has_id(&c, p[0].id), 1);
	assert_int_equal(has_id(&c, p[1].id), 1);
	assert_int_equal(has_id(&c, p[2].id), 1);
	collect_free(&c);
}

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return strcmp(x->id, y->id);
}

#define BIG	10000

/*
 * 10,000 posts, seven at a time sharing updated_ms, ids in an order
 * unrelated to insertion; pages of 13 and 50 cut through the groups.
 */
static void
test_paging_big(void **state)
{
	struct fix	*f = *state;
	struct pf_post	*p = calloc(BIG, sizeof(*p));
	struct seen	*want = calloc(BIG, sizeof(*want));
	struct collect	 c = { 0 };
	const char	*all[] = { "group:g", KEYX, "public" };
	const char	*pub[] = { "public" };
	static const char *tos[] = { "public", KEYX, "public group:g" };
	size_t		 i, nw = 0, pages;
	int		 lim;

	assert_true(p != NULL && want != NULL);
	for (i = 0; i < BIG; i++)
		mkpost(&p[i], OWNER, ID_BASE + (int64_t)((i * 7919) % BIG),
		    (unsigned)(i % 3), 1000000 + (int64_t)i / 7, 1000,
		    0, tos[i % 3]);
	for (i = 0; i < BIG; i += 1000)
		put_posts(f->ix, p + i, 1000, 1);
	for (lim = 13; lim <= 50; lim += 37) {
		nw = 0;
		for (i = 0; i < BIG; i++) {
			if (lim == 50 && i % 3 == 1)
				continue;
			snprintf(want[nw].id, PF_ID_MAX, "%s", p[i].id);
			want[nw++].ms = p[i].updated_ms;
		}
		qsort(want, nw, sizeof(*want), cmp_seen);
		if (lim == 13)
			pages = page_all(f->ix, all, 3, "", (size_t)lim, &c);
		else
			pages = page_all(f->ix, pub, 1, "", (size_t)lim, &c);
		assert_int_equal(c.n, nw);
		assert_int_equal(pages, (nw + (size_t)lim - 1) / (size_t)lim +
		    (nw % (size_t)lim == 0));
		for (i = 0; i < nw; i++) {
			assert_string_equal(c.v[i].id, want[i].id);
			assert_int_equal(c.v[i].ms, want[i].ms);
		}
		collect_free(&c);
	}
	free(p);
	free(want);
}

static void
test_edit_tombstone(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p[3], e;
	struct collect	 c = { 0 };
	struct pf_cursor since, next;
	const char	*pub[] = { "public" };
	const char	*kx[] = { "public", KEYX };
	int		 more;

	mkpost(&p[0], OWNER, ID_BASE, 0, 10, 10, 0, "public " KEYX);
	mkpost(&p[1], OWNER, ID_BASE, 1, 20, 20, 0, "public");
	mkpost(&p[2], OWNER, ID_BASE, 2, 30, 30, 0, "public");
	put_posts(f->ix, p, 3, 1);
	memset(&since, 0, sizeof(since));
	assert_int_equal(pf_index_changes(f->ix, pub, 1, &since, 10,
	    collect_fn, &c, &next, &more), PF_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(more, 0);
	assert_int_equal(next.ms, 30);
	collect_free(&c);

	/* The edit moves p[0] to the end, once, in its new version. */
	e = p[0];
	e.updated_ms = 40;
	put1(f->ix, &e, 1);
	page_all(f->ix, pub, 1, "", 10, &c);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[2].id, p[0].id);
	assert_int_equal(c.v[2].ms, 40);
	assert_non_null(strstr(c.v[2].json, "\"u\":40"));
	collect_free(&c);
	assert_int_equal(pf_index_changes(f->ix, pub, 1, &next, 10,
	    collect_fn, &c, &next, &more), PF_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].id, p[0].id);
	collect_free(&c);

	/* Tombstones are changes too; the timeline drops them. */
	mkpost(&e, OWNER, ID_BASE, 1, 50, 20, 1, "public");
	put1(f->ix, &e, 1);
	assert_int_equal(pf_index_changes(f->ix, pub, 1, &next, 10,
	    collect_fn, &c, &next, &more), PF_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].id, p[1].id);
	assert_int_equal(c.v[0].tombstone, 1);
	collect_free(&c);
	assert_int_equal(pf_index_timeline(f->ix, NULL, 0, 10, collect_fn, &c),
	    PF_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(has_id(&c, p[1].id), 0);
	collect_free(&c);

	/* An edit that drops "public": public readers never see it again. */
	mkpost(&e, OWNER, ID_BASE, 0, 60, 10, 0, KEYX);
	put1(f->ix, &e, 1);
	page_all(f->ix, pub, 1, "", 10, &c);
	assert_int_equal(has_id(&c, p[0].id), 0);
	collect_free(&c);
	page_all(f->ix, kx, 2, "", 10, &c);
	assert_int_equal(has_id(&c, p[0].id), 1);
	assert_int_equal(c.v[c.n - 1].ms, 60);
	collect_free(&c);
}

static void
test_since_rfc3339(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p[3];
	struct collect	 c = { 0 };
	const char	*pub[] = { "public" };
	char		 t[32];
	int64_t		 T = ID_BASE;

	mkpost(&p[0], OWNER, ID_BASE, 0, T - 1, T, 0, "public");
	mkpost(&p[1], OWNER, ID_BASE, 1, T, T, 0, "public");
	mkpost(&p[2], OWNER, ID_BASE, 2, T + 1, T, 0, "public");
	put_posts(f->ix, p, 3, 1);
	pf_time_fmt(T, t);
	page_all(f->ix, pub, 1, t, 10, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].id, p[2].id);
	collect_free(&c);
	page_all(f->ix, pub, 1, "2025-11-24T16:00:00+01:00", 10, &c);
	assert_int_equal(c.n, 3);
	collect_free(&c);
}

static void
test_cursor(void **state)
{
	static const struct pf_cursor cs[] = {
		{ 0, "" }, { 123, "~" }, { 1764000000123LL, "1764000000123-00ab" },
		{ 5, "" },
	};
	static const char *bad[] = { "abc", "12.x/../", "12.1764000000123-00AB",
	    "-1.", "99999999999999999999.", "12", ".5", "12.~~", "1 .",
	    "2026-13-01T00:00:00Z", "2026-11-24", " 12." };
	struct pf_cursor c;
	char		 buf[PF_CURSOR_MAX], lng[300];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		pf_cursor_fmt(&cs[i], buf);
		assert_int_equal(pf_cursor_parse(buf, &c), PF_OK);
		assert_int_equal(c.ms, cs[i].ms);
		assert_string_equal(c.id, cs[i].id);
	}
	pf_cursor_fmt(&cs[0], buf);
	assert_string_equal(buf, "0.");
	assert_int_equal(pf_cursor_parse("", &c), PF_OK);
	assert_int_equal(c.ms, 0);
	assert_string_equal(c.id, "");
	assert_int_equal(pf_cursor_parse("2026-11-24T04:22:33.123Z", &c), PF_OK);
	assert_string_equal(c.id, "~");
	pf_cursor_fmt(&c, buf);
	assert_string_equal(buf, "1795494153123.~");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pf_cursor_parse(bad[i], &c), PF_ERR_INVALID);
		assert_non_null(strstr(pf_errmsg(), "since"));
	}
	memset(lng, '1', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	lng[3] = '.';
	assert_int_equal(pf_cursor_parse(lng, &c), PF_ERR_INVALID);
}

/* Every page of every reader, cursors and bytes included, as one text. */
static void
dump_pages(struct pf_index *ix, struct pf_buf *out)
{
	static const char *r1[] = { "public" };
	static const char *r2[] = { "public", KEYX, "group:g" };
	static const char *const *rs[] = { r1, r2 };
	static const size_t nr[] = { 1, 3 };
	struct collect	 c = { 0 };
	struct pf_cursor cur, next;
	char		 buf[PF_CURSOR_MAX];
	size_t		 r, i;
	int		 more;

	for (r = 0; r < 2; r++) {
		memset(&cur, 0, sizeof(cur));
		do {
			assert_int_equal(pf_index_changes(ix, rs[r], nr[r], &cur,
			    7, collect_fn, &c, &next, &more), PF_OK);
			for (i = 0; i < c.n; i++)
				pf_buf_printf(out, "%s %s %d|", c.v[i].id,
				    c.v[i].json, c.v[i].tombstone);
			pf_cursor_fmt(&next, buf);
			pf_buf_printf(out, "next=%s more=%d\n", buf, more);
			c.n = 0;
			cur = next;
		} while (more);
	}
	assert_int_equal(pf_index_timeline(ix, NULL, 3, 40, collect_fn, &c),
	    PF_OK);
	for (i = 0; i < c.n; i++)
		pf_buf_printf(out, "t %s\n", c.v[i].id);
	collect_free(&c);
}

static void
test_reindex_same(void **state)
{
	struct fix	*f = *state, *g;
	struct pf_post	*p = calloc(300, sizeof(*p)), *q = calloc(300, sizeof(*q));
	struct pf_post	 e;
	struct pf_buf	 a = { 0 }, b = { 0 };
	static const char *tos[] = { "public", KEYX, "group:g", KEYY,
	    "public group:g" };
	size_t		 i, j;

	assert_true(p != NULL && q != NULL);
	for (i = 0; i < 300; i++)
		mkpost(&p[i], OWNER, ID_BASE + (int64_t)(i * 37 % 300), 0,
		    500 + (int64_t)i / 4, 100 + (int64_t)(i % 17), i % 11 == 0,
		    tos[i % 5]);
	put_posts(f->ix, p, 300, 1);
	/* The same final set, inserted in another order, one at a time. */
	g = fix_new();
	for (i = 0; i < 300; i++) {
		j = (i * 113) % 300;
		q[i] = p[j];
	}
	for (i = 0; i < 300; i++)
		put1(g->ix, &q[i], 1);
	dump_pages(f->ix, &a);
	dump_pages(g->ix, &b);
	assert_true(a.len > 1000);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* An edit seen by one index only makes them differ. */
	e = p[5];
	e.updated_ms = 9999;
	put1(g->ix, &e, 1);
	pf_buf_reset(&b);
	dump_pages(g->ix, &b);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
	pf_buf_free(&a);
	pf_buf_free(&b);
	free(p);
	free(q);
	teardown((void **)&g);
}

static enum pf_err
count_fn(const struct pf_entry *e, void *arg)
{
	size_t *n = arg;

	if (e->json_len != 60000 || e->json[59999] != (char)('a' + *n % 26))
		return PF_ERR_INVALID;
	(*n)++;
	return PF_OK;
}

static void
test_map_growth(void **state)
{
	struct fix		*f;
	struct pf_post		*p = calloc(100, sizeof(*p));
	struct pf_index_item	 it[100];
	char			*big = malloc(100 * 60000);
	size_t			 i, n = 0;

	(void)state;
	assert_true(p != NULL && big != NULL);
	setenv("PEERFEED_INDEX_MAPSIZE", "1048576", 1);
	f = fix_new();
	for (i = 0; i < 100; i++) {
		mkpost(&p[i], FRIEND, ID_BASE + (int64_t)i, 0, 1, 1, 0, "public");
		memset(big + i * 60000, 'a' + (int)(i % 26), 60000);
		it[i] = (struct pf_index_item){ &p[i], big + i * 60000, 60000,
		    "S", 1, 0 };
	}
	/* 6 MB in one transaction into a 1 MiB map. */
	assert_int_equal(pf_index_put(f->ix, it, 100), PF_OK);
	pf_index_close(f->ix);
	assert_int_equal(pf_index_open(f->path, 0, &f->ix), PF_OK);
	assert_int_equal(pf_index_walk(f->ix, FRIEND, count_fn, &n), PF_OK);
	assert_int_equal(n, 100);
	unsetenv("PEERFEED_INDEX_MAPSIZE");
	setenv("PEERFEED_INDEX_MAPSIZE", "12x", 1);
	pf_index_close(f->ix);
	assert_int_equal(pf_index_open(f->path, 0, &f->ix), PF_ERR_CONFIG);
	f->ix = NULL;
	unsetenv("PEERFEED_INDEX_MAPSIZE");
	teardown((void **)&f);
	free(p);
	free(big);
}

static const char *argv0;

/* The other process of test_map_resized: store 3.6 MB of friend posts. */
static int
grow_main(const char *path)
{
	struct pf_index		*ix;
	struct pf_post		*p = calloc(60, sizeof(*p));
	struct pf_index_item	 it[60];
	char			*big = malloc(60000);
	size_t			 i;
	int			 rc = 1;

	if (p == NULL || big == NULL)
		goto out;
	memset(big, 'x', 60000);
	for (i = 0; i < 60; i++) {
		mkpost(&p[i], FRIEND, ID_BASE + (int64_t)i, 1, 2, 2, 0, "public");
		it[i] = (struct pf_index_item){ &p[i], big, 60000, "", 0, 0 };
	}
	if (pf_index_open(path, 0, &ix) != PF_OK)
		goto out;
	rc = pf_index_put(ix, it, 60) != PF_OK;
	pf_index_close(ix);
out:
	free(p);
	free(big);
	return rc;
}

/*
 * Another process grows the map under an open handle: the next read and
 * write transactions here see MDB_MAP_RESIZED and must adopt the new size.
 * The other process is this program again (exec, so it shares nothing).
 */
static void
test_map_resized(void **state)
{
	struct fix	*f;
	struct pf_post	 p;
	size_t		 n = 0;
	pid_t		 pid;
	int		 st;

	(void)state;
	setenv("PEERFEED_INDEX_MAPSIZE", "1048576", 1);
	f = fix_new();
	mkpost(&p, OWNER, ID_BASE, 0, 1, 1, 0, "public");
	put1(f->ix, &p, 1);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		execl(argv0, argv0, "grow", f->path, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(pf_index_count(f->ix, NULL, &n), PF_OK);
	assert_int_equal(n, 61);
	mkpost(&p, OWNER, ID_BASE, 9, 3, 3, 0, "public");
	put1(f->ix, &p, 1);
	assert_int_equal(pf_index_count(f->ix, OWNER, &n), PF_OK);
	assert_int_equal(n, 2);
	unsetenv("PEERFEED_INDEX_MAPSIZE");
	teardown((void **)&f);
}

static void
test_nonce(void **state)
{
	struct fix	*f = *state;
	char		 n[40];
	int		 i;

	assert_int_equal(pf_index_nonce_add(f->ix, "n1", 1000, 1600), PF_OK);
	assert_int_equal(pf_index_nonce_add(f->ix, "n1", 1001, 1601),
	    PF_ERR_REPLAY);
	assert_int_equal(pf_index_nonce_add(f->ix, "n1", 1599, 2199),
	    PF_ERR_REPLAY);
	/* Expired: purged (or at least forgotten), so it is new again. */
	assert_int_equal(pf_index_nonce_add(f->ix, "n2", 1700, 2300), PF_OK);
	assert_int_equal(pf_index_nonce_add(f->ix, "n1", 1700, 2300), PF_OK);
	assert_int_equal(pf_index_nonce_add(f->ix, "n1", 1701, 2301),
	    PF_ERR_REPLAY);
	/* Many expired at once: each call purges a bounded number. */
	for (i = 0; i < 300; i++) {
		snprintf(n, sizeof(n), "old%d", i);
		assert_int_equal(pf_index_nonce_add(f->ix, n, 3000, 3000 + i),
		    PF_OK);
	}
	for (i = 0; i < 300; i++) {
		snprintf(n, sizeof(n), "old%d", i);
		assert_int_equal(pf_index_nonce_add(f->ix, n, 4000, 5000),
		    PF_OK);
		assert_int_equal(pf_index_nonce_add(f->ix, n, 4000, 5000),
		    PF_ERR_REPLAY);
	}
	assert_int_equal(pf_index_nonce_add(f->ix, "", 1, 2), PF_ERR_INVALID);
}

static void
test_rdonly(void **state)
{
	struct fix	*f = *state;
	struct pf_index	*ix;
	struct pf_post	 p;
	struct pf_index_item it = { &p, "{}", 2, "", 0, 1 };
	struct collect	 c = { 0 };
	const char	*pub[] = { "public" };
	char		 missing[80];

	mkpost(&p, OWNER, ID_BASE, 0, 1, 1, 0, "public");
	put1(f->ix, &p, 1);
	pf_index_close(f->ix);
	f->ix = NULL;
	assert_int_equal(pf_index_open(f->path, PF_INDEX_RDONLY, &ix), PF_OK);
	assert_int_equal(pf_index_put(ix, &it, 1), PF_ERR_USAGE);
	assert_int_equal(pf_index_meta_put(ix, "k", "v"), PF_ERR_USAGE);
	assert_int_equal(pf_index_del(ix, OWNER, p.id), PF_ERR_USAGE);
	page_all(ix, pub, 1, "", 5, &c);
	assert_int_equal(c.n, 1);
	collect_free(&c);
	assert_int_equal(pf_index_nonce_add(ix, "abc", 10, 20), PF_OK);
	assert_int_equal(pf_index_nonce_add(ix, "abc", 11, 20), PF_ERR_REPLAY);
	pf_index_close(ix);

	snprintf(missing, sizeof(missing), "%s/nope", f->dir);
	assert_int_equal(pf_index_open(missing, 0, &ix), PF_ERR_INDEX);
	assert_non_null(strstr(pf_errmsg(), "index missing: run peerfeed "
	    "reindex"));
	assert_int_equal(pf_index_open(missing, PF_INDEX_RDONLY, &ix),
	    PF_ERR_INDEX);
}

/*
 * A reindex retires the old index (no nonce goes into it after that) and
 * swaps a new one in at the same path; a reader notices with one stat
 * (pf_index_moved) and pf_index_reopen takes the new one.
 */
static void
test_retire_reopen(void **state)
{
	struct fix	*f = *state;
	struct pf_index	*r, *nx;
	char		 fresh[80], old[80], val[8];

	snprintf(fresh, sizeof(fresh), "%s/fresh", f->dir);
	snprintf(old, sizeof(old), "%s/old", f->dir);
	assert_int_equal(pf_index_open(f->path, PF_INDEX_RDONLY, &r), PF_OK);
	assert_int_equal(pf_index_nonce_add(r, "n1", 10, 20), PF_OK);
	assert_int_equal(pf_index_retire(f->ix, 1), PF_OK);
	assert_int_equal(pf_index_meta_get(r, PF_INDEX_META_RETIRED, val,
	    sizeof(val)), PF_OK);
	assert_int_equal(pf_index_nonce_add(r, "n2", 10, 20), PF_ERR_LOCKED);
	assert_int_equal(pf_index_reopen(&r), PF_OK);	/* not moved: same */
	assert_int_equal(pf_index_moved(r), 0);

	assert_int_equal(pf_index_open(fresh, PF_INDEX_CREATE, &nx), PF_OK);
	assert_int_equal(pf_index_nonce_copy(f->ix, nx, 10), PF_OK);
	pf_index_close(nx);
	assert_int_equal(rename(f->path, old), 0);
	assert_int_equal(rename(fresh, f->path), 0);
	assert_int_equal(pf_index_moved(r), 1);
	assert_int_equal(pf_index_reopen(&r), PF_OK);
	assert_int_equal(pf_index_moved(r), 0);
	assert_int_equal(pf_index_nonce_add(r, "n1", 11, 20), PF_ERR_REPLAY);
	assert_int_equal(pf_index_nonce_add(r, "n2", 11, 20), PF_OK);
	assert_int_equal(pf_index_retire(r, 1), PF_OK);
	assert_int_equal(pf_index_nonce_add(r, "n3", 11, 20), PF_ERR_LOCKED);
	assert_int_equal(pf_index_retire(r, 0), PF_OK);
	assert_int_equal(pf_index_nonce_add(r, "n3", 11, 20), PF_OK);
	pf_index_close(r);
}

static void
test_timeline(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p[5];
	struct collect	 c = { 0 };
	size_t		 n;

	mkpost(&p[0], OWNER, ID_BASE, 0, 100, 100, 0, "public");
	mkpost(&p[1], OWNER, ID_BASE, 1, 300, 300, 0, KEYX);
	mkpost(&p[2], OWNER, ID_BASE, 2, 200, 200, 0, "public");
	mkpost(&p[3], OWNER, ID_BASE, 3, 400, 400, 1, "public");
	put_posts(f->ix, p, 4, 1);
	mkpost(&p[4], FRIEND, ID_BASE, 4, 250, 250, 0, "public");
	put1(f->ix, &p[4], 0);

	assert_int_equal(pf_index_timeline(f->ix, NULL, 0, 100, collect_fn, &c),
	    PF_OK);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.v[0].id, p[1].id);
	assert_string_equal(c.v[1].id, p[4].id);
	assert_string_equal(c.v[2].id, p[2].id);
	assert_string_equal(c.v[3].id, p[0].id);
	collect_free(&c);
	assert_int_equal(pf_index_timeline(f->ix, NULL, 1, 2, collect_fn, &c),
	    PF_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].id, p[4].id);
	assert_string_equal(c.v[1].id, p[2].id);
	collect_free(&c);
	assert_int_equal(pf_index_timeline(f->ix, FRIEND, 0, 10, collect_fn, &c),
	    PF_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].author, FRIEND);
	collect_free(&c);
	assert_int_equal(pf_index_timeline(f->ix, OWNER, 1, 10, collect_fn, &c),
	    PF_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].id, p[2].id);
	collect_free(&c);

	assert_int_equal(pf_index_walk(f->ix, OWNER, collect_fn, &c), PF_OK);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.v[0].id, p[0].id);
	assert_string_equal(c.v[3].id, p[3].id);
	collect_free(&c);
	assert_int_equal(pf_index_count(f->ix, OWNER, &n), PF_OK);
	assert_int_equal(n, 4);
	assert_int_equal(pf_index_count(f->ix, NULL, &n), PF_OK);
	assert_int_equal(n, 5);

	/* Deleting a friend's post takes it out everywhere. */
	assert_int_equal(pf_index_del(f->ix, FRIEND, p[4].id), PF_OK);
	assert_int_equal(pf_index_del(f->ix, FRIEND, p[4].id), PF_ERR_NOTFOUND);
	assert_int_equal(pf_index_get(f->ix, FRIEND, p[4].id, collect_fn, &c),
	    PF_ERR_NOTFOUND);
	assert_int_equal(pf_index_timeline(f->ix, NULL, 0, 100, collect_fn, &c),
	    PF_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(has_id(&c, p[4].id), 0);
	collect_free(&c);
}

static void
test_meta_latest(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p[3];
	struct pf_cursor l;
	const char	*pub[] = { "public" };
	const char	*kx[] = { "public", KEYX, KEYY };
	char		 v[32], tiny[2];

	assert_int_equal(pf_index_meta_get(f->ix, "own.updated_ms", v,
	    sizeof(v)), PF_ERR_NOTFOUND);
	assert_int_equal(pf_index_latest(f->ix, pub, 1, &l), PF_OK);
	assert_int_equal(l.ms, 0);
	assert_string_equal(l.id, "");
	mkpost(&p[0], OWNER, ID_BASE + 5, 0, 50, 50, 0, "public");
	mkpost(&p[1], OWNER, ID_BASE + 1, 0, 30, 30, 0, KEYX);
	put_posts(f->ix, p, 2, 1);
	mkpost(&p[2], FRIEND, ID_BASE + 9, 0, 100, 100, 0, "public");
	put1(f->ix, &p[2], 0);
	assert_int_equal(pf_index_meta_get(f->ix, "own.updated_ms", v,
	    sizeof(v)), PF_OK);
	assert_string_equal(v, "50");
	assert_int_equal(pf_index_meta_get(f->ix, "own.last_id", v,
	    sizeof(v)), PF_OK);
	assert_string_equal(v, p[0].id);
	/* An older own post (clock stepped back) does not lower it. */
	mkpost(&p[2], OWNER, ID_BASE + 2, 0, 40, 40, 0, KEYY);
	put1(f->ix, &p[2], 1);
	assert_int_equal(pf_index_meta_get(f->ix, "own.updated_ms", v,
	    sizeof(v)), PF_OK);
	assert_string_equal(v, "50");

	assert_int_equal(pf_index_latest(f->ix, pub, 1, &l), PF_OK);
	assert_int_equal(l.ms, 50);
	assert_string_equal(l.id, p[0].id);
	p[1].updated_ms = 70;
	put1(f->ix, &p[1], 1);
	assert_int_equal(pf_index_latest(f->ix, kx, 3, &l), PF_OK);
	assert_int_equal(l.ms, 70);
	assert_int_equal(pf_index_latest(f->ix, pub, 1, &l), PF_OK);
	assert_int_equal(l.ms, 50);

	assert_int_equal(pf_index_meta_put(f->ix, "friend.X.cursor", "12.~"),
	    PF_OK);
	assert_int_equal(pf_index_meta_get(f->ix, "friend.X.cursor", v,
	    sizeof(v)), PF_OK);
	assert_string_equal(v, "12.~");
	assert_int_equal(pf_index_meta_get(f->ix, "friend.X.cursor", tiny,
	    sizeof(tiny)), PF_ERR_LIMIT);
}

static enum pf_err
stop_fn(const struct pf_entry *e, void *arg)
{
	(void)e; (void)arg;
	return PF_ERR_LIMIT;
}

static void
test_visitor_stop(void **state)
{
	struct fix	*f = *state;
	struct pf_post	 p;
	struct pf_cursor z, next;
	const char	*pub[] = { "public" };
	int		 more;

	memset(&z, 0, sizeof(z));
	mkpost(&p, OWNER, ID_BASE, 0, 1, 1, 0, "public");
	put1(f->ix, &p, 1);
	assert_int_equal(pf_index_changes(f->ix, pub, 1, &z, 5, stop_fn, NULL,
	    &next, &more), PF_ERR_LIMIT);
	assert_int_equal(pf_index_timeline(f->ix, NULL, 0, 5, stop_fn, NULL),
	    PF_ERR_LIMIT);
}

static enum pf_err
null_fn(const struct pf_entry *e, void *arg)
{
	(void)e; (void)arg;
	return PF_OK;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Average latency of a 50-change page at random cursors, n posts. */
static void
bench_one(size_t n)
{
	struct fix	*f = fix_new();
	struct pf_post	*p = calloc(1000, sizeof(*p));
	struct pf_cursor cur, next;
	const char	*rd[] = { "public", KEYX, "group:g" };
	static const char *tos[] = { "public", KEYX, "group:g", KEYY };
	size_t		 i, j, reps = 2000;
	double		 t0 = 0, t1 = 0;
	int		 more, round;

	assert_non_null(p);
	for (i = 0; i < n; i += 1000) {
		for (j = 0; j < 1000; j++)
			mkpost(&p[j], OWNER, ID_BASE + (int64_t)(i + j), 0,
			    1000 + (int64_t)(i + j), 1, 0, tos[(i + j) % 4]);
		put_posts(f->ix, p, 1000, 1);
	}
	/* The first round maps the pages in; the second one is timed. */
	for (round = 0; round < 2; round++) {
		srand(1);
		t0 = now_us();
		for (i = 0; i < reps; i++) {
			memset(&cur, 0, sizeof(cur));
			cur.ms = 1000 + rand() % (int64_t)(n - 100);
			assert_int_equal(pf_index_changes(f->ix, rd, 3, &cur,
			    50, null_fn, NULL, &next, &more), PF_OK);
		}
		t1 = now_us();
	}
	print_message("bench: %zu posts: %.1f us per 50-change page "
	    "(3 audiences, %zu pages)\n", n, (t1 - t0) / reps, reps);
	free(p);
	teardown((void **)&f);
}

static void
test_bench(void **state)
{
	const char *b = getenv("PF_BENCH");

	(void)state;
	if (b == NULL || strcmp(b, "1") != 0) {
		skip();
		return;
	}
	bench_one(1000);
	bench_one(10000);
	bench_one(100000);
	if (getenv("PF_BENCH_1M") != NULL)
		bench_one(1000000);
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor),
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audiences, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_tombstone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_since_rfc3339, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reindex_same, setup,
		    teardown),
		cmocka_unit_test(test_map_growth),
		cmocka_unit_test(test_map_resized),
		cmocka_unit_test_setup_teardown(test_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rdonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retire_reopen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_latest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_visitor_stop, setup,
		    teardown),
		cmocka_unit_test(test_bench),
	};

	argv0 = argv[0];
	if (argc == 3 && strcmp(argv[1], "grow") == 0)
		return grow_main(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
