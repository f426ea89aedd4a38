/*
 * fetch.h: pulling friends' feeds (doc/DESIGN.md section 6).
 *
 * fetch.c is the algorithm: for every friend with a URL, ask the private
 * endpoint from the saved cursor, check the sealed answer and every post
 * in it, store and index the posts (fetch_store.c), and only then save the
 * cursor; then fetch the attachments still missing (fetch_media.c).
 * The transfers go through the library's transport (net.h), so fetch.c
 * never sees curl, and its pure parts (fetch_page.c: request building,
 * response checks) are tested on their own.
 */
#ifndef PF_FETCH_H
#define PF_FETCH_H

#include "friend.h"
#include "index.h"
#include "net.h"
#include "pf.h"

struct pf_keyring;

/* ---- pure parts (fetch_page.c), unit-tested ---- */

#define PF_FETCH_LIMIT	50		/* posts asked for per page */
#define PF_FETCH_DEPTH	4		/* JSON depth of a response plaintext */
#define PF_FETCH_PLAIN_MAX (8 * 1024 * 1024)	/* bytes of a response plaintext */
#define PF_FETCH_BODY_MAX (12 * 1024 * 1024)	/* bytes of a response body */
#define PF_SIG_MAX	16384		/* bytes of a detached signature */
#define PF_FETCH_MEDIA_MAX (16 * 1024 * 1024)	/* bytes of one attachment */
#define PF_FETCH_MEDIA_RUN 16		/* attachments tried per friend and run */
#define PF_FETCH_PAGES_RUN 100		/* feed pages per friend and run */
#define PF_FETCH_RETRIES 3		/* 429/503 retries per friend and run */
#define PF_FETCH_RETRY_MAX 30		/* seconds of Retry-After waited, at most */
#define PF_FETCH_URL_MAX (PF_URL_MAX + 256)	/* a request URL */

/*
 * What a request asked, so the response can be checked against it.  A
 * private feed request fills everything but media; a private media
 * request sets media instead of since and limit; a public page (pub)
 * needs only peer, since and limit.
 */
struct pf_fetch_req {
	char	self[PF_FPR_MAX];	/* us: from */
	char	peer[PF_FPR_MAX];	/* the friend: to */
	char	aud[PF_URL_MAX + 8];	/* <url>/feed or <url>/media */
	char	nonce[33];		/* 32 lowercase hex digits */
	char	since[PF_CURSOR_MAX];	/* "" = from the beginning */
	char	media[PF_SHA256_HEX];	/* "" = a feed request */
	int64_t	ts;			/* seconds since the epoch */
	long	limit;
	int	pub;			/* a public GET /feed page */
};

/*
 * The request plaintext for r, exactly as req.c parses it:
 *	{"v":1,"from":..,"to":..,"aud":..,"ts":..,"nonce":..[,"since":..],"limit":..}
 * since is left out when r->since is "".  When r->media is set, the
 * request asks for that attachment: "media" takes the place of since and
 * limit.
 */
enum pf_err	 pf_fetch_request(const struct pf_fetch_req *r, struct pf_buf *out);

/*
 * The URL of a public feed page into out (n bytes):
 * <base>/feed?since=<since, percent-encoded>&limit=<limit>.
 * PF_ERR_LIMIT if it does not fit.
 */
enum pf_err	 pf_fetch_public_url(const char *base, const char *since,
		    long limit, char *out, size_t n);

/* An Image attachment of a post. */
struct pf_fetch_image {
	char	sha[PF_SHA256_HEX];	/* digest, 64 lowercase hex digits */
	int64_t	size;			/* bytes, as the post declares */
	int	pub;			/* the post names "public" */
	char	type[72];		/* mediaType, as the post declares */
};

/*
 * The Image attachments of the post json[0..len) (a post pf_post_parse()
 * accepted when it arrived), at most max of them into out, *n set to how
 * many (pf_post_images()): a post with none gives *n == 0.  The error of
 * pf_post_parse() if json is not a valid post.
 */
enum pf_err	 pf_fetch_images(const char *json, size_t len,
		    struct pf_fetch_image *out, size_t max, size_t *n);

/* One checked post of a response page; bytes borrowed from the page. */
struct pf_fetch_post {
	struct pf_post	*post;		/* owned by the page */
	const char	*json;
	size_t		 json_len;
	const char	*sig;
	size_t		 sig_len;
};

