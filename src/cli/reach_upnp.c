/*
 * reach_upnp.c: a TCP port mapping on a UPnP-IGD router, and an IPv6
 * pinhole in its firewall (IGD 2's WANIPv6FirewallControl), reach.h; the
 * only user of libminiupnpc.  Every exchange with the router is bounded
 * by the library's socket timeouts (a few seconds each) and SSDP
 * discovery by UPNP_DISCOVER_MS.  What the router answers is untrusted:
 * the caller checks the external address, and the mapping is read back
 * and compared with what was asked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reach.h"

#ifndef HAVE_UPNP

static enum pf_err
no_upnp(void)
{
	return pf_err(PF_ERR_CONFIG, "this build of peerfeed has no UPnP "
	    "support (configure --with-upnp, with libminiupnpc-dev and "
	    "libnatpmp-dev)");
}

enum pf_err
pf_upnp_map(const char *root_url, unsigned port, unsigned lease_s,
    struct pf_portmap *m)
{
	(void)root_url; (void)port; (void)lease_s; (void)m;
	return no_upnp();
}

enum pf_err
pf_upnp_unmap(const char *root_url, unsigned port)
{
	(void)root_url; (void)port;
	return no_upnp();
}

enum pf_err
pf_upnp_query(const char *root_url, unsigned port, struct pf_portmap *m)
{
	(void)root_url; (void)port; (void)m;
	return no_upnp();
}

enum pf_err
pf_upnp_pin(const char *root_url6, unsigned port, unsigned lease_s,
    struct pf_pinhole *ph)
{
	(void)root_url6; (void)port; (void)lease_s; (void)ph;
	return no_upnp();
}

enum pf_err
pf_upnp_unpin(const char *root_url6, unsigned id)
{
	(void)root_url6; (void)id;
	return no_upnp();
}

enum pf_err
pf_upnp_pin_query(const char *root_url6, unsigned id)
{
	(void)root_url6; (void)id;
	return no_upnp();
}

#else /* HAVE_UPNP */

#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>

#define UPNP_DISCOVER_MS	2000	/* SSDP: wait for routers to answer */

/* The router: its control URL and our address as it sees us. */
struct igd {
	struct UPNPUrls	urls;
	struct IGDdatas	data;
	char		lan[64];
};

/*
 * The IGD at root_url, or the first valid one SSDP finds (over IPv6 when
 * v6: the router then sees, and g->lan holds, this host's IPv6 address).
 */
static enum pf_err
igd_open(const char *root_url, int v6, struct igd *g)
{
	struct UPNPDev	*devs;
	int		 err = 0, r;

	memset(g, 0, sizeof(*g));
	if (root_url[0] != '\0') {
		if (UPNP_GetIGDFromUrl(root_url, &g->urls, &g->data, g->lan,
		    sizeof(g->lan)) != 1)
			return pf_err(PF_ERR_NOTFOUND, "no UPnP-IGD router "
			    "answers at %s (%s)", root_url,
			    v6 ? "upnp_url6" : "upnp_url");
		return PF_OK;
	}
	/* Pinholes are UPnP-IGD 2's: over IPv6, ask for that one only. */
	if (v6)
		devs = upnpDiscoverDevice("urn:schemas-upnp-org:device:"
		    "InternetGatewayDevice:2", UPNP_DISCOVER_MS, NULL, NULL, 0,
		    1, 2, &err);
	else
		devs = upnpDiscover(UPNP_DISCOVER_MS, NULL, NULL, 0, 0, 2, &err);
	if (devs == NULL)
		return pf_err(PF_ERR_NOTFOUND, "no UPnP device answered SSDP "
		    "discovery%s within %d ms: UPnP is off on the router, or "
		    "there is none", v6 ? " over IPv6" : "", UPNP_DISCOVER_MS);
	r = UPNP_GetValidIGD(devs, &g->urls, &g->data, g->lan, sizeof(g->lan));
	freeUPNPDevlist(devs);
	if (r == 1)
		return PF_OK;
	if (r != 0)
		FreeUPNPUrls(&g->urls);
	return pf_err(PF_ERR_NOTFOUND, "%s", r == 2 ? "the UPnP-IGD router "
	    "says it is not connected to the internet" : "no UPnP-IGD "
	    "router among the UPnP devices that answered");
}

