/*
 * fetch_locate.c: find a friend whose URL is missing or does not connect
 * (fetch_int.h).  The friend is known only by its pinned fingerprint, so
 * every candidate, however it was found, is asked GET / and kept only if
 * it names that fingerprint.  That answer is unauthenticated: anyone on
 * the LAN can announce _peerfeed._tcp and echo the fingerprint.  What
 * makes this safe is what follows: the fetch through the candidate is
 * verified against the pinned key as always (a stranger can neither read
 * the sealed request nor sign an answer), and a found URL replaces the
 * saved one only when that fetch succeeded, so a stranger cannot divert
 * later runs either.
 *
 * A candidate's GET / also says the node's own URLs, which are what its
 * responder checks a request's aud against.  A candidate that is one of
 * them (a URL from the friend's DHT record, say) is used and saved as it
 * is: the reader keeps the one that answered (doc/PROTOCOL.md, "Base
 * URL").  Any other candidate's requests name the node's first URL.  It is also where the requests go if it answers for the same
 * fingerprint from here; if not (a home node whose public URL its LAN
 * neighbours cannot reach: a router without hairpin NAT), they go to the
 * address where the node was found (job->via), still naming the node's
 * own URL.  What is saved after a successful fetch is that own URL, never
 * the address it was reached at: the friend's signed answer shows that
 * its responder accepted a request naming that URL (one naming another is
 * refused, whoever passes it on), and a later run that cannot connect to
 * it looks again.  A node whose own URL answers from here for another key
 * is refused: saved, that URL would fail every later run.  A node that
 * names no URL is used, and saved, at the address found.
 *
 * Where it looks: the friend's other URLs as its GET / listed them when it
 * was added (urls.h), in order; the LAN (mdns.c), browsed once per run and
 * each found node asked once; its DHT record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_int.h"
#include "urls.h"
#include "mdns.h"
#include "node.h"
#include "nodeinfo.h"
#ifdef HAVE_OPENDHT
#include "dht_record.h"
#endif

#define LAN_BROWSE_MS	3000	/* one browse of the LAN per run, at most */
#define PROBE_CONNECT_S	3	/* seconds to connect for a GET / */

/* What the LAN said this run. */
struct fetch_lan {
	enum pf_err		 err;		/* of the browse */
	char			 why[256];	/* its message */
	struct pf_mdns_node	*nodes;
	size_t			 n;
	struct pf_nodeinfo	*info;		/* per node */
	int			*asked;		/* 0 not yet, 1 answered, -1 not */
};

void
fetch_locate_free(struct pf_fetcher *f)
{
	if (f->lan == NULL)
		return;
	free(f->lan->nodes);
	free(f->lan->info);
	free(f->lan->asked);
	free(f->lan);
	f->lan = NULL;
}

/* Browse the LAN once per run; the outcome is kept, errors included. */
static struct fetch_lan *
lan_get(struct pf_fetcher *f)
{
	struct fetch_lan *l;

	if (f->lan != NULL)
		return f->lan;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->err = pf_mdns_browse(LAN_BROWSE_MS, &l->nodes, &l->n)) != PF_OK)
		snprintf(l->why, sizeof(l->why), "%s", pf_errmsg());
	else if (l->n > 0 && ((l->info = calloc(l->n, sizeof(*l->info))) ==
	    NULL || (l->asked = calloc(l->n, sizeof(*l->asked))) == NULL)) {
		free(l->nodes);
		free(l->info);
		l->nodes = NULL;
		l->info = NULL;
		l->n = 0;
		l->err = PF_ERR_NOMEM;
		snprintf(l->why, sizeof(l->why), "out of memory");
	}
	f->lan = l;
	return l;
}

