/*
 * dht.c: a short-lived OpenDHT node (libopendht-c).  The runner works on
 * its own thread and calls back from there; every operation is a struct
 * dht_op that the callbacks fill under the node's mutex and the caller
 * waits on with a deadline.  An operation the caller stopped waiting for
 * stays allocated until pf_dht_close() has stopped the runner, so a late
 * callback never writes into freed memory.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opendht/opendht_c.h>

#include "dht.h"

#define HOST_MAX	256	/* bytes of a bootstrap host name, NUL included */
#define LIST_MAX	1024	/* bytes of the dht_bootstrap setting */

struct dht_op {
	struct dht_op		*next;
	struct pf_dht		*d;
	int			 done, ok;
	/* get: the values kept, and how many were not */
	struct pf_dht_value	*vals;
	size_t			 n, max, maxlen, dropped;
	int			 nomem;
};

struct pf_dht {
	dht_runner	*runner;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct dht_op	*ops;
};

/* One "host:port" or "[v6]:port" entry of [s, s + len) into host, port. */
static enum pf_err
parse_hostport(const char *s, size_t len, char host[HOST_MAX], char port[6])
{
	const char	*colon, *h = s, *end = s + len;
	size_t		 hl, i;
	long		 p;
	char		*pe;

	if (len > 0 && s[0] == '[') {
		if ((colon = memchr(s, ']', len)) == NULL || colon + 1 >= end ||
		    colon[1] != ':')
			return pf_err(PF_ERR_CONFIG, "dht_bootstrap: \"%.*s\": an "
			    "IPv6 address is written [addr]:port", (int)len, s);
		h = s + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		for (colon = end; colon > s && colon[-1] != ':'; colon--)
			;
		if (colon == s)
			return pf_err(PF_ERR_CONFIG, "dht_bootstrap: \"%.*s\": "
			    "expected host:port", (int)len, s);
		colon--;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= HOST_MAX)
		return pf_err(PF_ERR_CONFIG, "dht_bootstrap: \"%.*s\": the host "
		    "must have 1 to %d characters", (int)len, s, HOST_MAX - 1);
	for (i = 0; i < hl; i++)
		if (!isalnum((unsigned char)h[i]) && strchr(".-:_", h[i]) == NULL)
			return pf_err(PF_ERR_CONFIG, "dht_bootstrap: \"%.*s\": bad "
			    "character in host", (int)len, s);
	memcpy(host, h, hl);
	host[hl] = '\0';
	if ((size_t)(end - colon - 1) > 5 || end - colon - 1 == 0)
		goto badport;
	memcpy(port, colon + 1, (size_t)(end - colon - 1));
	port[end - colon - 1] = '\0';
	errno = 0;
	p = strtol(port, &pe, 10);
	if (*pe != '\0' || !isdigit((unsigned char)port[0]) || p < 1 || p > 65535)
		goto badport;
	return PF_OK;
badport:
	return pf_err(PF_ERR_CONFIG, "dht_bootstrap: \"%.*s\": the port must be "
	    "a number from 1 to 65535", (int)len, s);
}

/* Call fn for each bootstrap entry; at most PF_DHT_BOOTSTRAP_MAX. */
static enum pf_err
each_bootstrap(const char *list, dht_runner *r, size_t *count)
{
	char		 host[HOST_MAX], port[6];
	const char	*p = list, *q;
	size_t		 n = 0;
	enum pf_err	 e;

	if (strlen(list) >= LIST_MAX)
		return pf_err(PF_ERR_CONFIG, "dht_bootstrap: longer than %d "
		    "characters", LIST_MAX - 1);
	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && *q != ',' && !isspace((unsigned char)*q); q++)
			;
		if (++n > PF_DHT_BOOTSTRAP_MAX)
			return pf_err(PF_ERR_CONFIG, "dht_bootstrap: more than %d "
			    "nodes", PF_DHT_BOOTSTRAP_MAX);
		if ((e = parse_hostport(p, (size_t)(q - p), host, port)) != PF_OK)
			return e;
		if (r != NULL)
			dht_runner_bootstrap(r, host, port);
		p = q;
	}
	*count = n;
	return PF_OK;
}

