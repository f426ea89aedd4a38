/*
 * route.h: which handler answers a (method, path).  One table, no I/O, so
 * the matcher can be fuzzed on its own.
 */
#ifndef PF_ROUTE_H
#define PF_ROUTE_H

#include "pf.h"

struct pf_api;
struct pf_http_req;
struct pf_http_resp;

typedef enum pf_err (*pf_route_fn)(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);

/*
 * A route: method ("GET" also answers HEAD) and a pattern that is either
 * an exact path or a prefix ending in "*", which captures the rest of the
 * path as param when that rest is one non-empty segment (no '/').
 */
struct pf_route {
	const char	*method;
	const char	*pattern;
	pf_route_fn	 fn;
};

#define PF_ROUTE_PARAM_MAX	128	/* bytes of a captured segment, NUL included */
#define PF_ROUTE_ALLOW_MAX	64	/* bytes of an Allow value, NUL included */

/*
 * Find the route for method and path in tab[0..n).  On success *out is
 * the route and param holds the captured segment ("" if none).  Errors:
 * PF_ERR_NOTFOUND (no such path), PF_ERR_METHOD (path known, method not:
 * the message lists the allowed ones), PF_ERR_LIMIT (segment too long).
 */
enum pf_err	 pf_route_find(const struct pf_route *tab, size_t n, const char *method,
		    const char *path, const struct pf_route **out,
		    char param[PF_ROUTE_PARAM_MAX]);

/*
 * The methods tab[0..n) answers at path, as an Allow header value
 * ("GET, HEAD, POST": HEAD after every GET), into out (outlen bytes);
 * "" if no route matches path.  Methods that do not fit are left out.
 */
void		 pf_route_allow(const struct pf_route *tab, size_t n,
		    const char *path, char *out, size_t outlen);

/* The responder's own table (every endpoint of doc/DESIGN.md section 5). */
extern const struct pf_route	pf_routes[];
extern const size_t		pf_nroutes;

/*
 * Answer req into resp with the matching handler of pf_routes; an error
 * from routing or the handler becomes resp's JSON error body.  Returns the
 * error (PF_OK if the handler succeeded) for the caller's log line.
 */
enum pf_err	 pf_route_dispatch(struct pf_api *, const struct pf_http_req *,
		    struct pf_http_resp *);

#endif
