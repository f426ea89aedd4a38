/*
 * mdns.h: peerfeed nodes on the LAN, as Avahi sees them (mdns.c, the only
 * user of avahi-client).  A node announces the DNS-SD service type
 * _peerfeed._tcp with one TXT record, path=<base path> (deploy/avahi/
 * peerfeed.service): where it answers, never who runs it.  Who answers is
 * learned from the node's GET / (nodeinfo.h) and trusted only when it is
 * a pinned key's fingerprint; anyone on the LAN can announce anything.
 *
 * Built without avahi-client (configure --with-avahi=no, or the library
 * missing), pf_mdns_browse() fails with PF_ERR_CONFIG and
 * pf_mdns_available() is 0.
 */
#ifndef PF_MDNS_H
#define PF_MDNS_H

#include "friend.h"
#include "pf.h"

#define PF_MDNS_TYPE	"_peerfeed._tcp"
#define PF_MDNS_MAX	64	/* services kept from one browse */
#define PF_MDNS_PATH_MAX 200	/* bytes of the TXT path, NUL excluded */

/* One resolved announcement. */
struct pf_mdns_node {
	char		name[64];	/* service instance name, sanitized */
	char		host[256];	/* host name ("pi.local"), sanitized */
	char		addr[64];	/* numeric address, "%iface" if link-local */
	unsigned	port;
	char		path[PF_MDNS_PATH_MAX + 1];	/* TXT path=, "" if none */
	char		url[PF_URL_MAX];	/* http://addr[:port]<path> */
};

/* True if this build can browse (it was built with avahi-client). */
int		 pf_mdns_available(void);

/*
 * Browse _peerfeed._tcp on every interface and protocol for at most
 * timeout_ms milliseconds (less when the daemon says its answers are
 * complete and every service is resolved), resolving each.  Services whose
 * TXT path is not an absolute path of printable ASCII without '?', '#',
 * '%', space or "..", or whose URL does not fit, are left out; so are
 * duplicates (the same URL) and everything past PF_MDNS_MAX.  *out (freed
 * by the caller with free()) gets *n nodes, sorted by URL; NULL and 0 when
 * none answered.  PF_ERR_CONFIG without mDNS support in this build,
 * PF_ERR_NETWORK when avahi-daemon cannot be reached (the message says
 * so), PF_ERR_NOMEM.
 */
enum pf_err	 pf_mdns_browse(int timeout_ms, struct pf_mdns_node **out,
		    size_t *n);

#endif
