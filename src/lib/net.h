/*
 * net.h: the HTTP transport that the CLI (friend add --url, doctor), node
 * info and the fetcher share: bounded transfers (doc/DESIGN.md section 6),
 * one at a time or many at once.  net.c is the only user of libcurl.
 */
#ifndef PF_NET_H
#define PF_NET_H

#include <stddef.h>

#include "friend.h"	/* PF_ETAG_MAX */
#include "pf.h"

/* Bounds on every transfer. */
struct pf_net_limits {
	long	connect_timeout;	/* seconds to connect */
	long	timeout;		/* seconds for the whole transfer */
	long	low_speed;		/* abort below this many bytes/s ... */
	long	low_speed_time;		/* ... for this many seconds */
	size_t	max_body;		/* bytes of a response body, at most */
	long	max_redirs;		/* redirects followed, at most */
};

/* Defaults: 10 s connect, 60 s total, 256 B/s over 20 s, 3 redirects. */
void		 pf_net_limits_default(struct pf_net_limits *, size_t max_body);

/*
 * One HTTP exchange.  The caller fills the request half and keeps the
 * strings alive until the transfer is done; the transport fills the
 * result half.  A transfer "succeeds" when an HTTP status arrived within
 * the limits, whatever the status.
 */
struct pf_xfer {
	/* request */
	const char	*url;
	const void	*body;		/* POST body, or NULL for a GET */
	size_t		 body_len;
	const char	*ctype;		/* Content-Type of the body */
	const char	*from;		/* Peerfeed-From, or NULL */
	const char	*etag;		/* If-None-Match, or NULL */
	size_t		 max_body;	/* cap for this body; 0: the engine's */
	int64_t		 not_before;	/* pf_now_ms() to start at; 0: now */
	void		*arg;		/* the caller's */
	/* result */
	enum pf_err	 err;		/* PF_OK, PF_ERR_NETWORK, PF_ERR_LIMIT */
	char		 error[256];	/* why, when err != PF_OK */
	long		 status;	/* HTTP status, 0 if none */
	struct pf_buf	 resp;		/* response body, at most max_body */
	char		 resp_etag[PF_ETAG_MAX];	/* ETag header, "" if none */
	char		 resp_ctype[128];	/* Content-Type header, "" if none */
	long		 retry_after;	/* Retry-After in seconds, -1 if none */
	void		*priv;		/* the transport's */
};

struct pf_net;

/* A transfer engine running at most jobs transfers at once. */
enum pf_err	 pf_net_open(const struct pf_net_limits *, int jobs, struct pf_net **);
void		 pf_net_close(struct pf_net *);
/*
 * Queue x (its result half is reset), to start when a slot is free and
 * not before x->not_before.  x must stay valid until pf_net_wait() hands
 * it back.
 */
enum pf_err	 pf_net_start(struct pf_net *, struct pf_xfer *);
/*
 * Run transfers until one is done and set *done to it, waiting for the
 * ones queued for later.  PF_ERR_NOTFOUND when nothing is queued or
 * running.
 */
enum pf_err	 pf_net_wait(struct pf_net *, struct pf_xfer **done);
/*
 * Run the one transfer x to its end (the CLI's GET of a friend's /key).
 * An error of the transfer itself is returned, with the URL in the message;
 * free x with pf_xfer_free() either way.
 */
enum pf_err	 pf_net_run_one(const struct pf_net_limits *, struct pf_xfer *);
/*
 * The SOCKS5 proxy for .onion URLs, for every transfer of this process
 * from now on ("ADDR:PORT", peerfeed.conf's tor_socks; "" or NULL: none).
 * pf_node_open() sets it from the node's peerfeed.conf.  An .onion URL
 * goes through it with the name resolved by the proxy (socks5h), follows
 * no redirect, and without a proxy is not fetched at all; any other URL
 * never goes through it; no transfer ever asks DNS for an .onion name
 * (doc/PROTOCOL.md, "Base URL").
 */
void		 pf_net_tor_socks(const char *hostport);
/* True if a SOCKS proxy for .onion URLs is set (pf_net_tor_socks()). */
int		 pf_net_tor_set(void);
/* Free what the transport holds for x (its body buffer included). */
void		 pf_xfer_free(struct pf_xfer *);

#endif /* PF_NET_H */
