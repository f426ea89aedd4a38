/*
 * fuzz_fetch.c: the fetcher's checks of a response page,
 * pf_fetch_page_parse(), private and public, and of a stored post's
 * attachments, pf_fetch_images().  The peer is the fixtures' author, so
 * seeds built from tests/fixtures/posts reach the per-post checks.
 */
#include "fetch.h"
#include "fuzz.h"

#define SELF	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define PEER	"3F2A9C1D5E7B4A608C1F2E3D4B5A69788796A5B4"
#define NONCE	"0123456789abcdef0123456789abcdef"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_fetch_req	 r = { .self = SELF, .peer = PEER,
	    .aud = "https://b/peerfeed/feed", .nonce = NONCE,
	    .ts = 1764000000, .limit = 4 };
	struct pf_fetch_image	 img[4];
	struct pf_fetch_page	 pg;
	size_t			 n;

	if (pf_fetch_page_parse((const char *)data, len, &r, &pg) == PF_OK)
		pf_fetch_page_free(&pg);
	r.pub = 1;
	if (pf_fetch_page_parse((const char *)data, len, &r, &pg) == PF_OK)
		pf_fetch_page_free(&pg);
	(void)pf_fetch_images((const char *)data, len, img, 4, &n);
	return 0;
}
