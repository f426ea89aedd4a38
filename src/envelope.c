/*
 * envelope.c: sign, verify, seal (sign+encrypt) and open (decrypt+verify)
 * with gpgme, doing every check of reliability-anchors.md section (d):
 * gpgme returning success proves nothing by itself.  Cheap OpenPGP packet
 * pre-checks in plain C run before any gpg process is started.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "keyring_int.h"

/* Summary bits that make a signature unacceptable ((d) request step 7). */
#define SIGSUM_BAD	(GPGME_SIGSUM_RED | GPGME_SIGSUM_KEY_REVOKED |	\
	GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED |		\
	GPGME_SIGSUM_KEY_MISSING | GPGME_SIGSUM_CRL_MISSING |		\
	GPGME_SIGSUM_CRL_TOO_OLD | GPGME_SIGSUM_BAD_POLICY |		\
	GPGME_SIGSUM_SYS_ERROR | GPGME_SIGSUM_TOFU_CONFLICT)

/* OpenPGP packet tags (RFC 4880 section 4.3). */
enum {
	PKT_PKESK = 1, PKT_SIG = 2, PKT_SKESK = 3, PKT_SED = 9,
	PKT_SEIPD = 18, PKT_AEAD = 20
};

/* The plaintext sink of pf_envelope_open: bounded, remembers overflow. */
struct sink {
	struct pf_buf	buf;
	size_t		max;
	int		over;
};

static int
b64val(int c)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p;

	if (c == '\0' || (p = strchr(tab, c)) == NULL)
		return -1;
	return (int)(p - tab);
}

/* Decode the base64 in [p, end) (whitespace allowed, '=' ends it) into out. */
static enum pf_err
b64_decode(const char *p, const char *end, struct pf_buf *out)
{
	unsigned int	acc = 0;
	int		bits = 0, v;
	unsigned char	c;
	enum pf_err	e;

	for (; p < end && *p != '='; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if ((v = b64val((unsigned char)*p)) < 0)
			return pf_err(PF_ERR_INVALID, "armor: bad base64 character");
		acc = (acc << 6) | (unsigned int)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			c = (unsigned char)(acc >> bits);
			if ((e = pf_buf_add(out, &c, 1)) != PF_OK)
				return e;
		}
	}
	return PF_OK;
}

/*
 * If data is ASCII armor of the given kind ("SIGNATURE", "MESSAGE"),
 * decode its body into bin and return PF_OK; binary data is copied as it
 * is.  The CRC line and the end line close the body.
 */
static enum pf_err
dearmor(const char *data, size_t len, const char *kind, struct pf_buf *bin)
{
	char		 begin[64];
	const char	*p = data, *end = data + len, *body, *stop;
	size_t		 bl;

	bin->limit = len;
	if (len > 0 && ((unsigned char)data[0] & 0x80))
		return pf_buf_add(bin, data, len);
	bl = (size_t)snprintf(begin, sizeof(begin), "-----BEGIN PGP %s-----", kind);
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if ((size_t)(end - p) < bl || memcmp(p, begin, bl) != 0)
		return pf_err(PF_ERR_INVALID, "neither binary OpenPGP nor "
		    "\"%s\" armor", begin);
	/* Armor headers run up to the first empty line. */
	for (body = p + bl; body < end; body++)
		if (body[0] == '\n' && body + 1 < end && (body[1] == '\n' ||
		    (body[1] == '\r' && body + 2 < end && body[2] == '\n')))
			break;
	if (body >= end)
		return pf_err(PF_ERR_INVALID, "armor: no body");
	for (stop = body + 1; stop < end; stop++)
		if (stop[-1] == '\n' && (*stop == '=' || *stop == '-'))
			break;
	if (stop >= end)
		return pf_err(PF_ERR_INVALID, "armor: no end line");
	return b64_decode(body, stop, bin);
}

/*
 * Read a new-format body length at p[*i] (RFC 4880 4.2.2), moving *i past
 * it; *partial tells a partial body length.
 */
