/*
 * reach.h: making a node at home reachable from other networks (peerfeed
 * reach, doc/INSTALL.md "Friends on other networks").  reach.c runs the
 * methods peerfeed.conf's reach setting lists and undoes those it no
 * longer lists, keeping what it set up in reach.json (urls.h); each
 * method talks to the world through one file: reach_upnp.c (the only
 * user of libminiupnpc: UPnP-IGD), reach_natpmp.c (the only user of
 * libnatpmp: NAT-PMP) and reach_onion.c (the lines for the system tor).  Built without them (configure --with-upnp=no),
 * these say so.
 */
#ifndef PF_REACH_H
#define PF_REACH_H

#include "friend.h"
#include "pf.h"

struct pf_node;

#define PF_REACH_LEASE_S	3600	/* lease of a mapping; renewed each run */
#define PF_REACH_WHY_MAX	512	/* bytes of a method's reason */

/* A TCP port mapping on the home router, as the router describes it. */
struct pf_portmap {
	char	ext_ip[64];		/* external address the router says */
	char	lan_ip[64];		/* this host, as the router sees it */
	char	to_ip[64];		/* where the router says it maps to */
	unsigned to_port;		/* ... and on which port */
};

/* An IPv6 pinhole in the home router's firewall to this host. */
struct pf_pinhole {
	int		held;		/* in: id and addr are one held now */
	unsigned	id;		/* the router's id of it */
	char		addr[64];	/* this host's IPv6 address, as the router sees it */
};

/* What one method of the reach setting gave. */
struct pf_reach_result {
	const char	*method;		/* "upnp", "onion", "upnp6" */
	int		 listed;		/* in the reach setting */
	char		 url[PF_URL_MAX];	/* "" = none */
	char		 how[8];		/* "igd", "natpmp", "tor", "" */
	char		 why[PF_REACH_WHY_MAX];	/* what happened, one line */
};

/* Results: upnp, onion, then upnp6 (the pinhole, part of upnp). */
#define PF_REACH_METHODS	3

/* reach.c */
/*
 * Check the reach setting s: methods from "upnp" and "onion" separated by
 * commas or spaces, each once.  PF_ERR_CONFIG naming the word otherwise.
 */
enum pf_err	 pf_reach_check_conf(const char *s);
/*
 * Do what the node's reach setting lists and undo what it no longer
 * lists, then save reach.json (under the store's writer lock).  res gets
 * one result per known method, in a fixed order; *ok is set to 0 when a
 * listed method gave no URL.  Errors only for the store or the settings.
 */
enum pf_err	 pf_reach_run(struct pf_node *, struct pf_reach_result res[],
		    int *ok);
/*
 * For peerfeed doctor: whether the mapping reach.json holds exists on the
 * router now (UPnP-IGD asks the router; NAT-PMP cannot be asked without
 * renewing, so only the lease time is said), one line into why.
 * PF_OK: it exists; PF_ERR_NOTFOUND: none is held, or the router no
 * longer has it; other errors: reach.json or the router.
 */
enum pf_err	 pf_reach_verify(struct pf_node *, char *why, size_t size);
/*
 * The same for the IPv6 pinhole reach.json holds: PF_OK if the router
 * has it; PF_ERR_NOTFOUND if none is held (why "") or the router no
 * longer has it.
 */
enum pf_err	 pf_reach_verify6(struct pf_node *, char *why, size_t size);
/* True if the IPv4 address text a is a public unicast address. */
int		 pf_reach_ip_public(const char *a, const char **range);
/*
 * True if the IPv6 address text a is one friends on other networks can
 * reach: a global unicast address (2000::/3), or with ula a unique local
 * one (fc00::/7) too; else *range names why not (NULL: not an address).
 */
int		 pf_reach_ip6_public(const char *a, int ula, const char **range);

/* reach_upnp.c */
/*
 * Map TCP port (external and internal) to this host for lease_s seconds
 * on the UPnP-IGD router at root_url (its rootDesc.xml), or the one SSDP
 * finds when root_url is "", then read the mapping back into *m.
 * PF_ERR_NOTFOUND: no IGD; PF_ERR_FORBIDDEN: the router refused;
 * PF_ERR_NETWORK: it did not answer.  Each message says which.
 */
enum pf_err	 pf_upnp_map(const char *root_url, unsigned port,
		    unsigned lease_s, struct pf_portmap *m);
/* Remove the mapping of TCP port; PF_OK if the router has none. */
enum pf_err	 pf_upnp_unmap(const char *root_url, unsigned port);
/* The router's mapping of TCP port into *m; PF_ERR_NOTFOUND if none. */
enum pf_err	 pf_upnp_query(const char *root_url, unsigned port,
		    struct pf_portmap *m);

/*
 * Open (or, when ph->held and this host's address is still ph->addr,
 * renew) an IPv6 pinhole from anywhere to TCP port of this host for
 * lease_s seconds in the firewall of the UPnP-IGD 2 router at root_url6,
 * or the one SSDP over IPv6 finds when it is "".  ph gets the id and the
 * address.  PF_ERR_NOTFOUND: no router, or no pinholes; PF_ERR_FORBIDDEN:
 * the router refused.  The caller judges the address.
 */
enum pf_err	 pf_upnp_pin(const char *root_url6, unsigned port,
		    unsigned lease_s, struct pf_pinhole *ph);
/* Remove pinhole id; PF_OK if the router has none by that id. */
enum pf_err	 pf_upnp_unpin(const char *root_url6, unsigned id);
/* PF_OK if the router holds pinhole id; PF_ERR_NOTFOUND if it has none. */
enum pf_err	 pf_upnp_pin_query(const char *root_url6, unsigned id);

/* reach_natpmp.c */
/*
 * Ask the default gateway by NAT-PMP for its external address and to map
 * TCP port to this host for lease_s seconds (0: remove the mapping),
 * waiting at most a few seconds for each answer.  PF_ERR_NOTFOUND: no
 * NAT-PMP answer; PF_ERR_FORBIDDEN: the gateway refused.
 */
enum pf_err	 pf_natpmp_map(unsigned port, unsigned lease_s,
		    struct pf_portmap *m);

/* reach_onion.c */
struct pf_reach_state;
/*
 * The onion method, listed: write DIR/onion.torrc for the system tor and,
 * once tor has created DIR/onion/hostname, give its URL in r and add it
 * to s->urls; else say in r->why what the owner has to do.  The caller
 * holds the store's writer lock.
 */
void		 pf_reach_onion_on(struct pf_node *, struct pf_reach_state *s,
		    struct pf_reach_result *r);
/*
 * For peerfeed doctor: the onion URL of the name tor made into url (size
 * bytes) and 1, or 0 and what is wrong in why.
 */
int		 pf_reach_onion_url(struct pf_node *, char *url, size_t size,
		    char *why, size_t why_size);
/* Not listed: empty an onion.torrc written before, and say so in r. */
void		 pf_reach_onion_off(struct pf_node *, struct pf_reach_result *r);
/*
 * True if the len bytes at h are a version 3 onion name: 56 characters
 * of base32 (a-z, 2-7) ending in "d", then ".onion".
 */
int		 pf_onion_name_valid(const char *h, size_t len);

#endif