enum pf_err
fetch_locate_check(const char *cand, const struct pf_nodeinfo *info,
    const char *fpr, const char *avoid, struct fetch_found *out)
{
	struct pf_nodeinfo	 again;
	const char		*name = cand, *via = "", *to;

	if (strcmp(info->fpr, fpr) != 0)
		return pf_err(PF_ERR_FORBIDDEN, "%s answers for %s, not %s",
		    cand, info->fpr, fpr);
	if (info->url[0] != '\0' && !pf_nodeinfo_lists(info, cand)) {
		/*
		 * Its own name, reached directly if it answers for the same
		 * key from here (unless it is the URL that just failed),
		 * else through cand.
		 */
		name = info->url;
		if ((avoid != NULL && pf_url_same(name, avoid)) ||
		    pf_nodeinfo_get(name, PROBE_CONNECT_S, &again) != PF_OK)
			via = cand;
		else if (strcmp(again.fpr, fpr) != 0)
			return pf_err(PF_ERR_NOTFOUND, "%s answers for %s but "
			    "calls itself %s, which answers for %s from here",
			    cand, fpr, name, again.fpr);
	}
	to = via[0] != '\0' ? via : name;
	if (avoid != NULL && pf_url_same(to, avoid))
		return pf_err(PF_ERR_NOTFOUND, "%s: the URL that failed", to);
	/* (pf_friend_url_valid() bounds the length too.) */
	if (!pf_friend_url_valid(name) || (via[0] != '\0' &&
	    !pf_friend_url_valid(via)))
		return pf_err(PF_ERR_INVALID, "%.80s: not a usable URL",
		    pf_friend_url_valid(name) ? via : name);
	snprintf(out->url, sizeof(out->url), "%s", name);
	snprintf(out->via, sizeof(out->via), "%s", via);
	return PF_OK;
}

/*
 * The friend's other URLs, as its GET / listed them when it was added
 * (urls.h), in that order: the first that answers for fpr.
 */
static enum pf_err
locate_known(struct pf_fetcher *f, const char *fpr, const char *avoid,
    struct fetch_found *out)
{
	struct pf_urls		l;
	struct pf_nodeinfo	info;
	size_t			i;

	if (pf_friend_urls_load(f->n->st, fpr, &l) != PF_OK)
		return pf_err(PF_ERR_NOTFOUND, "no other URL known");
	for (i = 0; i < l.n; i++)
		if ((avoid == NULL || !pf_url_same(l.v[i], avoid)) &&
		    pf_nodeinfo_get(l.v[i], pf_url_onion(l.v[i]) ?
		    ONION_CONNECT_S : PROBE_CONNECT_S, &info) == PF_OK &&
		    fetch_locate_check(l.v[i], &info, fpr, avoid, out) == PF_OK) {
			out->where = "at another of its URLs";
			return PF_OK;
		}
	return pf_err(PF_ERR_NOTFOUND, "none of its %zu known URLs answers "
	    "for it", l.n);
}

/* The first node on the LAN that answers for fpr. */
static enum pf_err
locate_lan(struct pf_fetcher *f, const char *fpr, const char *avoid,
    struct fetch_found *out)
{
	struct fetch_lan	*l;
	size_t			 i, seen = 0;

