/*
 * digest.c: hashes, HMAC, PBKDF2 and the Ed25519 check over libgcrypt
 * (digest.h), which is started here, once, and nowhere else.
 */
#include "config.h"

#include <string.h>

#include <gcrypt.h>

#include "digest.h"

/* Initialize libgcrypt once, before its first use. */
static void
gcry_start(void)
{
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		gcry_check_version(NULL);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
}

/* libgcrypt's id of an enum pf_md, or 0. */
static int
gcry_algo(int md)
{
	switch (md) {
	case PF_MD_SHA1:
		return GCRY_MD_SHA1;
	case PF_MD_SHA224:
		return GCRY_MD_SHA224;
	case PF_MD_SHA256:
		return GCRY_MD_SHA256;
	case PF_MD_SHA384:
		return GCRY_MD_SHA384;
	case PF_MD_SHA512:
		return GCRY_MD_SHA512;
	}
	return 0;
}

enum pf_err
pf_digest_open(struct pf_digest *d, int md, const void *key, size_t keylen)
{
	d->h = NULL;
	if ((d->algo = gcry_algo(md)) == 0)
		return pf_err(PF_ERR_INVALID, "digest: unknown algorithm %d", md);
	gcry_start();
	if (gcry_md_open(&d->h, d->algo, key != NULL ? GCRY_MD_FLAG_HMAC :
	    0) != 0 || (key != NULL && gcry_md_setkey(d->h, key, keylen) != 0)) {
		pf_digest_close(d, NULL);
		return pf_err(PF_ERR_SYS, "libgcrypt: %s unavailable",
		    gcry_md_algo_name(d->algo));
	}
	return PF_OK;
}

void
pf_digest_add(struct pf_digest *d, const void *p, size_t n)
{
	gcry_md_write(d->h, p, n);
}

size_t
pf_digest_close(struct pf_digest *d, unsigned char out[PF_MD_MAX])
{
	size_t n = 0;

	if (d->h == NULL)
		return 0;
	if (out != NULL) {
		n = gcry_md_get_algo_dlen(d->algo);
		memcpy(out, gcry_md_read(d->h, d->algo), n);
	}
	gcry_md_close(d->h);
	d->h = NULL;
	return n;
}

void
pf_sha256_hex(const void *p, size_t n, char out[PF_SHA256_HEX])
{
	unsigned char md[32];

	gcry_start();
	gcry_md_hash_buffer(GCRY_MD_SHA256, md, p, n);
	pf_hex(md, sizeof(md), out);
}

enum pf_err
pf_pbkdf2_sha256(const char *pw, const void *salt, size_t saltlen,
    unsigned long iter, void *out, size_t outlen)
{
	gcry_start();
	if (gcry_kdf_derive(pw, strlen(pw), GCRY_KDF_PBKDF2, GCRY_MD_SHA256,
	    salt, saltlen, iter, outlen, out) != 0)
		return pf_err(PF_ERR_SYS, "libgcrypt: PBKDF2 failed");
	return PF_OK;
}

enum pf_err
pf_ed25519_verify(const unsigned char *q, size_t qlen,
    const unsigned char *md, size_t mdlen, const unsigned char r[PF_ED25519_LEN],
    const unsigned char s[PF_ED25519_LEN])
{
	gcry_sexp_t	pk = NULL, dt = NULL, sg = NULL;
	enum pf_err	e = PF_ERR_BADSIG;

	gcry_start();
	if (gcry_sexp_build(&pk, NULL, "(public-key(ecc(curve Ed25519)"
	    "(flags eddsa)(q %b)))", (int)qlen, q) != 0 ||
	    gcry_sexp_build(&dt, NULL, "(data(flags eddsa)(hash-algo sha512)"
	    "(value %b))", (int)mdlen, md) != 0 ||
	    gcry_sexp_build(&sg, NULL, "(sig-val(eddsa(r %b)(s %b)))",
	    PF_ED25519_LEN, r, PF_ED25519_LEN, s) != 0)
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
