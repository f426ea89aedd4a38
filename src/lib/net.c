/*
 * net.c: the HTTP transport (net.h), the only user of libcurl.
 * One curl multi handle runs up to `jobs` transfers at once; every easy
 * handle gets the bounds of doc/DESIGN.md section 6:
 * connect and total timeouts, a low-speed limit, http/https only (also
 * after redirects), at most max_redirs redirects, no netrc, no
 * Accept-Encoding (so no decompression bombs), and a byte cap enforced in
 * the write callback, since libcurl 7.88 does not cap bodies of unknown
 * length itself.  An .onion URL goes through tor's SOCKS port with the
 * name resolved by tor (pf_net_tor_socks()); libcurl 7.88 would otherwise
 * ask DNS for it, so a resolver hook refuses any lookup of an .onion name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "net.h"
#include "urls.h"

/* "socks5h://ADDR:PORT" of tor_socks; "" = none. */
static char tor_proxy[96];

struct pf_net {
	CURLM			*multi;
	struct pf_net_limits	 lim;
	int			 jobs;
	int			 running;	/* easy handles in multi */
	struct pf_xfer		**queue;	/* waiting to start */
	size_t			 nqueue, capqueue;
};

/* What the transport keeps per transfer. */
struct xpriv {
	CURL			*easy;
	struct curl_slist	*hdrs;
	struct pf_net		*net;
	int			 over;		/* body cap hit */
	int			 onion;		/* an .onion URL, through tor_proxy */
	char			 errbuf[CURL_ERROR_SIZE];
};

void
pf_net_tor_socks(const char *hostport)
{
	if (hostport == NULL || hostport[0] == '\0')
		tor_proxy[0] = '\0';
	else
		snprintf(tor_proxy, sizeof(tor_proxy), "socks5h://%s", hostport);
}

/*
 * Called before every name lookup: refuse one while the URL being fetched
 * (a redirect's included) is an .onion URL not going through tor, so an
 * onion name never reaches DNS.  Through tor, the one lookup is of the
 * proxy's numeric address.
 */
static int
on_resolve(void *resolver, void *reserved, void *arg)
{
	struct xpriv	*xp = arg;
	char		*u = NULL;

	(void)resolver;
	(void)reserved;
	if (xp->onion)
		return 0;
	if (curl_easy_getinfo(xp->easy, CURLINFO_EFFECTIVE_URL, &u) != CURLE_OK ||
	    u == NULL || pf_url_onion(u))
		return 1;
	return 0;
}

/* Route an .onion URL through tor's SOCKS port, following no redirect. */
int
pf_net_tor_set(void)
{
	return tor_proxy[0] != '\0';
}

static enum pf_err
easy_onion(CURL *h, struct pf_xfer *x)
{
	struct xpriv	*xp = x->priv;
	CURLcode	 c;

	if (curl_easy_setopt(h, CURLOPT_RESOLVER_START_FUNCTION, on_resolve) ||
	    curl_easy_setopt(h, CURLOPT_RESOLVER_START_DATA, xp))
		return pf_err(PF_ERR_NETWORK, "curl: no resolver hook");
	if (!pf_url_onion(x->url))
		return PF_OK;
	if (tor_proxy[0] == '\0')
		return pf_err(PF_ERR_NETWORK, "an .onion URL, skipped: no "
		    "tor_socks in peerfeed.conf (doc/INSTALL.md, \"Friends on "
		    "other networks\")");
	xp->onion = 1;
	if ((c = curl_easy_setopt(h, CURLOPT_PROXY, tor_proxy)) ||
	    (c = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L)))
		return pf_err(PF_ERR_NETWORK, "curl: %s", curl_easy_strerror(c));
	return PF_OK;
}

void
pf_net_limits_default(struct pf_net_limits *l, size_t max_body)
{
	l->connect_timeout = 10;
	l->timeout = 60;
	l->low_speed = 256;
	l->low_speed_time = 20;
	l->max_body = max_body;
	l->max_redirs = 3;
}

