/*
 * fetch.c: one run of peerfeed-fetch (DESIGN.md section 6).
 *
 * Every friend with a URL is a job, a small state machine driven by the
 * transfers it queues on the transport (fetch_curl.c), so slow friends
 * overlap instead of queueing behind each other:
 *
 *   probe    (when the last answer left an ETag) an empty POST /feed with
 *            If-None-Match and Peerfeed-From: 304 means nothing new, and
 *            costs no OpenPGP operation on either side;
 *   request  the sealed request (req.c's fields) from the saved cursor;
 *   page     pf_envelope_open() checks the friend's one signature, which
 *            authenticates every post in the page (one OpenPGP operation
 *            per page, not per post); fetch_page.c checks the rest; the
 *            posts and their signatures are written (files first), then
 *            indexed, then the cursor and ETag saved; more: next request.
 *
 * A run killed anywhere leaves the cursor at the last page whose posts are
 * all on disk and indexed; the next run asks again from there and writes
 * the same bytes again, so nothing is lost and nothing is duplicated.
 * The keyring is opened on first need: a run where every friend answers
 * 304 starts no gpg process.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "fetch.h"
#include "index.h"
#include "json.h"
#include "keyring.h"
#include "log.h"
#include "node.h"
#include "post.h"
#include "store.h"

#define PGP_TYPE	"application/pgp-encrypted"
#define SELF_META	"fetch.self"	/* cached own fingerprint (index meta) */
#define RUN_LOCK	"tmp/fetch.lock"

struct pf_fetcher {
	struct pf_node			*n;
	int				 lockfd;
	int				 kr_tried;
	struct pf_net			*net;
	const struct pf_fetch_opts	*opts;
	struct pf_fetch_stats		*stats;
};

/* One friend's fetch. */
struct job {
	struct pf_fetcher	*f;
	struct pf_friend	 fr;
	struct pf_fetch_req	 req;
	struct pf_buf		 body;		/* sealed request */
	struct pf_xfer		 x;
	char			 feed[PF_URL_MAX + 8];	/* <url>/feed */
	int			 probing;
	int			 idle;
	size_t			 nposts;
};