/* The mapping of TCP port p, as the router has it, into *m. */
static enum pf_err
igd_query(struct igd *g, const char *p, struct pf_portmap *m)
{
	char	ip[64] = "", port[8] = "", desc[80], en[4], dur[16];
	int	r;

	r = UPNP_GetSpecificPortMappingEntry(g->urls.controlURL,
	    g->data.first.servicetype, p, "TCP", NULL, ip, port, desc, en, dur);
	if (r == 714 || r == UPNPCOMMAND_INVALID_ARGS)
		return pf_err(PF_ERR_NOTFOUND, "the router has no mapping of "
		    "TCP port %s", p);
	if (r != UPNPCOMMAND_SUCCESS)
		return pf_err(PF_ERR_NETWORK, "the router did not say how it "
		    "maps TCP port %s (%d %s)", p, r, strupnperror(r));
	pf_log_sanitize(ip, m->to_ip, sizeof(m->to_ip));
	m->to_port = (unsigned)strtoul(port, NULL, 10);
	return PF_OK;
}

enum pf_err
pf_upnp_map(const char *root_url, unsigned port, unsigned lease_s,
    struct pf_portmap *m)
{
	struct igd	 g;
	char		 p[8], lease[16], ext[64] = "";
	int		 r;
	enum pf_err	 e;

	memset(m, 0, sizeof(*m));
	if ((e = igd_open(root_url, 0, &g)) != PF_OK)
		return e;
	snprintf(p, sizeof(p), "%u", port);
	snprintf(lease, sizeof(lease), "%u", lease_s);
	snprintf(m->lan_ip, sizeof(m->lan_ip), "%s", g.lan);
	r = UPNP_GetExternalIPAddress(g.urls.controlURL,
	    g.data.first.servicetype, ext);
	/* The router's words get printed: no control characters. */
	pf_log_sanitize(ext, m->ext_ip, sizeof(m->ext_ip));
	if (r != UPNPCOMMAND_SUCCESS || ext[0] == '\0')
		e = pf_err(PF_ERR_FORBIDDEN, "the router gives no external "
		    "address (%s): it has none to forward from, as a router "
		    "behind carrier-grade NAT does (doc/INSTALL.md, \"Friends "
		    "on other networks\")", r ? strupnperror(r) : "an empty one");
	else if ((r = UPNP_AddPortMapping(g.urls.controlURL,
	    g.data.first.servicetype, p, p, g.lan, "peerfeed", "TCP", NULL,
	    lease)) != UPNPCOMMAND_SUCCESS)
		e = pf_err(PF_ERR_FORBIDDEN, "the router refused to map TCP "
		    "port %s to %s:%s (%d %s)", p, g.lan, p, r, strupnperror(r));
	else
		e = igd_query(&g, p, m);
	FreeUPNPUrls(&g.urls);
	return e;
}

enum pf_err
pf_upnp_unmap(const char *root_url, unsigned port)
{
	struct igd	 g;
	char		 p[8];
	int		 r;
	enum pf_err	 e;

	if ((e = igd_open(root_url, 0, &g)) != PF_OK)
		return e;
	snprintf(p, sizeof(p), "%u", port);
	r = UPNP_DeletePortMapping(g.urls.controlURL, g.data.first.servicetype,
	    p, "TCP", NULL);
	FreeUPNPUrls(&g.urls);
	if (r != UPNPCOMMAND_SUCCESS && r != 714)
		return pf_err(PF_ERR_NETWORK, "the router did not remove the "
		    "mapping of TCP port %s (%d %s)", p, r, strupnperror(r));
	return PF_OK;
}

enum pf_err
pf_upnp_query(const char *root_url, unsigned port, struct pf_portmap *m)
{
	struct igd	 g;
	char		 p[8];
	enum pf_err	 e;

	memset(m, 0, sizeof(*m));
	if ((e = igd_open(root_url, 0, &g)) != PF_OK)
		return e;
	snprintf(p, sizeof(p), "%u", port);
	snprintf(m->lan_ip, sizeof(m->lan_ip), "%s", g.lan);
	e = igd_query(&g, p, m);
	FreeUPNPUrls(&g.urls);
	return e;
}

/* Renew pinhole id for lease; PF_OK if the router did. */
static enum pf_err
pin_renew(struct igd *g, unsigned id, const char *lease)
{
	char	uid[16];
	int	r;

	snprintf(uid, sizeof(uid), "%u", id);
	r = UPNP_UpdatePinhole(g->urls.controlURL_6FC, g->data.IPv6FC.servicetype,
	    uid, lease);
	return r == UPNPCOMMAND_SUCCESS ? PF_OK : PF_ERR_NOTFOUND;
}

/* A new pinhole from anywhere to TCP port p of this host into ph. */
static enum pf_err
pin_add(struct igd *g, const char *p, const char *lease,
    struct pf_pinhole *ph)
{
	char	 uid[16] = "", *end;
	long	 v;
	int	 r;