enum pf_err
pf_net_open(const struct pf_net_limits *lim, int jobs, struct pf_net **out)
{
	static int	 inited;
	struct pf_net	*n;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return pf_err(PF_ERR_NETWORK, "curl_global_init failed");
		inited = 1;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((n->multi = curl_multi_init()) == NULL) {
		free(n);
		return pf_err(PF_ERR_NOMEM, "curl_multi_init failed");
	}
	n->lim = *lim;
	n->jobs = jobs < 1 ? 1 : jobs;
	*out = n;
	return PF_OK;
}

void
pf_net_close(struct pf_net *n)
{
	if (n == NULL)
		return;
	curl_multi_cleanup(n->multi);
	free(n->queue);
	free(n);
}

/* The byte cap of x's body: its own, else the engine's. */
static size_t
body_cap(const struct pf_net *n, const struct pf_xfer *x)
{
	return x->max_body != 0 ? x->max_body : n->lim.max_body;
}

/* Write callback: append to the body, abort the transfer past the cap. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct pf_xfer	*x = arg;
	struct xpriv	*xp = x->priv;
	size_t		 n = size * nmemb;

	if (n > body_cap(xp->net, x) - x->resp.len) {
		xp->over = 1;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	if (pf_buf_add(&x->resp, p, n) != PF_OK)
		return 0;
	return n;
}

/*
 * Retry-After as delta-seconds (RFC 9110 10.2.3) in [p, p + n), or -1 (an
 * HTTP date, or anything else, is not waited for).
 */
static long
retry_secs(const char *p, size_t n)
{
	size_t	k = 0;
	long	v = 0;

	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	if (k == n || p[k] < '0' || p[k] > '9')
		return -1;
	for (; k < n && p[k] >= '0' && p[k] <= '9'; k++)
		if ((v = v * 10 + (p[k] - '0')) > 86400)
			return -1;
	while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' ||
	    p[k] == '\n'))
		k++;
	return k == n ? v : -1;
}

/*
 * Header callback: keep ETag and Content-Type (printable, bounded) and
 * Retry-After.
 */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct pf_xfer	*x = arg;
	size_t		 n = size * nmemb, k, i;
	char		*dst = NULL;
	size_t		 cap = 0;

	if (n > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		x->retry_after = retry_secs(p + 12, n - 12);
		return n;
	}
	if (n > 5 && strncasecmp(p, "ETag:", 5) == 0)
		k = 5, dst = x->resp_etag, cap = sizeof(x->resp_etag);
	else if (n > 13 && strncasecmp(p, "Content-Type:", 13) == 0)
		k = 13, dst = x->resp_ctype, cap = sizeof(x->resp_ctype);
	else
		return n;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	for (i = 0; k < n && p[k] >= 0x20 && p[k] < 0x7f && i + 1 < cap; k++)
		dst[i++] = p[k];
	dst[i] = '\0';
	return n;
}

/* Set the bounded options on an easy handle; CURLE_OK or the first error. */
static CURLcode
easy_limits(CURL *h, const struct pf_net_limits *l)
{
	CURLcode c;

	if ((c = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https")) ||
	    (c = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")) ||
	    (c = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L)) ||
	    (c = curl_easy_setopt(h, CURLOPT_MAXREDIRS, l->max_redirs)) ||
	    (c = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, l->connect_timeout)) ||
	    (c = curl_easy_setopt(h, CURLOPT_TIMEOUT, l->timeout)) ||
	    (c = curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, l->low_speed)) ||
	    (c = curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, l->low_speed_time)) ||
	    (c = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L)) ||
	    (c = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L)) ||
	    (c = curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED)) ||
	    (c = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L)))
		return c;
	return curl_easy_setopt(h, CURLOPT_USERAGENT, "peerfeed-fetch/"
	    PACKAGE_VERSION);
}

