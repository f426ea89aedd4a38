/*
 * req.h: the plaintext of a private feed request (DESIGN.md section 5),
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

/* What the request must match. */
struct pf_req_want {
	const char	*signer;	/* primary fpr of the verified signer */
	const char	*self;		/* our fingerprint */
	const char	*aud;		/* our feed endpoint URL */
	int64_t		 now;		/* seconds since the epoch */
	long		 window;	/* |now - ts| at most this */
	long		 page_max;	/* limit at most this */
};

/* A checked request. */
struct pf_req {
	char		 from[PF_FPR_MAX];
	int64_t		 ts;
	char		 nonce[PF_NONCE_LEN + 1];
	int		 has_since;
	struct pf_cursor since;		/* zeroed when absent: the beginning */
	size_t		 limit;		/* page_max when absent */
};

/*
 * Parse buf[0..len) (strict JSON, one flat object with only the members
 * v, from, to, aud, ts, nonce, since, limit) and check: v == 1; from a
 * fingerprint equal to want->signer; to equal to want->self; aud equal to
 * want->aud; ts an integer within want->window seconds of want->now (the
 * error names the skew); nonce 32 lowercase hex digits; since, if present,
 * a cursor or RFC 3339 time; limit, if present, 1..page_max.
 * Errors: PF_ERR_INVALID, PF_ERR_LIMIT, PF_ERR_FORBIDDEN (from is not the
 * signer, to or aud not ours), PF_ERR_STALE, each naming the field.
 * The nonce is not remembered here: that is the caller's, after all checks.
 */
enum pf_err	 pf_req_parse(const char *buf, size_t len, const struct pf_req_want *,
		    struct pf_req *out);

#endif