/* Take the run lock: one fetcher per state directory. */
static enum pf_err
run_lock(struct pf_fetcher *f, int wait)
{
	char	*path;
	int	 saved;

	if ((path = pf_store_join(f->n->st, RUN_LOCK)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	f->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f->lockfd == -1 || flock(f->lockfd, LOCK_EX |
	    (wait ? 0 : LOCK_NB)) == -1) {
		saved = errno;
		free(path);
		if (saved == EWOULDBLOCK)
			return pf_err(PF_ERR_LOCKED, "another peerfeed-fetch is "
			    "running on %s", pf_store_path(f->n->st));
		return pf_err(PF_ERR_SYS, "%s: %s", RUN_LOCK, strerror(saved));
	}
	free(path);
	return PF_OK;
}

/*
 * The index, writable.  A missing one is rebuilt by a writer node (which
 * needs the keyring to know which posts are the owner's).
 */
static enum pf_err
open_index(struct pf_fetcher *f, const char *dir)
{
	char		*path;
	enum pf_err	 e;

	if (!pf_store_exists(f->n->st, "index/data.mdb")) {
		pf_node_close(f->n);
		f->n = NULL;
		if ((e = pf_node_open(dir, PF_NODE_WRITE, &f->n)) == PF_OK) {
			pf_store_unlock(f->n->st);
			f->kr_tried = 1;
		}
		return e;
	}
	if ((path = pf_store_join(f->n->st, "index")) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	e = pf_index_open(path, 0, &f->n->ix);
	free(path);
	return e;
}

enum pf_err
pf_fetch_open(const char *dir, int wait, struct pf_fetcher **out)
{
	struct pf_fetcher	*f;
	enum pf_err		 e;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	f->lockfd = -1;
	if ((e = pf_node_open(dir, 0, &f->n)) != PF_OK ||
	    (e = run_lock(f, wait)) != PF_OK ||
	    (e = open_index(f, dir)) != PF_OK)
		goto fail;
	if (f->n->self[0] == '\0' && (pf_index_meta_get(f->n->ix, SELF_META,
	    f->n->self, sizeof(f->n->self)) != PF_OK ||
	    !pf_fpr_valid(f->n->self)))
		f->n->self[0] = '\0';
	*out = f;
	return PF_OK;
fail:
	pf_fetch_close(f);
	return e;
}

void
pf_fetch_close(struct pf_fetcher *f)
{
	if (f == NULL)
		return;
	pf_node_close(f->n);
	if (f->lockfd != -1)
		close(f->lockfd);
	free(f);
}

/* Open the keyring on first need and learn (and cache) our fingerprint. */
static enum pf_err
need_keyring(struct pf_fetcher *f)
{
	struct pf_keyinfo	 self;
	struct pf_node		*n = f->n;
	enum pf_err		 e;

	if (n->kr != NULL)
		return PF_OK;
	if (f->kr_tried)
		return pf_err(PF_ERR_CONFIG, "the keyring could not be opened");
	f->kr_tried = 1;
	if ((e = pf_keyring_open(n->gnupghome, &n->kr)) != PF_OK)
		return e;
	if (pf_keyring_self(n->kr, &self) != PF_OK)
		return pf_err(PF_ERR_CONFIG, "%s has no identity: run peerfeed "
		    "init", pf_store_path(n->st));
	memcpy(n->self, self.fpr, sizeof(n->self));
	return pf_index_meta_put(n->ix, SELF_META, n->self);
}

/* Save the friend's state under the store's writer lock. */
static enum pf_err
save_state(struct job *j)
{
	struct pf_store	*st = j->f->n->st;
	enum pf_err	 e;

	if ((e = pf_store_lock(st, 1)) != PF_OK)
		return e;
	e = pf_friend_save(st, &j->fr);
	pf_store_unlock(st);
	return e;
}

/* The job is over: record the result, report, count. */
static void
job_end(struct job *j, enum pf_err err, const char *why)
{
	struct pf_fetch_stats	*s = j->f->stats;
	const struct pf_fetch_opts *o = j->f->opts;

	if (err == PF_OK)
		snprintf(j->fr.result, sizeof(j->fr.result), "ok");
	else
		pf_log_sanitize(why, j->fr.result, sizeof(j->fr.result));
	j->fr.time_ms = pf_now_ms();
	if (err == PF_OK && save_state(j) != PF_OK) {
		err = PF_ERR_SYS;
		pf_log_sanitize(pf_errmsg(), j->fr.result, sizeof(j->fr.result));
	} else if (err != PF_OK)
		(void)save_state(j);
	if (err == PF_OK) {
		s->ok++;
		s->idle += (size_t)j->idle;
	} else
		s->failed++;
	s->posts += j->nposts;
	if (o->report != NULL)
		o->report(&j->fr, err == PF_OK, j->nposts, o->arg);
	pf_xfer_free(&j->x);
	pf_buf_free(&j->body);
	free(j);
}

/* End the job with the last error message. */
static void
job_fail(struct job *j, enum pf_err e)
{
	char why[PF_RESULT_MAX];

	snprintf(why, sizeof(why), "%s", pf_errmsg());
	job_end(j, e, why);
}

/* Queue the job's transfer. */
static enum pf_err
send_xfer(struct job *j, const void *body, size_t len, const char *etag)
{
	pf_xfer_free(&j->x);
	j->x = (struct pf_xfer){ .url = j->feed, .body = body,
	    .body_len = len, .ctype = PGP_TYPE, .from = j->f->n->self,
	    .etag = etag[0] != '\0' ? etag : NULL, .arg = j };
	return pf_net_start(j->f->net, &j->x);
}

/* A random nonce: 32 lowercase hex digits. */
static enum pf_err
make_nonce(char out[33])
{
	unsigned char	r[16];
	size_t		i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return pf_err(PF_ERR_SYS, "getrandom: %s", strerror(errno));
	for (i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return PF_OK;
}

/* Seal and queue the request for the page after the saved cursor. */
static enum pf_err
job_request(struct job *j)
{
	struct pf_fetch_req	*r = &j->req;
	struct pf_buf		 plain = { 0 };
	enum pf_err		 e;

	if ((e = need_keyring(j->f)) != PF_OK)
		return e;
	memset(r, 0, sizeof(*r));
	memcpy(r->self, j->f->n->self, sizeof(r->self));
	memcpy(r->peer, j->fr.fpr, sizeof(r->peer));
	snprintf(r->aud, sizeof(r->aud), "%s", j->feed);
	snprintf(r->since, sizeof(r->since), "%s", j->fr.cursor);
	r->ts = pf_now_ms() / 1000;
	r->limit = PF_FETCH_LIMIT;
	pf_buf_reset(&j->body);
	if ((e = make_nonce(r->nonce)) == PF_OK &&
	    (e = pf_fetch_request(r, &plain)) == PF_OK &&
	    (e = pf_envelope_seal(j->f->n->kr, r->peer, plain.data, plain.len,
	    0, &j->body)) == PF_OK)
		e = send_xfer(j, j->body.data, j->body.len, j->fr.etag);
	pf_buf_free(&plain);
	return e;
}

/* Start a job: the cheap probe when an ETag is saved, else the request. */
static enum pf_err
job_start(struct job *j)
{
	if (j->fr.etag[0] != '\0' && j->f->n->self[0] != '\0') {
		j->probing = 1;
		return send_xfer(j, "", 0, j->fr.etag);
	}
	return job_request(j);
}

/* Write the page's posts (signature, then post), index them, save state. */
static enum pf_err
page_commit(struct job *j, const struct pf_fetch_page *pg)
{
	struct pf_node		*n = j->f->n;
	struct pf_index_item	*it = NULL;
	char			 rel[192];
	size_t			 i;
	enum pf_err		 e;

	if (pg->n > 0 && (it = calloc(pg->n, sizeof(*it))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = pf_store_lock(n->st, 1)) != PF_OK)
		goto out;
	for (i = 0; i < pg->n && e == PF_OK; i++) {
		const struct pf_fetch_post *p = &pg->posts[i];

		snprintf(rel, sizeof(rel), "friends/%s/posts/%s.json.sig",
		    j->fr.fpr, p->post->id);
		if ((e = pf_store_write(n->st, rel, p->sig, p->sig_len)) != PF_OK)
			break;
		rel[strlen(rel) - 4] = '\0';
		e = pf_store_write(n->st, rel, p->json, p->json_len);
		it[i] = (struct pf_index_item){ p->post, p->json, p->json_len,
		    p->sig, p->sig_len, 0 };
	}
	if (e == PF_OK && pg->n > 0)
		e = pf_index_put(n->ix, it, pg->n);
	if (e == PF_OK) {
		memcpy(j->fr.cursor, pg->next, sizeof(j->fr.cursor));
		snprintf(j->fr.etag, sizeof(j->fr.etag), "%s", pg->more ? "" :
		    j->x.resp_etag);
		e = pf_friend_save(n->st, &j->fr);
	}
	pf_store_unlock(n->st);
out:
	free(it);
	return e;
}

/* Open, check and store the page in the job's answer; *more if it goes on. */
static enum pf_err
page_take(struct job *j, int *more)
{
	struct pf_fetch_page	 pg = { 0 };
	struct pf_buf		 plain = { 0 };
	char			 signer[PF_FPR_MAX];
	int64_t			 t;
	enum pf_err		 e;

	if (strncasecmp(j->x.resp_ctype, PGP_TYPE, strlen(PGP_TYPE)) != 0)
		return pf_err(PF_ERR_INVALID, "answer is not %s", PGP_TYPE);
	if ((e = pf_envelope_open(j->f->n->kr, j->x.resp.data, j->x.resp.len,
	    PF_FETCH_PLAIN_MAX, &plain, signer, &t)) != PF_OK)
		goto out;
	if (strcmp(signer, j->fr.fpr) != 0) {
		e = pf_err(PF_ERR_BADSIG, "answer signed by %s, not by the "
		    "friend", signer);
		goto out;
	}
	if ((e = pf_fetch_page_parse(plain.data, plain.len, &j->req,
	    &pg)) != PF_OK)
		goto out;
	if (pg.more && strcmp(pg.next, j->req.since) == 0) {
		e = pf_err(PF_ERR_INVALID, "response: next does not move past "
		    "since, yet more is true");
		goto out;
	}
	if ((e = page_commit(j, &pg)) != PF_OK)
		goto out;
	j->nposts += pg.n;
	j->f->stats->pages++;
	*more = pg.more;
out:
	pf_fetch_page_free(&pg);
	pf_buf_free(&plain);
	return e;
}

/* "HTTP 403: <detail>" from an error answer's JSON body, if it has one. */
static enum pf_err
http_error(const struct pf_xfer *x)
{
	struct json_object	*o = NULL;
	const char		*d = "";
	char			 clean[160];
	enum pf_err		 e;

	if (pf_json_parse(x->resp.data ? x->resp.data : "", x->resp.len, 2,
	    &o) == PF_OK)
		(void)pf_json_get_str(o, "detail", 0, 150, &d);
	pf_log_sanitize(d, clean, sizeof(clean));
	e = pf_err(PF_ERR_NETWORK, "HTTP %ld%s%s", x->status,
	    clean[0] ? ": " : "", clean);
	json_object_put(o);
	return e;
}

/* A transfer of job j is done: take the next step. */
static void
job_step(struct job *j)
{
	struct pf_xfer	*x = &j->x;
	int		 more = 0;
	enum pf_err	 e;

	j->f->stats->bytes += x->resp.len;
	if (x->err != PF_OK) {
		job_end(j, x->err, x->error);
		return;
	}
	if (x->status == 304) {
		j->idle = 1;
		job_end(j, PF_OK, NULL);
		return;
	}
	if (j->probing) {
		/* The ETag is stale: ask properly. */
		j->probing = 0;
		e = job_request(j);
	} else if (x->status != 200)
		e = http_error(x);
	else if ((e = page_take(j, &more)) == PF_OK && more)
		e = job_request(j);
	else if (e == PF_OK) {
		job_end(j, PF_OK, NULL);
		return;
	}
	if (e != PF_OK)
		job_fail(j, e);
}

/* Make the job for friend fpr and start it; 0 if it has no URL. */
static int
job_new(struct pf_fetcher *f, const char *fpr)
{
	struct job	*j;
	char		 why[PF_RESULT_MAX];
	enum pf_err	 e;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	j->f = f;
	if ((e = pf_friend_load(f->n->st, fpr, &j->fr)) != PF_OK) {
		snprintf(j->fr.fpr, sizeof(j->fr.fpr), "%s", fpr);
		snprintf(why, sizeof(why), "%s", pf_errmsg());
		f->stats->friends++;
		f->stats->failed++;
		if (f->opts->report != NULL) {
			pf_log_sanitize(why, j->fr.result, sizeof(j->fr.result));
			f->opts->report(&j->fr, 0, 0, f->opts->arg);
		}
		free(j);
		return 0;
	}
	if (j->fr.url[0] == '\0') {
		free(j);
		return 0;
	}
	f->stats->friends++;
	snprintf(j->feed, sizeof(j->feed), "%s/feed", j->fr.url);
	if ((e = job_start(j)) != PF_OK)
		job_fail(j, e);
	return 0;
}

enum pf_err
pf_fetch_run(struct pf_fetcher *f, const struct pf_fetch_opts *o,
    struct pf_fetch_stats *s)
{
	struct pf_xfer	 *x;
	char		**fprs = NULL;
	size_t		  nf = 0, i;
	enum pf_err	  e;

	memset(s, 0, sizeof(*s));
	f->opts = o;
	f->stats = s;
	if ((e = pf_friend_list(f->n->st, &fprs, &nf)) != PF_OK)
		return e;
	if ((e = pf_net_open(&o->limits, o->jobs, &f->net)) != PF_OK)
		goto out;
	for (i = 0; i < nf; i++)
		if (job_new(f, fprs[i]) == -1) {
			e = pf_err(PF_ERR_NOMEM, "out of memory");
			break;
		}
	while (pf_net_wait(f->net, &x) == PF_OK)
		job_step(x->arg);
out:
	pf_net_close(f->net);
	f->net = NULL;
	pf_store_names_free(fprs, nf);
	return e;
}
