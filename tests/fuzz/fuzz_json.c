/* fuzz_json.c: pf_json_parse() and the UTF-8 checks on raw bytes. */
#include <stdlib.h>

#include "json.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct json_object	*o = NULL, *v;
	const char		*s;
	char			*str;
	int64_t			 n;
	double			 d;

	if (pf_utf8_check((const char *)data, len) == len &&
	    (str = fuzz_str(data, len)) != NULL) {
		(void)pf_utf8_len(str);
		free(str);
	}
	if (pf_json_parse((const char *)data, len, 8, &o) != PF_OK)
		return 0;
	(void)pf_json_get_str(o, "s", 0, 64, &s);
	(void)pf_json_get_int(o, "i", -PF_JSON_INT_MAX, PF_JSON_INT_MAX, &n);
	(void)pf_json_get_num(o, "n", -1e300, 1e300, &d);
	(void)pf_json_get_arr(o, "a", 0, 16, &v);
	pf_json_free(o);
	return 0;
}
