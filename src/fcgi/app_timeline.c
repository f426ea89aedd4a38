/*
 * app_timeline.c: the web page's timeline (doc/APP.md): a Timeline and a
 * Mentions tab, the compose form, a filter (everyone, friends only, one
 * friend, one group), then one page of threads as timeline.c links them:
 * each post with "2 likes: Bob, Carol" and its comments under it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "group.h"
#include "http.h"
#include "keyring.h"
#include "post.h"
#include "timeline.h"

#define PAGE_MAX	100000	/* timeline pages */
#define LIKERS_SHOWN	5	/* names on a likes line */
#define DEPTH_MAX	6	/* comments nested in comments, at most */

struct page {
	struct pf_buf			*b;
	const struct pf_app_page	*pg;
	struct pf_tl			 w;
	char				*shown;
};

enum pf_err
pf_app_view_parse(const char *query, struct pf_app_view *v)
{
	char		 s[16], *end, fpr[PF_FPR_MAX];
	long		 n;
	enum pf_err	 e;

	memset(v, 0, sizeof(*v));
	if (pf_http_query(query, "page", s, sizeof(s)) == PF_OK) {
		n = strtol(s, &end, 10);
		if (*s == '\0' || *end != '\0' || n < 0 || n > PAGE_MAX)
			return pf_err(PF_ERR_INVALID, "page: a number from 0");
		v->page = (size_t)n;
	}
	if (pf_http_query(query, "tab", s, sizeof(s)) == PF_OK)
		v->mentions = strcmp(s, "mentions") == 0;
	e = pf_http_query(query, "show", v->show, sizeof(v->show));
	if (e == PF_ERR_NOTFOUND || (e == PF_OK && (v->show[0] == '\0' ||
	    strcmp(v->show, "friends") == 0 || (strncmp(v->show, "group:", 6)
	    == 0 && pf_group_name_valid(v->show + 6)) ||
	    (strncmp(v->show, "friend:", 7) == 0 &&
	    pf_fpr_normalize(v->show + 7, fpr) == PF_OK))))
		return PF_OK;
	v->show[0] = '\0';
	return pf_err(PF_ERR_INVALID, "show: everyone, friends, friend:FPR "
	    "or group:NAME");
}

/* "2 likes: Bob, Carol" under item i, if it has any. */
static enum pf_err
likes_line(struct page *t, size_t i)
{
	const char	*fprs[LIKERS_SHOWN];
	char		 name[300];
	size_t		 n, k;
	enum pf_err	 e;

	if ((n = pf_tl_likes(&t->w, i, fprs, LIKERS_SHOWN)) == 0)
		return PF_OK;
	e = pf_app_html(t->b, "<p class=\"likes\">%z like%r: ", n,
	    n == 1 ? "" : "s");
	for (k = 0; k < n && k < LIKERS_SHOWN && e == PF_OK; k++) {
		pf_app_who(t->pg, fprs[k], name, sizeof(name));
		e = pf_app_html(t->b, "%r%s", k ? ", " : "", name);
	}
	if (e == PF_OK)
		e = pf_app_html(t->b, "%r</p>", n > LIKERS_SHOWN ? ", ..." : "");
	return e;
}

/* Item i, its likes counted, its comments inside it (oldest first). */
static enum pf_err
thread(struct page *t, size_t i, int depth)
{
	size_t		j, n = 0;
	enum pf_err	e;

	t->shown[i] = 1;
	if ((e = pf_app_html_post_open(t->b, t->pg, t->w.v[i].p)) != PF_OK ||
	    (e = likes_line(t, i)) != PF_OK)
		return e;
	for (j = t->w.n; j-- > 0 && e == PF_OK; ) {
		if (t->w.v[j].parent != i || pf_tl_is_like(&t->w.v[j]) ||
		    t->shown[j])
			continue;
		if (n++ == 0)
			e = pf_buf_addstr(t->b, "<div class=\"comments\">");
		if (e == PF_OK)
			e = depth < DEPTH_MAX ? thread(t, j, depth + 1) :
			    pf_app_html_post(t->b, t->pg, t->w.v[j].p);
	}
	if (e == PF_OK && n > 0)
		e = pf_buf_addstr(t->b, "</div>");
	return e == PF_OK ? pf_buf_addstr(t->b, "</article>\n") : e;
}

/* The two tabs, the current one marked. */
static enum pf_err
tabs(struct pf_buf *b, const struct pf_app_page *pg, int mentions)
{
	return pf_app_html(b, "<nav class=\"tabs\" aria-label=\"Views\">"
	    "<a href=\"%s/app/\"%r>Timeline</a> <a href=\"%s/app/?tab=mentions\""
	    "%r>Mentions</a></nav>\n", pg->base, mentions ? "" :
	    " aria-current=\"page\"", pg->base, mentions ?
	    " aria-current=\"page\"" : "");
}

/* One <option> of the filter, selected if it is the view's. */
static enum pf_err
option(struct pf_buf *b, const struct pf_app_view *v, const char *prefix,
    const char *value, const char *label)
{
	char full[80];

	snprintf(full, sizeof(full), "%s%s", prefix, value);
	return pf_app_html(b, "<option value=\"%s\"%r>%s</option>", full,
	    strcmp(full, v->show) == 0 ? " selected" : "", label);
}

