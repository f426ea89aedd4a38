/*
 * friend.h: a friend's sync state, friends/<fpr>/state.json (doc/DESIGN.md
 * section 2): where to fetch (url), where the last fetch stopped (cursor),
 * the ETag of the last complete answer (for the responder's idle path),
 * and the last result with its time.  The file is parsed strictly (json.c)
 * and written atomically (store.c).  Members:
 *	{"url": "https://host/peerfeed", "cursor": "<ms>.<id>" or "",
 *	 "etag": "\"pf1-...\"" or "", "result": "ok" or why it failed,
 *	 "time": "<RFC 3339>" or ""}
 * Only url is required: older state files hold url and cursor alone.
 */
#ifndef PF_FRIEND_H
#define PF_FRIEND_H

#include "index.h"
#include "pf.h"

struct pf_store;

#define PF_URL_MAX	512	/* bytes of a friend's base URL, NUL included */
#define PF_ETAG_MAX	128	/* bytes of a saved entity tag, NUL included */
#define PF_RESULT_MAX	256	/* bytes of the last result message */
#define PF_STATE_MAX	4096	/* bytes of a state.json file */

struct pf_friend {
	char	 fpr[PF_FPR_MAX];
	char	 url[PF_URL_MAX];	/* "" when the friend has no node URL */
	char	 cursor[PF_CURSOR_MAX];	/* "" = from the beginning */
	char	 etag[PF_ETAG_MAX];	/* "" = none */
	char	 result[PF_RESULT_MAX];	/* "" = never fetched */
	int64_t	 time_ms;		/* when result was recorded, 0 = never */
};

/* True if url is an http:// or https:// URL that fits PF_URL_MAX. */
int		 pf_friend_url_valid(const char *url);

/*
 * Parse the bytes of a state.json for friend fpr into *out.  Rejects
 * (PF_ERR_INVALID/PF_ERR_LIMIT, the message naming the member and the
 * rule) anything but a flat object of the members above: unknown members,
 * a url that is not http(s), a cursor pf_cursor_parse() refuses, an etag
 * with characters outside printable ASCII, an over-long value.
 */
enum pf_err	 pf_friend_parse(const char *buf, size_t len, const char *fpr,
		    struct pf_friend *out);
/* The state.json text of f (pretty, one member a line) into out. */
enum pf_err	 pf_friend_format(const struct pf_friend *f, struct pf_buf *out);

/* Read and parse friends/<fpr>/state.json.  PF_ERR_NOTFOUND if absent. */
enum pf_err	 pf_friend_load(struct pf_store *, const char *fpr,
		    struct pf_friend *out);
/* Write friends/<fpr>/state.json atomically. */
enum pf_err	 pf_friend_save(struct pf_store *, const struct pf_friend *);

/*
 * Make friends/<fpr>/{posts,media} and, when url is not NULL or no state
 * exists yet, a state.json that fetches from url ("" if NULL) from the
 * beginning.  A new url for a known friend keeps nothing of the old state.
 */
enum pf_err	 pf_friend_create(struct pf_store *, const char *fpr, const char *url);

/*
 * The fingerprints with a friends/<fpr>/ directory, sorted; other names
 * there are ignored.  Free with pf_store_names_free().
 */
enum pf_err	 pf_friend_list(struct pf_store *, char ***fprs, size_t *n);

#endif
