/*
 * fetch_int.h: what the parts of one fetch run share (fetch.c, the jobs;
 * fetch_store.c, taking a page; fetch_media.c, attachments).  Not for use
 * outside peerfeed-fetch.
 */
#ifndef PF_FETCH_INT_H
#define PF_FETCH_INT_H

#include "fetch.h"

struct pf_fetcher {
	struct pf_node			*n;
	int				 lockfd;
	int				 kr_tried;
	struct pf_net			*net;
	const struct pf_fetch_opts	*opts;
	struct pf_fetch_stats		*stats;
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
	size_t			 nposts;
	/* attachments to fetch this run, and how that went */
	struct pf_fetch_image	 media[PF_FETCH_MEDIA_RUN];
	size_t			 nmedia;
	size_t			 imedia;	/* the one in flight */
	size_t			 media_failed;
	char			 media_why[PF_RESULT_MAX];	/* the first */
};

/* fetch.c */
enum pf_err	 fetch_keyring(struct pf_fetcher *);
enum pf_err	 fetch_seal(struct job *, struct pf_fetch_req *);
enum pf_err	 fetch_open(struct job *, size_t max, struct pf_buf *plain);
enum pf_err	 fetch_send(struct job *, const void *body, size_t len,
		    const char *etag, size_t max_body);
void		 fetch_note(struct job *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 fetch_end(struct job *, enum pf_err, const char *why);
enum pf_err	 fetch_http_error(const struct pf_xfer *);

/* fetch_store.c */
enum pf_err	 fetch_store_page(struct job *, int *more);

/* fetch_media.c */
void		 fetch_media_start(struct job *);
void		 fetch_media_step(struct job *);

#endif