	r = UPNP_AddPinhole(g->urls.controlURL_6FC, g->data.IPv6FC.servicetype,
	    "", "0", g->lan, p, "6", lease, uid);
	if (r != UPNPCOMMAND_SUCCESS)
		return pf_err(PF_ERR_FORBIDDEN, "the router refused a pinhole "
		    "to TCP port %s of [%.40s] (%d %s)", p, ph->addr, r,
		    strupnperror(r));
	v = strtol(uid, &end, 10);
	if (uid[0] == '\0' || *end != '\0' || v < 0 || v > 65535)
		return pf_err(PF_ERR_INVALID, "the router gave a pinhole id "
		    "that is not a number from 0 to 65535");
	ph->id = (unsigned)v;
	return PF_OK;
}

enum pf_err
pf_upnp_pin(const char *root_url6, unsigned port, unsigned lease_s,
    struct pf_pinhole *ph)
{
	struct igd	 g;
	char		 p[8], lease[16], old[16];
	enum pf_err	 e;

	if ((e = igd_open(root_url6, 1, &g)) != PF_OK)
		return e;
	snprintf(p, sizeof(p), "%u", port);
	snprintf(lease, sizeof(lease), "%u", lease_s);
	if (g.data.IPv6FC.servicetype[0] == '\0' ||
	    g.urls.controlURL_6FC == NULL)
		e = pf_err(PF_ERR_NOTFOUND, "the router offers no IPv6 "
		    "pinholes (no WANIPv6FirewallControl service: UPnP-IGD 2 "
		    "with IPv6 is off)");
	else if (ph->held && strcmp(ph->addr, g.lan) == 0 &&
	    pin_renew(&g, ph->id, lease) == PF_OK)
		e = PF_OK;
	else {
		/* A pinhole to an address this host no longer has goes. */
		if (ph->held) {
			snprintf(old, sizeof(old), "%u", ph->id);
			(void)UPNP_DeletePinhole(g.urls.controlURL_6FC,
			    g.data.IPv6FC.servicetype, old);
		}
		pf_log_sanitize(g.lan, ph->addr, sizeof(ph->addr));
		e = pin_add(&g, p, lease, ph);
	}
	FreeUPNPUrls(&g.urls);
	return e;
}

/*
 * On the router at root_url6, remove pinhole id (query 0) or ask whether
 * it holds it (query 1); *r gets the router's answer.
 */
static enum pf_err
pin_by_id(const char *root_url6, unsigned id, int query, int *r)
{
	struct igd	 g;
	char		 uid[16];
	int		 packets;
	enum pf_err	 e;

	if ((e = igd_open(root_url6, 1, &g)) != PF_OK)
		return e;
	snprintf(uid, sizeof(uid), "%u", id);
	if (g.urls.controlURL_6FC == NULL)
		*r = UPNPCOMMAND_UNKNOWN_ERROR;
	else if (query)
		/* The count itself is 0 with miniupnpd's nftables backend. */
		*r = UPNP_GetPinholePackets(g.urls.controlURL_6FC,
		    g.data.IPv6FC.servicetype, uid, &packets);
	else
		*r = UPNP_DeletePinhole(g.urls.controlURL_6FC,
		    g.data.IPv6FC.servicetype, uid);
	FreeUPNPUrls(&g.urls);
	return PF_OK;
}

enum pf_err
pf_upnp_unpin(const char *root_url6, unsigned id)
{
	int		r;
	enum pf_err	e;

	if ((e = pin_by_id(root_url6, id, 0, &r)) != PF_OK)
		return e;
	/* 704: the router has no such pinhole (its lease ran out). */
	if (r != UPNPCOMMAND_SUCCESS && r != 704)
		return pf_err(PF_ERR_NETWORK, "the router did not remove IPv6 "
		    "pinhole %u (%d %s)", id, r, strupnperror(r));
	return PF_OK;
}

enum pf_err
pf_upnp_pin_query(const char *root_url6, unsigned id)
{
	int		r;
	enum pf_err	e;

	if ((e = pin_by_id(root_url6, id, 1, &r)) != PF_OK)
		return e;
	/* 704 NoSuchEntry; Debian 12's miniupnpd 2.3.1 answers 402. */
	if (r == 704 || r == 402)
		return pf_err(PF_ERR_NOTFOUND, "the router has no IPv6 pinhole "
		    "%u (its lease ran out, or the router restarted)", id);
	if (r != UPNPCOMMAND_SUCCESS)
		return pf_err(PF_ERR_NETWORK, "the router did not say whether "
		    "it holds IPv6 pinhole %u (%d %s)", id, r, strupnperror(r));
	return PF_OK;
}

#endif /* HAVE_UPNP */
