/*
 * envelope.c: sign, verify, seal (sign+encrypt) and open (decrypt+verify)
 * with gpgme, doing every check of doc/DESIGN.md section 5.4 ("(d)" below):
 * gpgme returning success proves nothing by itself.  The OpenPGP packet
 * checks of pgp.c run first, before any gpg process is started.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "keyring_int.h"
#include "pgp.h"

/* Summary bits that make a signature unacceptable ((d) request step 7). */
#define SIGSUM_BAD	(GPGME_SIGSUM_RED | GPGME_SIGSUM_KEY_REVOKED |	\
	GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED |		\
	GPGME_SIGSUM_KEY_MISSING | GPGME_SIGSUM_CRL_MISSING |		\
	GPGME_SIGSUM_CRL_TOO_OLD | GPGME_SIGSUM_BAD_POLICY |		\
	GPGME_SIGSUM_SYS_ERROR | GPGME_SIGSUM_TOFU_CONFLICT)

#define OWN_KEYIDS	16	/* encryption subkeys of ours looked at */

/* The plaintext sink of pf_envelope_open: bounded, remembers overflow. */
struct sink {
	struct pf_buf	buf;
	size_t		max;
	int		over;
};

/* (d) steps 5-6 and 9 (first half): exactly one signature, by a key we hold. */
static enum pf_err
sig_signer(const struct pf_envelope_sig *g, enum pf_err who)
{
	if (g->nsig == 0)
		return pf_err(PF_ERR_BADSIG, "not signed");
	if (g->nsig > 1)
		return pf_err(PF_ERR_BADSIG, "more than one signature");
	if (g->fpr == NULL)
		return pf_err(PF_ERR_BADSIG, "signature names no key");
	if (g->no_pubkey)
		return pf_err(who, "signed by unknown key %.64s", g->fpr);
	if (!pf_fpr_valid(g->fpr))
		return pf_err(PF_ERR_BADSIG, "signature names key %.64s, not "
		    "a full fingerprint", g->fpr);
	if (g->key_fpr == NULL || !pf_fpr_valid(g->key_fpr))
		return pf_err(who, "signed by key %s, which is not pinned",
		    g->fpr);
	if (g->key_disabled)
		return pf_err(who, "signed by blocked key %s", g->key_fpr);
	return PF_OK;
}

/*
 * (d) steps 6-9 (second half): the signature is good and the signing
 * subkey and its primary key are usable now.
 */
static enum pf_err
sig_good(const struct pf_envelope_sig *g)
{
	if (g->status != 0)
		return pf_err(PF_ERR_BADSIG, "signature: %.200s",
		    g->status_text ? g->status_text : "bad");
	if ((g->summary & SIGSUM_BAD) != 0)
		return pf_err(PF_ERR_BADSIG, "signature summary 0x%x has a "
		    "bad bit (red, revoked, expired or missing key)",
		    g->summary);
	if (g->wrong_key_usage)
		return pf_err(PF_ERR_BADSIG, "signature made by a key not "
		    "meant for signing");
	if (!pf_pgp_hash_ok(g->hash_algo))
		return pf_err(PF_ERR_BADSIG, "signature: hash algorithm %d is "
		    "not SHA-2 (SHA-1 and older are refused)", g->hash_algo);
	if (!g->sub_can_sign || g->sub_unusable)
		return pf_err(PF_ERR_BADSIG, "signing subkey %.64s is not usable "
		    "(revoked, expired, invalid or not for signing)",
		    g->sub_fpr ? g->sub_fpr : g->fpr);
	if (g->key_unusable)
		return pf_err(PF_ERR_BADSIG, "key %s is revoked, expired or "
		    "invalid", g->key_fpr);
	return PF_OK;
}

