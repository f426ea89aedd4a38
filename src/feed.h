/*
 * feed.h: rendering feed pages (JSON) and the Atom feed from the index,
 * and publishing the public ones as static files for the web server.
 *
 * A page is the JSON text
 *	{"posts":[{"id":..,"author":..,"post":"<exact post file bytes>",
 *	  "sig":"<armored detached signature>"},...],"next":"<cursor>","more":B}
 * with posts oldest first.  "post" is the file as the author signed it, as
 * a JSON string, so a reader verifies "sig" over exactly those bytes.
 *
 * The latest page (what GET /feed answers without a since parameter, and
 * what public/feed.json holds) is the last N changes visible to the reader,
 * oldest first, with N = limit (default page_max): "next" is the cursor of
 * the newest change (the since to poll with from now on) and "more" is
 * false.  A reader that wants everything asks with since= (empty: from the
 * beginning) and follows next until more is false.
 */
#ifndef PF_FEED_H
#define PF_FEED_H

#include "pf.h"

struct pf_store;
struct pf_index;
struct pf_conf;
struct pf_cursor;

#define PF_ATOM_ENTRIES	50	/* entries in the Atom feed, at most */

/*
 * Append the members of a page (no braces):
 *	"posts":[...],"next":"<cursor>","more":true|false
 * for the changes visible to auds[0..naud) after since, at most limit.
 * next and more, when not NULL, get the page's cursor and flag.
 */
enum pf_err	 pf_feed_page(struct pf_index *, const char *const *auds, size_t naud,
		    const struct pf_cursor *since, size_t limit, struct pf_buf *out,
		    struct pf_cursor *next, int *more);

/* As pf_feed_page() for the latest page: the last limit changes. */
enum pf_err	 pf_feed_latest(struct pf_index *, const char *const *auds,
		    size_t naud, size_t limit, struct pf_buf *out);

/*
 * The Atom (RFC 4287) document of the public feed: one entry per public,
 * non-deleted post among the last PF_ATOM_ENTRIES public changes, newest
 * first; titles and ids come from conf (name, url).
 */
enum pf_err	 pf_feed_atom(struct pf_index *, const struct pf_conf *,
		    struct pf_buf *out);

/*
 * Write public/feed.json (the latest public page with limit page_max, as
 * a whole object plus newline: byte for byte what GET /feed answers) and
 * public/feed.atom, each atomically.  Called by the writer after every
 * change of the owner's posts; it also remembers where the latest page
 * starts (index meta "feed.public.start") so the next call, and readers,
 * need not scan the whole change stream.
 */
enum pf_err	 pf_feed_publish_static(struct pf_store *, struct pf_index *,
		    const struct pf_conf *);

#endif
