/* route.c: the endpoint table and the matcher; no I/O of its own. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "route.h"

const struct pf_route pf_routes[] = {
	{ "GET",	"/",		pf_api_info },
	{ "GET",	"/key",		pf_api_key },
	{ "GET",	"/feed",	pf_api_feed_get },
	{ "POST",	"/feed",	pf_api_feed_post },
	{ "GET",	"/feed.atom",	pf_api_atom },
	{ "GET",	"/media/*",	pf_api_media },
	{ "POST",	"/media",	pf_api_media_post },
	{ "GET",	"/app",		pf_app },	/* the owner's web page */
	{ "GET",	"/app/",	pf_app },
	{ "GET",	"/app/*",	pf_app },
	{ "POST",	"/app/*",	pf_app },
	{ "GET",	"/app/media/*",	pf_app },
	{ "GET",	"/app/thumb/*",	pf_app },
};
const size_t pf_nroutes = sizeof(pf_routes) / sizeof(pf_routes[0]);

/*
 * Does path match pattern?  A trailing '*' matches one non-empty segment,
 * copied to param.  Returns 1 on a match, 0 if none, -1 if the segment is
 * too long for param.
 */
static int
match(const char *pattern, const char *path, char param[PF_ROUTE_PARAM_MAX])
{
	size_t	 plen = strlen(pattern);
	const char *rest;

	if (plen == 0 || pattern[plen - 1] != '*')
		return strcmp(pattern, path) == 0;
	if (strncmp(pattern, path, plen - 1) != 0)
		return 0;
	rest = path + plen - 1;
	if (*rest == '\0' || strchr(rest, '/') != NULL)
		return 0;
	if (strlen(rest) >= PF_ROUTE_PARAM_MAX)
		return -1;
	memcpy(param, rest, strlen(rest) + 1);
	return 1;
}

/* Does a route for want answer method?  GET routes answer HEAD too. */
static int
method_ok(const char *want, const char *method)
{
	return strcmp(want, method) == 0 ||
	    (strcmp(want, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* Append ", m" (or "m" first) to the list in out, if it fits. */
static void
allow_add(char *out, size_t n, const char *m)
{
	size_t len = strlen(out);

	if (len + strlen(m) + 3 <= n)
		snprintf(out + len, n - len, "%s%s", len ? ", " : "", m);
}

void
pf_route_allow(const struct pf_route *tab, size_t n, const char *path,
    char *out, size_t outlen)
{
	char	 param[PF_ROUTE_PARAM_MAX];
	size_t	 i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (match(tab[i].pattern, path, param) != 1)
			continue;
		allow_add(out, outlen, tab[i].method);
		if (strcmp(tab[i].method, "GET") == 0)
			allow_add(out, outlen, "HEAD");
	}
}

enum pf_err
pf_route_find(const struct pf_route *tab, size_t n, const char *method,
    const char *path, const struct pf_route **out, char param[PF_ROUTE_PARAM_MAX])
{
	char	 allowed[PF_ROUTE_ALLOW_MAX];
	size_t	 i;
	int	 m;

	for (i = 0; i < n; i++) {
		param[0] = '\0';
		if ((m = match(tab[i].pattern, path, param)) < 0)
			return pf_err(PF_ERR_LIMIT, "path segment longer than %d "
			    "bytes", PF_ROUTE_PARAM_MAX - 1);
		if (m == 1 && method_ok(tab[i].method, method)) {
			*out = &tab[i];
			return PF_OK;
		}
	}
	param[0] = '\0';
	pf_route_allow(tab, n, path, allowed, sizeof(allowed));
	if (allowed[0] != '\0')
		return pf_err(PF_ERR_METHOD, "method %.16s not allowed here "
		    "(allowed: %s)", method, allowed);
	return pf_err(PF_ERR_NOTFOUND, "no such endpoint");
}

enum pf_err
pf_route_dispatch(struct pf_api *api, const struct pf_http_req *req,
    struct pf_http_resp *resp)
{
	const struct pf_route	*r;
	char			 param[PF_ROUTE_PARAM_MAX];
	char			 allowed[PF_ROUTE_ALLOW_MAX];
	enum pf_err		 e;

	pf_err_clear();
	e = pf_route_find(pf_routes, pf_nroutes, req->method, req->path, &r,
	    param);
	if (e == PF_OK)
		e = r->fn(api, req, param[0] ? param : NULL, resp);
	if (e == PF_OK)
		return PF_OK;
	pf_http_error(resp, e, pf_errmsg());
	if (e == PF_ERR_METHOD) {
		/* RFC 9110 15.5.6: a 405 lists the methods the path has. */
		pf_route_allow(pf_routes, pf_nroutes, req->path, allowed,
		    sizeof(allowed));
		(void)pf_http_header(resp, "Allow", allowed);
	}
	return e;
}
