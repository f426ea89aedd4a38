/*
 * fuzz_pgp.c: the OpenPGP packet reader (pgp.h), linked alone with
 * digest.c and the error and buffer helpers: no gpgme, no keyring.  Every
 * input is fed whole, as anyone may send it, to
 *  - pf_pgp_precheck_sig(), pf_pgp_precheck_msg() and
 *    pf_pgp_precheck_binds() (ASCII armor, base64, packet headers);
 *  - pf_pgp_sig_read() and what a signature packet then goes through:
 *    pf_pgp_sig_accept(), pf_pgp_sig_eddsa(), pf_pgp_sig_digest();
 *  - the public key walk of envelope_post.c: "PUBLIC KEY BLOCK" armor,
 *    packet after packet, each key packet to pf_pgp_key_ed25519().
 * The seeds under corpus/pgp are real gpg output (keys "Node A" and
 * "Node B"; msg-to-a-* are encrypted to OURS, the key id of Node A's
 * encryption subkey; key-* are exported public keys) and broken copies.
 */
#include <string.h>

#include "fuzz.h"
#include "pgp.h"

#define OURS	"5BC8CF7B01B5EB3E"

static const char *const keyids[] = { "0123456789ABCDEF", OURS, NULL };

/* The checks a detached signature goes through once it is read. */
static void
signature(const uint8_t *data, size_t len)
{
	struct pf_buf		bin = { 0 };
	struct pf_pgp_sig	s;
	unsigned char		r[PF_ED25519_LEN], sv[PF_ED25519_LEN];
	unsigned char		md[PF_MD_MAX];

	if (pf_pgp_sig_read(data, len, &bin, &s) == PF_OK &&
	    pf_pgp_sig_accept(&s) == PF_OK) {
		(void)pf_pgp_sig_eddsa(&s, r, sv);
		(void)pf_pgp_sig_digest(&s, "post", 4, md);
	}
	pf_buf_free(&bin);
}

/* Every packet of a public key block, as envelope_post.c walks it. */
static void
keys(const uint8_t *data, size_t len)
{
	struct pf_buf		 bin = { 0 };
	const unsigned char	*p;
	unsigned char		 fpr[20], q[PF_PGP_Q_LEN];
	int64_t			 created;
	size_t			 off = 0, blen;
	int			 tag, partial;

	if (pf_pgp_dearmor((const char *)data, len, "PUBLIC KEY BLOCK",
	    &bin) != PF_OK)
		goto out;
	p = (const unsigned char *)bin.data;
	while (off < bin.len && pf_pgp_header(p, bin.len, &off, &tag, &blen,
	    &partial) == PF_OK && !partial && bin.len - off >= blen) {
		if (tag == PKT_PUBKEY || tag == PKT_PUBSUB)
			(void)pf_pgp_key_ed25519(p + off, blen, fpr, q,
			    &created);
		off += blen;
	}
out:
	pf_buf_free(&bin);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	(void)pf_pgp_precheck_sig(data, len);
	(void)pf_pgp_precheck_msg(data, len, keyids);
	(void)pf_pgp_precheck_binds("post", 4, data, len, keyids);
	signature(data, len);
	keys(data, len);
	return 0;
}
