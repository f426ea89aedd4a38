/*
 * nodeinfo.h: ask a node who it says it is (its GET /, doc/PROTOCOL.md
 * "GET / (node info)").  The answer is unauthenticated: use the
 * fingerprint only to pick a candidate whose later, signed answers are
 * verified against the pinned key.  Used by the fetcher's search for a
 * friend (fetch_locate.c) and by peerfeed discover.
 */
#ifndef PF_NODEINFO_H
#define PF_NODEINFO_H

#include "friend.h"
#include "pf.h"

#define PF_NODEINFO_MAX	16384	/* bytes of a GET / answer */
#define PF_NODEINFO_URLS	8	/* base URLs taken from its "urls" */

struct pf_nodeinfo {
	char	fpr[PF_FPR_MAX];	/* uppercased */
	char	name[128];		/* sanitized, "" if none */
	char	url[PF_URL_MAX];	/* the node's own base URL, "" if none */
	char	urls[PF_NODEINFO_URLS][PF_URL_MAX];	/* all of them */
	size_t	nurls;
};

/* True if u is one of the base URLs the node info lists (url or urls). */
int		 pf_nodeinfo_lists(const struct pf_nodeinfo *, const char *u);

/*
 * GET <base>/ (no redirects, connect within connect_s seconds, done
 * within twice that) and parse the node info: "fingerprint" (40 or 64 hex
 * digits) is required; "name" and "url" (http or https) are taken when
 * valid, and the valid ones of "urls" (at most PF_NODEINFO_URLS; url is
 * the first of them for a node that lists none).  PF_ERR_NETWORK if the transfer fails or the status is not 200,
 * PF_ERR_INVALID if the answer is not a node info, with the URL in the
 * message.
 */
enum pf_err	 pf_nodeinfo_get(const char *base, long connect_s,
		    struct pf_nodeinfo *out);

#endif