static enum pf_err
new_len(const unsigned char *p, size_t n, size_t *i, size_t *blen,
    int *partial)
{
	int b;

	*partial = 0;
	if (*i >= n)
		goto short_;
	b = p[(*i)++];
	if (b < 192)
		*blen = (size_t)b;
	else if (b < 224) {
		if (*i >= n)
			goto short_;
		*blen = ((size_t)(b - 192) << 8) + p[(*i)++] + 192;
	} else if (b < 255) {
		*blen = (size_t)1 << (b & 0x1f);
		*partial = 1;
	} else {
		if (n - *i < 4)
			goto short_;
		*blen = (size_t)p[*i] << 24 | (size_t)p[*i + 1] << 16 |
		    (size_t)p[*i + 2] << 8 | p[*i + 3];
		*i += 4;
	}
	return PF_OK;
short_:
	return pf_err(PF_ERR_INVALID, "OpenPGP: truncated packet header");
}

/*
 * Read the packet header at p[*off] (n bytes in all): its tag, body length
 * and whether that length is partial.  *off moves to the body.  Old-format
 * indeterminate lengths are refused.
 */
static enum pf_err
pkt_header(const unsigned char *p, size_t n, size_t *off, int *tag,
    size_t *blen, int *partial)
{
	size_t	i = *off, k, ll;
	int	b;

	*partial = 0;
	if (i >= n || !(p[i] & 0x80))
		return pf_err(PF_ERR_INVALID, "OpenPGP: not a packet header");
	b = p[i++];
	if (b & 0x40) {
		*tag = b & 0x3f;
		if (new_len(p, n, &i, blen, partial) != PF_OK)
			return PF_ERR_INVALID;
	} else {
		*tag = (b >> 2) & 0x0f;
		if ((b & 3) == 3)
			return pf_err(PF_ERR_INVALID, "OpenPGP: packet of "
			    "indeterminate length");
		ll = (size_t)1 << (b & 3);
		if (n - i < ll)
			return pf_err(PF_ERR_INVALID, "OpenPGP: truncated "
			    "packet header");
		for (*blen = 0, k = 0; k < ll; k++)
			*blen = *blen << 8 | p[i++];
	}
	*off = i;
	return PF_OK;
}

/*
 * Skip a packet body at *off, following partial-length chunks to the
 * last one.  PF_ERR_INVALID if it runs past the data.
 */
static enum pf_err
pkt_skip(const unsigned char *p, size_t n, size_t *off, size_t blen,
    int partial)
{
	for (;;) {
		if (n - *off < blen)
			return pf_err(PF_ERR_INVALID, "OpenPGP: truncated packet");
		*off += blen;
		if (!partial)
			return PF_OK;
		if (new_len(p, n, off, &blen, &partial) != PF_OK)
			return PF_ERR_INVALID;
	}
}

/* Re-file the last message under code (pre-check failures). */
static enum pf_err
refile(enum pf_err code, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s", pf_errmsg());
	return pf_err(code, "%s: %s", what, msg);
}

/*
 * (d) post signatures: a detached signature is exactly one signature
 * packet, so no literal data can ride along and make gpg verify that
 * instead of the text we pass (the classic false positive).
 */
static enum pf_err
precheck_sig(const void *sig, size_t len)
{
	struct pf_buf	bin = { 0 };
	size_t		off = 0, blen = 0;
	int		tag = 0, partial = 0;
	enum pf_err	e;

	if ((e = dearmor(sig, len, "SIGNATURE", &bin)) != PF_OK ||
	    (e = pkt_header((unsigned char *)bin.data, bin.len, &off, &tag,
	    &blen, &partial)) != PF_OK) {
		e = refile(PF_ERR_BADSIG, "not a detached signature");
		goto out;
	}
	if (tag != PKT_SIG || partial)
		e = pf_err(PF_ERR_BADSIG, "not a detached signature: first "
		    "packet has tag %d, not 2 (signature)", tag);
	else if (bin.len - off != blen)
		e = pf_err(PF_ERR_BADSIG, "not a detached signature: more "
		    "than the one signature packet");
out:
	pf_buf_free(&bin);
	return e;
}

/* True if keyid (8 bytes) is 0 (thrown) or one of our encryption subkeys. */
static int
keyid_ours(const struct pf_keyring *kr, const unsigned char *keyid)
{
	char		hex[17];
	gpgme_subkey_t	sk;
	int		i, zero = 1;

	for (i = 0; i < 8; i++) {
		snprintf(hex + 2 * i, 3, "%02X", keyid[i]);
		zero &= keyid[i] == 0;
	}
	if (zero)
		return 1;
	for (sk = kr->self->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && sk->keyid && strcmp(sk->keyid, hex) == 0)
			return 1;
	return 0;
}