/* Request headers of x into a list; NULL on allocation failure. */
static struct curl_slist *
make_headers(const struct pf_xfer *x)
{
	struct curl_slist	*l = NULL, *t;
	char			 line[PF_ETAG_MAX + 200];

	/* An empty "Expect:" stops curl waiting for 100-continue. */
	if ((l = curl_slist_append(l, "Expect:")) == NULL)
		return NULL;
	if (x->ctype != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", x->ctype);
		if ((t = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = t;
	}
	if (x->from != NULL) {
		snprintf(line, sizeof(line), "Peerfeed-From: %s", x->from);
		if ((t = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = t;
	}
	if (x->etag != NULL && x->etag[0] != '\0') {
		snprintf(line, sizeof(line), "If-None-Match: %s", x->etag);
		if ((t = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = t;
	}
	return l;
fail:
	curl_slist_free_all(l);
	return NULL;
}

/* The easy handle for x, ready to add to the multi handle. */
static enum pf_err
easy_make(struct pf_net *n, struct pf_xfer *x)
{
	struct xpriv	*xp = x->priv;
	CURL		*h;
	CURLcode	 c;
	enum pf_err	 e;

	if ((h = curl_easy_init()) == NULL ||
	    (xp->hdrs = make_headers(x)) == NULL) {
		curl_easy_cleanup(h);
		return pf_err(PF_ERR_NOMEM, "out of memory");
	}
	xp->easy = h;
	if ((c = easy_limits(h, &n->lim)) ||
	    (c = curl_easy_setopt(h, CURLOPT_URL, x->url)) ||
	    (c = curl_easy_setopt(h, CURLOPT_HTTPHEADER, xp->hdrs)) ||
	    (c = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body)) ||
	    (c = curl_easy_setopt(h, CURLOPT_WRITEDATA, x)) ||
	    (c = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header)) ||
	    (c = curl_easy_setopt(h, CURLOPT_HEADERDATA, x)) ||
	    (c = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, xp->errbuf)) ||
	    (c = curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)body_cap(n, x))) ||
	    (c = curl_easy_setopt(h, CURLOPT_PRIVATE, x)))
		return pf_err(PF_ERR_NETWORK, "curl: %s", curl_easy_strerror(c));
	if ((e = easy_onion(h, x)) != PF_OK)
		return e;
	if (x->body != NULL &&
	    ((c = curl_easy_setopt(h, CURLOPT_POST, 1L)) ||
	    (c = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)x->body_len)) ||
	    (c = curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body))))
		return pf_err(PF_ERR_NETWORK, "curl: %s", curl_easy_strerror(c));
	return PF_OK;
}

void
pf_xfer_free(struct pf_xfer *x)
{
	struct xpriv *xp = x->priv;

	if (xp != NULL) {
		curl_easy_cleanup(xp->easy);
		curl_slist_free_all(xp->hdrs);
		free(xp);
		x->priv = NULL;
	}
	pf_buf_free(&x->resp);
}

