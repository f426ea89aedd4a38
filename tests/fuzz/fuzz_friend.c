/*
 * fuzz_friend.c: a friend's state.json, pf_friend_parse(), then
 * formatted back; what was written must parse again.
 */
#include <stdlib.h>

#include "friend.h"
#include "fuzz.h"

#define FPR	"3F2A9C1D5E7B4A608C1F2E3D4B5A69788796A5B4"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_friend	 f, f2;
	struct pf_buf		 b = { 0 };

	if (pf_friend_parse((const char *)data, len, FPR, &f) != PF_OK)
		return 0;
	if (pf_friend_format(&f, &b) == PF_OK &&
	    pf_friend_parse(b.data, b.len, FPR, &f2) != PF_OK)
		abort();
	pf_buf_free(&b);
	return 0;
}
