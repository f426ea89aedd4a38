/* fuzz_post.c: post validation, pf_post_parse(), on raw bytes. */
#include "post.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_post	*p = NULL;

	if (pf_post_parse((const char *)data, len, &p) != PF_OK)
		return 0;
	(void)pf_post_str(p, "content");
	(void)pf_post_has_aud(p, "public");
	pf_post_free(p);
	return 0;
}