/*
 * Check one packet of an encrypted message: a PKESK (v3, to us or with a
 * thrown key id) or the one integrity-protected encrypted data packet.
 */
static enum pf_err
precheck_packet(const struct pf_keyring *kr, const unsigned char *body,
    size_t blen, int tag, int *npkesk, int *ndata)
{
	if (tag == PKT_SEIPD || tag == PKT_AEAD) {
		(*ndata)++;
		return PF_OK;
	}
	if (tag != PKT_PKESK)
		return pf_err(PF_ERR_CRYPTO, "not an encrypted message for "
		    "this node: packet tag %d (only one public-key session "
		    "key and integrity-protected data are accepted)", tag);
	if (++*npkesk > 1)
		return pf_err(PF_ERR_CRYPTO, "encrypted to several keys: "
		    "only messages to this node alone are accepted");
	if (blen < 10 || body[0] != 3)
		return pf_err(PF_ERR_CRYPTO, "unsupported session key packet");
	if (!keyid_ours(kr, body + 1))
		return pf_err(PF_ERR_CRYPTO, "not encrypted to this node");
	return PF_OK;
}

/*
 * (d) request step 1, before any gpg process: exactly one PKESK to our
 * key (or a thrown key id), no SKESK, then the encrypted data, last.
 */
static enum pf_err
precheck_msg(const struct pf_keyring *kr, const void *msg, size_t len)
{
	struct pf_buf	 bin = { 0 };
	unsigned char	*p;
	size_t		 off = 0, body, blen;
	int		 tag, partial, npkesk = 0, ndata = 0;
	enum pf_err	 e;

	if ((e = dearmor(msg, len, "MESSAGE", &bin)) != PF_OK) {
		e = refile(PF_ERR_CRYPTO, "not an OpenPGP message");
		goto out;
	}
	p = (unsigned char *)bin.data;
	while (off < bin.len && ndata == 0) {
		tag = -1;
		if ((e = pkt_header(p, bin.len, &off, &tag, &blen,
		    &partial)) != PF_OK || (body = off, e = pkt_skip(p, bin.len,
		    &off, blen, partial)) != PF_OK) {
			/* A signed-only message is named as such, not corrupt. */
			e = tag != -1 && tag != PKT_PKESK && tag != PKT_SEIPD &&
			    tag != PKT_AEAD ? precheck_packet(kr, p, 0, tag,
			    &npkesk, &ndata) : refile(PF_ERR_CRYPTO,
			    "corrupt message");
			goto out;
		}
		if ((e = precheck_packet(kr, p + body, blen, tag, &npkesk,
		    &ndata)) != PF_OK)
			goto out;
	}
	if (npkesk != 1 || ndata != 1 || off != bin.len)
		e = pf_err(PF_ERR_CRYPTO, "not an encrypted message: one "
		    "session key packet, then the encrypted data, is required");
out:
	pf_buf_free(&bin);
	return e;
}

/*
 * (d) steps 5-6 and 9 (first half): exactly one signature, made by a key
 * we hold and have not blocked.  who is the code for an unknown or
 * blocked signer (PF_ERR_FORBIDDEN for requests, PF_ERR_BADSIG for posts).
 */
static enum pf_err
sig_signer(const struct pf_keyring *kr, gpgme_verify_result_t vr,
    enum pf_err who, gpgme_signature_t *sig, gpgme_key_t *key,
    gpgme_subkey_t *sub)
{
	gpgme_signature_t s;

	if (vr == NULL || (s = vr->signatures) == NULL)
		return pf_err(PF_ERR_BADSIG, "not signed");
	if (s->next != NULL)
		return pf_err(PF_ERR_BADSIG, "more than one signature");
	if (s->fpr == NULL)
		return pf_err(PF_ERR_BADSIG, "signature names no key");
	if (gpg_err_code(s->status) == GPG_ERR_NO_PUBKEY)
		return pf_err(who, "signed by unknown key %.64s", s->fpr);
	if (!pf_fpr_valid(s->fpr))
		return pf_err(PF_ERR_BADSIG, "signature names key %.64s, not "
		    "a full fingerprint", s->fpr);
	if ((*key = pf_keyring_find_sub(kr, s->fpr, sub)) == NULL)
		return pf_err(who, "signed by key %s, which is not pinned",
		    s->fpr);
	if ((*key)->disabled)
		return pf_err(who, "signed by blocked key %s", (*key)->fpr);
	*sig = s;
	return PF_OK;
}

