/*
 * digest.h: hashes, HMAC, PBKDF2 and the Ed25519 check, the library's one
 * door to libgcrypt (nothing else includes gcrypt.h, nothing else starts
 * it).  Callers name an algorithm by its OpenPGP id, so a signature's
 * hash byte needs no table of its own.
 */
#ifndef PF_DIGEST_H
#define PF_DIGEST_H

#include "pf.h"

/* Hash algorithms, by their OpenPGP ids (RFC 4880 section 9.4). */
enum pf_md {
	PF_MD_SHA1 = 2,
	PF_MD_SHA256 = 8,
	PF_MD_SHA384 = 9,
	PF_MD_SHA512 = 10,
	PF_MD_SHA224 = 11
};

#define PF_MD_MAX	64	/* bytes of the longest digest (SHA-512) */
#define PF_ED25519_LEN	32	/* a public key, r or s */

struct gcry_md_handle;

/* A digest being computed: pf_digest_open, _add..., pf_digest_close. */
struct pf_digest {
	struct gcry_md_handle	*h;
	int			 algo;	/* libgcrypt's id */
};

/*
 * Start a digest of algorithm md (any enum pf_md); an HMAC of it when
 * key is not NULL.  PF_ERR_INVALID for an id that is not in enum pf_md,
 * PF_ERR_SYS if libgcrypt cannot make it.
 */
enum pf_err	 pf_digest_open(struct pf_digest *, int md, const void *key,
		    size_t keylen);
void		 pf_digest_add(struct pf_digest *, const void *, size_t);
/*
 * Write the digest to out (when not NULL) and release d; returns its
 * length in bytes.  Safe on a digest that failed to open.
 */
size_t		 pf_digest_close(struct pf_digest *, unsigned char out[PF_MD_MAX]);

/* Lowercase hex SHA-256 of a buffer. */
void		 pf_sha256_hex(const void *, size_t, char out[PF_SHA256_HEX]);
/* PBKDF2-HMAC-SHA256 of password pw (RFC 8018) into out (outlen bytes). */
enum pf_err	 pf_pbkdf2_sha256(const char *pw, const void *salt,
		    size_t saltlen, unsigned long iter, void *out, size_t outlen);
/*
 * The Ed25519 signature (r, s) by public key q (qlen bytes: the point,
 * or 0x40 and the point as OpenPGP stores it) over md (mdlen bytes), as
 * OpenPGP signs a digest (RFC 8032, RFC 4880bis 5.2.3): PF_OK if it
 * verifies, PF_ERR_BADSIG if not, PF_ERR_CRYPTO if libgcrypt refuses.
 */
enum pf_err	 pf_ed25519_verify(const unsigned char *q, size_t qlen,
		    const unsigned char *md, size_t mdlen,
		    const unsigned char r[PF_ED25519_LEN],
		    const unsigned char s[PF_ED25519_LEN]);

#endif
