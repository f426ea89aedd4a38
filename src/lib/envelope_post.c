/*
 * envelope_post.c: a post's detached signature verified in the process,
 * with libgcrypt, so that the fetcher verifies every post it stores
 * (doc/PROTOCOL.md "Posts") without a gpg process per post
 * (pf_envelope_verify_post, envelope.h).
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

#include <gcrypt.h>

#include "envelope.h"
#include "envelope_int.h"
#include "keyring_int.h"

#define ALGO_EDDSA	22
#define ED25519_LEN	32

/* The curve OID of Ed25519 in OpenPGP (RFC 4880bis 9.2). */
static const unsigned char ed25519_oid[] = {
	0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01
};

/* What a signature packet holds, read by sig_parse. */
struct sigpkt {
	const unsigned char	*hashed;	/* version .. hashed subpackets */
	size_t			 hashed_len;
	int			 md;		/* libgcrypt digest */
	unsigned char		 keyid[8];
	int			 has_issuer;
	int64_t			 created;
	int64_t			 expires;	/* 0: never */
	const unsigned char	*prefix;	/* digest's first two bytes */
	unsigned char		 r[ED25519_LEN], s[ED25519_LEN];
};

static int64_t
be32(const unsigned char *p)
{
	return (int64_t)p[0] << 24 | (int64_t)p[1] << 16 | (int64_t)p[2] << 8 |
	    p[3];
}

/* One subpacket of type t and body b (n bytes); critical if crit. */
static enum pf_err
subpacket(int t, int crit, const unsigned char *b, size_t n, int hashed,
    struct sigpkt *sp)
{
	if (t == 2 && hashed && n == 4)
		sp->created = be32(b);
	else if (t == 3 && hashed && n == 4)
		sp->expires = be32(b);
	else if ((t == 16 && n == 8) || (t == 33 && n == 21 && b[0] == 4)) {
		memcpy(sp->keyid, t == 16 ? b : b + 13, 8);
		sp->has_issuer = 1;
	} else if (crit)
		return pf_err(PF_ERR_BADSIG, "signature: critical subpacket "
		    "%d not understood", t);
	return PF_OK;
}

/* Walk a subpacket area [p, p + n) (RFC 4880 5.2.3.1). */
static enum pf_err
subpackets(const unsigned char *p, size_t n, int hashed, struct sigpkt *sp)
{
	size_t		i = 0, blen;
	enum pf_err	e;

	while (i < n) {
		if (p[i] < 192)
			blen = p[i++];
		else if (p[i] < 255 && n - i >= 2) {
			blen = ((size_t)(p[i] - 192) << 8) + p[i + 1] + 192;
			i += 2;
		} else if (p[i] == 255 && n - i >= 5) {
			blen = (size_t)be32(p + i + 1);
			i += 5;
		} else
			blen = 0;
		if (blen == 0 || n - i < blen)
			return pf_err(PF_ERR_BADSIG, "signature: bad subpacket");
		if ((e = subpacket(p[i] & 0x7f, p[i] & 0x80, p + i + 1,
		    blen - 1, hashed, sp)) != PF_OK)
			return e;
		i += blen;
	}
	return PF_OK;
}

/* An MPI at p[*i] of at most 32 bytes, right-aligned into out. */
static int
mpi32(const unsigned char *p, size_t n, size_t *i, unsigned char *out)
{
	size_t bytes;

	if (n - *i < 2)
		return -1;
	bytes = (((size_t)p[*i] << 8 | p[*i + 1]) + 7) / 8;
	*i += 2;
	if (bytes > ED25519_LEN || n - *i < bytes)
		return -1;
	memset(out, 0, ED25519_LEN);
	memcpy(out + ED25519_LEN - bytes, p + *i, bytes);
	*i += bytes;
	return 0;
}

/*
 * Read a v4 signature packet body p (n bytes).  PF_ERR_NOTFOUND if it is
 * not EdDSA (for gpg to judge), PF_ERR_BADSIG if it is malformed or not
 * one we accept.
 */