/*
 * (d) steps 6-9 (second half): the signature is good and the signing
 * subkey and its primary key are usable now.
 */
static enum pf_err
sig_good(gpgme_signature_t s, gpgme_key_t key, gpgme_subkey_t sub)
{
	if (s->status != 0)
		return pf_keyring_gpgerr(PF_ERR_BADSIG, s->status, "signature");
	if ((s->summary & SIGSUM_BAD) != 0)
		return pf_err(PF_ERR_BADSIG, "signature summary 0x%x has a "
		    "bad bit (red, revoked, expired or missing key)",
		    (unsigned)s->summary);
	if (s->wrong_key_usage)
		return pf_err(PF_ERR_BADSIG, "signature made by a key not "
		    "meant for signing");
	if (!sub->can_sign || sub->revoked || sub->expired || sub->disabled ||
	    sub->invalid)
		return pf_err(PF_ERR_BADSIG, "signing subkey %s is not usable "
		    "(revoked, expired, invalid or not for signing)", sub->fpr);
	if (pf_keyring_unusable(key))
		return pf_err(PF_ERR_BADSIG, "key %s is revoked, expired or "
		    "invalid", key->fpr);
	return PF_OK;
}

/* Both halves of the signature checks; *key gets the signer's key. */
static enum pf_err
sig_check(const struct pf_keyring *kr, gpgme_verify_result_t vr,
    enum pf_err who, gpgme_key_t *key, gpgme_signature_t *sig)
{
	gpgme_subkey_t	sub = NULL;
	enum pf_err	e;

	if ((e = sig_signer(kr, vr, who, sig, key, &sub)) != PF_OK)
		return e;
	return sig_good(*sig, *key, sub);
}

/*
 * (d) response steps 1 and 5: sign with our cached key only, and check
 * gpg signed with it, once, in the given mode.
 */
static enum pf_err
signers_set(struct pf_keyring *kr)
{
	gpgme_error_t err;

	if (kr->self == NULL)
		return pf_err(PF_ERR_NOTFOUND,
		    "no node key yet: run `peerfeed init` first");
	gpgme_signers_clear(kr->ctx);
	if ((err = gpgme_signers_add(kr->ctx, kr->self)) != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "signer");
	return PF_OK;
}

static enum pf_err
sign_check(struct pf_keyring *kr, gpgme_sig_mode_t mode)
{
	gpgme_sign_result_t	 r;
	gpgme_new_signature_t	 s;
	gpgme_subkey_t		 sub;

	if ((r = gpgme_op_sign_result(kr->ctx)) == NULL)
		return pf_err(PF_ERR_CRYPTO, "sign: gpg gave no result");
	if (r->invalid_signers != NULL)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO,
		    r->invalid_signers->reason, "sign: node key refused");
	if ((s = r->signatures) == NULL || s->next != NULL)
		return pf_err(PF_ERR_CRYPTO, "sign: not exactly one signature");
	if (s->type != mode || s->fpr == NULL ||
	    pf_keyring_find_sub(kr, s->fpr, &sub) != kr->self)
		return pf_err(PF_ERR_CRYPTO, "sign: signature not made as "
		    "asked by the node key");
	return PF_OK;
}

enum pf_err
pf_envelope_sign(struct pf_keyring *kr, const void *data, size_t len,
    struct pf_buf *sig)
{
	gpgme_data_t	in = NULL, out = NULL;
	gpgme_error_t	err;
	enum pf_err	e;

	if ((e = signers_set(kr)) != PF_OK)
		return e;
	if ((err = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (err = gpgme_data_new(&out)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_NOMEM, err, "sign");
		goto out;
	}
	gpgme_set_armor(kr->ctx, 1);
	gpgme_set_textmode(kr->ctx, 0);
	if ((err = gpgme_op_sign(kr->ctx, in, out, GPGME_SIG_MODE_DETACH)) != 0)
		e = pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "sign");
	else if ((e = sign_check(kr, GPGME_SIG_MODE_DETACH)) == PF_OK) {
		e = pf_keyring_data_take(out, sig);
		out = NULL;
	}
out:
	gpgme_data_release(in);
	gpgme_data_release(out);
	return e;
}

