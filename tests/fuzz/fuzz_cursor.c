/*
 * fuzz_cursor.c: pf_cursor_parse() on a string; what it accepts must
 * print and parse back to the same cursor.
 */
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_cursor	 c, c2;
	char			 buf[PF_CURSOR_MAX], *s;

	if ((s = fuzz_str(data, len)) == NULL)
		return 0;
	if (pf_cursor_parse(s, &c) == PF_OK) {
		pf_cursor_fmt(&c, buf);
		if (pf_cursor_parse(buf, &c2) != PF_OK || c2.ms != c.ms ||
		    strcmp(c2.id, c.id) != 0)
			abort();
	}
	free(s);
	return 0;
}
