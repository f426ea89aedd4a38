/*
 * pgp.c: OpenPGP packets read in plain C (pgp.h): armor, packet headers,
 * signature and Ed25519 key packets, and the checks of doc/DESIGN.md
 * section 5.4 ("(d)" below) that run before any gpg process is started.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgp.h"

/* The curve OID of Ed25519 in OpenPGP (RFC 4880bis 9.2). */
static const unsigned char ed25519_oid[] = {
	0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01
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
enum pf_err
pf_pgp_dearmor(const char *data, size_t len, const char *kind, struct pf_buf *bin)
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
enum pf_err
pf_pgp_header(const unsigned char *p, size_t n, size_t *off, int *tag,
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

/*
 * (d) post signatures: a detached signature is exactly one signature
 * packet, so no literal data can ride along and make gpg verify that
 * instead of the text we pass (the classic false positive).
 */
enum pf_err
pf_pgp_precheck_sig(const void *sig, size_t len)
{
	struct pf_buf	bin = { 0 };
	size_t		off = 0, blen = 0;
	int		tag = 0, partial = 0;
	enum pf_err	e;

	if ((e = pf_pgp_dearmor(sig, len, "SIGNATURE", &bin)) != PF_OK ||
	    (e = pf_pgp_header((unsigned char *)bin.data, bin.len, &off, &tag,
	    &blen, &partial)) != PF_OK) {
		e = pf_err_ctx(PF_ERR_BADSIG, "not a detached signature");
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

/* True if keyid (8 bytes) is 0 (thrown) or one of keyids. */
static int
keyid_ours(const char *const *keyids, const unsigned char *keyid)
{
	char	hex[17];
	int	i, zero = 1;

	for (i = 0; i < 8; i++) {
		snprintf(hex + 2 * i, 3, "%02X", keyid[i]);
		zero &= keyid[i] == 0;
	}
	if (zero)
		return 1;
	for (; *keyids != NULL; keyids++)
		if (strcmp(*keyids, hex) == 0)
			return 1;
	return 0;
}

static int64_t
be32(const unsigned char *p)
{
	return (int64_t)p[0] << 24 | (int64_t)p[1] << 16 | (int64_t)p[2] << 8 |
	    p[3];
}

/*
 * The next subpacket of the area [p, p + n) at p[*i] (RFC 4880 5.2.3.1):
 * its type, critical bit and body; *i moves past it.  1 if one was read,
 * 0 at the end of the area, -1 if it is malformed.
 */
static int
subpacket_next(const unsigned char *p, size_t n, size_t *i, int *type,
    int *crit, const unsigned char **body, size_t *blen)
{
	size_t	j = *i, len;

	if (j >= n)
		return 0;
	if (p[j] < 192)
		len = p[j++];
	else if (p[j] < 255 && n - j >= 2) {
		len = ((size_t)(p[j] - 192) << 8) + p[j + 1] + 192;
		j += 2;
	} else if (p[j] == 255 && n - j >= 5) {
		len = (size_t)be32(p + j + 1);
		j += 5;
	} else
		return -1;
	if (len == 0 || n - j < len)
		return -1;
	*type = p[j] & 0x7f;
	*crit = (p[j] & 0x80) != 0;
	*body = p + j + 1;
	*blen = len - 1;
	*i = j + len;
	return 1;
}

/* Read the subpacket area [p, p + n) into s; hashed: the signed area. */
static enum pf_err
subpackets(const unsigned char *p, size_t n, int hashed, struct pf_pgp_sig *s)
{
	const unsigned char	*b;
	size_t			 i = 0, bl;
	int			 r, t, crit;

	while ((r = subpacket_next(p, n, &i, &t, &crit, &b, &bl)) == 1) {
		if (t == 2 && hashed && bl == 4)
			s->created = be32(b);
		else if (t == 3 && hashed && bl == 4)
			s->expires = be32(b);
		else if ((t == 16 && bl == 8) || (t == 33 && bl == 21 &&
		    b[0] == 4)) {
			if (!s->has_issuer)
				memcpy(s->keyid, t == 16 ? b : b + 13, 8);
			s->has_issuer = 1;
		} else if (crit && s->critical == 0)
			s->critical = t;
	}
	return r == 0 ? PF_OK : pf_err(PF_ERR_BADSIG, "signature: bad "
	    "subpacket");
}

enum pf_err
pf_pgp_sig_parse(const unsigned char *p, size_t n, struct pf_pgp_sig *s)
{
	size_t		hl, ul;
	enum pf_err	e;

	memset(s, 0, sizeof(*s));
	if (n < 6 || p[0] != 4)
		return pf_err(PF_ERR_BADSIG, "signature: not an OpenPGP v4 "
		    "signature");
	s->type = p[1];
	s->pk_algo = p[2];
	s->hash_algo = p[3];
	hl = (size_t)p[4] << 8 | p[5];
	if (n < 6 + hl + 2 || n < 6 + hl + 2 + ((size_t)p[6 + hl] << 8 |
	    p[7 + hl]) + 2)
		return pf_err(PF_ERR_BADSIG, "signature: truncated subpackets");
	ul = (size_t)p[6 + hl] << 8 | p[7 + hl];
	if ((e = subpackets(p + 6, hl, 1, s)) != PF_OK ||
	    (e = subpackets(p + 8 + hl, ul, 0, s)) != PF_OK)
		return e;
	s->hashed = p;
	s->hashed_len = 6 + hl;
	s->prefix = p + 8 + hl + ul;
	s->mpis = s->prefix + 2;
	s->mpis_len = n - (10 + hl + ul);
	return PF_OK;
}

int
pf_pgp_hash_ok(int algo)
{
	return algo == PF_MD_SHA256 || algo == PF_MD_SHA384 ||
	    algo == PF_MD_SHA512 || algo == PF_MD_SHA224;
}

enum pf_err
pf_pgp_sig_accept(const struct pf_pgp_sig *s)
{
	if (s->type != 0x00)
		return pf_err(PF_ERR_BADSIG, "signature: type 0x%02x, not "
		    "over binary data", s->type);
	if (!pf_pgp_hash_ok(s->hash_algo))
		return pf_err(PF_ERR_BADSIG, "signature: hash algorithm %d is "
		    "not SHA-2 (SHA-1 and older are refused)", s->hash_algo);
	return PF_OK;
}

size_t
pf_pgp_sig_digest(const struct pf_pgp_sig *s, const void *data, size_t len,
    unsigned char md[PF_MD_MAX])
{
	struct pf_digest	d;
	unsigned char		trailer[6];

	if (pf_digest_open(&d, s->hash_algo, NULL, 0) != PF_OK)
		return 0;
	trailer[0] = 4;
	trailer[1] = 0xff;
	trailer[2] = (unsigned char)(s->hashed_len >> 24);
	trailer[3] = (unsigned char)(s->hashed_len >> 16);
	trailer[4] = (unsigned char)(s->hashed_len >> 8);
	trailer[5] = (unsigned char)s->hashed_len;
	pf_digest_add(&d, data, len);
	pf_digest_add(&d, s->hashed, s->hashed_len);
	pf_digest_add(&d, trailer, sizeof(trailer));
	return pf_digest_close(&d, md);
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
	if (bytes > PF_ED25519_LEN || n - *i < bytes)
		return -1;
	memset(out, 0, PF_ED25519_LEN);
	memcpy(out + PF_ED25519_LEN - bytes, p + *i, bytes);
	*i += bytes;
	return 0;
}

int
pf_pgp_sig_eddsa(const struct pf_pgp_sig *s, unsigned char r[PF_ED25519_LEN],
    unsigned char sv[PF_ED25519_LEN])
{
	size_t i = 0;

	if (s->pk_algo != PF_PGP_EDDSA || mpi32(s->mpis, s->mpis_len, &i,
	    r) == -1 || mpi32(s->mpis, s->mpis_len, &i, sv) == -1 ||
	    i != s->mpis_len)
		return -1;
	return 0;
}

int
pf_pgp_key_ed25519(const unsigned char *b, size_t n, unsigned char fpr[20],
    unsigned char q[PF_PGP_Q_LEN], int64_t *created)
{
	const size_t		ol = sizeof(ed25519_oid);
	unsigned char		hdr[3] = { 0x99, (unsigned char)(n >> 8),
				    (unsigned char)n };
	unsigned char		md[PF_MD_MAX];
	struct pf_digest	d;

	/* version, created(4), algo, OID length, OID, MPI q: 0x40 || point */
	if (n != 7 + ol + 2 + PF_PGP_Q_LEN || b[0] != 4 ||
	    b[5] != PF_PGP_EDDSA || b[6] != ol ||
	    memcmp(b + 7, ed25519_oid, ol) != 0 || b[9 + ol] != 0x40)
		return -1;
	/* The v4 fingerprint: SHA-1 of 0x99, the length, the body. */
	if (pf_digest_open(&d, PF_MD_SHA1, NULL, 0) != PF_OK)
		return -1;
	pf_digest_add(&d, hdr, sizeof(hdr));
	pf_digest_add(&d, b, n);
	pf_digest_close(&d, md);
	memcpy(fpr, md, 20);
	memcpy(q, b + 9 + ol, PF_PGP_Q_LEN);
	*created = be32(b + 1);
	return 0;
}

enum pf_err
pf_pgp_sig_read(const void *sig, size_t siglen, struct pf_buf *bin,
    struct pf_pgp_sig *s)
{
	size_t	off = 0, blen = 0;
	int	tag = 0, partial = 0;

	if (pf_pgp_dearmor(sig, siglen, "SIGNATURE", bin) != PF_OK ||
	    pf_pgp_header((unsigned char *)bin->data, bin->len, &off, &tag,
	    &blen, &partial) != PF_OK || tag != PKT_SIG || partial ||
	    bin->len - off < blen)
		return pf_err_ctx(PF_ERR_BADSIG, "not a detached signature");
	return pf_pgp_sig_parse((unsigned char *)bin->data + off, blen, s);
}

enum pf_err
pf_pgp_precheck_binds(const void *data, size_t len, const void *sig,
    size_t siglen, const char *const *keyids)
{
	struct pf_buf		bin = { 0 };
	struct pf_pgp_sig	s;
	unsigned char		md[PF_MD_MAX];
	enum pf_err		e;

	if ((e = pf_pgp_precheck_sig(sig, siglen)) != PF_OK ||
	    (e = pf_pgp_sig_read(sig, siglen, &bin, &s)) != PF_OK ||
	    (e = pf_pgp_sig_accept(&s)) != PF_OK)
		goto out;
	e = PF_ERR_BADSIG;
	if (!s.has_issuer)
		pf_err(e, "signature: names no issuer key");
	else if (!keyid_ours(keyids, s.keyid) ||
	    memcmp(s.keyid, "\0\0\0\0\0\0\0\0", 8) == 0)
		pf_err(e, "signature: made by a key that is not the author's");
	/* The digest's first two bytes (RFC 4880 5.2.4), our own hashing. */
	else if (pf_pgp_sig_digest(&s, data, len, md) == 0)
		e = pf_err(PF_ERR_CRYPTO, "signature: cannot hash");
	else if (md[0] != s.prefix[0] || md[1] != s.prefix[1])
		pf_err(e, "signature: not made over these bytes");
	else
		e = PF_OK;
out:
	pf_buf_free(&bin);
	return e;
}

/*
 * Check one packet of an encrypted message: a PKESK (v3, to us or with a
 * thrown key id) or the one integrity-protected encrypted data packet.
 */
static enum pf_err
precheck_packet(const char *const *keyids, const unsigned char *body,
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
	if (!keyid_ours(keyids, body + 1))
		return pf_err(PF_ERR_CRYPTO, "not encrypted to this node");
	return PF_OK;
}

/*
 * (d) request step 1, before any gpg process: exactly one PKESK to our
 * key (or a thrown key id), no SKESK, then the encrypted data, last.
 */
enum pf_err
pf_pgp_precheck_msg(const void *msg, size_t len,
    const char *const *keyids)
{
	struct pf_buf	 bin = { 0 };
	unsigned char	*p;
	size_t		 off = 0, body, blen;
	int		 tag, partial, npkesk = 0, ndata = 0;
	enum pf_err	 e;

	if ((e = pf_pgp_dearmor(msg, len, "MESSAGE", &bin)) != PF_OK) {
		e = pf_err_ctx(PF_ERR_CRYPTO, "not an OpenPGP message");
		goto out;
	}
	p = (unsigned char *)bin.data;
	while (off < bin.len && ndata == 0) {
		tag = -1;
		if ((e = pf_pgp_header(p, bin.len, &off, &tag, &blen,
		    &partial)) != PF_OK || (body = off, e = pkt_skip(p, bin.len,
		    &off, blen, partial)) != PF_OK) {
			/* A signed-only message is named as such, not corrupt. */
			e = tag != -1 && tag != PKT_PKESK && tag != PKT_SEIPD &&
			    tag != PKT_AEAD ? precheck_packet(keyids, p, 0, tag,
			    &npkesk, &ndata) : pf_err_ctx(PF_ERR_CRYPTO,
			    "corrupt message");
			goto out;
		}
		if ((e = precheck_packet(keyids, p + body, blen, tag, &npkesk,
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
