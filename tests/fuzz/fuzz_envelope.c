/*
 * fuzz_envelope.c: the check of what gpg reported (envelope.h; the
 * OpenPGP packets themselves are fuzz_pgp's).  Every input is fed as HDR
 * header bytes describing what gpg said about the signatures, then a
 * plaintext, to pf_envelope_precheck(), and, when that passes, the
 * plaintext to pf_req_parse() (a request, as the responder does) and
 * pf_fetch_page_parse() (a response, as the fetcher does), with the
 * signer it returned.
 * Header (HDR bytes, bit 0 first):
 *  0: nsig (2 bits), fpr (2 bits: none, SUB, SIGNER, "ABC"), no_pubkey,
 *     wrong_key_usage, key pinned (key_fpr = SIGNER), key_disabled
 *  1: status != 0, key_unusable, sub_can_sign, sub_unusable, author
 *     (2 bits: none, SIGNER, OTHER, "x"), who (FORBIDDEN or BADSIG)
 *  2-3: summary bits, little-endian
 * The seeds under corpus/envelope: ok-* and hdr-* are headers followed
 * by a request (tests/fuzz/corpus/req, from SIGNER) or a response
 * (tests/fuzz/corpus/fetch, to FETCHER) plaintext.
 */
#include <stdio.h>
#include <string.h>

#include "envelope.h"
#include "fetch.h"
#include "fuzz.h"
#include "req.h"

#define HDR	4
#define SIGNER	"3F2A9C1D5E7B4A608C1F2E3D4B5A69788796A5B4"
#define SUB	"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
#define OTHER	"DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
#define SELF	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"	/* responder */
#define FETCHER	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define URL	"https://b/peerfeed"
#define NONCE	"0123456789abcdef0123456789abcdef"
#define NOW	1764000000
#define MAXP	4096

static const char *const fprs[] = { NULL, SUB, SIGNER, "ABC" };
static const char *const authors[] = { NULL, SIGNER, OTHER, "x" };

/* Fill g from the header bytes h[0..HDR). */
static void
summary(const uint8_t *h, struct pf_envelope_sig *g, enum pf_err *who,
    const char **author)
{
	memset(g, 0, sizeof(*g));
	g->nsig = h[0] & 3;
	g->fpr = fprs[(h[0] >> 2) & 3];
	g->no_pubkey = (h[0] >> 4) & 1;
	g->wrong_key_usage = (h[0] >> 5) & 1;
	g->key_fpr = (h[0] >> 6) & 1 ? SIGNER : NULL;
	g->key_disabled = (h[0] >> 7) & 1;
	g->status = h[1] & 1 ? 8 : 0;	/* GPG_ERR_BAD_SIGNATURE */
	g->status_text = g->status ? "Bad signature" : NULL;
	g->key_unusable = (h[1] >> 1) & 1;
	g->sub_can_sign = (h[1] >> 2) & 1;
	g->sub_unusable = (h[1] >> 3) & 1;
	g->sub_fpr = g->fpr;
	*author = authors[(h[1] >> 4) & 3];
	*who = (h[1] >> 6) & 1 ? PF_ERR_BADSIG : PF_ERR_FORBIDDEN;
	g->summary = (unsigned int)h[2] | (unsigned int)h[3] << 8;
	g->hash_algo = 8;	/* SHA-256; the others go through _binds */
}

/* What the responder and the fetcher read in a plaintext from signer. */
static void
plaintext(const char *p, size_t n, const char *signer)
{
	struct pf_req_want	 feed = { signer, SELF, URL "/feed", NOW, 300,
	    100, PF_REQ_FEED };
	struct pf_req_want	 media = { signer, SELF, URL "/media", NOW, 300,
	    100, PF_REQ_MEDIA };
	struct pf_fetch_req	 fr = { .self = FETCHER, .aud = URL "/feed",
	    .nonce = NONCE, .ts = NOW, .limit = 4 };
	struct pf_fetch_page	 pg;
	struct pf_req		 r;

	snprintf(fr.peer, sizeof(fr.peer), "%s", signer);
	(void)pf_req_parse(p, n, &feed, &r);
	(void)pf_req_parse(p, n, &media, &r);
	if (pf_fetch_page_parse(p, n, &fr, &pg) == PF_OK)
		pf_fetch_page_free(&pg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_envelope_sig	 g;
	enum pf_err		 who;
	const char		*author;
	char			 signer[PF_FPR_MAX];

	if (len < HDR)
		return 0;
	summary(data, &g, &who, &author);
	if (pf_envelope_precheck(len - HDR, MAXP, &g, who, author,
	    signer) == PF_OK)
		plaintext((const char *)data + HDR, len - HDR, signer);
	return 0;
}