/* dht_listen: "", "PORT" or "ADDR:PORT" with a wildcard ADDR. */
static enum pf_err
parse_listen(const char *s, unsigned *port)
{
	static const char *const any[] = { "*", "0.0.0.0", "[::]", "::", NULL };
	const char	*colon, *num = s;
	char		*end;
	size_t		 i;
	long		 p;

	*port = 0;
	if (*s == '\0')
		return PF_OK;
	if ((colon = strrchr(s, ':')) != NULL) {
		num = colon + 1;
		for (i = 0; any[i] != NULL; i++)
			if (strlen(any[i]) == (size_t)(colon - s) &&
			    strncmp(s, any[i], (size_t)(colon - s)) == 0)
				break;
		if (any[i] == NULL)
			return pf_err(PF_ERR_CONFIG, "dht_listen: \"%.60s\": "
			    "libopendht-c binds every address, so the address "
			    "must be *, 0.0.0.0 or [::] (or give the port alone)", s);
	}
	errno = 0;
	p = strtol(num, &end, 10);
	if (!isdigit((unsigned char)*num) || *end != '\0' || errno != 0 ||
	    p < 0 || p > 65535)
		return pf_err(PF_ERR_CONFIG, "dht_listen: \"%.60s\": the port must "
		    "be a number from 0 (any) to 65535", s);
	*port = (unsigned)p;
	return PF_OK;
}

enum pf_err
pf_dht_check_conf(const char *listen, const char *bootstrap, unsigned *port)
{
	size_t		n;
	enum pf_err	e;

	if ((e = parse_listen(listen, port)) != PF_OK ||
	    (e = each_bootstrap(bootstrap, NULL, &n)) != PF_OK)
		return e;
	return PF_OK;
}