static enum pf_err
sig_parse(const unsigned char *p, size_t n, struct sigpkt *sp)
{
	size_t		hl, ul, i;
	enum pf_err	e;

	memset(sp, 0, sizeof(*sp));
	if (n < 10 || p[0] != 4)
		return pf_err(PF_ERR_BADSIG, "signature: not OpenPGP v4");
	if (p[1] != 0x00)
		return pf_err(PF_ERR_BADSIG, "signature: type 0x%02x, not "
		    "over binary data", p[1]);
	if (p[2] != ALGO_EDDSA)
		return PF_ERR_NOTFOUND;
	if ((sp->md = pf_pgp_hash(p[3])) == 0)
		return pf_err(PF_ERR_BADSIG, "signature: hash algorithm %d is "
		    "not SHA-2 (SHA-1 and older are refused)", p[3]);
	hl = (size_t)p[4] << 8 | p[5];
	if (n < 8 + hl || n < 8 + hl + ((size_t)p[6 + hl] << 8 | p[7 + hl]) + 2)
		return pf_err(PF_ERR_BADSIG, "signature: truncated");
	ul = (size_t)p[6 + hl] << 8 | p[7 + hl];
	if ((e = subpackets(p + 6, hl, 1, sp)) != PF_OK ||
	    (e = subpackets(p + 8 + hl, ul, 0, sp)) != PF_OK)
		return e;
	sp->hashed = p;
	sp->hashed_len = 6 + hl;
	sp->prefix = p + 8 + hl + ul;
	i = 10 + hl + ul;
	if (mpi32(p, n, &i, sp->r) == -1 || mpi32(p, n, &i, sp->s) == -1 ||
	    i != n)
		return pf_err(PF_ERR_BADSIG, "signature: malformed EdDSA value");
	if (!sp->has_issuer || sp->created == 0)
		return pf_err(PF_ERR_BADSIG, "signature: no issuer or no "
		    "creation time");
	return PF_OK;
}

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

