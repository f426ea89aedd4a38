/*
 * fuzz_req.c: the plaintext of a private request, pf_req_parse(), as a
 * feed and as a media request.  The seeds use these parties and time.
 */
#include "req.h"
#include "fuzz.h"

#define SIGNER	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define SELF	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define URL	"https://b/peerfeed"
#define NOW	1764000000

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_req_want	 feed = { SIGNER, SELF, URL "/feed", NOW, 300,
	    100, PF_REQ_FEED };
	struct pf_req_want	 media = { SIGNER, SELF, URL "/media", NOW, 300,
	    100, PF_REQ_MEDIA };
	struct pf_req		 r;

	(void)pf_req_parse((const char *)data, len, &feed, &r);
	(void)pf_req_parse((const char *)data, len, &media, &r);
	return 0;
}