enum pf_err
pf_envelope_verify(struct pf_keyring *kr, const void *data, size_t len,
    const void *sig, size_t siglen, const char *author)
{
	char			 want[PF_FPR_MAX];
	gpgme_data_t		 sd = NULL, td = NULL;
	gpgme_signature_t	 s;
	gpgme_key_t		 key;
	gpgme_error_t		 err;
	enum pf_err		 e;

	if ((e = pf_fpr_normalize(author, want)) != PF_OK ||
	    (e = precheck_sig(sig, siglen)) != PF_OK)
		return e;
	if ((err = gpgme_data_new_from_mem(&sd, sig, siglen, 0)) != 0 ||
	    (err = gpgme_data_new_from_mem(&td, data, len, 0)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_NOMEM, err, "verify");
		goto out;
	}
	if ((err = gpgme_op_verify(kr->ctx, sd, td, NULL)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_BADSIG, err, "verify");
		goto out;
	}
	if ((e = sig_check(kr, gpgme_op_verify_result(kr->ctx), PF_ERR_BADSIG,
	    &key, &s)) != PF_OK)
		goto out;
	if (strcmp(key->fpr, want) != 0)
		e = pf_err(PF_ERR_BADSIG, "signed by %s, not by the author %s",
		    key->fpr, want);
out:
	gpgme_data_release(sd);
	gpgme_data_release(td);
	return e;
}

/* The pinned key to seal to: cached, not blocked, able to encrypt. */
static enum pf_err
recipient_get(struct pf_keyring *kr, const char *to, gpgme_key_t *key)
{
	char		fpr[PF_FPR_MAX];
	enum pf_err	e;

	if ((e = pf_fpr_normalize(to, fpr)) != PF_OK)
		return e;
	if ((*key = pf_keyring_find(kr, fpr)) == NULL)
		return pf_err(PF_ERR_FORBIDDEN, "key %s is not pinned", fpr);
	if ((*key)->disabled)
		return pf_err(PF_ERR_FORBIDDEN, "key %s is blocked", fpr);
	if (pf_keyring_unusable(*key) || !(*key)->can_encrypt)
		return pf_err(PF_ERR_CRYPTO, "key %s cannot encrypt (revoked, "
		    "expired, invalid or without encryption subkey)", fpr);
	return PF_OK;
}

/* (d) response steps 4-5: gpg encrypted to everyone asked, and signed. */
static enum pf_err
seal_check(struct pf_keyring *kr)
{
	gpgme_encrypt_result_t r;

	if ((r = gpgme_op_encrypt_result(kr->ctx)) == NULL)
		return pf_err(PF_ERR_CRYPTO, "encrypt: gpg gave no result");
	if (r->invalid_recipients != NULL)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO,
		    r->invalid_recipients->reason, "encrypt: recipient refused");
	return sign_check(kr, GPGME_SIG_MODE_NORMAL);
}

enum pf_err
pf_envelope_seal(struct pf_keyring *kr, const char *to_fpr,
    const void *plain, size_t len, int armor, struct pf_buf *out)
{
	gpgme_key_t	recp[2] = { NULL, NULL };
	gpgme_data_t	in = NULL, cd = NULL;
	gpgme_error_t	err;
	enum pf_err	e;

	if ((e = recipient_get(kr, to_fpr, &recp[0])) != PF_OK ||
	    (e = signers_set(kr)) != PF_OK)
		return e;
	if ((err = gpgme_data_new_from_mem(&in, plain, len, 0)) != 0 ||
	    (err = gpgme_data_new(&cd)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_NOMEM, err, "seal");
		goto out;
	}
	gpgme_set_armor(kr->ctx, armor != 0);
	gpgme_set_textmode(kr->ctx, 0);
	/* Pure pinning: the key is trusted because the owner pinned it. */
	err = gpgme_op_encrypt_sign(kr->ctx, recp, GPGME_ENCRYPT_NO_ENCRYPT_TO |
	    GPGME_ENCRYPT_THROW_KEYIDS | GPGME_ENCRYPT_ALWAYS_TRUST, in, cd);
	if (err != 0)
		e = pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "seal");
	else if ((e = seal_check(kr)) == PF_OK) {
		e = pf_keyring_data_take(cd, out);
		cd = NULL;
	}
