/*
 * envelope_post.c: a post's detached signature verified in the process
 * (pgp.c reads the packets, digest.c checks the EdDSA value), so that the
 * fetcher verifies every post it stores (doc/PROTOCOL.md "Posts") without
 * a gpg process per post (pf_envelope_verify_post, envelope.h).
 *
 * The key material comes from gpg: the author's key is exported once (one
 * gpg process) and its public key packets are read; only the Ed25519
 * (sub)keys that gpg lists as usable for signing (not revoked, expired,
 * disabled or invalid, on a pinned, unblocked, usable primary key) are
 * kept.  A signature is then checked as gpg checks a detached signature
 * over binary data (RFC 4880 section 5.2, RFC 6637, RFC 8032): one v4
 * signature packet of class 0x00, EdDSA, SHA-2, created no earlier than
 * its key, not expired, no unknown critical subpacket, its digest over
 * the post's bytes and the hashed part, and the EdDSA signature over that
 * digest.  Anything else (another algorithm, an issuer we do not hold)
 * goes to gpg through pf_envelope_verify, which names the reason.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "keyring_int.h"
#include "pgp.h"

/* True if key has a usable signing (sub)key with this v4 fingerprint. */
static int
usable_signer(gpgme_key_t key, const unsigned char fpr[20])
{
	gpgme_subkey_t	sk;
	char		hex[41];
	int		i;

	for (i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02X", fpr[i]);
	for (sk = key->subkeys; sk != NULL; sk = sk->next)
		if (sk->fpr != NULL && strcmp(sk->fpr, hex) == 0)
			return sk->can_sign && !sk->revoked && !sk->expired &&
			    !sk->disabled && !sk->invalid;
	return 0;
}

/*
 * Keep the public key packet body b (n bytes) in kr->sk if it is a v4
 * Ed25519 (sub)key of key's that gpg lists as usable for signing.
 */
static void
keep_key(struct pf_keyring *kr, gpgme_key_t key, const unsigned char *b,
    size_t n)
{
	unsigned char		 fpr[20], q[PF_PGP_Q_LEN];
	int64_t			 created;
	struct pf_sigkey	*k;

	if (kr->nsk >= PF_SIGKEYS_MAX ||
	    pf_pgp_key_ed25519(b, n, fpr, q, &created) == -1 ||
	    !usable_signer(key, fpr))
		return;
	k = &kr->sk[kr->nsk++];
	memcpy(k->keyid, fpr + 12, 8);
	memcpy(k->q, q, sizeof(k->q));
	k->created = created;
}

/* Load key's usable Ed25519 signing (sub)keys into kr->sk, once. */
static enum pf_err
keys_load(struct pf_keyring *kr, gpgme_key_t key)
{
	struct pf_buf		 arm = { 0 }, bin = { 0 };
	const unsigned char	*p;
	size_t			 off = 0, blen;
	int			 tag, partial;
	enum pf_err		 e;

	if (strcmp(kr->sk_author, key->fpr) == 0)
		return PF_OK;
	kr->nsk = 0;
	kr->sk_author[0] = '\0';
	if ((e = pf_keyring_export(kr, key->fpr, &arm)) != PF_OK ||
	    (e = pf_pgp_dearmor(arm.data, arm.len, "PUBLIC KEY BLOCK",
	    &bin)) != PF_OK)
		goto out;
	p = (const unsigned char *)bin.data;
	while (off < bin.len && pf_pgp_header(p, bin.len, &off, &tag, &blen,
	    &partial) == PF_OK && !partial && bin.len - off >= blen) {
		if (tag == PKT_PUBKEY || tag == PKT_PUBSUB)
			keep_key(kr, key, p + off, blen);
		off += blen;
	}
	snprintf(kr->sk_author, sizeof(kr->sk_author), "%s", key->fpr);
out:
	pf_buf_free(&arm);
	pf_buf_free(&bin);
	return e;
}

/* The kept key with the signature's issuer key id, or NULL. */
static const struct pf_sigkey *
key_of(const struct pf_keyring *kr, const struct pf_pgp_sig *s)
{
	size_t i;

	for (i = 0; i < kr->nsk; i++)
		if (memcmp(kr->sk[i].keyid, s->keyid, 8) == 0)
			return &kr->sk[i];
	return NULL;
}

/*
 * The EdDSA signature s by k over data: made no earlier than its key, not
 * expired, its digest (RFC 4880 5.2.4) matching, its value verifying.
 */
static enum pf_err
sig_check(const struct pf_sigkey *k, const struct pf_pgp_sig *s,
    const unsigned char r[PF_ED25519_LEN],
    const unsigned char sv[PF_ED25519_LEN], const void *data, size_t len)
{
	unsigned char	md[PF_MD_MAX];
	size_t		mdlen;

	if (s->created < k->created)
		return pf_err(PF_ERR_BADSIG, "signature: made before its key");
	if (s->expires != 0 && s->created + s->expires <= pf_now_ms() / 1000)
		return pf_err(PF_ERR_BADSIG, "signature: expired");
	if ((mdlen = pf_pgp_sig_digest(s, data, len, md)) == 0)
		return pf_err(PF_ERR_CRYPTO, "signature: cannot hash");
	if (md[0] != s->prefix[0] || md[1] != s->prefix[1])
		return pf_err(PF_ERR_BADSIG, "signature: not made over these "
		    "bytes");
	return pf_ed25519_verify(k->q, sizeof(k->q), md, mdlen, r, sv);
}

/*
 * The signature s as this file judges it: PF_ERR_NOTFOUND if it is not
 * EdDSA (for gpg to judge), PF_ERR_BADSIG if it is not one we accept.
 */
static enum pf_err
sig_usable(const struct pf_pgp_sig *s, unsigned char r[PF_ED25519_LEN],
    unsigned char sv[PF_ED25519_LEN])
{
	enum pf_err e;

	if ((e = pf_pgp_sig_accept(s)) != PF_OK)
		return e;
	if (s->pk_algo != PF_PGP_EDDSA)
		return PF_ERR_NOTFOUND;
	if (s->critical != 0)
		return pf_err(PF_ERR_BADSIG, "signature: critical subpacket "
		    "%d not understood", s->critical);
	if (pf_pgp_sig_eddsa(s, r, sv) == -1)
		return pf_err(PF_ERR_BADSIG, "signature: malformed EdDSA value");
	if (!s->has_issuer || s->created == 0)
		return pf_err(PF_ERR_BADSIG, "signature: no issuer or no "
		    "creation time");
	return PF_OK;
}

enum pf_err
pf_envelope_verify_post(struct pf_keyring *kr, const void *data, size_t len,
    const void *sig, size_t siglen, const char *author)
{
	struct pf_buf		 bin = { 0 };
	struct pf_pgp_sig	 s;
	const struct pf_sigkey	*k = NULL;
	unsigned char		 r[PF_ED25519_LEN], sv[PF_ED25519_LEN];
	char			 want[PF_FPR_MAX];
	gpgme_key_t		 key;
	enum pf_err		 e;

	if (pf_fpr_normalize(author, want) != PF_OK ||
	    (key = pf_keyring_find(kr, want)) == NULL || key->disabled ||
	    pf_keyring_unusable(key) ||
	    pf_pgp_precheck_sig(sig, siglen) != PF_OK ||
	    pf_pgp_sig_read(sig, siglen, &bin, &s) != PF_OK)
		goto gpg;
	e = sig_usable(&s, r, sv);
	if (e == PF_OK && keys_load(kr, key) == PF_OK)
		k = key_of(kr, &s);
	if (e == PF_ERR_NOTFOUND || (e == PF_OK && k == NULL))
		goto gpg;
	if (e == PF_OK)
		e = sig_check(k, &s, r, sv, data, len);
	pf_buf_free(&bin);
	return e;
gpg:
	/* Not ours to judge here: gpg decides, and names the reason. */
	pf_buf_free(&bin);
	return pf_envelope_verify(kr, data, len, sig, siglen, author);
}