/* The filter: everyone, friends only, each friend, each group. */
static enum pf_err
filter_form(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_app_view *v)
{
	struct pf_group		*g = NULL;
	struct pf_keyinfo	*k = NULL;
	size_t			 ng = 0, nk = 0, i;
	char			 label[PF_GROUP_MAX + 8];
	enum pf_err		 e;

	e = pf_app_html(b, "<form method=\"get\" action=\"%s/app/\" "
	    "class=\"filter\"><label for=\"show\">Show</label><select "
	    "id=\"show\" name=\"show\">", pg->base);
	if (e == PF_OK)
		e = option(b, v, "", "", "Everyone");
	if (e == PF_OK)
		e = option(b, v, "", "friends", "Friends only");
	if (e == PF_OK && pf_keyring_list(pg->api->kr, &k, &nk) == PF_OK)
		for (i = 0; i < nk && e == PF_OK; i++)
			if (!k[i].secret)
				e = option(b, v, "friend:", k[i].fpr, k[i].uid);
	if (e == PF_OK && pf_group_list(pg->api->gnupghome, &g, &ng) == PF_OK)
		for (i = 0; i < ng && e == PF_OK; i++) {
			snprintf(label, sizeof(label), "Group %s", g[i].name);
			e = option(b, v, "group:", g[i].name, label);
		}
	if (e == PF_OK)
		e = pf_app_html(b, "</select><button>Show</button></form>\n");
	pf_group_free(g, ng);
	free(k);
	return e;
}

/*
 * The filter the view asks for; the group list, if one was needed, is
 * put in *g (*ng) for the caller to free.  PF_ERR_NOTFOUND for a group
 * that does not exist.
 */
static enum pf_err
view_filter(const struct pf_app_page *pg, const struct pf_app_view *v,
    struct pf_tl_filter *f, char fpr[PF_FPR_MAX], struct pf_group **g,
    size_t *ng)
{
	size_t		i;
	enum pf_err	e;

	memset(f, 0, sizeof(*f));
	f->self = pg->api->self;
	f->mentions = v->mentions;
	if (v->mentions)
		return PF_OK;
	f->friends = strcmp(v->show, "friends") == 0;
	if (strncmp(v->show, "friend:", 7) == 0 &&
	    pf_fpr_normalize(v->show + 7, fpr) == PF_OK)
		f->author = fpr;
	if (strncmp(v->show, "group:", 6) != 0)
		return PF_OK;
	if ((e = pf_group_list(pg->api->gnupghome, g, ng)) != PF_OK)
		return e;
	for (i = 0; i < *ng && strcmp((*g)[i].name, v->show + 6) != 0; i++)
		;
	if (i == *ng)
		return pf_err(PF_ERR_NOTFOUND, "no such group");
	f->members = (*g)[i].members;
	f->nmembers = (*g)[i].n;
	return PF_OK;
}

/* The threads of the window, each where its newest item is. */
static enum pf_err
threads(struct page *t, int mentions)
{
	size_t		i, r, n = 0;
	enum pf_err	e = PF_OK;

	if ((t->shown = calloc(t->w.n ? t->w.n : 1, 1)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	for (i = 0; i < t->w.nwin && e == PF_OK; i++)
		if (!t->shown[r = pf_tl_root(&t->w, i)]) {
			e = thread(t, r, 0);
			n++;
		}
	if (e == PF_OK && n == 0)
		e = pf_app_html(t->b, "<p>%r</p>", mentions ? "No likes or "
		    "comments on your posts here yet." : "No posts here yet.");
	free(t->shown);
	t->shown = NULL;
	return e;
}

/* Newer and Older links that keep the tab and the filter. */
static enum pf_err
pages(struct page *t, const struct pf_app_view *v)
{
	const char	*base = t->pg->base;
	const char	*tab = v->mentions ? "tab=mentions&" : "";
	enum pf_err	 e;

	e = pf_app_html(t->b, "<nav class=\"pages\" aria-label=\"Pages\">");
	if (e == PF_OK && v->page > 0)
		e = pf_app_html(t->b, "<a href=\"%s/app/?%sshow=%s&amp;page=%z\">"
		    "Newer</a>", base, tab, v->show, v->page - 1);
	if (e == PF_OK && t->w.visited == PF_APP_PAGE_SIZE)
		e = pf_app_html(t->b, "<a href=\"%s/app/?%sshow=%s&amp;page=%z\" "
		    "rel=\"next\">Older</a>", base, tab, v->show, v->page + 1);
	return e == PF_OK ? pf_buf_addstr(t->b, "</nav>\n") : e;
}

enum pf_err
pf_app_html_timeline(struct pf_buf *b, const struct pf_app_page *pg,
    const struct pf_app_view *v)
{
	struct page		 t = { b, pg, { 0 }, NULL };
	struct pf_tl_filter	 f;
	struct pf_group		*g = NULL;
	char			 fpr[PF_FPR_MAX];
	size_t			 ng = 0;
	enum pf_err		 e;

	if ((e = pf_app_html_begin(b, pg, v->mentions ? "Mentions" :
	    "Timeline")) != PF_OK || (e = tabs(b, pg, v->mentions)) != PF_OK)
		return e;
	if (!v->mentions && ((e = pf_app_html_compose(b, pg)) != PF_OK ||
	    (e = filter_form(b, pg, v)) != PF_OK))
		return e;
	e = pf_app_html(b, "<section aria-labelledby=\"tl-h\"><h2 id=\"tl-h\">"
	    "%r</h2>\n", v->mentions ? "Likes and comments on your posts" :
	    "Posts, newest first");
	if (e == PF_OK)
		e = view_filter(pg, v, &f, fpr, &g, &ng);
	if (e == PF_OK)
		e = pf_tl_load(pg->api->ix, &f, v->page * PF_APP_PAGE_SIZE,
		    PF_APP_PAGE_SIZE, &t.w);
	if (e == PF_OK)
		e = threads(&t, v->mentions);
	if (e == PF_OK)
		e = pf_buf_addstr(b, "</section>");
	if (e == PF_OK)
		e = pages(&t, v);
	pf_tl_free(&t.w);
	pf_group_free(g, ng);
	return e == PF_OK ? pf_app_html_end(b) : e;
}