enum pf_err
pf_dht_open(const char *listen, const char *bootstrap, struct pf_dht **out)
{
	dht_runner_config	 cfg;
	pthread_condattr_t	 ca;
	struct pf_dht		*d;
	unsigned		 port;
	size_t			 n;
	int			 rc;
	enum pf_err		 e;

	if ((e = pf_dht_check_conf(listen, bootstrap, &port)) != PF_OK)
		return e;
	if ((e = each_bootstrap(bootstrap, NULL, &n)) != PF_OK)
		return e;
	if (n == 0)
		return pf_err(PF_ERR_CONFIG, "dht_bootstrap is empty: set it in "
		    "peerfeed.conf (e.g. dht_bootstrap = bootstrap.jami.net:4222) "
		    "to use the DHT");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	pthread_mutex_init(&d->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((d->runner = dht_runner_new()) == NULL) {
		pf_dht_close(d);
		return pf_err(PF_ERR_NOMEM, "out of memory");
	}
	/*
	 * The defaults: a threaded runner on the public network (id 0), no
	 * identity (our records carry their own OpenPGP signature), no
	 * local peer discovery (no multicast), no proxy, no log.
	 */
	dht_runner_config_default(&cfg);
	cfg.peer_discovery = false;
	cfg.peer_publish = false;
	cfg.log = false;
	if ((rc = dht_runner_run_config(d->runner, (in_port_t)port, &cfg)) != 0) {
		pf_dht_close(d);
		return pf_err(PF_ERR_SYS, "dht_listen: cannot start a DHT node on "
		    "UDP port %u: %s", port, strerror(rc < 0 ? -rc : rc));
	}
	(void)each_bootstrap(bootstrap, d->runner, &n);
	*out = d;
	return PF_OK;
}

void
pf_dht_close(struct pf_dht *d)
{
	struct dht_op *op, *next;

	if (d == NULL)
		return;
	/* Deleting the runner joins its threads: no callback runs after. */
	if (d->runner != NULL)
		dht_runner_delete(d->runner);
	for (op = d->ops; op != NULL; op = next) {
		next = op->next;
		pf_dht_values_free(op->vals, op->n);
		free(op);
	}
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

static void
key_of(const char *fpr, dht_infohash *h)
{
	char buf[sizeof(PF_DHT_KEY_PREFIX) + PF_FPR_MAX];

	snprintf(buf, sizeof(buf), "%s%s", PF_DHT_KEY_PREFIX, fpr);
	dht_infohash_get(h, (const uint8_t *)buf, strlen(buf));
}

void
pf_dht_key(const char *fpr, char hex[41])
{
	dht_infohash h;

	key_of(fpr, &h);
	snprintf(hex, 41, "%s", dht_infohash_print(&h));
}

static struct dht_op *
op_new(struct pf_dht *d)
{
	struct dht_op *op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		return NULL;
	op->d = d;
	pthread_mutex_lock(&d->mu);
	op->next = d->ops;
	d->ops = op;
	pthread_mutex_unlock(&d->mu);
	return op;
}

/* The runner's thread: the operation ended. */
static void
op_done(bool ok, void *arg)
{
	struct dht_op *op = arg;

	pthread_mutex_lock(&op->d->mu);
	op->done = 1;
	op->ok = ok;
	pthread_cond_broadcast(&op->d->cv);
	pthread_mutex_unlock(&op->d->mu);
}

/* The runner's thread: one value found; copy it if there is room. */
static bool
op_value(const dht_value *v, void *arg)
{
	struct dht_op		*op = arg;
	struct pf_dht_value	*slot;
	dht_data_view		 view = dht_value_get_data(v);

	pthread_mutex_lock(&op->d->mu);
	if (op->done || op->n >= op->max || view.size > op->maxlen ||
	    view.size == 0) {
		op->dropped++;
	} else {
		slot = &op->vals[op->n];
		if ((slot->data = malloc(view.size)) == NULL) {
			op->nomem = 1;
		} else {
			memcpy(slot->data, view.data, view.size);
			slot->len = view.size;
			op->n++;
		}
	}
	pthread_mutex_unlock(&op->d->mu);
	return true;
}

/* Wait until op is done or timeout_ms passed; the mutex is held. */
static void
op_wait(struct dht_op *op, int timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!op->done)
		if (pthread_cond_timedwait(&op->d->cv, &op->d->mu, &ts) == ETIMEDOUT)
			break;
}

enum pf_err
pf_dht_put(struct pf_dht *d, const char *fpr, const void *data, size_t len,
    int timeout_ms)
{
	struct dht_op	*op;
	dht_infohash	 h;
	dht_value	*v;
	enum pf_err	 e = PF_OK;

	if ((op = op_new(d)) == NULL ||
	    (v = dht_value_new(data, len)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	key_of(fpr, &h);
	dht_runner_put(d->runner, &h, v, op_done, op, false);
	dht_value_unref(v);
	pthread_mutex_lock(&d->mu);
	op_wait(op, timeout_ms);
	if (!op->done)
		e = pf_err(PF_ERR_NETWORK, "no DHT node stored the record within "
		    "%d s: are the dht_bootstrap nodes reachable (UDP)?",
		    timeout_ms / 1000);
	else if (!op->ok)
		e = pf_err(PF_ERR_NETWORK, "no DHT node stored the record: are "
		    "the dht_bootstrap nodes reachable (UDP)?");
	op->done = 1;
	pthread_mutex_unlock(&d->mu);
	return e;
}

enum pf_err
pf_dht_get(struct pf_dht *d, const char *fpr, size_t maxlen, size_t max,
    int timeout_ms, struct pf_dht_value **vals, size_t *n, size_t *dropped)
{
	struct dht_op	*op;
	dht_infohash	 h;
	enum pf_err	 e = PF_OK;

	if ((op = op_new(d)) == NULL ||
	    (op->vals = calloc(max ? max : 1, sizeof(*op->vals))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	op->max = max;
	op->maxlen = maxlen;
	key_of(fpr, &h);
	dht_runner_get(d->runner, &h, op_value, op_done, op);
	pthread_mutex_lock(&d->mu);
	op_wait(op, timeout_ms);
	if (op->nomem)
		e = pf_err(PF_ERR_NOMEM, "out of memory");
	else if (op->n == 0 && !op->done)
		e = pf_err(PF_ERR_NETWORK, "the DHT search found nothing within "
		    "%d s: are the dht_bootstrap nodes reachable (UDP)?",
		    timeout_ms / 1000);
	else if (op->n == 0 && !op->ok)
		e = pf_err(PF_ERR_NETWORK, "the DHT search failed: are the "
		    "dht_bootstrap nodes reachable (UDP)?");
	if (e == PF_OK) {
		/* The values move to the caller; late ones are dropped. */
		*vals = op->vals;
		*n = op->n;
		*dropped = op->dropped;
		op->vals = NULL;
		op->n = 0;
		op->max = 0;
	}
	op->done = 1;
	pthread_mutex_unlock(&d->mu);
	return e;
}

void
pf_dht_values_free(struct pf_dht_value *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].data);
	free(v);
}