enum pf_err
pf_envelope_precheck(size_t len, size_t max_plain,
    const struct pf_envelope_sig *g, enum pf_err who, const char *author,
    char signer[PF_FPR_MAX])
{
	char		want[PF_FPR_MAX];
	enum pf_err	e;

	if (len > max_plain)
		return pf_err(PF_ERR_LIMIT, "decrypted message larger than "
		    "%zu bytes", max_plain);
	if ((e = sig_signer(g, who)) != PF_OK || (e = sig_good(g)) != PF_OK)
		return e;
	if (author != NULL) {
		if ((e = pf_fpr_normalize(author, want)) != PF_OK)
			return e;
		if (strcmp(g->key_fpr, want) != 0)
			return pf_err(PF_ERR_BADSIG, "signed by %s, not by the "
			    "author %s", g->key_fpr, want);
	}
	snprintf(signer, PF_FPR_MAX, "%s", g->key_fpr);
	return PF_OK;
}

/*
 * Summarize gpgme's verify result vr for pf_envelope_precheck, with the
 * pinned key holding the signing (sub)key.  reason holds status_text.
 */
static void
sig_summarize(const struct pf_keyring *kr, gpgme_verify_result_t vr,
    struct pf_envelope_sig *g, char *reason, size_t rsz)
{
	gpgme_signature_t	s;
	gpgme_subkey_t		sub = NULL;
	gpgme_key_t		key;

