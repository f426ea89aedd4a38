/*
 * reach.c: peerfeed reach (reach.h).  Each run does what the reach setting
 * lists, undoes what it no longer lists, and saves what it holds in
 * reach.json (urls.h), whose URLs become the node's from then on (GET /,
 * the aud check, the DHT record).  A method gives a URL only when it can
 * stand behind it: the router's mapping read back points at this host, and
 * the external address is a public IPv4 address; for the IPv6 pinhole,
 * this host's address is a global one (or a unique local one, where the
 * owner says upnp_ula = 1).  Anything else is said in one line, and no
 * URL is given.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "node.h"
#include "reach.h"
#include "store.h"
#include "urls.h"

static const char *const methods[PF_REACH_METHODS] = { "upnp", "onion",
	"upnp6" };

/* True if method m is one of the words of the reach setting s. */
static int
listed(const char *s, const char *m)
{
	size_t len;

	for (s += strspn(s, ", \t"); *s != '\0'; s += strspn(s, ", \t")) {
		len = strcspn(s, ", \t");
		if (len == strlen(m) && strncmp(s, m, len) == 0)
			return 1;
		s += len;
	}
	return 0;
}

/* Ranges no friend on another network can reach (RFC 6890). */
static const struct {
	uint32_t	 net, mask;
	const char	*name;
} closed[] = {
	{ 0x00000000, 0xff000000, "0.0.0.0/8 (this network)" },
	{ 0x0a000000, 0xff000000, "10.0.0.0/8 (private)" },
	{ 0x64400000, 0xffc00000, "100.64.0.0/10 (shared: carrier-grade NAT)" },
	{ 0x7f000000, 0xff000000, "127.0.0.0/8 (loopback)" },
	{ 0xa9fe0000, 0xffff0000, "169.254.0.0/16 (link-local)" },
	{ 0xac100000, 0xfff00000, "172.16.0.0/12 (private)" },
	{ 0xc0a80000, 0xffff0000, "192.168.0.0/16 (private)" },
	{ 0xe0000000, 0xe0000000, "224.0.0.0/3 (multicast, reserved)" },
};

int
pf_reach_ip_public(const char *a, const char **range)
{
	struct in_addr	in;
	uint32_t	v;
	size_t		i;

	*range = NULL;
	if (inet_pton(AF_INET, a, &in) != 1)
		return 0;
	v = ntohl(in.s_addr);
	for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
		if ((v & closed[i].mask) == closed[i].net) {
			*range = closed[i].name;
			return 0;
		}
	return 1;
}

int
pf_reach_ip6_public(const char *a, int ula, const char **range)
{
	struct in6_addr	in;
	uint8_t		b;

	*range = NULL;
	if (inet_pton(AF_INET6, a, &in) != 1)
		return 0;
	b = in.s6_addr[0];
	if ((b & 0xe0) == 0x20)
		return 1;
	if ((b & 0xfe) == 0xfc && ula)
		return 1;
	if ((b & 0xfe) == 0xfc)
		*range = "fc00::/7 (unique local: other networks do not route "
		    "it; upnp_ula = 1 accepts it where yours does)";
	else if (b == 0xfe && (in.s6_addr[1] & 0xc0) == 0x80)
		*range = "fe80::/10 (link-local)";
	else
		*range = "no global unicast range (2000::/3)";
	return 0;
}

/* The router's external address: a public IPv4 address, or why not. */
static enum pf_err
judge_ext(const char *ext)
{
	const char *range;

	if (!pf_reach_ip_public(ext, &range) && range == NULL)
		return pf_err(PF_ERR_FORBIDDEN, "the router's external address "
		    "\"%.40s\" is not an IPv4 address", ext);
	if (range != NULL)
		return pf_err(PF_ERR_FORBIDDEN, "the router's external address "
		    "%s is in %s: the router is itself behind another NAT "
		    "(carrier-grade NAT?), so friends on other networks cannot "
		    "reach it (doc/INSTALL.md, \"Friends on other networks\")",
		    ext, range);
	return PF_OK;
}

/*
 * A mapping the router reports: ours and usable, or why not:
 * PF_ERR_INVALID when it maps to someone else, PF_ERR_FORBIDDEN when its
 * external address is no use.
 */