/* A checked response page. */
struct pf_fetch_page {
	struct pf_fetch_post	*posts;
	size_t			 n;
	char			 next[PF_CURSOR_MAX];
	int			 more;
	void			*doc;		/* the parsed plaintext */
};

/*
 * Parse and check a response plaintext against the request r: one flat
 * object with v 1, from == r->peer, to == r->self, nonce == r->nonce,
 * posts (at most r->limit), next (a cursor) and more (a boolean); for a
 * public page (r->pub) only posts, next and more; every
 * post {id, author, post, sig} with author == r->peer, post bytes that
 * pf_post_parse() accepts, attributedTo == r->peer and the post's id ==
 * id, sig an armored signature of at most PF_SIG_MAX bytes.  Any failure
 * rejects the whole page (PF_ERR_INVALID, PF_ERR_LIMIT, PF_ERR_FORBIDDEN),
 * the message naming the post and the rule.  Free with
 * pf_fetch_page_free().
 */
enum pf_err	 pf_fetch_page_parse(const char *buf, size_t len,
		    const struct pf_fetch_req *r, struct pf_fetch_page *out);
void		 pf_fetch_page_free(struct pf_fetch_page *);

/* ---- the run ---- */

struct pf_fetcher;

struct pf_fetch_opts {
	int			 jobs;		/* transfers at once, >= 1 */
	struct pf_net_limits	 limits;
	/* Called after each friend, for progress and error reports. */
	void			(*report)(const struct pf_friend *, int ok,
				    size_t nposts, void *arg);
	/*
	 * Called, if not NULL, for what goes wrong short of failing a page:
	 * a post older than the stored one (refused, the run goes on), an
	 * attachment that could not be fetched (why).  msg is sanitized.
	 */
	void			(*note)(const struct pf_friend *,
				    const char *msg, void *arg);
	void			*arg;
};

/* Totals of a run. */
struct pf_fetch_stats {
	size_t	friends;	/* with a URL */
	size_t	ok;
	size_t	failed;
	size_t	skipped;	/* the key is blocked: not asked, not failed */
	size_t	idle;		/* answered 304: nothing new */
	size_t	posts;		/* stored */
	size_t	pages;
	size_t	media;		/* attachments stored */
	size_t	badsig;		/* posts refused: signature did not verify */
	size_t	bytes;		/* response bytes received */
};

/*
 * Open the node in dir for fetching.  The run lock (DIR/tmp/fetch.lock)
 * is taken first: PF_ERR_LOCKED if another fetcher holds it and !wait.
 * The index is opened writable; the keyring is not opened yet: the run
 * opens it only when a friend has news, so an idle run starts no gpg
 * process.  *out is the caller's; close it with pf_fetch_close().
 */
enum pf_err	 pf_fetch_open(const char *dir, int wait, struct pf_fetcher **out);
void		 pf_fetch_close(struct pf_fetcher *);

/*
 * Fetch every friend with a URL once, then the attachments missing from
 * its stored posts (at most PF_FETCH_MEDIA_RUN, after its cursor is saved:
 * a failed attachment fails the friend but keeps its posts, and is tried
 * again next run).  Each friend's outcome is recorded
 * in its state.json and passed to opts->report; a friend's failure does
 * not stop the others.  Returns PF_OK unless the run itself could not
 * proceed (no memory, the store or the index failing).
 */
enum pf_err	 pf_fetch_run(struct pf_fetcher *, const struct pf_fetch_opts *,
		    struct pf_fetch_stats *);

/*
 * Read the public feed of the node at url (GET <url>/feed?since=..) whose
 * owner's key fpr is in the keyring, though not necessarily a friend with
 * a URL.  Each post's detached signature is verified on its own against
 * that key; the posts are stored and indexed like a friend's, the cursor
 * is kept in the index (meta "fetch.public.<fpr>"), then the missing
 * public attachments are fetched.  The outcome goes to opts->report as
 * for a friend.  PF_ERR_CONFIG (the message says why) when the key is not
 * in the keyring, is the owner's own or is blocked; PF_ERR_INVALID for a
 * bad url or fpr.
 */
enum pf_err	 pf_fetch_public(struct pf_fetcher *, const struct pf_fetch_opts *,
		    const char *url, const char *fpr, struct pf_fetch_stats *);

#endif