	memset(g, 0, sizeof(*g));
	if (vr == NULL || (s = vr->signatures) == NULL)
		return;
	for (; s != NULL; s = s->next)
		g->nsig++;
	s = vr->signatures;
	g->fpr = s->fpr;
	g->no_pubkey = gpg_err_code(s->status) == GPG_ERR_NO_PUBKEY;
	g->status = s->status;
	if (s->status != 0) {
		if (gpgme_strerror_r(s->status, reason, rsz) != 0)
			reason[rsz - 1] = '\0';
		g->status_text = reason;
	}
	g->summary = (unsigned int)s->summary;
	g->hash_algo = (int)s->hash_algo;
	g->wrong_key_usage = s->wrong_key_usage;
	if (s->fpr == NULL || (key = pf_keyring_find_sub(kr, s->fpr,
	    &sub)) == NULL)
		return;
	g->key_fpr = key->fpr;
	g->key_disabled = key->disabled;
	g->key_unusable = pf_keyring_unusable(key);
	g->sub_fpr = sub->fpr;
	g->sub_can_sign = sub->can_sign;
	g->sub_unusable = sub->revoked || sub->expired || sub->disabled ||
	    sub->invalid;
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
		return pf_keyring_seckey_err(kr, PF_ERR_CRYPTO,
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
		e = pf_keyring_seckey_err(kr, PF_ERR_CRYPTO, err, "sign");
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
	struct pf_envelope_sig	 g;
	char			 want[PF_FPR_MAX], signer[PF_FPR_MAX];
	char			 reason[256];
	gpgme_data_t		 sd = NULL, td = NULL;
	gpgme_error_t		 err;
	enum pf_err		 e;

	if ((e = pf_fpr_normalize(author, want)) != PF_OK ||
	    (e = pf_pgp_precheck_sig(sig, siglen)) != PF_OK)
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
	sig_summarize(kr, gpgme_op_verify_result(kr->ctx), &g, reason,
	    sizeof(reason));
	/*
	 * gpg's verdict proves the signature; what gpgme does not report is
	 * the signature class, which must be 0x00 (binary document), not
	 * 0x01 (text, whose line endings gpg normalizes): pf_envelope_binds
	 * checks it from the packet, with the version, hash and issuer.
	 */
	if ((e = pf_envelope_precheck(len, len, &g, PF_ERR_BADSIG, want,
	    signer)) == PF_OK)
		e = pf_envelope_binds(kr, data, len, sig, siglen, want);
out:
	gpgme_data_release(sd);
	gpgme_data_release(td);
	return e;
}

#define AUTHOR_KEYIDS	16	/* signing (sub)keys of an author looked at */

enum pf_err
pf_envelope_binds(struct pf_keyring *kr, const void *data, size_t len,
    const void *sig, size_t siglen, const char *author)
{
	const char	*ids[AUTHOR_KEYIDS + 1];
	char		 want[PF_FPR_MAX];
	gpgme_key_t	 key;
	gpgme_subkey_t	 sk;
	size_t		 n = 0;
	enum pf_err	 e;

	if ((e = pf_fpr_normalize(author, want)) != PF_OK)
		return e;
	if ((key = pf_keyring_find(kr, want)) == NULL || key->disabled)
		return pf_err(PF_ERR_BADSIG, "signature: %s is not a pinned, "
		    "unblocked key", want);
	for (sk = key->subkeys; sk != NULL && n < AUTHOR_KEYIDS; sk = sk->next)
		if (sk->can_sign && !sk->revoked && sk->keyid != NULL)
			ids[n++] = sk->keyid;
	ids[n] = NULL;
	return pf_pgp_precheck_binds(data, len, sig, siglen, ids);
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
		e = pf_keyring_seckey_err(kr, PF_ERR_CRYPTO, err, "seal");
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

/*
 * Map a failed gpgme_op_decrypt_verify to an error (step 3).  "No secret
 * key" for a message the pre-check found addressed to us (or to a thrown
 * key id) is the client's fault unless gpg-agent is down: ask.
 */
static enum pf_err
decrypt_err(struct pf_keyring *kr, gpgme_error_t err, const struct sink *s)
{
	if (s->over)
		return pf_err(PF_ERR_LIMIT, "decrypted message larger than "
		    "%zu bytes", s->max);
	if (gpg_err_code(err) == GPG_ERR_NO_DATA)
		return pf_err(PF_ERR_CRYPTO, "not an encrypted message");
	if (gpg_err_code(err) == GPG_ERR_NO_SECKEY || pf_keyring_agent_code(err))
		return pf_keyring_seckey_err(kr, PF_ERR_CRYPTO, err, "decrypt");
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
		e = decrypt_err(kr, err, s);
	else
		e = decrypt_check(kr);
out:
	gpgme_data_release(in);
	gpgme_data_release(out);
	return e;
}

/* The key ids of our encryption subkeys, NULL-terminated, in ids. */
static void
own_keyids(const struct pf_keyring *kr, const char *ids[OWN_KEYIDS + 1])
{
	gpgme_subkey_t	sk;
	size_t		n = 0;

	for (sk = kr->self->subkeys; sk != NULL && n < OWN_KEYIDS; sk = sk->next)
		if (sk->can_encrypt && sk->keyid != NULL)
			ids[n++] = sk->keyid;
	ids[n] = NULL;
}

enum pf_err
pf_envelope_open(struct pf_keyring *kr, const void *cipher, size_t len,
    size_t max_plain, struct pf_buf *plain, char signer[PF_FPR_MAX],
    int64_t *sig_time)
{
	struct sink		 s = { { 0 }, max_plain, 0 };
	struct pf_envelope_sig	 g;
	gpgme_verify_result_t	 vr;
	const char		*ids[OWN_KEYIDS + 1];
	char			 reason[256];
	enum pf_err		 e;

	if (kr->self == NULL)
		return pf_err(PF_ERR_NOTFOUND,
		    "no node key yet: run `peerfeed init` first");
	own_keyids(kr, ids);
	if ((e = pf_pgp_precheck_msg(cipher, len, ids)) != PF_OK ||
	    (e = open_run(kr, cipher, len, &s)) != PF_OK)
		goto out;
	vr = gpgme_op_verify_result(kr->ctx);
	sig_summarize(kr, vr, &g, reason, sizeof(reason));
	if ((e = pf_envelope_precheck(s.buf.len, max_plain, &g,
	    PF_ERR_FORBIDDEN, NULL, signer)) != PF_OK ||
	    (e = pf_buf_add(plain, s.buf.data, s.buf.len)) != PF_OK)
		goto out;
	*sig_time = (int64_t)vr->signatures->timestamp;
out:
	pf_buf_free(&s.buf);
	return e;
}
