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
struct pf_keyring;
struct pf_post;

#define PF_ATOM_ENTRIES	50	/* entries in the Atom feed and the public page */

/*
 * Who renders the Atom feed and the public pages: the owner's settings and
 * fingerprint, the keyring that names the authors of liked posts (NULL:
 * they are named by fingerprint), the prefix of every link: the node's
 * first URL, else its base path, and the post a writer just changed
 * (its page goes if the post is no longer public).  All borrowed.
 */
struct pf_feed_ctx {
	const struct pf_conf	*conf;
	struct pf_keyring	*kr;
	const char		*self;
	const char		*base;
	const char		*changed;	/* the post just written, or NULL */
};

/* Fill c for conf, kr and self (base as above, changed NULL). */
void		 pf_feed_ctx_init(struct pf_feed_ctx *c, const struct pf_conf *conf,
		    struct pf_keyring *kr, const char *self);

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
 * first; titles and ids come from the owner's name and URL.  Each entry
 * links to the post's page (<base>/post/<id>.html), has its images as
 * enclosures, a link post's URL as a "related" link, and its content as
 * HTML (pf_feed_post_html()).
 */
enum pf_err	 pf_feed_atom(struct pf_index *, const struct pf_feed_ctx *,
		    struct pf_buf *out);

/*
 * Write public/feed.json (the latest public page with limit page_max, as
 * a whole object plus newline: byte for byte what GET /feed answers),
 * public/feed.atom and the public pages (feed_page.c), each atomically.
 * Called by the writer after every change of the owner's posts; it also
 * remembers where the latest page starts (index meta "feed.public.start")
 * so the next call, and readers, need not scan the whole change stream.
 */
enum pf_err	 pf_feed_publish_static(struct pf_store *, struct pf_index *,
		    const struct pf_feed_ctx *);

/* --- feed_html.c: a post as HTML, for Atom and the public pages --- */

/*
 * Append s[0..n) as XML/HTML character data: markup characters escaped,
 * and code points XML 1.0 forbids (C0 controls but tab, newline and
 * return; U+FFFE, U+FFFF) replaced by U+FFFD.  s is valid UTF-8.
 */
enum pf_err	 pf_feed_esc(struct pf_buf *out, const char *s, size_t n);
/*
 * A Like, a comment or an activity as one plain-text sentence ("Alice
 * likes Bob's post."); nothing for other posts.
 */
enum pf_err	 pf_feed_sentence(const struct pf_feed_ctx *, const struct pf_post *,
		    struct pf_buf *out);
/* An OpenStreetMap URL showing lat, lon (not escaped). */
enum pf_err	 pf_feed_map_url(struct pf_buf *out, double lat, double lon);
/*
 * The post as an HTML fragment: its sentence, an Event's name and times,
 * the text (markdown rendered by markdown.c), images inline from
 * <base>/media/, links, and the place linked to a map.
 */
enum pf_err	 pf_feed_post_html(const struct pf_feed_ctx *, const struct pf_post *,
		    struct pf_buf *out);

/* --- feed_page.c: the public pages --- */

/*
 * Write public/index.html (the owner, fingerprint, QR code, how to follow,
 * and the posts[0..n), newest first), public/post/<id>.html for each of
 * those posts whose page changed, and remove public/post/<id>.html for
 * c->changed if it is not among posts (deleted, or an edit took it out of
 * the public audience).  Links are under the base path, so
 * the pages work at every URL of the node (doc/PROTOCOL.md "Public pages").
 */
enum pf_err	 pf_feed_pages_publish(struct pf_store *, const struct pf_feed_ctx *,
		    struct pf_post *const *posts, size_t n);

#endif
