/*
 * fetch_int.h: what the parts of one fetch run share (fetch.c, the jobs'
 * state machine; fetch_job.c, the tools of every step; fetch_store.c,
 * taking a page; fetch_media.c, attachments; fetch_locate.c, finding a
 * friend).  Calls go down only: fetch.c -> the steps -> fetch_job.c.
 * Not for use outside peerfeed-fetch.
 */
#ifndef PF_FETCH_INT_H
#define PF_FETCH_INT_H

#include "fetch.h"

#define PF_FETCH_SELF_META	"fetch.self"	/* own fingerprint (index meta) */
#define ONION_CONNECT_S		30	/* seconds to connect to an onion URL, through tor */

struct pf_fetcher {
	struct pf_node			*n;
	int				 lockfd;
	int				 kr_tried;
	struct pf_net			*net;
	const struct pf_fetch_opts	*opts;
	struct pf_fetch_stats		*stats;
	struct fetch_lan		*lan;	/* fetch_locate.c: found this run */
};

/* Where a job is. */
enum job_phase {
	JOB_PROBE,		/* the empty If-None-Match poll */
	JOB_FEED,		/* feed pages */
	JOB_MEDIA,		/* attachments */
};

/* One friend's fetch (or one public feed's, when pub). */
struct job {
	struct pf_fetcher	*f;
	struct pf_friend	 fr;
	struct pf_fetch_req	 req;
	struct pf_buf		 body;		/* sealed request */
	struct pf_xfer		 x;
	char			 url[PF_FETCH_URL_MAX];	/* of the transfer */
	enum job_phase		 phase;
	int			 pub;		/* GET /feed, posts verified */
	char			 meta[96];	/* pub: index key of the cursor */
	int			 idle;
	int			 blocked;	/* the friend's key is blocked: skip */
	size_t			 nposts;
	size_t			 npages;	/* feed pages this run */
	int			 retries;	/* after a 429 or 503, this run */
	int64_t			 not_before;	/* the next transfer's start */
	/* attachments to fetch this run, and how that went */
	struct pf_fetch_image	 media[PF_FETCH_MEDIA_RUN];
	size_t			 nmedia;
	size_t			 imedia;	/* the one in flight */
	size_t			 media_failed;
	char			 media_why[PF_RESULT_MAX];	/* the first */
	/* fetch_locate.c: the URL was found this run; the state's was this */
	int			 located;
	char			 url_before[PF_URL_MAX];
	/*
	 * fetch_locate.c: where the node was reached when its own URL
	 * (fr.url, still the one every request's aud names) does not answer
	 * from here; "" to connect to fr.url.  See fetch_base().
	 */
	char			 via[PF_URL_MAX];
};

/* fetch_job.c: what every step uses; calls nothing above it */
const char	*fetch_base(const struct job *);	/* to connect to */
enum pf_err	 fetch_keyring(struct pf_fetcher *);
enum pf_err	 fetch_seal(struct job *, struct pf_fetch_req *);
enum pf_err	 fetch_open(struct job *, size_t max, struct pf_buf *plain);
enum pf_err	 fetch_send(struct job *, const void *body, size_t len,
		    const char *etag, size_t max_body);
void		 fetch_note(struct job *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
enum pf_err	 fetch_http_error(const struct job *);
int		 fetch_retry(struct job *);

/* fetch_store.c */
enum pf_err	 fetch_store_page(struct job *, int *more);

/*
 * fetch_locate.c: a friend without a URL, or whose URL does not connect,
 * looked for by its pinned fingerprint on the LAN (mdns.c; with
 * HAVE_OPENDHT, also in the DHT).  Every candidate's GET / must name the
 * friend's fingerprint; the answers are still verified against the pinned
 * key as always, and the found URL is saved only when the fetch succeeds.
 *
 * What is found: the node's own URL (url: every request's aud names it,
 * and it is what is saved) and, when that URL does not answer from here
 * but the node was reached at another address, that address (via, else
 * "").
 *
 * fetch_locate: a node whose GET / names fpr, found at a base URL other
 * than avoid ("" for none), into *out (where: "on the LAN", "in the
 * DHT").  PF_ERR_NOTFOUND (the message says where it looked) when there
 * is none, or this build cannot look.
 * fetch_locate_job: for a job about to start (j->fr.url "") or whose
 * transfer did not connect: if it has not been located yet and the node
 * is found, set j->fr.url and j->via, remember the old URL, note where
 * it was reached and return 1 (the caller starts the job again); else 0.
 * fetch_locate_end: in fetch_end, before the state is saved: a located
 * job that failed gets its old URL back.
 * fetch_locate_free: what the run found, freed (pf_fetch_close).
 * fetch_locate_check: the one rule for every place that finds candidates:
 * the candidate base URL cand, whose GET / answered info, is accepted for
 * fpr only if info names fpr.  Its url is the node's own URL (cand if
 * info names none or cand itself); its via is "" if that URL is cand or
 * answers GET / for fpr from here, else cand.  The address to connect to
 * (via, else url) must not be avoid.  PF_ERR_FORBIDDEN for another key,
 * PF_ERR_INVALID for a URL out of bounds, PF_ERR_NOTFOUND otherwise.
 */
struct pf_nodeinfo;
struct fetch_found {
	char		 url[PF_URL_MAX];	/* the node's own: aud, saved */
	char		 via[PF_URL_MAX];	/* to connect to; "" for url */
	const char	*where;			/* fetch_locate: how found */
};
enum pf_err	 fetch_locate(struct pf_fetcher *, const char *fpr,
		    const char *avoid, struct fetch_found *);
enum pf_err	 fetch_locate_check(const char *cand,
		    const struct pf_nodeinfo *info, const char *fpr,
		    const char *avoid, struct fetch_found *);
int		 fetch_locate_job(struct job *);
void		 fetch_locate_end(struct job *, enum pf_err);
void		 fetch_locate_free(struct pf_fetcher *);

/*
 * fetch_media.c: a job's missing attachments, one transfer at a time.
 * Each returns 1 while an attachment is in flight, else 0 with the job's
 * result in *err and, for an error, its reason in why[size].
 */
int		 fetch_media_start(struct job *, enum pf_err *err, char *why,
		    size_t size);
int		 fetch_media_step(struct job *, enum pf_err *err, char *why,
		    size_t size);

#endif
