/* fuzz_conf.c: peerfeed.conf text, pf_conf_parse(), then formatted back. */
#include "conf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_conf	 c;
	struct pf_buf	 b = { 0 };

	if (pf_conf_parse((const char *)data, len, "fuzz.conf", &c) != PF_OK)
		return 0;
	(void)pf_conf_format(&c, &b);
	pf_buf_free(&b);
	return 0;
}
