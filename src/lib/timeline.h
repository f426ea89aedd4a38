/*
 * timeline.h: the timeline as people read it (issue 16), for the CLI and
 * the web page alike: one window of the index's timeline, read in one
 * pass with no OpenPGP work (what the index holds was verified when it was
 * stored), each like and comment linked to the post it is about.  A post
 * liked or answered in the window but older than it is looked up by id
 * and added as context; one that is not in the index at all stays
 * unlinked, and the renderer says whose post it was about.
 */
#ifndef PF_TIMELINE_H
#define PF_TIMELINE_H

#include "pf.h"

struct pf_index;
struct pf_post;

#define PF_TL_NONE	((size_t)-1)
#define PF_TL_MAX	1000	/* entries in one window, at most */

/* Which posts a window keeps; zeroed: every one. */
struct pf_tl_filter {
	const char	*self;		/* the owner's fingerprint */
	int		 friends;	/* friends' posts only, not the owner's */
	const char	*author;	/* one author's posts only (a fingerprint) */
	const char	(*members)[PF_FPR_MAX];	/* one group's members only */
	size_t		 nmembers;
	int		 mentions;	/* likes and comments on the owner's posts */
};

struct pf_tl_item {
	struct pf_post	*p;
	const char	*target;	/* "FPR/ID" a like or comment is about,
					   or NULL; borrowed from p */
	size_t		 parent;	/* the item it likes or answers, or
					   PF_TL_NONE */
	int		 context;	/* outside the window: a parent */
};

struct pf_tl {
	struct pf_tl_item	*v;	/* the window newest first, then context */
	size_t			 n;
	size_t			 nwin;	/* items of the window */
	size_t			 cap;
	size_t			 visited;	/* index entries read */
};

/*
 * Read entries skip..skip+limit (limit <= PF_TL_MAX) of the timeline,
 * newest first, keep those f lets through, and link them.  out is zeroed
 * by the caller and freed with pf_tl_free() in every case.  out->visited
 * == limit says an older window may exist.
 */
enum pf_err	 pf_tl_load(struct pf_index *, const struct pf_tl_filter *f,
		    size_t skip, size_t limit, struct pf_tl *out);
void		 pf_tl_free(struct pf_tl *);
/* The item at the top of i's thread (i itself if it has no parent). */
size_t		 pf_tl_root(const struct pf_tl *, size_t i);
/* 1 if the item is a Like, else 0. */
int		 pf_tl_is_like(const struct pf_tl_item *);
/*
 * The likes of item i: how many, and their authors into fprs (at most max),
 * the first like first.
 */
size_t		 pf_tl_likes(const struct pf_tl *, size_t i,
		    const char **fprs, size_t max);

#endif