static enum pf_err
judge(const char *how, const struct pf_portmap *m, unsigned port)
{
	if (strcmp(how, "igd") == 0 && (strcmp(m->to_ip, m->lan_ip) != 0 ||
	    m->to_port != port))
		return pf_err(PF_ERR_INVALID, "the router says external TCP "
		    "port %u goes to %.40s:%u, not to this host (%.40s:%u): not "
		    "trusting it", port, m->to_ip, m->to_port, m->lan_ip, port);
	return judge_ext(m->ext_ip);
}

/* Remove the mapping of port made by how (best effort for a refused one). */
static enum pf_err
unmap(const struct pf_conf *c, const char *how, unsigned port)
{
	struct pf_portmap m;

	if (strcmp(how, "igd") == 0)
		return pf_upnp_unmap(c->upnp_url, port);
	return pf_natpmp_map(port, 0, &m);
}

/* Map the port: UPnP-IGD, else NAT-PMP; *how says which answered. */
static enum pf_err
map_port(const struct pf_conf *c, unsigned port, struct pf_portmap *m,
    const char **how)
{
	char		igd[PF_REACH_WHY_MAX];
	enum pf_err	e;

	*how = "igd";
	if ((e = pf_upnp_map(c->upnp_url, port, PF_REACH_LEASE_S, m)) !=
	    PF_ERR_NOTFOUND)
		return e;
	snprintf(igd, sizeof(igd), "%s", pf_errmsg());
	*how = "natpmp";
	if ((e = pf_natpmp_map(port, PF_REACH_LEASE_S, m)) == PF_ERR_NOTFOUND)
		e = pf_err(e, "UPnP-IGD: %s; NAT-PMP: %s", igd, pf_errmsg());
	return e;
}

/* URL of host (an address, an IPv6 one in brackets) and port into r. */
static void
url_of(const struct pf_conf *c, const char *host, unsigned port,
    struct pf_reach_result *r)
{
	if (port == 80)
		snprintf(r->url, sizeof(r->url), "http://%s%s", host,
		    c->base_path);
	else
		snprintf(r->url, sizeof(r->url), "http://%s:%u%s", host, port,
		    c->base_path);
}

/*
 * The upnp method, listed: map, judge, and hold the mapping in s.  1 if a
 * UPnP-IGD router answered (it may have the IPv6 pinhole too).
 */
static int
upnp_on(const struct pf_conf *c, const struct pf_reach_state *old,
    struct pf_reach_state *s, struct pf_reach_result *r)
{
	struct pf_portmap	 m;
	const char		*how;
	unsigned		 port = pf_conf_local_port(c);
	int			 igd;
	enum pf_err		 e;

	/* A mapping of another port (reach_port changed) goes first. */
	if (old->upnp_how[0] != '\0' && old->upnp_port != port)
		(void)unmap(c, old->upnp_how, old->upnp_port);
	e = map_port(c, port, &m, &how);
	igd = strcmp(how, "igd") == 0;
	if (e == PF_OK && (e = judge(how, &m, port)) != PF_OK) {
		snprintf(r->why, sizeof(r->why), "%s", pf_errmsg());
		/* A mapping of ours that gives no URL is removed again. */
		if (e == PF_ERR_FORBIDDEN)
			(void)unmap(c, how, port);
		return igd;
	}
	if (e != PF_OK) {
		snprintf(r->why, sizeof(r->why), "%s", pf_errmsg());
		/* A refusal is most often explained by the address. */
		if (m.ext_ip[0] != '\0' && judge_ext(m.ext_ip) != PF_OK)
			snprintf(r->why, sizeof(r->why), "%s", pf_errmsg());
		return igd;
	}
	url_of(c, m.ext_ip, port, r);
	snprintf(r->how, sizeof(r->how), "%s", how);
	snprintf(r->why, sizeof(r->why), "%s: TCP port %u mapped to %s:%u "
	    "for %d s", strcmp(how, "igd") == 0 ? "UPnP-IGD" : "NAT-PMP",
	    port, m.lan_ip[0] ? m.lan_ip : "this host", port, PF_REACH_LEASE_S);
	snprintf(s->upnp_how, sizeof(s->upnp_how), "%s", how);
	s->upnp_port = port;
	s->upnp_until = pf_now_ms() / 1000 + PF_REACH_LEASE_S;
	pf_urls_add(&s->urls, r->url);
	return igd;
}

