/*
 * req.h: the plaintext of a private request (doc/DESIGN.md section 5),
 * parsed from the exact decrypted bytes and checked field by field against
 * what this node expects.  A good OpenPGP signature alone proves nothing:
 * these checks bind the request to its signer, to this node and endpoint,
 * to a moment, and to one use.
 */
#ifndef PF_REQ_H
#define PF_REQ_H

#include "index.h"
#include "pf.h"

#define PF_NONCE_LEN	32	/* lowercase hex digits of a request nonce */
#define PF_REQ_DEPTH	2	/* JSON nesting: one flat object */

/* What a request asks for; each kind has its own endpoint and members. */
enum pf_req_kind {
	PF_REQ_FEED,		/* POST /feed: since, limit */
	PF_REQ_MEDIA,		/* POST /media: media */
};

/* What the request must match. */
struct pf_req_want {
	const char	*signer;	/* primary fpr of the verified signer */
	const char	*self;		/* our fingerprint */
	const char	*aud;		/* our endpoint URLs for this kind,
					   one a line */
	int64_t		 now;		/* seconds since the epoch */
	long		 window;	/* |now - ts| at most this */
	long		 page_max;	/* limit at most this */
	enum pf_req_kind kind;
};

/* A checked request. */
struct pf_req {
	enum pf_req_kind kind;
	char		 from[PF_FPR_MAX];
	int64_t		 ts;
	char		 nonce[PF_NONCE_LEN + 1];
	int		 has_since;	/* feed: */
	struct pf_cursor since;		/* zeroed when absent: the beginning */
	size_t		 limit;		/* page_max when absent */
	char		 media[PF_SHA256_HEX];	/* media: the digest asked for */
};

/*
 * Parse buf[0..len) (strict JSON, one flat object) and check it as a
 * request of want->kind.  Members: v, from, to, aud, ts, nonce, and for
 * PF_REQ_FEED the optional since and limit, for PF_REQ_MEDIA the required
 * media; any other member is refused.  Checks: v == 1; from a fingerprint
 * equal to want->signer; to equal to want->self; aud equal to one line
 * of want->aud;
 * ts an integer within want->window seconds of want->now (the error names
 * the skew); nonce 32 lowercase hex digits; since, if present, a cursor or
 * RFC 3339 time; limit, if present, at least 1 (larger than page_max gives page_max); media 64 lowercase hex
 * digits.
 * Errors: PF_ERR_INVALID, PF_ERR_LIMIT, PF_ERR_FORBIDDEN (from is not the
 * signer, to or aud not ours), PF_ERR_STALE, each naming the field.
 * The nonce is not remembered here: that is the caller's, after all checks.
 */
enum pf_err	 pf_req_parse(const char *buf, size_t len, const struct pf_req_want *,
		    struct pf_req *out);

#endif