/* The v4 fingerprint (RFC 4880 12.2): SHA-1 of 0x99, length, body. */
static int
v4_fpr(const unsigned char *b, size_t n, unsigned char fpr[20])
{
	unsigned char	hdr[3] = { 0x99, (unsigned char)(n >> 8),
			    (unsigned char)n };
	gcry_md_hd_t	h;

	if (n > 0xffff || gcry_md_open(&h, GCRY_MD_SHA1, 0) != 0)
		return -1;
	gcry_md_write(h, hdr, sizeof(hdr));
	gcry_md_write(h, b, n);
	memcpy(fpr, gcry_md_read(h, GCRY_MD_SHA1), 20);
	gcry_md_close(h);
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
	const size_t	 ol = sizeof(ed25519_oid);
	unsigned char	 fpr[20];
	struct pf_sigkey *k;

	/* version, created(4), algo, OID length, OID, MPI q: 0x40 || point */
	if (kr->nsk >= PF_SIGKEYS_MAX || n != 7 + ol + 2 + 1 + ED25519_LEN ||
	    b[0] != 4 || b[5] != ALGO_EDDSA || b[6] != ol ||
	    memcmp(b + 7, ed25519_oid, ol) != 0 || b[9 + ol] != 0x40)
		return;
	if (v4_fpr(b, n, fpr) == -1 || !usable_signer(key, fpr))
		return;
	k = &kr->sk[kr->nsk++];
	memcpy(k->keyid, fpr + 12, 8);
	memcpy(k->q, b + 9 + ol, sizeof(k->q));
	k->created = be32(b + 1);
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
key_of(const struct pf_keyring *kr, const struct sigpkt *sp)
{
	size_t i;

	for (i = 0; i < kr->nsk; i++)
		if (memcmp(kr->sk[i].keyid, sp->keyid, 8) == 0)
			return &kr->sk[i];
	return NULL;
}

/* The EdDSA signature sp by k over digest md (mdlen bytes). */
static enum pf_err
eddsa_check(const struct pf_sigkey *k, const struct sigpkt *sp,
    const unsigned char *md, size_t mdlen)
{
	gcry_sexp_t	pk = NULL, dt = NULL, sg = NULL;
	enum pf_err	e = PF_ERR_BADSIG;

	if (gcry_sexp_build(&pk, NULL, "(public-key(ecc(curve Ed25519)"
	    "(flags eddsa)(q %b)))", (int)sizeof(k->q), k->q) != 0 ||
	    gcry_sexp_build(&dt, NULL, "(data(flags eddsa)(hash-algo sha512)"
	    "(value %b))", (int)mdlen, md) != 0 ||
	    gcry_sexp_build(&sg, NULL, "(sig-val(eddsa(r %b)(s %b)))",
	    ED25519_LEN, sp->r, ED25519_LEN, sp->s) != 0)
		pf_err(e = PF_ERR_CRYPTO, "signature: libgcrypt refused the "
		    "values");
	else if (gcry_pk_verify(sg, dt, pk) != 0)
		pf_err(e, "signature: BAD (does not verify over these bytes)");
	else
		e = PF_OK;
	gcry_sexp_release(pk);
	gcry_sexp_release(dt);
	gcry_sexp_release(sg);
	return e;
}

/* The digest of data and sp's hashed part (RFC 4880 5.2.4), checked. */
static enum pf_err
sig_check(const struct pf_sigkey *k, const struct sigpkt *sp,
    const void *data, size_t len)
{
	unsigned char	 trailer[6], md[64];
	size_t		 mdlen = gcry_md_get_algo_dlen(sp->md);
	gcry_md_hd_t	 h;

	if (sp->created < k->created)
		return pf_err(PF_ERR_BADSIG, "signature: made before its key");
	if (sp->expires != 0 && sp->created + sp->expires <= pf_now_ms() / 1000)
		return pf_err(PF_ERR_BADSIG, "signature: expired");
	if (mdlen > sizeof(md) || gcry_md_open(&h, sp->md, 0) != 0)
		return pf_err(PF_ERR_CRYPTO, "signature: cannot hash");
	trailer[0] = 4;
	trailer[1] = 0xff;
	trailer[2] = (unsigned char)(sp->hashed_len >> 24);
	trailer[3] = (unsigned char)(sp->hashed_len >> 16);
	trailer[4] = (unsigned char)(sp->hashed_len >> 8);
	trailer[5] = (unsigned char)sp->hashed_len;
	gcry_md_write(h, data, len);
	gcry_md_write(h, sp->hashed, sp->hashed_len);
	gcry_md_write(h, trailer, sizeof(trailer));
	memcpy(md, gcry_md_read(h, sp->md), mdlen);
	gcry_md_close(h);
	if (md[0] != sp->prefix[0] || md[1] != sp->prefix[1])
		return pf_err(PF_ERR_BADSIG, "signature: not made over these "
		    "bytes");
	return eddsa_check(k, sp, md, mdlen);
}

enum pf_err
pf_envelope_verify_post(struct pf_keyring *kr, const void *data, size_t len,
    const void *sig, size_t siglen, const char *author)
{
	struct pf_buf		 bin = { 0 };
	struct sigpkt		 sp;
	const struct pf_sigkey	*k = NULL;
	char			 want[PF_FPR_MAX];
	gpgme_key_t		 key;
	size_t			 off = 0, blen = 0;
	int			 tag = 0, partial = 0;
	enum pf_err		 e;

	if (pf_fpr_normalize(author, want) != PF_OK ||
	    (key = pf_keyring_find(kr, want)) == NULL || key->disabled ||
	    pf_keyring_unusable(key) ||
	    pf_envelope_precheck_sig(sig, siglen) != PF_OK)
		goto gpg;
	if (pf_pgp_dearmor(sig, siglen, "SIGNATURE", &bin) != PF_OK ||
	    pf_pgp_header((const unsigned char *)bin.data, bin.len, &off, &tag,
	    &blen, &partial) != PF_OK)
		goto gpg;
	pf_gcry_init();
	e = sig_parse((const unsigned char *)bin.data + off, blen, &sp);
	if (e == PF_OK && keys_load(kr, key) == PF_OK)
		k = key_of(kr, &sp);
	if (e == PF_ERR_NOTFOUND || (e == PF_OK && k == NULL))
		goto gpg;
	if (e == PF_OK)
		e = sig_check(k, &sp, data, len);
	pf_buf_free(&bin);
	return e;
gpg:
	/* Not ours to judge here: gpg decides, and names the reason. */
	pf_buf_free(&bin);
	return pf_envelope_verify(kr, data, len, sig, siglen, author);
}