/* The IPv6 pinhole (upnp listed): open or renew, judge, hold it in s. */
static void
pin_on(const struct pf_conf *c, const struct pf_reach_state *old,
    struct pf_reach_state *s, struct pf_reach_result *r)
{
	struct pf_pinhole	 ph;
	const char		*range;
	char			 host[80];
	unsigned		 port = pf_conf_local_port(c);

	memset(&ph, 0, sizeof(ph));
	if (old->pin_port != 0 && old->pin_port != port)
		(void)pf_upnp_unpin(c->upnp_url6, old->pin_id);
	else if (old->pin_port != 0) {
		ph.held = 1;
		ph.id = old->pin_id;
		snprintf(ph.addr, sizeof(ph.addr), "%s", old->pin_addr);
	}
	if (pf_upnp_pin(c->upnp_url6, port, PF_REACH_LEASE_S, &ph) != PF_OK) {
		snprintf(r->why, sizeof(r->why), "no IPv6 pinhole: %s",
		    pf_errmsg());
		return;
	}
	if (!pf_reach_ip6_public(ph.addr, (int)c->upnp_ula, &range)) {
		(void)pf_upnp_unpin(c->upnp_url6, ph.id);
		snprintf(r->why, sizeof(r->why), "the router opened a pinhole "
		    "to this host's IPv6 address %.40s, which is in %s: removed, "
		    "no URL", ph.addr, range ? range : "no IPv6 range");
		return;
	}
	snprintf(host, sizeof(host), "[%s]", ph.addr);
	url_of(c, host, port, r);
	snprintf(r->how, sizeof(r->how), "igd");
	snprintf(r->why, sizeof(r->why), "UPnP-IGD: IPv6 pinhole %u to TCP "
	    "port %u of [%s] for %d s", ph.id, port, ph.addr, PF_REACH_LEASE_S);
	s->pin_port = port;
	s->pin_id = ph.id;
	snprintf(s->pin_addr, sizeof(s->pin_addr), "%s", ph.addr);
	s->pin_until = pf_now_ms() / 1000 + PF_REACH_LEASE_S;
	pf_urls_add(&s->urls, r->url);
}

/* upnp not listed: remove the pinhole an earlier run opened. */
static void
pin_off(const struct pf_conf *c, const struct pf_reach_state *old,
    struct pf_reach_state *s, struct pf_reach_result *r)
{
	if (old->pin_port == 0) {
		snprintf(r->why, sizeof(r->why), "not in reach: no pinhole");
		return;
	}
	if (pf_upnp_unpin(c->upnp_url6, old->pin_id) != PF_OK) {
		snprintf(r->why, sizeof(r->why), "not in reach, but IPv6 "
		    "pinhole %u could not be removed: %s", old->pin_id,
		    pf_errmsg());
		s->pin_port = old->pin_port;
		s->pin_id = old->pin_id;
		memcpy(s->pin_addr, old->pin_addr, sizeof(s->pin_addr));
		s->pin_until = old->pin_until;
		return;
	}
	snprintf(r->why, sizeof(r->why), "not in reach: IPv6 pinhole %u is "
	    "removed", old->pin_id);
}

/* The upnp method, not listed: remove what an earlier run mapped. */
static void
upnp_off(const struct pf_conf *c, const struct pf_reach_state *old,
    struct pf_reach_state *s, struct pf_reach_result *r)
{
	if (old->upnp_how[0] == '\0') {
		snprintf(r->why, sizeof(r->why), "not in reach: nothing mapped");
		return;
	}
	if (unmap(c, old->upnp_how, old->upnp_port) != PF_OK) {
		/* Kept in reach.json, so the next run tries again. */
		snprintf(r->why, sizeof(r->why), "not in reach, but the mapping "
		    "of TCP port %u could not be removed: %s", old->upnp_port,
		    pf_errmsg());
		memcpy(s->upnp_how, old->upnp_how, sizeof(s->upnp_how));
		s->upnp_port = old->upnp_port;
		s->upnp_until = old->upnp_until;
		return;
	}
	snprintf(r->why, sizeof(r->why), "not in reach: the mapping of TCP "
	    "port %u is removed", old->upnp_port);
}

/*
 * Under the store's writer lock: the onion method (local files only) and
 * then s saved.
 */
