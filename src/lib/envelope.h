/*
 * envelope.h: signing, verifying, encrypting and decrypting (gpgme), with
 * every check of doc/DESIGN.md section 5.4 (cited as "(d)" below): a
 * successful gpgme call alone proves nothing.
 */
#ifndef PF_ENVELOPE_H
#define PF_ENVELOPE_H

#include "pf.h"

struct pf_keyring;

/* Detached, armored signature by the owner's key over data, into sig. */
enum pf_err	 pf_envelope_sign(struct pf_keyring *, const void *data, size_t len,
		    struct pf_buf *sig);
/*
 * Verify a detached signature over data: exactly one signature packet and
 * no literal data in sig; gpg's verdict: exactly one good signature, made
 * by a usable (not revoked, expired, disabled) signing (sub)key of the
 * pinned key whose primary fingerprint is author; then pf_envelope_binds
 * (a v4 signature of class 0x00 over binary data, SHA-2).  PF_ERR_BADSIG
 * with the reason otherwise.
 */
enum pf_err	 pf_envelope_verify(struct pf_keyring *, const void *data, size_t len,
		    const void *sig, size_t siglen, const char *author);
/*
 * pf_envelope_verify for the fetcher, one post after another: the same
 * verdict without a gpg process per post when the signature is by an
 * Ed25519 (sub)key of author (envelope_post.c verifies it in the process,
 * from the author's key exported once); any other case
 * goes to pf_envelope_verify.  PF_ERR_BADSIG with the reason.
 */
enum pf_err	 pf_envelope_verify_post(struct pf_keyring *, const void *data,
		    size_t len, const void *sig, size_t siglen, const char *author);
/*
 * Sign with the owner's key and encrypt to the pinned key to_fpr only
 * (no encrypt-to, hidden recipient id).  armor: ASCII output.
 */
enum pf_err	 pf_envelope_seal(struct pf_keyring *, const char *to_fpr,
		    const void *plain, size_t len, int armor, struct pf_buf *out);
/*
 * Decrypt and verify a message meant for the owner.  The plaintext may not
 * exceed max_plain bytes (decompression bombs stop early).  Succeeds only
 * with exactly one good signature by a usable (sub)key of a pinned,
 * non-disabled key; signer gets that key's primary fingerprint and
 * *sig_time the signature time (seconds).  The caller still checks the
 * plaintext's own fields (from == signer, to, aud, ts, nonce).
 * Errors: PF_ERR_CRYPTO (not encrypted to us, corrupt), PF_ERR_BADSIG
 * (unsigned, bad, several signatures), PF_ERR_FORBIDDEN (unknown or
 * blocked signer), PF_ERR_LIMIT (plaintext too large).
 */
enum pf_err	 pf_envelope_open(struct pf_keyring *, const void *cipher, size_t len,
		    size_t max_plain, struct pf_buf *plain, char signer[PF_FPR_MAX],
		    int64_t *sig_time);

/*
 * pf_envelope_binds: pf_pgp_precheck_binds (pgp.h) with the signing (sub)keys
 * of author's pinned, unblocked key, from the keyring's cache (no gpg
 * process).
 */
enum pf_err	 pf_envelope_binds(struct pf_keyring *, const void *data,
		    size_t len, const void *sig, size_t siglen, const char *author);

/*
 * What gpg reported about the signatures of a verified or decrypted
 * message, and what the keyring holds for the signer, as plain data.
 */
struct pf_envelope_sig {
	size_t		 nsig;		/* signatures gpg reported */
	/* The first signature: */
	const char	*fpr;		/* its (sub)key as gpg named it, or NULL */
	int		 no_pubkey;	/* gpg has no public key for it */
	unsigned int	 status;	/* gpg error code, 0: good */
	const char	*status_text;	/* gpg's reason for status, or NULL */
	unsigned int	 summary;	/* gpgme's GPGME_SIGSUM_* bits */
	int		 hash_algo;	/* OpenPGP hash algorithm id (8: SHA-256) */
	int		 wrong_key_usage;
	/* The pinned key holding the (sub)key fpr; key_fpr NULL if none: */
	const char	*key_fpr;	/* its primary fingerprint */
	int		 key_disabled;	/* blocked */
	int		 key_unusable;	/* revoked, expired, disabled or invalid */
	const char	*sub_fpr;	/* the signing subkey */
	int		 sub_can_sign;
	int		 sub_unusable;	/* revoked, expired, disabled or invalid */
};

/*
 * pf_envelope_precheck: a decrypted or verified message of len bytes and
 * what gpg said about its signatures, before any field of it is read
 * ((d) steps 5-9): at most max_plain bytes, exactly one signature,
 * good, with no bad summary bit, made by a usable signing (sub)key of a
 * pinned, unblocked, usable key, and by author's key when author is not
 * NULL.  signer gets that key's primary fingerprint.
 * Errors: PF_ERR_LIMIT, PF_ERR_BADSIG, and who (PF_ERR_FORBIDDEN for
 * requests, PF_ERR_BADSIG for posts) for an unknown, unpinned or blocked
 * signer.  The plaintext's own fields are pf_req_parse's (requests) and
 * fetch_page.c's (responses).
 */
enum pf_err	 pf_envelope_precheck(size_t len, size_t max_plain,
		    const struct pf_envelope_sig *, enum pf_err who,
		    const char *author, char signer[PF_FPR_MAX]);

#endif