out:
	gpgme_data_release(in);
	gpgme_data_release(cd);
	return e;
}

/* gpgme write callback of the plaintext sink: fails past max bytes. */
static ssize_t
sink_write(void *arg, const void *p, size_t n)
{
	struct sink *s = arg;

	if (n > s->max - s->buf.len) {
		s->over = 1;
		errno = EFBIG;
		return -1;
	}
	if (pf_buf_add(&s->buf, p, n) != PF_OK) {
		errno = ENOMEM;
		return -1;
	}
	return (ssize_t)n;
}

/* (d) request step 4: the decryption itself was sound. */
static enum pf_err
decrypt_check(struct pf_keyring *kr)
{
	gpgme_decrypt_result_t dr;

	if ((dr = gpgme_op_decrypt_result(kr->ctx)) == NULL)
		return pf_err(PF_ERR_CRYPTO, "decrypt: gpg gave no result");
	if (dr->legacy_cipher_nomdc)
		return pf_err(PF_ERR_CRYPTO, "decrypt: no integrity protection "
		    "(legacy cipher without MDC)");
	if (dr->wrong_key_usage)
		return pf_err(PF_ERR_CRYPTO, "decrypt: key not meant for "
		    "encryption");
	if (dr->unsupported_algorithm != NULL)
		return pf_err(PF_ERR_CRYPTO, "decrypt: unsupported algorithm "
		    "%.40s", dr->unsupported_algorithm);
	return PF_OK;
}

/* Map a failed gpgme_op_decrypt_verify to an error (step 3). */
static enum pf_err
decrypt_err(gpgme_error_t err, const struct sink *s)
{
	if (s->over)
		return pf_err(PF_ERR_LIMIT, "decrypted message larger than "
		    "%zu bytes", s->max);
	if (gpg_err_code(err) == GPG_ERR_NO_DATA)
		return pf_err(PF_ERR_CRYPTO, "not an encrypted message");
	return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "decrypt");
}

/* Decrypt and verify cipher into s; every check but the signer's. */
static enum pf_err
open_run(struct pf_keyring *kr, const void *cipher, size_t len,
    struct sink *s)
{
	struct gpgme_data_cbs	cbs = { NULL, sink_write, NULL, NULL };
	gpgme_data_t		in = NULL, out = NULL;
	gpgme_error_t		err;
	enum pf_err		e;

	if ((err = gpgme_data_new_from_mem(&in, cipher, len, 0)) != 0 ||
	    (err = gpgme_data_new_from_cbs(&out, &cbs, s)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_NOMEM, err, "open");
		goto out;
	}
	if ((err = gpgme_op_decrypt_verify(kr->ctx, in, out)) != 0)
		e = decrypt_err(err, s);
	else
		e = decrypt_check(kr);
out:
	gpgme_data_release(in);
	gpgme_data_release(out);
	return e;
}

enum pf_err
pf_envelope_open(struct pf_keyring *kr, const void *cipher, size_t len,
    size_t max_plain, struct pf_buf *plain, char signer[PF_FPR_MAX],
    int64_t *sig_time)
{
	struct sink		 s = { { 0 }, max_plain, 0 };
	gpgme_signature_t	 sig;
	gpgme_key_t		 key;
	enum pf_err		 e;

	if (kr->self == NULL)
		return pf_err(PF_ERR_NOTFOUND,
		    "no node key yet: run `peerfeed init` first");
	if ((e = precheck_msg(kr, cipher, len)) != PF_OK ||
	    (e = open_run(kr, cipher, len, &s)) != PF_OK ||
	    (e = sig_check(kr, gpgme_op_verify_result(kr->ctx),
	    PF_ERR_FORBIDDEN, &key, &sig)) != PF_OK)
		goto out;
	if ((e = pf_buf_add(plain, s.buf.data, s.buf.len)) != PF_OK)
		goto out;
	snprintf(signer, PF_FPR_MAX, "%s", key->fpr);
	*sig_time = (int64_t)sig->timestamp;
out:
	pf_buf_free(&s.buf);
	return e;
}
