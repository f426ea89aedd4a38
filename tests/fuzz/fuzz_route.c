/*
 * fuzz_route.c: the responder's routing of a FastCGI request.  The input
 * is "METHOD URI" (or a bare URI, taken as GET): the URI goes through
 * pf_http_path() both as REQUEST_URI and as PATH_INFO, and the path
 * through pf_route_find() and pf_route_allow() on the real table.  The
 * handlers are stubs, as in tests/unit/test_http.c: routing does no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "route.h"
#include "fuzz.h"

#define STUB(fn)							\
enum pf_err								\
fn(struct pf_api *a, const struct pf_http_req *req, const char *param,	\
    struct pf_http_resp *resp)						\
{									\
	(void)a; (void)req; (void)param; (void)resp;			\
	return PF_OK;							\
}
STUB(pf_api_info)
STUB(pf_api_key)
STUB(pf_api_feed_get)
STUB(pf_api_feed_post)
STUB(pf_api_atom)
STUB(pf_api_media)
STUB(pf_api_media_post)
STUB(pf_app)

static void
route(const char *method, const char *path)
{
	const struct pf_route	*r;
	char			 param[PF_ROUTE_PARAM_MAX];
	char			 allow[PF_ROUTE_ALLOW_MAX];

	(void)pf_route_find(pf_routes, pf_nroutes, method, path, &r, param);
	pf_route_allow(pf_routes, pf_nroutes, path, allow, sizeof(allow));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		 path[PF_HTTP_PATH_MAX], *s, *uri;
	const char	*method = "GET";

	if ((s = fuzz_str(data, len)) == NULL)
		return 0;
	if ((uri = strchr(s, ' ')) != NULL) {
		*uri++ = '\0';
		method = s;
	} else
		uri = s;
	if (pf_http_path(NULL, uri, "/peerfeed", path, sizeof(path)) == PF_OK)
		route(method, path);
	if (pf_http_path(uri, NULL, "/peerfeed", path, sizeof(path)) == PF_OK)
		route(method, path);
	route(method, uri);
	free(s);
	return 0;
}
