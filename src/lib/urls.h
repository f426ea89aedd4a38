/*
 * urls.h: a node's base URLs (doc/PROTOCOL.md, "Base URL"): those of the
 * url setting in peerfeed.conf (the owner's), then those `peerfeed reach`
 * set up, which it keeps in the state directory's reach.json so that
 * peerfeed.conf stays the owner's alone.  reach.json, written atomically
 * (store.c) and parsed strictly:
 *	{"urls": ["http://203.0.113.7:18080/peerfeed"],
 *	 "upnp": {"how": "igd" or "natpmp", "port": <external port>,
 *	          "until": <seconds since the epoch the lease runs to>},
 *	 "pinhole": {"id": <the router's pinhole id>, "addr": "<this host's
 *	          IPv6 address>", "port": <TCP port>, "until": <lease end>}}
 * upnp is there only while a port mapping is held, pinhole only while an
 * IPv6 pinhole is.
 */
#ifndef PF_URLS_H
#define PF_URLS_H

#include "friend.h"
#include "pf.h"

struct pf_conf;
struct pf_store;

#define PF_URLS_MAX	8	/* base URLs of a node, all sources */
#define PF_REACH_MAX	4096	/* bytes of a reach.json */

struct pf_urls {
	char	v[PF_URLS_MAX][PF_URL_MAX];
	size_t	n;
};

/* What `peerfeed reach` set up and holds. */
struct pf_reach_state {
	struct pf_urls	urls;		/* the URLs it gives */
	char		upnp_how[8];	/* "igd", "natpmp"; "" = no mapping held */
	unsigned	upnp_port;	/* external port mapped */
	int64_t		upnp_until;	/* lease end, seconds since the epoch */
	unsigned	pin_port;	/* TCP port of the pinhole; 0 = none held */
	unsigned	pin_id;		/* the router's id of it */
	char		pin_addr[64];	/* this host's IPv6 address it opens */
	int64_t		pin_until;	/* lease end, seconds since the epoch */
};

/* Add u to l unless already there (trailing slashes aside) or l is full. */
void		 pf_urls_add(struct pf_urls *l, const char *u);
/* True if u is in l (trailing slashes aside). */
int		 pf_urls_has(const struct pf_urls *l, const char *u);
/*
 * True if the host of URL u is an .onion name (any case, a trailing dot
 * too; RFC 7686): one only tor can reach, never to be looked up in DNS.
 */
int		 pf_url_onion(const char *u);
/* Two URLs are the same but for trailing slashes. */
int		 pf_url_same(const char *a, const char *b);

/*
 * Read reach.json into *out; a zeroed *out when there is none.
 * PF_ERR_INVALID or PF_ERR_LIMIT naming the rule for a damaged file.
 */
enum pf_err	 pf_reach_state_load(struct pf_store *, struct pf_reach_state *out);
/* Write reach.json atomically (an empty state removes it). */
enum pf_err	 pf_reach_state_save(struct pf_store *, const struct pf_reach_state *);

/*
 * The node's current base URLs into *out: the url setting's, in order,
 * then reach.json's (a damaged reach.json counts as none).  out->n is 0
 * when the node has no URL.
 */
void		 pf_urls_node(struct pf_store *, const struct pf_conf *,
		    struct pf_urls *out);

/*
 * A friend's base URLs as its GET / listed them when it was added
 * (friends/<fpr>/urls, one a line, the node's order), which the fetcher
 * tries when the saved URL does not connect (doc/PROTOCOL.md, "Base
 * URL").  Load: a line that is not an http(s) URL is left out;
 * PF_ERR_NOTFOUND when there is no file.  Save: atomically.
 */
enum pf_err	 pf_friend_urls_load(struct pf_store *, const char *fpr,
		    struct pf_urls *out);
enum pf_err	 pf_friend_urls_save(struct pf_store *, const char *fpr,
		    const struct pf_urls *);

#endif