static enum pf_err
onion_save(struct pf_node *n, struct pf_reach_state *s,
    struct pf_reach_result *r)
{
	enum pf_err e;

	if ((e = pf_store_lock(n->st, 1)) != PF_OK)
		return e;
	if (r->listed)
		pf_reach_onion_on(n, s, r);
	else
		pf_reach_onion_off(n, r);
	e = pf_reach_state_save(n->st, s);
	pf_store_unlock(n->st);
	return e;
}

enum pf_err
pf_reach_run(struct pf_node *n, struct pf_reach_result res[], int *ok)
{
	struct pf_reach_state	old, s;
	size_t			i;
	enum pf_err		e;

	*ok = 1;
	if (pf_reach_state_load(n->st, &old) != PF_OK)
		pf_err_clear();		/* damaged: start again */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < PF_REACH_METHODS; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].method = methods[i];
		res[i].listed = listed(n->conf.reach, methods[i]);
	}
	res[2].listed = res[0].listed;
	if (res[0].listed) {
		/* No router over IPv4, none named over IPv6: no SSDP wait. */
		if (upnp_on(&n->conf, &old, &s, &res[0]) ||
		    n->conf.upnp_url6[0] != '\0')
			pin_on(&n->conf, &old, &s, &res[2]);
		else
			snprintf(res[2].why, sizeof(res[2].why), "no IPv6 "
			    "pinhole: no UPnP-IGD router answered (upnp_url6 "
			    "names one over IPv6)");
	} else {
		upnp_off(&n->conf, &old, &s, &res[0]);
		pin_off(&n->conf, &old, &s, &res[2]);
	}
	e = onion_save(n, &s, &res[1]);
	/* The pinhole is a bonus where the router has IPv6: not counted. */
	for (i = 0; i < 2; i++)
		if (res[i].listed && res[i].url[0] == '\0')
			*ok = 0;
	return e;
}

enum pf_err
pf_reach_verify(struct pf_node *n, char *why, size_t size)
{
	struct pf_reach_state	s;
	struct pf_portmap	m;
	enum pf_err		e;

	if ((e = pf_reach_state_load(n->st, &s)) != PF_OK) {
		snprintf(why, size, "%s", pf_errmsg());
		return e;
	}
	if (s.upnp_how[0] == '\0') {
		snprintf(why, size, "no port mapping held");
		return PF_ERR_NOTFOUND;
	}
	if (strcmp(s.upnp_how, "natpmp") == 0) {
		snprintf(why, size, "NAT-PMP mapping of TCP port %u held until "
		    "%lld (NAT-PMP cannot be asked without renewing it)",
		    s.upnp_port, (long long)s.upnp_until);
		return PF_OK;
	}
	if ((e = pf_upnp_query(n->conf.upnp_url, s.upnp_port, &m)) != PF_OK) {
		snprintf(why, size, "%s", pf_errmsg());
		return e == PF_ERR_NOTFOUND ? e : PF_ERR_NETWORK;
	}
	if (strcmp(m.to_ip, m.lan_ip) != 0) {
		snprintf(why, size, "the router maps TCP port %u to %s, not to "
		    "this host (%s)", s.upnp_port, m.to_ip, m.lan_ip);
		return PF_ERR_NOTFOUND;
	}
	snprintf(why, size, "the router maps TCP port %u to this host (%s:%u)",
	    s.upnp_port, m.to_ip, m.to_port);
	return PF_OK;
}

enum pf_err
pf_reach_verify6(struct pf_node *n, char *why, size_t size)
{
	struct pf_reach_state	s;
	enum pf_err		e;

	why[0] = '\0';
	if ((e = pf_reach_state_load(n->st, &s)) != PF_OK) {
		snprintf(why, size, "%s", pf_errmsg());
		return e;
	}
	if (s.pin_port == 0)
		return PF_ERR_NOTFOUND;
	if ((e = pf_upnp_pin_query(n->conf.upnp_url6, s.pin_id)) != PF_OK) {
		snprintf(why, size, "%s", pf_errmsg());
		return e == PF_ERR_NOTFOUND ? e : PF_ERR_NETWORK;
	}
	snprintf(why, size, "the router holds IPv6 pinhole %u to TCP port %u "
	    "of [%s]", s.pin_id, s.pin_port, s.pin_addr);
	return PF_OK;
}
