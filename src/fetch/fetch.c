/*
 * fetch.c: one run of peerfeed-fetch (doc/DESIGN.md section 6).
 *
 * Every friend with a URL is a job, a small state machine driven by the
 * transfers it queues on the transport (net.h), so slow friends
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
 *            indexed, then the cursor and ETag saved (fetch_store.c);
 *            more: next request;
 *   media    once the feed is done (or idle), the Image attachments of
 *            the friend's stored posts that are not in friends/<fpr>/media
 *            yet, a bounded number per run (fetch_media.c).
 *
 * A run killed anywhere leaves the cursor at the last page whose posts are
 * all on disk and indexed; the next run asks again from there and writes
 * the same bytes again, so nothing is lost and nothing is duplicated.
 * Attachments come after the cursor moved, on purpose: a friend whose
 * media fails (or is hostile) must not hold its posts back.  They are not
 * lost either, since every run looks for the missing attachments of all
 * the friend's stored posts, not only of the pages it just received.
 * The keyring is opened on first need: a run where every friend answers
 * 304 and no attachment is missing starts no gpg process.
 *
 * A public job (pf_fetch_public) reads GET /feed pages of a node whose key
 * we hold instead, verifying every post's own signature.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "envelope.h"
#include "fetch_int.h"
#include "index.h"
#include "json.h"
#include "keyring.h"
#include "log.h"
#include "node.h"
#include "nodeinfo.h"
#include "post.h"
#include "store.h"
#include "urls.h"

#define RUN_LOCK	"tmp/fetch.lock"
#define PUBLIC_META	"fetch.public."	/* + fpr: a public feed's cursor */

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
	/*
	 * After an upgrade from v0.1.0: the public page before any post (the
	 * fetch timer runs on every node).  A directory it cannot open fails
	 * below with its reason.
	 */
	if (pf_node_publish_missing(dir) != PF_OK)
		pf_log("public pages: %s", pf_errmsg());
	if ((e = pf_node_open(dir, 0, &f->n)) != PF_OK ||
	    (e = run_lock(f, wait)) != PF_OK ||
	    (e = open_index(f, dir)) != PF_OK)
		goto fail;
	if (f->n->self[0] == '\0' && (pf_index_meta_get(f->n->ix, PF_FETCH_SELF_META,
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
	fetch_locate_free(f);
	pf_node_close(f->n);
	if (f->lockfd != -1)
		close(f->lockfd);
	free(f);
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

/*
 * The job is over: record the result (in state.json, unless a public job,
 * whose node may not be a friend), report, count, free the job.
 */
static void
fetch_end(struct job *j, enum pf_err err, const char *why)
{
	struct pf_fetch_stats	*s = j->f->stats;
	const struct pf_fetch_opts *o = j->f->opts;

	fetch_locate_end(j, err);
	if (err == PF_OK)
		snprintf(j->fr.result, sizeof(j->fr.result), "ok");
	else
		pf_log_sanitize(why, j->fr.result, sizeof(j->fr.result));
	j->fr.time_ms = pf_now_ms();
	if (err == PF_OK && !j->pub && save_state(j) != PF_OK) {
		err = PF_ERR_SYS;
		pf_log_sanitize(pf_errmsg(), j->fr.result, sizeof(j->fr.result));
	} else if (err != PF_OK && !j->pub)
		(void)save_state(j);
	if (err == PF_OK) {
		s->ok++;
		s->idle += (size_t)j->idle;
	} else if (j->blocked) {
		s->skipped++;
		if (o->note != NULL)
			o->note(&j->fr, j->fr.result, o->arg);
	} else
		s->failed++;
	s->posts += j->nposts;
	if (o->report != NULL)
		o->report(&j->fr, err == PF_OK || j->blocked, j->nposts,
		    o->arg);
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
	fetch_end(j, e, why);
}

/* Queue the request for the page after the cursor. */
static enum pf_err
job_request(struct job *j)
{
	struct pf_fetch_req	*r = &j->req;
	enum pf_err		 e;

	memset(r, 0, sizeof(*r));
	memcpy(r->peer, j->fr.fpr, sizeof(r->peer));
	snprintf(r->since, sizeof(r->since), "%s", j->fr.cursor);
	r->limit = PF_FETCH_LIMIT;
	if (j->pub) {
		r->pub = 1;
		if ((e = pf_fetch_public_url(fetch_base(j), r->since, r->limit,
		    j->url, sizeof(j->url))) != PF_OK)
			return e;
		return fetch_send(j, NULL, 0, "", 0);
	}
	snprintf(r->aud, sizeof(r->aud), "%s/feed", j->fr.url);
	snprintf(j->url, sizeof(j->url), "%s/feed", fetch_base(j));
	if ((e = fetch_seal(j, r)) != PF_OK)
		return e;
	return fetch_send(j, j->body.data, j->body.len, j->fr.etag, 0);
}

/* Start a job: the cheap probe when an ETag is saved, else the request. */
static enum pf_err
job_start(struct job *j)
{
	if (!j->pub && j->fr.etag[0] != '\0' && j->f->n->self[0] != '\0') {
		j->phase = JOB_PROBE;
		snprintf(j->url, sizeof(j->url), "%s/feed", fetch_base(j));
		return fetch_send(j, "", 0, j->fr.etag, 0);
	}
	j->phase = JOB_FEED;
	return job_request(j);
}

/* Attachments: start them or take the next; end the job when none is left. */
static void
job_media(struct job *j, int start)
{
	char		 why[PF_RESULT_MAX + 64];
	enum pf_err	 e;
	int		 busy;

	busy = start ? fetch_media_start(j, &e, why, sizeof(why)) :
	    fetch_media_step(j, &e, why, sizeof(why));
	if (!busy)
		fetch_end(j, e, e == PF_OK ? NULL : why);
}

/* A transfer of job j is done: take the next step. */
static void
job_step(struct job *j)
{
	struct pf_xfer	*x = &j->x;
	int		 more = 0;
	enum pf_err	 e;

	j->f->stats->bytes += x->resp.len;
	if (j->phase == JOB_MEDIA) {
		job_media(j, 0);
		return;
	}
	if (x->err != PF_OK) {
		/* A URL that does not connect: look for the friend elsewhere. */
		if (!fetch_locate_job(j))
			fetch_end(j, x->err, x->error);
		else if ((e = job_start(j)) != PF_OK)
			job_fail(j, e);
		return;
	}
	if (x->status == 304) {
		j->idle = 1;
		job_media(j, 1);
		return;
	}
	if (fetch_retry(j))
		/* The same step again, later: a new nonce, a new time. */
		e = j->phase == JOB_PROBE ? job_start(j) : job_request(j);
	else if (j->phase == JOB_PROBE) {
		/* The ETag is stale: ask properly. */
		j->phase = JOB_FEED;
		e = job_request(j);
	} else if (x->status != 200)
		e = fetch_http_error(j);
	else if ((e = fetch_store_page(j, &more)) == PF_OK && !more) {
		job_media(j, 1);
		return;
	} else if (e == PF_OK && ++j->npages >= PF_FETCH_PAGES_RUN)
		/*
		 * A friend that says "more" forever would hold the run (and
		 * its lock) forever: stop, the cursor is saved, the rest
		 * comes next run.
		 */
		e = pf_err(PF_ERR_LIMIT, "more than %d pages in one run: "
		    "stopped, the rest comes next run", PF_FETCH_PAGES_RUN);
	else if (e == PF_OK)
		e = job_request(j);
	if (e != PF_OK)
		job_fail(j, e);
}

/* Count and report a friend whose state cannot be read. */
static void
bad_state(struct pf_fetcher *f, const char *fpr)
{
	struct pf_friend	fr;

	memset(&fr, 0, sizeof(fr));
	snprintf(fr.fpr, sizeof(fr.fpr), "%s", fpr);
	pf_log_sanitize(pf_errmsg(), fr.result, sizeof(fr.result));
	f->stats->friends++;
	f->stats->failed++;
	if (f->opts->report != NULL)
		f->opts->report(&fr, 0, 0, f->opts->arg);
}

/*
 * An .onion URL goes wherever the SOCKS proxy connects it: before any
 * private request, its GET / must name the friend's pinned fingerprint
 * (doc/PROTOCOL.md, "Base URL").  PF_ERR_FORBIDDEN when it names another.
 */
static enum pf_err
onion_pinned(const struct job *j)
{
	struct pf_nodeinfo	 info;
	const char		*base = fetch_base(j);
	enum pf_err		 e;

	/* Without tor_socks, the request itself says it is skipped. */
	if (j->pub || !pf_url_onion(base) || !pf_net_tor_set())
		return PF_OK;
	if ((e = pf_nodeinfo_get(base, ONION_CONNECT_S, &info)) != PF_OK)
		return e;
	if (strcasecmp(info.fpr, j->fr.fpr) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "%.80s answers for %s, not for "
		    "this friend's key: no private request sent", base,
		    info.fpr);
	return PF_OK;
}

/* Make the job for friend fpr and start it; nothing if it has no URL. */
static enum pf_err
job_new(struct pf_fetcher *f, const char *fpr)
{
	struct job	*j;
	char		 why[PF_RESULT_MAX];
	enum pf_err	 e;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	j->f = f;
	if (pf_friend_load(f->n->st, fpr, &j->fr) != PF_OK)
		bad_state(f, fpr);
	if (j->fr.url[0] == '\0' && !fetch_locate_job(j)) {
		free(j);
		return PF_OK;
	}
	f->stats->friends++;
	if ((e = onion_pinned(j)) == PF_ERR_NETWORK) {
		/* As for a URL that does not connect: look elsewhere. */
		snprintf(why, sizeof(why), "%s", pf_errmsg());
		j->x.err = PF_ERR_NETWORK;
		if (!fetch_locate_job(j)) {
			fetch_end(j, e, why);
			return PF_OK;
		}
		e = PF_OK;
	}
	if (e != PF_OK || (e = job_start(j)) != PF_OK)
		job_fail(j, e);
	return PF_OK;
}

/* Start a run: the options and totals the jobs use, and the transport. */
static enum pf_err
run_begin(struct pf_fetcher *f, const struct pf_fetch_opts *o,
    struct pf_fetch_stats *s)
{
	memset(s, 0, sizeof(*s));
	f->opts = o;
	f->stats = s;
	return pf_net_open(&o->limits, o->jobs, &f->net);
}

/* Run the started jobs to their end, then close the transport. */
static void
run_drain(struct pf_fetcher *f)
{
	struct pf_xfer	*x;

	while (pf_net_wait(f->net, &x) == PF_OK)
		job_step(x->arg);
	pf_net_close(f->net);
	f->net = NULL;
}

enum pf_err
pf_fetch_run(struct pf_fetcher *f, const struct pf_fetch_opts *o,
    struct pf_fetch_stats *s)
{
	char		**fprs = NULL;
	size_t		  nf = 0, i;
	enum pf_err	  e;

	if ((e = run_begin(f, o, s)) != PF_OK)
		return e;
	if ((e = pf_friend_list(f->n->st, &fprs, &nf)) == PF_OK)
		for (i = 0; i < nf && e == PF_OK; i++)
			e = job_new(f, fprs[i]);
	run_drain(f);
	pf_store_names_free(fprs, nf);
	return e;
}

/* The owner of a public feed must be a usable key in our keyring. */
static enum pf_err
public_key(struct pf_fetcher *f, const char *fpr)
{
	struct pf_keyinfo	k;
	enum pf_err		e;

	if ((e = fetch_keyring(f)) != PF_OK)
		return e;
	if (pf_keyring_lookup(f->n->kr, fpr, &k) != PF_OK)
		return pf_err(PF_ERR_CONFIG, "%s: no such key in the keyring; "
		    "import the node's key first (peerfeed friend add KEYFILE, "
		    "having checked its fingerprint)", fpr);
	if (k.secret)
		return pf_err(PF_ERR_CONFIG, "%s: this node's own key", fpr);
	if (k.disabled || k.revoked || k.expired || k.invalid)
		return pf_err(PF_ERR_CONFIG, "%s: the key is %s", fpr,
		    k.disabled ? "blocked" : "revoked, expired or invalid");
	return PF_OK;
}

/*
 * The job for the public feed of fpr at url: friends/<fpr>/ made (and a
 * state.json without URL, if there was none, so the regular run leaves it
 * alone), the cursor read from the index.
 */
static enum pf_err
public_job(struct pf_fetcher *f, const char *url, const char *fpr,
    struct job **out)
{
	struct pf_cursor	 c;
	struct job		*j;
	enum pf_err		 e;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	j->f = f;
	j->pub = 1;
	memcpy(j->fr.fpr, fpr, sizeof(j->fr.fpr));
	snprintf(j->fr.url, sizeof(j->fr.url), "%s", url);
	snprintf(j->meta, sizeof(j->meta), "%s%s", PUBLIC_META, fpr);
	if (pf_index_meta_get(f->n->ix, j->meta, j->fr.cursor,
	    sizeof(j->fr.cursor)) != PF_OK ||
	    pf_cursor_parse(j->fr.cursor, &c) != PF_OK)
		j->fr.cursor[0] = '\0';
	if ((e = pf_store_lock(f->n->st, 1)) == PF_OK) {
		e = pf_friend_create(f->n->st, fpr, NULL);
		pf_store_unlock(f->n->st);
	}
	if (e != PF_OK) {
		free(j);
		return e;
	}
	*out = j;
	return PF_OK;
}

enum pf_err
pf_fetch_public(struct pf_fetcher *f, const struct pf_fetch_opts *o,
    const char *url, const char *fpr, struct pf_fetch_stats *s)
{
	struct job	*j = NULL;
	char		 key[PF_FPR_MAX];
	enum pf_err	 e;

	memset(s, 0, sizeof(*s));
	if (!pf_friend_url_valid(url))
		return pf_err(PF_ERR_INVALID, "%.80s: not an http:// or https:// "
		    "URL (at most %d bytes)", url, PF_URL_MAX - 1);
	if (pf_fpr_normalize(fpr, key) != PF_OK)
		return pf_err(PF_ERR_INVALID, "%.70s: not a fingerprint (40 or "
		    "64 hex digits)", fpr);
	if ((e = public_key(f, key)) != PF_OK ||
	    (e = run_begin(f, o, s)) != PF_OK)
		return e;
	if ((e = public_job(f, url, key, &j)) == PF_OK) {
		s->friends++;
		if ((e = job_start(j)) != PF_OK) {
			job_fail(j, e);
			e = PF_OK;
		}
	}
	run_drain(f);
	return e;
}
