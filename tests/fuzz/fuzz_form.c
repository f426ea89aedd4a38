/*
 * fuzz_form.c: the web page's form bodies (app_form.c) and cookie header
 * (app_session.c's pf_app_cookie).  The input is a Content-Type line,
 * then the body: "multipart/form-data; boundary=X\n--X\r\n...".
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_form	 f;
	const uint8_t	*nl = memchr(data, '\n', len);
	char		*ctype, out[PF_SESSION_HEX];
	size_t		 i;

	if (nl == NULL || (ctype = fuzz_str(data, (size_t)(nl - data))) == NULL)
		return 0;
	memset(&f, 0, sizeof(f));
	if (pf_app_form_parse(ctype, (const char *)nl + 1,
	    len - (size_t)(nl - data) - 1, 1024, &f) == PF_OK)
		for (i = 0; i < f.n; i++) {
			(void)pf_app_form_get(&f, f.f[i].name);
			(void)pf_app_form_file(&f, f.f[i].name);
		}
	pf_app_form_free(&f);
	(void)pf_app_cookie(ctype, "pfsid", out, sizeof(out));
	free(ctype);
	return 0;
}
