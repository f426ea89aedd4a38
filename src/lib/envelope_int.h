/*
 * envelope_int.h: the OpenPGP packet helpers of envelope.c that
 * envelope_post.c shares.  Nothing else includes it.
 */
#ifndef PF_ENVELOPE_INT_H
#define PF_ENVELOPE_INT_H

#include "pf.h"

/* OpenPGP packet tags (RFC 4880 section 4.3). */
enum {
	PKT_PKESK = 1, PKT_SIG = 2, PKT_SKESK = 3, PKT_PUBKEY = 6, PKT_SED = 9,
	PKT_PUBSUB = 14, PKT_SEIPD = 18, PKT_AEAD = 20
};

/*
 * If data is ASCII armor of the given kind ("SIGNATURE", "MESSAGE",
 * "PUBLIC KEY BLOCK"), decode its body into bin; binary data is copied as
 * it is.  PF_ERR_INVALID otherwise.
 */
enum pf_err	 pf_pgp_dearmor(const char *data, size_t len, const char *kind,
		    struct pf_buf *bin);
/*
 * Read the packet header at p[*off] (n bytes in all): its tag, body length
 * and whether that length is partial; *off moves to the body.
 */
enum pf_err	 pf_pgp_header(const unsigned char *p, size_t n, size_t *off,
		    int *tag, size_t *blen, int *partial);
/* The libgcrypt digest of an accepted (SHA-2) OpenPGP hash id, else 0. */
int		 pf_pgp_hash(int algo);

#endif
