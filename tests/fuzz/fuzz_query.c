/*
 * fuzz_query.c: the query string of a public GET, pf_http_query(), into
 * a roomy and a tiny buffer, then the since value as a cursor.
 */
#include <stdlib.h>

#include "http.h"
#include "index.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const names[] = { "since", "limit", "media", "" };
	struct pf_cursor	 c;
	char			 out[PF_CURSOR_MAX], tiny[4], *q;
	size_t			 i;

	if ((q = fuzz_str(data, len)) == NULL)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)pf_http_query(q, names[i], tiny, sizeof(tiny));
		if (pf_http_query(q, names[i], out, sizeof(out)) == PF_OK &&
		    i == 0)
			(void)pf_cursor_parse(out, &c);
	}
	free(q);
	return 0;
}
