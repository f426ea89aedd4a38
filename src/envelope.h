/*
 * envelope.h: signing, verifying, encrypting and decrypting (gpgme), with
 * every check of shared/research/reliability-anchors.md section (d): a
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
 * no literal data in sig, exactly one good signature, made by a usable
 * (not revoked, expired, disabled) signing (sub)key of the pinned key whose
 * primary fingerprint is author.  PF_ERR_BADSIG with the reason otherwise.
 */
enum pf_err	 pf_envelope_verify(struct pf_keyring *, const void *data, size_t len,
		    const void *sig, size_t siglen, const char *author);
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

#endif