/* Start x now: make its handle and add it to the multi handle. */
static enum pf_err
start_now(struct pf_net *n, struct pf_xfer *x)
{
	struct xpriv	*xp;
	enum pf_err	 e;

	if ((xp = calloc(1, sizeof(*xp))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	xp->net = n;
	x->priv = xp;
	if ((e = easy_make(n, x)) != PF_OK)
		return e;
	if (curl_multi_add_handle(n->multi, xp->easy) != CURLM_OK)
		return pf_err(PF_ERR_NETWORK, "curl_multi_add_handle failed");
	n->running++;
	return PF_OK;
}

enum pf_err
pf_net_start(struct pf_net *n, struct pf_xfer *x)
{
	struct pf_xfer	**q;

	pf_xfer_free(x);
	x->err = PF_OK;
	x->error[0] = x->resp_etag[0] = x->resp_ctype[0] = '\0';
	x->status = 0;
	x->retry_after = -1;
	x->resp.limit = 0;
	if (n->running < n->jobs && x->not_before <= pf_now_ms())
		return start_now(n, x);
	if (n->nqueue == n->capqueue) {
		n->capqueue = n->capqueue ? n->capqueue * 2 : 16;
		if ((q = reallocarray(n->queue, n->capqueue, sizeof(*q))) == NULL)
			return pf_err(PF_ERR_NOMEM, "out of memory");
		n->queue = q;
	}
	n->queue[n->nqueue++] = x;
	return PF_OK;
}

/* Record how transfer x ended (code c) and take it out of the multi. */
static void
finish(struct pf_net *n, struct pf_xfer *x, CURLcode c)
{
	struct xpriv	*xp = x->priv;

	curl_multi_remove_handle(n->multi, xp->easy);
	n->running--;
	curl_easy_getinfo(xp->easy, CURLINFO_RESPONSE_CODE, &x->status);
	if (xp->over || c == CURLE_FILESIZE_EXCEEDED) {
		x->err = PF_ERR_LIMIT;
		snprintf(x->error, sizeof(x->error), "response larger than %zu "
		    "bytes: aborted", body_cap(n, x));
	} else if (c != CURLE_OK && xp->onion) {
		x->err = PF_ERR_NETWORK;
		snprintf(x->error, sizeof(x->error), "through tor's SOCKS port "
		    "%.64s: %.160s", tor_proxy + 10, xp->errbuf[0] ? xp->errbuf :
		    curl_easy_strerror(c));
	} else if (c != CURLE_OK) {
		x->err = PF_ERR_NETWORK;
		snprintf(x->error, sizeof(x->error), "%s%.200s", c ==
		    CURLE_COULDNT_RESOLVE_HOST && on_resolve(NULL, NULL, xp) ?
		    "refused: an .onion name is never looked up in DNS: " : "",
		    xp->errbuf[0] ? xp->errbuf : curl_easy_strerror(c));
	}
}

/*
 * Move the queued transfers that are due into free slots, in order; a
 * failure to start ends one.  *wait_ms: how long until the next queued
 * one is due (at most 1000).
 */
static struct pf_xfer *
fill_slots(struct pf_net *n, int *wait_ms)
{
	struct pf_xfer	*x;
	int64_t		 now = pf_now_ms();
	size_t		 i = 0;

	*wait_ms = 1000;
	while (i < n->nqueue && n->running < n->jobs) {
		x = n->queue[i];
		if (x->not_before > now) {
			if (x->not_before - now < *wait_ms)
				*wait_ms = (int)(x->not_before - now);
			i++;
			continue;
		}
		memmove(n->queue + i, n->queue + i + 1, (--n->nqueue - i) *
		    sizeof(*n->queue));
		if (start_now(n, x) != PF_OK) {
			x->err = PF_ERR_NETWORK;
			snprintf(x->error, sizeof(x->error), "%s", pf_errmsg());
			return x;
		}
	}
	return NULL;
}

enum pf_err
pf_net_wait(struct pf_net *n, struct pf_xfer **done)
{
	CURLMsg		*m;
	CURLMcode	 mc;
	int		 still, left, wait_ms;
	void		*p;

	for (;;) {
		if ((*done = fill_slots(n, &wait_ms)) != NULL)
			return PF_OK;
		if ((mc = curl_multi_perform(n->multi, &still)) != CURLM_OK)
			break;
		while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
			*done = p;
			finish(n, *done, m->data.result);
			return PF_OK;
		}
		if (n->running == 0 && n->nqueue == 0)
			return pf_err(PF_ERR_NOTFOUND, "no transfer running");
		/* With nothing running, this sleeps until the next is due. */
		if ((mc = curl_multi_poll(n->multi, NULL, 0, wait_ms,
		    NULL)) != CURLM_OK)
			break;
	}
	return pf_err(PF_ERR_NETWORK, "curl multi: %s", curl_multi_strerror(mc));
}

enum pf_err
pf_net_run_one(const struct pf_net_limits *lim, struct pf_xfer *x)
{
	struct pf_net	*n = NULL;
	struct pf_xfer	*done;
	enum pf_err	 e;

	if ((e = pf_net_open(lim, 1, &n)) == PF_OK &&
	    (e = pf_net_start(n, x)) == PF_OK)
		e = pf_net_wait(n, &done);
	pf_net_close(n);
	if (e == PF_OK && x->err != PF_OK)
		e = pf_err(x->err, "%s: %s", x->url, x->error);
	return e;
}
