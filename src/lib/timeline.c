/* timeline.c: the timeline as people read it (timeline.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "post.h"
#include "timeline.h"

struct load {
	struct pf_tl			*tl;
	const struct pf_tl_filter	*f;
	int				 context;
};

/* 1 if fpr is one of the filter's group members. */
static int
member(const struct pf_tl_filter *f, const char *fpr)
{
	size_t i;

	for (i = 0; i < f->nmembers; i++)
		if (strcmp(f->members[i], fpr) == 0)
			return 1;
	return 0;
}

/* 1 if the filter keeps post p (its target t, or NULL). */
static int
keep(const struct pf_tl_filter *f, const struct pf_post *p, const char *t)
{
	size_t n = f->self != NULL ? strlen(f->self) : 0;

	if (f->friends && f->self != NULL && strcmp(p->author, f->self) == 0)
		return 0;
	if (f->members != NULL && !member(f, p->author))
		return 0;
	if (f->mentions)
		return t != NULL && n > 0 && strncmp(t, f->self, n) == 0 &&
		    t[n] == '/' && strcmp(p->author, f->self) != 0;
	return 1;
}

/* The "FPR/ID" a Like or a comment is about, or NULL. */
static const char *
target_of(const struct pf_post *p)
{
	if (strcmp(p->type, "Like") == 0)
		return pf_post_str(p, "object");
	return pf_post_str(p, "inReplyTo");
}

/* Visitor: parse an entry and keep it if the filter does. */
static enum pf_err
add(const struct pf_entry *en, void *arg)
{
	struct load		*l = arg;
	struct pf_tl		*tl = l->tl;
	struct pf_tl_item	*nv;
	struct pf_post		*p = NULL;
	const char		*t;

	tl->visited += !l->context;
	/* A post the index holds passed the checks once; skip a bad one. */
	if (pf_post_parse(en->json, en->json_len, &p) != PF_OK)
		return PF_OK;
	t = target_of(p);
	if (!l->context && !keep(l->f, p, t)) {
		pf_post_free(p);
		return PF_OK;
	}
	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? tl->cap * 2 : 32;
		if ((nv = reallocarray(tl->v, tl->cap, sizeof(*nv))) == NULL) {
			pf_post_free(p);
			return pf_err(PF_ERR_NOMEM, "out of memory");
		}
		tl->v = nv;
	}
	tl->v[tl->n].p = p;
	tl->v[tl->n].target = t;
	tl->v[tl->n].parent = PF_TL_NONE;
	tl->v[tl->n].context = l->context;
	tl->n++;
	return PF_OK;
}

/* The item whose "FPR/ID" is ref, from item from on, or PF_TL_NONE. */
static size_t
find(const struct pf_tl *tl, size_t from, const char *ref)
{
	const char	*slash = strchr(ref, '/');
	size_t		 i, k;

	if (slash == NULL)
		return PF_TL_NONE;
	k = (size_t)(slash - ref);
	for (i = from; i < tl->n; i++)
		if (strlen(tl->v[i].p->author) == k &&
		    strncmp(tl->v[i].p->author, ref, k) == 0 &&
		    strcmp(tl->v[i].p->id, slash + 1) == 0)
			return i;
	return PF_TL_NONE;
}

/*
 * Link item i to the post it is about: an older item of the window (so no
 * thread can loop), else a context item, looked up in the index once.
 */
static enum pf_err
link_item(struct pf_index *ix, struct load *l, size_t i)
{
	struct pf_tl	*tl = l->tl;
	const char	*ref = tl->v[i].target, *slash;
	char		 fpr[PF_FPR_MAX];
	size_t		 j;
	enum pf_err	 e;

	if ((j = find(tl, i + 1, ref)) == PF_TL_NONE) {
		slash = strchr(ref, '/');
		if (slash == NULL || (size_t)(slash - ref) >= sizeof(fpr))
			return PF_OK;
		memcpy(fpr, ref, (size_t)(slash - ref));
		fpr[slash - ref] = '\0';
		l->context = 1;
		e = pf_index_get(ix, fpr, slash + 1, add, l);
		l->context = 0;
		if (e == PF_ERR_NOTFOUND)
			return PF_OK;
		if (e != PF_OK)
			return e;
		j = find(tl, tl->nwin, ref);
	}
	tl->v[i].parent = j;
	return PF_OK;
}

enum pf_err
pf_tl_load(struct pf_index *ix, const struct pf_tl_filter *f, size_t skip,
    size_t limit, struct pf_tl *out)
{
	struct load	l = { out, f, 0 };
	size_t		i;
	enum pf_err	e;

	if (limit > PF_TL_MAX)
		limit = PF_TL_MAX;
	if ((e = pf_index_timeline(ix, f->author, skip, limit, add, &l)) !=
	    PF_OK)
		return e;
	out->nwin = out->n;
	for (i = 0; i < out->nwin && e == PF_OK; i++)
		if (out->v[i].target != NULL)
			e = link_item(ix, &l, i);
	return e;
}

void
pf_tl_free(struct pf_tl *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		pf_post_free(tl->v[i].p);
	free(tl->v);
	memset(tl, 0, sizeof(*tl));
}

size_t
pf_tl_root(const struct pf_tl *tl, size_t i)
{
	while (tl->v[i].parent != PF_TL_NONE)
		i = tl->v[i].parent;
	return i;
}

int
pf_tl_is_like(const struct pf_tl_item *it)
{
	return strcmp(it->p->type, "Like") == 0;
}

size_t
pf_tl_likes(const struct pf_tl *tl, size_t i, const char **fprs, size_t max)
{
	size_t j, n = 0;

	for (j = tl->n; j-- > 0; )
		if (tl->v[j].parent == i && pf_tl_is_like(&tl->v[j])) {
			if (n < max)
				fprs[n] = tl->v[j].p->author;
			n++;
		}
	return n;
}
