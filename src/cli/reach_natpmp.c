/*
 * reach_natpmp.c: a TCP port mapping by NAT-PMP (RFC 6886) on the default
 * gateway (reach.h), the only user of libnatpmp.  The library retries a
 * request with doubling waits for about a minute; here each answer is
 * waited for at most NATPMP_WAIT_MS in all, so a gateway that does not
 * speak NAT-PMP costs that long and no more.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "reach.h"

#ifndef HAVE_UPNP

enum pf_err
pf_natpmp_map(unsigned port, unsigned lease_s, struct pf_portmap *m)
{
	(void)port; (void)lease_s; (void)m;
	return pf_err(PF_ERR_CONFIG, "this build of peerfeed has no NAT-PMP "
	    "support (configure --with-upnp, with libminiupnpc-dev and "
	    "libnatpmp-dev)");
}

#else /* HAVE_UPNP */

#include <arpa/inet.h>
#include <sys/select.h>
#include <sys/time.h>

#define ENABLE_STRNATPMPERR 1	/* Debian's libnatpmp has it */
#include <natpmp.h>

#define NATPMP_WAIT_MS	3000	/* for one answer, retries included */

/* The answer to the request just sent, within NATPMP_WAIT_MS. */
static int
wait_answer(natpmp_t *n, natpmpresp_t *resp)
{
	struct timeval	tv;
	fd_set		fds;
	int64_t		end = pf_now_ms() + NATPMP_WAIT_MS, left;
	int		r;

	do {
		FD_ZERO(&fds);
		FD_SET(n->s, &fds);
		if (getnatpmprequesttimeout(n, &tv) < 0)
			return NATPMP_ERR_GETTIMEOFDAYERR;
		if ((left = end - pf_now_ms()) <= 0)
			return NATPMP_TRYAGAIN;
		if (tv.tv_sec * 1000 + tv.tv_usec / 1000 > left) {
			tv.tv_sec = left / 1000;
			tv.tv_usec = (left % 1000) * 1000;
		}
		(void)select(n->s + 1, &fds, NULL, NULL, &tv);
		r = readnatpmpresponseorretry(n, resp);
	} while (r == NATPMP_TRYAGAIN);
	return r;
}

/* A pf_err for libnatpmp's result r of what. */
static enum pf_err
natpmp_fail(int r, const char *what)
{
	if (r == NATPMP_TRYAGAIN)
		return pf_err(PF_ERR_NOTFOUND, "no NAT-PMP answer from the "
		    "gateway to %s within %d ms: NAT-PMP is off on the router, "
		    "or there is none", what, NATPMP_WAIT_MS);
	if (r == NATPMP_ERR_NOGATEWAYSUPPORT || r == NATPMP_ERR_RECVFROM)
		return pf_err(PF_ERR_NOTFOUND, "the gateway does not speak "
		    "NAT-PMP (asking for %s): NAT-PMP is off on the router, or "
		    "there is none", what);
	if (r == NATPMP_ERR_NOTAUTHORIZED || r == NATPMP_ERR_NETWORKFAILURE ||
	    r == NATPMP_ERR_OUTOFRESOURCES || r == NATPMP_ERR_UNDEFINEDERROR)
		return pf_err(PF_ERR_FORBIDDEN, "the gateway refused %s by "
		    "NAT-PMP (%s)", what, strnatpmperr(r));
	return pf_err(PF_ERR_NOTFOUND, "asking for %s: %s", what,
	    strnatpmperr(r));
}

enum pf_err
pf_natpmp_map(unsigned port, unsigned lease_s, struct pf_portmap *m)
{
	natpmp_t	 n;
	natpmpresp_t	 resp;
	int		 r;
	enum pf_err	 e = PF_OK;

	memset(m, 0, sizeof(*m));
	if ((r = initnatpmp(&n, 0, 0)) < 0)
		return natpmp_fail(r, "finding the default gateway");
	if ((r = sendpublicaddressrequest(&n)) < 0 ||
	    (r = wait_answer(&n, &resp)) < 0)
		e = natpmp_fail(r, "the external address");
	else {
		inet_ntop(AF_INET, &resp.pnu.publicaddress.addr, m->ext_ip,
		    sizeof(m->ext_ip));
		if ((r = sendnewportmappingrequest(&n, NATPMP_PROTOCOL_TCP,
		    (uint16_t)port, (uint16_t)port, lease_s)) < 0 ||
		    (r = wait_answer(&n, &resp)) < 0)
			e = natpmp_fail(r, lease_s ? "a port mapping" :
			    "removing a port mapping");
		else if (lease_s != 0 &&
		    resp.pnu.newportmapping.mappedpublicport != port)
			e = pf_err(PF_ERR_FORBIDDEN, "the gateway mapped external "
			    "TCP port %u, not %u as asked",
			    resp.pnu.newportmapping.mappedpublicport, port);
		else
			m->to_port = resp.pnu.newportmapping.privateport;
	}
	closenatpmp(&n);
	return e;
}

#endif /* HAVE_UPNP */
