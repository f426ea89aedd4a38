/*
 * pgp.h: OpenPGP packets read in plain C (RFC 4880, RFC 4880bis for
 * EdDSA): armor, packet headers, signature packets, Ed25519 public key
 * packets, and the checks that need no gpg (doc/DESIGN.md section 5.4,
 * "(d)").  No gpgme here: envelope.c runs gpg after these checks pass,
 * and tests/fuzz/fuzz_pgp feeds them anything, linked with this module,
 * digest.c and the error and buffer helpers alone.
 */
#ifndef PF_PGP_H
#define PF_PGP_H

#include "digest.h"
#include "pf.h"

/* OpenPGP packet tags (RFC 4880 section 4.3). */
enum {
	PKT_PKESK = 1, PKT_SIG = 2, PKT_SKESK = 3, PKT_PUBKEY = 6, PKT_SED = 9,
	PKT_PUBSUB = 14, PKT_SEIPD = 18, PKT_AEAD = 20
};

#define PF_PGP_EDDSA	22	/* public-key algorithm id of EdDSA */
#define PF_PGP_Q_LEN	33	/* an Ed25519 point as OpenPGP stores it */

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

/* A v4 signature packet, read by pf_pgp_sig_parse; pointers into it. */
struct pf_pgp_sig {
	int			 type;		/* signature class */
	int			 pk_algo;	/* public-key algorithm id */
	int			 hash_algo;	/* OpenPGP hash id (enum pf_md) */
	const unsigned char	*hashed;	/* version .. hashed subpackets */
	size_t			 hashed_len;
	unsigned char		 keyid[8];	/* the issuer's */
	int			 has_issuer;
	int64_t			 created;	/* 0: none */
	int64_t			 expires;	/* seconds after created, 0: never */
	int			 critical;	/* a critical subpacket not understood */
	const unsigned char	*prefix;	/* the digest's first two bytes */
	const unsigned char	*mpis;		/* the signature values */
	size_t			 mpis_len;
};

/*
 * Read the signature packet body p (n bytes): a v4 signature whose
 * subpacket areas and length fields hold together.  The issuer is the
 * first one named, hashed area first.  PF_ERR_BADSIG with the reason
 * otherwise; nothing is judged yet (see pf_pgp_sig_accept).
 */
enum pf_err	 pf_pgp_sig_parse(const unsigned char *p, size_t n,
		    struct pf_pgp_sig *);
/*
 * What every signature we take must be: over binary data (class 0x00, not
 * text, whose line endings gpg rewrites), with a SHA-2 hash (never MD5,
 * SHA-1 or RIPEMD-160).  PF_ERR_BADSIG, named, otherwise.
 */
enum pf_err	 pf_pgp_sig_accept(const struct pf_pgp_sig *);
/* True if algo, an OpenPGP hash id, is a SHA-2 hash we accept. */
int		 pf_pgp_hash_ok(int algo);
/*
 * The digest sig signs over data (RFC 4880 5.2.4: data, the hashed part,
 * the v4 trailer) into md; returns its length, 0 if it cannot be made.
 */
size_t		 pf_pgp_sig_digest(const struct pf_pgp_sig *, const void *data,
		    size_t len, unsigned char md[PF_MD_MAX]);
/* The EdDSA values r and s of sig (-1 if malformed or not EdDSA). */
int		 pf_pgp_sig_eddsa(const struct pf_pgp_sig *,
		    unsigned char r[PF_ED25519_LEN], unsigned char s[PF_ED25519_LEN]);
/*
 * Read a public (sub)key packet body b (n bytes): 0 if it is a v4 Ed25519
 * key, with its v4 fingerprint (RFC 4880 12.2), its point q and its
 * creation time; -1 otherwise.
 */
int		 pf_pgp_key_ed25519(const unsigned char *b, size_t n,
		    unsigned char fpr[20], unsigned char q[PF_PGP_Q_LEN],
		    int64_t *created);

/*
 * pf_pgp_precheck_sig: sig (armored or binary) is exactly one OpenPGP
 * signature packet, nothing else (no literal data riding along).
 * PF_ERR_BADSIG otherwise.
 */
enum pf_err	 pf_pgp_precheck_sig(const void *sig, size_t len);
/*
 * pf_pgp_precheck_msg: msg (armored or binary) is exactly one v3
 * public-key session key packet whose key id is one of keyids (16
 * uppercase hex digits each; NULL-terminated list) or thrown (zero), then
 * one integrity-protected encrypted data packet, last.  PF_ERR_CRYPTO
 * otherwise.
 */
enum pf_err	 pf_pgp_precheck_msg(const void *msg, size_t len,
		    const char *const *keyids);
/*
 * pf_pgp_precheck_binds: sig (armored or binary) is one v4 signature
 * over binary data with a SHA-2 hash, issued by one of keyids (16
 * uppercase hex digits each; NULL-terminated), and the first 16 bits of
 * the digest it carries match data's.  No public-key operation, so not a
 * verification (the 16 bits are not signed: anyone can set them): what
 * pf_envelope_verify checks beyond gpg's verdict.  PF_ERR_BADSIG otherwise.
 */
enum pf_err	 pf_pgp_precheck_binds(const void *data, size_t len,
		    const void *sig, size_t siglen, const char *const *keyids);
/*
 * The one signature packet of the detached signature sig (armored or
 * binary), after pf_pgp_precheck_sig, read into s; bin keeps the bytes s
 * points into (the caller frees it, also on failure).
 */
enum pf_err	 pf_pgp_sig_read(const void *sig, size_t siglen,
		    struct pf_buf *bin, struct pf_pgp_sig *s);

#endif
