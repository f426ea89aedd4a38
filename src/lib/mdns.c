/*
 * mdns.c: browse _peerfeed._tcp with avahi-client (the only user of it).
 *
 * One browse is a short-lived client on its own AvahiSimplePoll: a service
 * browser on every interface and protocol, a resolver for each service it
 * reports, and a loop that stops at the deadline, or earlier once the
 * browser said ALL_FOR_NOW (the daemon's cache and the first round of
 * queries are done) and no resolver is still pending.  Nothing here is
 * trusted: names are sanitized for display, the TXT path is checked, and
 * whoever answers at the URL is judged by its fingerprint elsewhere.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mdns.h"

#ifndef HAVE_AVAHI

int
pf_mdns_available(void)
{
	return 0;
}

enum pf_err
pf_mdns_browse(int timeout_ms, struct pf_mdns_node **out, size_t *n)
{
	(void)timeout_ms;
	*out = NULL;
	*n = 0;
	return pf_err(PF_ERR_CONFIG, "this build of peerfeed has no mDNS "
	    "support (configure --with-avahi, with libavahi-client-dev)");
}

#else /* HAVE_AVAHI */

#include <net/if.h>

#include <stdio.h>
#include <time.h>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/address.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/strlst.h>

/* A browse in progress. */
struct browse {
	AvahiSimplePoll		*poll;
	AvahiClient		*client;
	struct pf_mdns_node	*nodes;
	size_t			 n;
	int			 pending;	/* resolvers not answered yet */
	int			 all_for_now;
	int			 failed;	/* avahi error, or 0 */
	int			 nomem;
};

int
pf_mdns_available(void)
{
	return 1;
}

/* Milliseconds of a monotonic clock. */
static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * True if p is a base path we will put in a URL: "/" followed by
 * printable ASCII without space, '?', '#', '%' or '\', no "..".
 */
static int
path_ok(const char *p)
{
	size_t i;

	if (p[0] != '/' || strlen(p) > PF_MDNS_PATH_MAX || strstr(p, "..") != NULL)
		return 0;
	for (i = 0; p[i] != '\0'; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f || strchr("?#%\\\"<>", p[i]))
			return 0;
	return 1;
}

/* The value of the TXT record path=, into out; "" if there is none. */
static int
txt_path(AvahiStringList *txt, char out[PF_MDNS_PATH_MAX + 1])
{
	AvahiStringList	*s;
	char		*key = NULL, *val = NULL;
	size_t		 len;
	int		 ok = 1;

	out[0] = '\0';
	if ((s = avahi_string_list_find(txt, "path")) == NULL)
		return 1;
	if (avahi_string_list_get_pair(s, &key, &val, &len) != 0)
		return 0;
	if (val == NULL || len != strlen(val) || !path_ok(val))
		ok = 0;
	else {
		/* "/peerfeed/" and "/peerfeed" are one base. */
		snprintf(out, PF_MDNS_PATH_MAX + 1, "%s", val);
		len = strlen(out);
		while (len > 1 && out[len - 1] == '/')
			out[--len] = '\0';
		if (strcmp(out, "/") == 0)
			out[0] = '\0';
	}
	avahi_free(key);
	avahi_free(val);
	return ok;
}

/*
 * The URL of a resolved service into nd->url (":80" left out, as a node's
 * own url usually is); -1 if it does not fit.
 */
static int
node_url(struct pf_mdns_node *nd, const AvahiAddress *a, AvahiIfIndex ifc)
{
	char	ip[AVAHI_ADDRESS_STR_MAX], ifn[IF_NAMESIZE], port[8] = "";
	int	r;

	if (nd->port != 80)
		snprintf(port, sizeof(port), ":%u", nd->port);
	avahi_address_snprint(ip, sizeof(ip), a);
	if (a->proto == AVAHI_PROTO_INET6) {
		/* A link-local address means nothing without its interface. */
		if (strncasecmp(ip, "fe80:", 5) == 0 &&
		    if_indextoname((unsigned)ifc, ifn) != NULL) {
			snprintf(nd->addr, sizeof(nd->addr), "%s%%%s", ip, ifn);
			r = snprintf(nd->url, sizeof(nd->url),
			    "http://[%s%%25%s]%s%s", ip, ifn, port, nd->path);
		} else {
			snprintf(nd->addr, sizeof(nd->addr), "%s", ip);
			r = snprintf(nd->url, sizeof(nd->url), "http://[%s]%s%s",
			    ip, port, nd->path);
		}
	} else {
		snprintf(nd->addr, sizeof(nd->addr), "%s", ip);
		r = snprintf(nd->url, sizeof(nd->url), "http://%s%s%s", ip,
		    port, nd->path);
	}
	return r < 0 || (size_t)r >= sizeof(nd->url) ? -1 : 0;
}