	if ((l = lan_get(f)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (l->err != PF_OK)
		return pf_err(l->err == PF_ERR_NOMEM ? PF_ERR_NOMEM :
		    PF_ERR_NOTFOUND, "LAN: %s", l->why);
	for (i = 0; i < l->n; i++) {
		if (l->asked[i] == 0)
			l->asked[i] = pf_nodeinfo_get(l->nodes[i].url,
			    PROBE_CONNECT_S, &l->info[i]) == PF_OK ? 1 : -1;
		if (l->asked[i] != 1)
			continue;
		seen++;
		if (fetch_locate_check(l->nodes[i].url, &l->info[i], fpr, avoid,
		    out) == PF_OK) {
			out->where = "on the LAN";
			return PF_OK;
		}
	}
	return pf_err(PF_ERR_NOTFOUND, "LAN: none of the %zu peerfeed nodes "
	    "that answered (of %zu announced) is %s", seen, l->n, fpr);
}

#ifdef HAVE_OPENDHT
#define DHT_WAIT_MS	10000	/* one DHT lookup per friend and run, at most */

/*
 * The friend's record in the OpenDHT network (dht_record.c), believed
 * only if signed by its pinned key and newer than the one accepted
 * before; its URLs then pass the same check as any candidate.  Nothing
 * is asked of the network unless peerfeed.conf sets dht_bootstrap.
 */
static enum pf_err
locate_dht(struct pf_fetcher *f, const char *fpr, const char *avoid,
    struct fetch_found *out)
{
	struct pf_dht_record	rec;
	struct pf_nodeinfo	info;
	size_t			i;
	int			changed;
	enum pf_err		e;

	if (f->n->conf.dht_bootstrap[0] == '\0')
		return pf_err(PF_ERR_NOTFOUND, "DHT: not used (no dht_bootstrap)");
	if ((e = fetch_keyring(f)) != PF_OK || (e = pf_dht_record_lookup(f->n,
	    fpr, DHT_WAIT_MS, NULL, NULL, 0, &rec, &changed)) != PF_OK) {
		return pf_err_ctx(e == PF_ERR_NOMEM ? e : PF_ERR_NOTFOUND,
		    "DHT");
	}
	for (i = 0; i < rec.nurls; i++)
		if (pf_nodeinfo_get(rec.urls[i], PROBE_CONNECT_S, &info) == PF_OK &&
		    fetch_locate_check(rec.urls[i], &info, fpr, avoid,
		    out) == PF_OK) {
			out->where = "through the DHT";
			return PF_OK;
		}
	return pf_err(PF_ERR_NOTFOUND, "DHT: no new URL of %s answers for it "
	    "(%zu in its record)", fpr, rec.nurls);
}
#endif

enum pf_err
fetch_locate(struct pf_fetcher *f, const char *fpr, const char *avoid,
    struct fetch_found *out)
{
	char		known[256];
	enum pf_err	e;

	if ((e = locate_known(f, fpr, avoid, out)) == PF_OK)
		return e;
	snprintf(known, sizeof(known), "%s", pf_errmsg());
	if ((e = locate_lan(f, fpr, avoid, out)) != PF_OK && e != PF_ERR_NOMEM)
		e = pf_err(e, "%.120s; %s", known, pf_errmsg());
#ifdef HAVE_OPENDHT
	if (e != PF_OK && e != PF_ERR_NOMEM) {
		char lan[256];

		snprintf(lan, sizeof(lan), "%s", pf_errmsg());
		if ((e = locate_dht(f, fpr, avoid, out)) != PF_OK &&
		    e != PF_ERR_NOMEM)
			e = pf_err(e, "%s; %s", lan, pf_errmsg());
	}
#endif
	/*
	 * Further places to look go here, each tried while the ones before
	 * found nothing, each passing its candidates through
	 * fetch_locate_check().
	 */
	return e;
}

int
fetch_locate_job(struct job *j)
{
	struct fetch_found	 to;
	const char		*before;

	if (j->pub || j->located)
		return 0;
	/* A URL that connected is the friend's, whatever it answered. */
	if (j->fr.url[0] != '\0' && (j->x.err != PF_ERR_NETWORK ||
	    j->x.status != 0))
		return 0;
	if (fetch_locate(j->f, j->fr.fpr, j->fr.url, &to) != PF_OK)
		return 0;
	j->located = 1;
	memcpy(j->url_before, j->fr.url, sizeof(j->url_before));
	memcpy(j->fr.url, to.url, sizeof(j->fr.url));
	memcpy(j->via, to.via, sizeof(j->via));
	before = j->url_before[0] != '\0' ? j->url_before : "no url";
	if (to.via[0] == '\0')
		fetch_note(j, "%s%s, found at %s", before, j->url_before[0] ?
		    " did not connect" : "", to.url);
	else
		fetch_note(j, "%s%s, reached %s at %s%s%s", before,
		    j->url_before[0] ? " did not connect" : "", to.where,
		    to.via, pf_url_same(to.url, j->url_before) ? "" : " as ",
		    pf_url_same(to.url, j->url_before) ? "" : to.url);
	return 1;
}

void
fetch_locate_end(struct job *j, enum pf_err err)
{
	if (err != PF_OK && j->located) {
		memcpy(j->fr.url, j->url_before, sizeof(j->fr.url));
		j->via[0] = '\0';
	}
}