/* Keep a resolved service, unless it is bad, a duplicate or one too many. */
static void
keep(struct browse *b, const char *name, const char *host,
    const AvahiAddress *a, AvahiIfIndex ifc, uint16_t port,
    AvahiStringList *txt)
{
	struct pf_mdns_node	nd, *nn;
	size_t			i;

	memset(&nd, 0, sizeof(nd));
	if (port == 0 || b->n >= PF_MDNS_MAX || !txt_path(txt, nd.path))
		return;
	nd.port = port;
	pf_log_sanitize(name != NULL ? name : "", nd.name, sizeof(nd.name));
	pf_log_sanitize(host != NULL ? host : "", nd.host, sizeof(nd.host));
	if (node_url(&nd, a, ifc) == -1)
		return;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->nodes[i].url, nd.url) == 0)
			return;
	if ((nn = reallocarray(b->nodes, b->n + 1, sizeof(*nn))) == NULL) {
		b->nomem = 1;
		return;
	}
	b->nodes = nn;
	b->nodes[b->n++] = nd;
}

static void
resolved(AvahiServiceResolver *r, AvahiIfIndex ifc, AvahiProtocol proto,
    AvahiResolverEvent ev, const char *name, const char *type,
    const char *domain, const char *host, const AvahiAddress *a,
    uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags flags,
    void *arg)
{
	struct browse *b = arg;

	(void)proto;
	(void)type;
	(void)domain;
	(void)flags;
	if (ev == AVAHI_RESOLVER_FOUND && a != NULL)
		keep(b, name, host, a, ifc, port, txt);
	b->pending--;
	avahi_service_resolver_free(r);
}

static void
browsed(AvahiServiceBrowser *sb, AvahiIfIndex ifc, AvahiProtocol proto,
    AvahiBrowserEvent ev, const char *name, const char *type,
    const char *domain, AvahiLookupResultFlags flags, void *arg)
{
	struct browse *b = arg;

	(void)flags;
	switch (ev) {
	case AVAHI_BROWSER_NEW:
		if (b->pending >= PF_MDNS_MAX)
			break;
		/* Resolve on the interface and protocol it was seen on. */
		if (avahi_service_resolver_new(b->client, ifc, proto, name, type,
		    domain, proto, 0, resolved, b) != NULL)
			b->pending++;
		break;
	case AVAHI_BROWSER_ALL_FOR_NOW:
		b->all_for_now = 1;
		break;
	case AVAHI_BROWSER_FAILURE:
		b->failed = avahi_client_errno(avahi_service_browser_get_client(sb));
		break;
	default:
		break;
	}
}

static void
client_state(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct browse *b = arg;

	if (state == AVAHI_CLIENT_FAILURE)
		b->failed = avahi_client_errno(c);
}

static int
node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pf_mdns_node *)a)->url,
	    ((const struct pf_mdns_node *)b)->url);
}

/* Run the poll loop until the browse is complete or the deadline. */
static void
run(struct browse *b, int timeout_ms)
{
	int64_t	end = mono_ms() + timeout_ms, left;

	while (!b->failed && !b->nomem &&
	    !(b->all_for_now && b->pending == 0) &&
	    (left = end - mono_ms()) > 0)
		if (avahi_simple_poll_iterate(b->poll, (int)left) != 0)
			break;
}

enum pf_err
pf_mdns_browse(int timeout_ms, struct pf_mdns_node **out, size_t *n)
{
	struct browse		 b;
	AvahiServiceBrowser	*sb = NULL;
	int			 err = 0;
	enum pf_err		 e = PF_OK;

	memset(&b, 0, sizeof(b));
	*out = NULL;
	*n = 0;
	if ((b.poll = avahi_simple_poll_new()) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	b.client = avahi_client_new(avahi_simple_poll_get(b.poll), 0,
	    client_state, &b, &err);
	if (b.client == NULL) {
		e = pf_err(PF_ERR_NETWORK, "cannot reach avahi-daemon (%s): is "
		    "it running, with D-Bus?", avahi_strerror(err));
		goto out;
	}
	if ((sb = avahi_service_browser_new(b.client, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, PF_MDNS_TYPE, NULL, 0, browsed, &b)) == NULL) {
		e = pf_err(PF_ERR_NETWORK, "avahi: cannot browse %s: %s",
		    PF_MDNS_TYPE, avahi_strerror(avahi_client_errno(b.client)));
		goto out;
	}
	run(&b, timeout_ms);
	if (b.nomem)
		e = pf_err(PF_ERR_NOMEM, "out of memory");
	else if (b.failed)
		e = pf_err(PF_ERR_NETWORK, "avahi: browsing %s failed: %s",
		    PF_MDNS_TYPE, avahi_strerror(b.failed));
out:
	/* Freeing the client frees the browser and pending resolvers. */
	if (b.client != NULL)
		avahi_client_free(b.client);
	avahi_simple_poll_free(b.poll);
	if (e != PF_OK) {
		free(b.nodes);
		return e;
	}
	if (b.n > 1)
		qsort(b.nodes, b.n, sizeof(*b.nodes), node_cmp);
	*out = b.nodes;
	*n = b.n;
	return PF_OK;
}

#endif /* HAVE_AVAHI */
