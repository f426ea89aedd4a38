/*
 * test_http.c: the responder's pure parts, no I/O: the route table and
 * matcher (route.c, with the handlers faked here), path and query
 * extraction (http.c), and the private request checks (req.c).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "http.h"
#include "req.h"
#include "route.h"

/* Fake handlers: each records its name, so a test sees which one ran. */
static const char	*called;
static char		 called_param[PF_ROUTE_PARAM_MAX];

#define FAKE(fn)							\
enum pf_err								\
fn(struct pf_api *a, const struct pf_http_req *req, const char *param,	\
    struct pf_http_resp *resp)						\
{									\
	(void)a; (void)req; (void)resp;					\
	called = #fn;							\
	snprintf(called_param, sizeof(called_param), "%s",		\
	    param ? param : "");					\
	return PF_OK;							\
}
FAKE(pf_api_info)
FAKE(pf_api_key)
FAKE(pf_api_feed_get)
FAKE(pf_api_feed_post)
FAKE(pf_api_atom)
FAKE(pf_api_media)
FAKE(pf_api_media_post)
FAKE(pf_app)

#define SHA	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* Every endpoint, and what must answer it. */
static const struct {
	const char	*method;
	const char	*path;
	enum pf_err	 want;
	const char	*fn;		/* handler, or the Allow list for a 405 */
} routes[] = {
	{ "GET", "/", PF_OK, "pf_api_info" },
	{ "HEAD", "/", PF_OK, "pf_api_info" },
	{ "GET", "/key", PF_OK, "pf_api_key" },
	{ "GET", "/feed", PF_OK, "pf_api_feed_get" },
	{ "HEAD", "/feed", PF_OK, "pf_api_feed_get" },
	{ "POST", "/feed", PF_OK, "pf_api_feed_post" },
	{ "GET", "/feed.atom", PF_OK, "pf_api_atom" },
	{ "GET", "/media/" SHA, PF_OK, "pf_api_media" },
	{ "POST", "/media", PF_OK, "pf_api_media_post" },
	/* Wrong methods: 405 with the methods the path has. */
	{ "PUT", "/feed", PF_ERR_METHOD, "GET, HEAD, POST" },
	{ "DELETE", "/", PF_ERR_METHOD, "GET, HEAD" },
	{ "POST", "/key", PF_ERR_METHOD, "GET, HEAD" },
	{ "POST", "/feed.atom", PF_ERR_METHOD, "GET, HEAD" },
	{ "POST", "/media/" SHA, PF_ERR_METHOD, "GET, HEAD" },
	{ "GET", "/media", PF_ERR_METHOD, "POST" },
	{ "HEAD", "/media", PF_ERR_METHOD, "POST" },
	{ "OPTIONS", "/media", PF_ERR_METHOD, "POST" },
	{ "get", "/feed", PF_ERR_METHOD, "GET, HEAD, POST" },
	/* Trailing slashes, case, near misses: no such endpoint. */
	{ "GET", "/feed/", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/key/", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/media/", PF_ERR_NOTFOUND, NULL },
	{ "POST", "/media/", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/media/" SHA "/", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/FEED", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/feed.atomx", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/feed.json", PF_ERR_NOTFOUND, NULL },
	{ "GET", "", PF_ERR_NOTFOUND, NULL },
	{ "GET", "//", PF_ERR_NOTFOUND, NULL },
	/* Traversal never reaches a handler with a slash in its param. */
	{ "GET", "/media/../key", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/media/../../etc/passwd", PF_ERR_NOTFOUND, NULL },
	{ "GET", "/x/../feed", PF_ERR_NOTFOUND, NULL },
};

static void
test_route_table(void **state)
{
	const struct pf_route	*r;
	char			 param[PF_ROUTE_PARAM_MAX], allow[PF_ROUTE_ALLOW_MAX];
	enum pf_err		 e;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		e = pf_route_find(pf_routes, pf_nroutes, routes[i].method,
		    routes[i].path, &r, param);
		if (e != routes[i].want)
			fail_msg("%s %s: got %s, want %s", routes[i].method,
			    routes[i].path, pf_err_str(e),
			    pf_err_str(routes[i].want));
		if (e == PF_OK) {
			called = NULL;
			assert_int_equal(r->fn(NULL, NULL, param[0] ? param :
			    NULL, NULL), PF_OK);
			assert_string_equal(called, routes[i].fn);
		} else if (e == PF_ERR_METHOD) {
			pf_route_allow(pf_routes, pf_nroutes, routes[i].path,
			    allow, sizeof(allow));
			assert_string_equal(allow, routes[i].fn);
			assert_non_null(strstr(pf_errmsg(), routes[i].fn));
		}
	}
}

/* The captured segment, and its bound. */
static void
test_route_param(void **state)
{
	const struct pf_route	*r;
	char			 param[PF_ROUTE_PARAM_MAX];
	char			 path[PF_ROUTE_PARAM_MAX + 16];

	(void)state;
	assert_int_equal(pf_route_find(pf_routes, pf_nroutes, "GET",
	    "/media/" SHA, &r, param), PF_OK);
	assert_string_equal(param, SHA);
	/* The matcher captures "..": the handler's hex check refuses it. */
	assert_int_equal(pf_route_find(pf_routes, pf_nroutes, "GET",
	    "/media/..", &r, param), PF_OK);
	assert_string_equal(param, "..");
	/* Longest segment that fits, then one byte more. */
	memcpy(path, "/media/", 7);
	memset(path + 7, 'a', PF_ROUTE_PARAM_MAX - 1);
	path[7 + PF_ROUTE_PARAM_MAX - 1] = '\0';
	assert_int_equal(pf_route_find(pf_routes, pf_nroutes, "GET", path, &r,
	    param), PF_OK);
	assert_int_equal(strlen(param), PF_ROUTE_PARAM_MAX - 1);
	path[7 + PF_ROUTE_PARAM_MAX - 1] = 'a';
	path[7 + PF_ROUTE_PARAM_MAX] = '\0';
	assert_int_equal(pf_route_find(pf_routes, pf_nroutes, "GET", path, &r,
	    param), PF_ERR_LIMIT);
	assert_int_equal(pf_route_find(pf_routes, pf_nroutes, "POST", path, &r,
	    param), PF_ERR_LIMIT);
	/* A long path that is no route is just not found. */
	memset(path + 1, 'x', sizeof(path) - 2);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(pf_route_find(pf_routes, pf_nroutes, "GET", path, &r,
	    param), PF_ERR_NOTFOUND);
}

/* Dispatch: a 405 carries Allow and the JSON error; a 404 none. */
static void
test_route_dispatch(void **state)
{
	struct pf_http_req	 req;
	struct pf_http_resp	 resp;

	(void)state;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	snprintf(req.method, sizeof(req.method), "PUT");
	snprintf(req.path, sizeof(req.path), "/feed");
	assert_int_equal(pf_route_dispatch(NULL, &req, &resp), PF_ERR_METHOD);
	assert_int_equal(resp.status, 405);
	assert_string_equal(resp.type, "application/json");
	assert_non_null(resp.hdrs.data);
	assert_string_equal(resp.hdrs.data, "Allow: GET, HEAD, POST\r\n");
	assert_non_null(strstr(resp.body.data,
	    "{\"error\":\"method not allowed\",\"detail\":\"method PUT"));
	pf_http_resp_reset(&resp);
	snprintf(req.path, sizeof(req.path), "/nope");
	assert_int_equal(pf_route_dispatch(NULL, &req, &resp), PF_ERR_NOTFOUND);
	assert_int_equal(resp.status, 404);
	assert_int_equal(resp.hdrs.len, 0);
	pf_http_resp_reset(&resp);
	snprintf(req.method, sizeof(req.method), "POST");
	snprintf(req.path, sizeof(req.path), "/media");
	called = NULL;
	assert_int_equal(pf_route_dispatch(NULL, &req, &resp), PF_OK);
	assert_string_equal(called, "pf_api_media_post");
	assert_int_equal(resp.status, 0);
	pf_http_resp_free(&resp);
	assert_int_equal(pf_err_http(PF_ERR_METHOD), 405);
	assert_string_equal(pf_err_str(PF_ERR_METHOD), "method not allowed");
}

/*
 * The node's key unusable (gpg-agent down) is the server's fault: 503 with
 * Retry-After and the JSON error; a client's error carries no Retry-After.
 */
static void
test_http_error_agent(void **state)
{
	struct pf_http_resp resp;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	assert_int_equal(pf_err_http(PF_ERR_AGENT), 503);
	assert_string_equal(pf_err_str(PF_ERR_AGENT), "key unavailable");
	pf_http_error(&resp, PF_ERR_AGENT, "decrypt: gpg-agent down");
	assert_int_equal(resp.status, 503);
	assert_string_equal(resp.type, "application/json");
	assert_non_null(resp.hdrs.data);
	assert_string_equal(resp.hdrs.data, "Retry-After: 10\r\n");
	assert_string_equal(resp.body.data, "{\"error\":\"key unavailable\","
	    "\"detail\":\"decrypt: gpg-agent down\"}\n");
	pf_http_error(&resp, PF_ERR_CRYPTO, "decrypt: No secret key");
	assert_int_equal(resp.status, 400);
	assert_int_equal(resp.hdrs.len, 0);
	pf_http_resp_free(&resp);
}

/* pf_http_path(): PATH_INFO, or REQUEST_URI minus the base path. */
static const struct {
	const char	*path_info;
	const char	*uri;
	const char	*base;
	enum pf_err	 want;
	const char	*out;
} paths[] = {
	{ "/feed", "/ignored", "/peerfeed", PF_OK, "/feed" },
	{ "/media/%61b", NULL, "/peerfeed", PF_OK, "/media/ab" },
	{ "", "/peerfeed/feed?since=1", "/peerfeed", PF_OK, "/feed" },
	{ NULL, "/peerfeed/feed#x", "/peerfeed", PF_OK, "/feed" },
	{ NULL, "/peerfeed", "/peerfeed", PF_OK, "/" },
	{ NULL, "/peerfeed/", "/peerfeed", PF_OK, "/" },
	{ NULL, "/peerfeed?x", "/peerfeed", PF_OK, "/" },
	{ NULL, "/peerfeed/key", "/peerfeed/", PF_OK, "/key" },
	{ NULL, "/api/v/feed.atom", "/api/v", PF_OK, "/feed.atom" },
	{ NULL, "/feed", "", PF_OK, "/feed" },
	{ NULL, "/peerfeed/feed/", "/peerfeed", PF_OK, "/feed/" },
	{ NULL, "/peerfeed/%66eed", "/peerfeed", PF_OK, "/feed" },
	{ NULL, NULL, "", PF_OK, "/" },
	/* Not under the base path. */
	{ NULL, "/peerfeedx/feed", "/peerfeed", PF_ERR_NOTFOUND, NULL },
	{ NULL, "/other/feed", "/peerfeed", PF_ERR_NOTFOUND, NULL },
	{ NULL, "/peer", "/peerfeed", PF_ERR_NOTFOUND, NULL },
	/* Dot segments, however spelled. */
	{ "/media/../key", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/media/..", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/./feed", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ NULL, "/peerfeed/%2e%2e/%2e%2e/etc/passwd", "/peerfeed",
	    PF_ERR_INVALID, NULL },
	{ NULL, "/peerfeed/media/%2E%2E", "/peerfeed", PF_ERR_INVALID, NULL },
	{ NULL, "/peerfeed/..", "/peerfeed", PF_ERR_INVALID, NULL },
	/* Not absolute; bad escapes; NUL and control bytes. */
	{ "feed", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed%00", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed%0a", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed\n", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed%7f", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed%", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed%2", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ "/feed%zz", NULL, "/peerfeed", PF_ERR_INVALID, NULL },
	{ NULL, "/peerfeed/%g0", "/peerfeed", PF_ERR_INVALID, NULL },
};

static void
test_http_path(void **state)
{
	char		 out[PF_HTTP_PATH_MAX], big[PF_HTTP_PATH_MAX + 8];
	enum pf_err	 e;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		e = pf_http_path(paths[i].path_info, paths[i].uri, paths[i].base,
		    out, sizeof(out));
		if (e != paths[i].want)
			fail_msg("path %zu (%s, %s): got %s, want %s", i,
			    paths[i].path_info ? paths[i].path_info : "-",
			    paths[i].uri ? paths[i].uri : "-", pf_err_str(e),
			    pf_err_str(paths[i].want));
		if (e == PF_OK)
			assert_string_equal(out, paths[i].out);
	}
	/* Overlong: the path, and a short output buffer. */
	big[0] = '/';
	memset(big + 1, 'a', sizeof(big) - 2);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(pf_http_path(big, NULL, "", out, sizeof(out)),
	    PF_ERR_LIMIT);
	assert_int_equal(pf_http_path(NULL, big, "", out, sizeof(out)),
	    PF_ERR_LIMIT);
	assert_int_equal(pf_http_path("/feed.atom", NULL, "", out, 8),
	    PF_ERR_LIMIT);
	assert_int_equal(pf_http_path("/feed", NULL, "", out, 6), PF_OK);
}

static void
test_http_query(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(pf_http_query("since=1.2&limit=5", "limit", out,
	    sizeof(out)), PF_OK);
	assert_string_equal(out, "5");
	assert_int_equal(pf_http_query("since=&limit=5", "since", out,
	    sizeof(out)), PF_OK);
	assert_string_equal(out, "");
	assert_int_equal(pf_http_query("since", "since", out, sizeof(out)),
	    PF_OK);
	assert_string_equal(out, "");
	assert_int_equal(pf_http_query("a=%41+b", "a", out, sizeof(out)), PF_OK);
	assert_string_equal(out, "A b");
	assert_int_equal(pf_http_query("sincex=1", "since", out, sizeof(out)),
	    PF_ERR_NOTFOUND);
	assert_int_equal(pf_http_query("", "since", out, sizeof(out)),
	    PF_ERR_NOTFOUND);
	assert_int_equal(pf_http_query("limit=1&limit=1", "limit", out,
	    sizeof(out)), PF_ERR_INVALID);
	assert_int_equal(pf_http_query("a=%00", "a", out, sizeof(out)),
	    PF_ERR_INVALID);
	assert_int_equal(pf_http_query("a=%zz", "a", out, sizeof(out)),
	    PF_ERR_INVALID);
	assert_int_equal(pf_http_query("a=0123456789abcdef", "a", out,
	    sizeof(out)), PF_ERR_LIMIT);
}

/*
 * Private request plaintexts.  SIGNER signed it, SELF is this node, the
 * clock says NOW, the window is 300 s and page_max 100.
 */
#define SIGNER	"0123456789ABCDEF0123456789ABCDEF01234567"
#define SELF	"89ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define OTHER	"FEDCBA9876543210FEDCBA9876543210FEDCBA98"
#define URL	"https://node.example/peerfeed"
#define NOW	1800000000
#define NONCE	"0123456789abcdef0123456789abcdef"

#define V	"\"v\":1"
#define FROM	"\"from\":\"" SIGNER "\""
#define TO	"\"to\":\"" SELF "\""
#define AUDF	"\"aud\":\"" URL "/feed\""
#define AUDM	"\"aud\":\"" URL "/media\""
#define TS	"\"ts\":1800000000"
#define NON	"\"nonce\":\"" NONCE "\""
#define BASE	V "," FROM "," TO "," AUDF "," TS "," NON
#define BASEM	V "," FROM "," TO "," AUDM "," TS "," NON
#define MEDIA	"\"media\":\"" SHA "\""

static const struct {
	enum pf_req_kind kind;
	const char	*json;
	enum pf_err	 want;
	const char	*msg;		/* a substring of the error message */
} reqs[] = {
	/* Valid. */
	{ PF_REQ_FEED, "{" BASE "}", PF_OK, NULL },
	{ PF_REQ_FEED, " {" NON "," TS "," AUDF "," TO "," FROM "," V "}\n",
	    PF_OK, NULL },
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"\",\"limit\":1}", PF_OK, NULL },
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"1800000000000.1800000000000-00ab\","
	    "\"limit\":100}", PF_OK, NULL },
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"2027-01-15T08:00:00Z\"}", PF_OK,
	    NULL },
	{ PF_REQ_FEED, "{" V ",\"from\":\"" "0123456789abcdef0123456789abcdef"
	    "01234567\"," TO "," AUDF "," TS "," NON "}", PF_OK, NULL },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":1800000300,"
	    NON "}", PF_OK, NULL },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":1799999700,"
	    NON "}", PF_OK, NULL },
	{ PF_REQ_MEDIA, "{" BASEM "," MEDIA "}", PF_OK, NULL },
	/* Each required member missing. */
	{ PF_REQ_FEED, "{" FROM "," TO "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "v: missing" },
	{ PF_REQ_FEED, "{" V "," TO "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "from: missing" },
	{ PF_REQ_FEED, "{" V "," FROM "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "to: missing" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," TS "," NON "}",
	    PF_ERR_INVALID, "aud: missing" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," NON "}",
	    PF_ERR_INVALID, "ts: missing" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS "}",
	    PF_ERR_INVALID, "nonce: missing" },
	{ PF_REQ_MEDIA, "{" BASEM "}", PF_ERR_INVALID, "media: missing" },
	/* Wrong types and versions. */
	{ PF_REQ_FEED, "{\"v\":\"1\"," FROM "," TO "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "v:" },
	{ PF_REQ_FEED, "{\"v\":2," FROM "," TO "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "version 2" },
	{ PF_REQ_FEED, "{\"v\":1.0," FROM "," TO "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "v:" },
	{ PF_REQ_FEED, "{" V ",\"from\":42," TO "," AUDF "," TS "," NON "}",
	    PF_ERR_INVALID, "from:" },
	{ PF_REQ_FEED, "{" V "," FROM ",\"to\":[\"" SELF "\"]," AUDF "," TS
	    "," NON "}", PF_ERR_INVALID, "to:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO ",\"aud\":null," TS "," NON "}",
	    PF_ERR_INVALID, "aud:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":\"1800000000\","
	    NON "}", PF_ERR_INVALID, "ts:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":1800000000.5,"
	    NON "}", PF_ERR_INVALID, "ts:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":-1," NON "}",
	    PF_ERR_INVALID, "ts:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS ",\"nonce\":1}",
	    PF_ERR_INVALID, "nonce:" },
	{ PF_REQ_FEED, "{" BASE ",\"since\":5}", PF_ERR_INVALID, "since:" },
	{ PF_REQ_FEED, "{" BASE ",\"limit\":\"5\"}", PF_ERR_INVALID, "limit:" },
	{ PF_REQ_FEED, "{" BASE ",\"limit\":true}", PF_ERR_INVALID, "limit:" },
	{ PF_REQ_MEDIA, "{" BASEM ",\"media\":7}", PF_ERR_INVALID, "media:" },
	/* Not for us, or not by the signer. */
	{ PF_REQ_FEED, "{" V ",\"from\":\"" OTHER "\"," TO "," AUDF "," TS ","
	    NON "}", PF_ERR_FORBIDDEN, "from: is not the key that signed" },
	{ PF_REQ_FEED, "{" V ",\"from\":\"" SIGNER "0\"," TO "," AUDF "," TS
	    "," NON "}", PF_ERR_INVALID, "from:" },
	{ PF_REQ_FEED, "{" V "," FROM ",\"to\":\"" OTHER "\"," AUDF "," TS ","
	    NON "}", PF_ERR_FORBIDDEN, "to: names another node's key" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO ",\"aud\":\"" URL "/feed/\"," TS
	    "," NON "}", PF_ERR_FORBIDDEN, "aud: not this node's endpoint" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO ",\"aud\":\"https://other.example"
	    "/peerfeed/feed\"," TS "," NON "}", PF_ERR_FORBIDDEN, "aud:" },
	{ PF_REQ_FEED, "{" BASEM "}", PF_ERR_FORBIDDEN, "aud:" },
	{ PF_REQ_MEDIA, "{" BASE "," MEDIA "}", PF_ERR_FORBIDDEN, "aud:" },
	/* Outside the window, both ways; the message names the skew. */
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":1800000301,"
	    NON "}", PF_ERR_STALE, "ts: 301 s ahead of the server clock" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":1799999699,"
	    NON "}", PF_ERR_STALE, "ts: 301 s behind the server clock" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF ",\"ts\":0," NON "}",
	    PF_ERR_STALE, "1800000000 s behind" },
	/* Bad nonces. */
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS ",\"nonce\":\""
	    "0123456789abcdef0123456789abcde\"}", PF_ERR_INVALID, "nonce:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS ",\"nonce\":\""
	    NONCE "0\"}", PF_ERR_INVALID, "nonce:" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS ",\"nonce\":\""
	    "0123456789ABCDEF0123456789abcdef\"}", PF_ERR_INVALID,
	    "nonce: not 32 lowercase hex digits" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS ",\"nonce\":\""
	    "0123456789abcdeg0123456789abcdef\"}", PF_ERR_INVALID,
	    "nonce: not 32 lowercase hex digits" },
	{ PF_REQ_FEED, "{" V "," FROM "," TO "," AUDF "," TS ",\"nonce\":\"\"}",
	    PF_ERR_INVALID, "nonce:" },
	/* since and limit bounds. */
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"garbage\"}", PF_ERR_INVALID,
	    "since:" },
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"2026-13-01T00:00:00Z\"}",
	    PF_ERR_INVALID, "since:" },
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"1.x\"}", PF_ERR_INVALID, "since:" },
	{ PF_REQ_FEED, "{" BASE ",\"since\":\"1234567890123456789012345678901"
	    "23456789012345678901234567890123\"}", PF_ERR_INVALID, "since:" },
	{ PF_REQ_FEED, "{" BASE ",\"limit\":0}", PF_ERR_INVALID, "limit:" },
	{ PF_REQ_FEED, "{" BASE ",\"limit\":9007199254740993}", PF_ERR_INVALID,
	    NULL },
	{ PF_REQ_FEED, "{" BASE ",\"limit\":-1}", PF_ERR_INVALID, "limit:" },
	/* Media digest. */
	{ PF_REQ_MEDIA, "{" BASEM ",\"media\":\"9F86D081884C7D659A2FEAA0C55AD015"
	    "A3BF4F1B2B0B822CD15D6C15B0F00A08\"}", PF_ERR_INVALID,
	    "media: not a SHA-256" },
	{ PF_REQ_MEDIA, "{" BASEM ",\"media\":\"../../peerfeed.conf\"}",
	    PF_ERR_INVALID, "media:" },
	{ PF_REQ_MEDIA, "{" BASEM ",\"media\":\"" SHA "0\"}", PF_ERR_INVALID,
	    "media:" },
	/* Unknown members, members of the other kind, duplicates. */
	{ PF_REQ_FEED, "{" BASE ",\"x\":1}", PF_ERR_INVALID,
	    "unknown member \"x\"" },
	{ PF_REQ_FEED, "{" BASE "," MEDIA "}", PF_ERR_INVALID,
	    "unknown member \"media\"" },
	{ PF_REQ_MEDIA, "{" BASEM "," MEDIA ",\"limit\":5}", PF_ERR_INVALID,
	    "unknown member \"limit\"" },
	{ PF_REQ_MEDIA, "{" BASEM "," MEDIA ",\"since\":\"\"}", PF_ERR_INVALID,
	    "unknown member \"since\"" },
	{ PF_REQ_FEED, "{" BASE "," V "}", PF_ERR_INVALID, "duplicate" },
	{ PF_REQ_FEED, "{" BASE ",\"nonce\":\"" NONCE "\"}", PF_ERR_INVALID,
	    "duplicate" },
	/* Depth, and things that are no request at all. */
	{ PF_REQ_FEED, "{" BASE ",\"since\":[[\"\"]]}", PF_ERR_LIMIT, NULL },
	{ PF_REQ_FEED, "{" BASE ",\"since\":{\"a\":{}}}", PF_ERR_LIMIT, NULL },
	{ PF_REQ_FEED, "{" BASE ",\"since\":[\"\"]}", PF_ERR_INVALID, "since:" },
	{ PF_REQ_FEED, "[" BASE "]", PF_ERR_INVALID, NULL },
	{ PF_REQ_FEED, "", PF_ERR_INVALID, NULL },
	{ PF_REQ_FEED, "{" BASE "} x", PF_ERR_INVALID, NULL },
	{ PF_REQ_FEED, "{" BASE ",}", PF_ERR_INVALID, NULL },
};

static enum pf_err
parse(enum pf_req_kind kind, const char *json, struct pf_req *r)
{
	struct pf_req_want w = { SIGNER, SELF,
	    kind == PF_REQ_MEDIA ? URL "/media" : URL "/feed", NOW, 300, 100,
	    kind };

	return pf_req_parse(json, strlen(json), &w, r);
}

static void
test_req_table(void **state)
{
	struct pf_req	 r;
	enum pf_err	 e;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		pf_err_clear();
		e = parse(reqs[i].kind, reqs[i].json, &r);
		if (e != reqs[i].want)
			fail_msg("request %zu: got %s (%s), want %s: %s", i,
			    pf_err_str(e), pf_errmsg(), pf_err_str(reqs[i].want),
			    reqs[i].json);
		if (reqs[i].msg != NULL && strstr(pf_errmsg(), reqs[i].msg) == NULL)
			fail_msg("request %zu: message \"%s\" lacks \"%s\"", i,
			    pf_errmsg(), reqs[i].msg);
	}
}

/* What a valid request yields. */
static void
test_req_fields(void **state)
{
	struct pf_req r;

	(void)state;
	assert_int_equal(parse(PF_REQ_FEED, "{" BASE "}", &r), PF_OK);
	assert_int_equal(r.kind, PF_REQ_FEED);
	assert_string_equal(r.from, SIGNER);
	assert_int_equal(r.ts, NOW);
	assert_string_equal(r.nonce, NONCE);
	assert_int_equal(r.has_since, 0);
	assert_int_equal(r.since.ms, 0);
	assert_int_equal(r.limit, 100);
	assert_int_equal(parse(PF_REQ_FEED, "{" BASE ",\"since\":\"1800000000000."
	    "1800000000000-00ab\",\"limit\":7}", &r), PF_OK);
	assert_int_equal(r.has_since, 1);
	assert_int_equal(r.since.ms, 1800000000000LL);
	assert_string_equal(r.since.id, "1800000000000-00ab");
	assert_int_equal(r.limit, 7);
	/* A larger page than page_max is capped, not refused. */
	assert_int_equal(parse(PF_REQ_FEED, "{" BASE ",\"limit\":101}", &r),
	    PF_OK);
	assert_int_equal(r.limit, 100);
	assert_int_equal(parse(PF_REQ_FEED, "{" BASE ",\"since\":"
	    "\"2027-01-15T08:00:00Z\"}", &r), PF_OK);
	assert_int_equal(r.since.ms, 1800000000000LL);
	assert_string_equal(r.since.id, "~");
	assert_int_equal(parse(PF_REQ_MEDIA, "{" BASEM "," MEDIA "}", &r), PF_OK);
	assert_int_equal(r.kind, PF_REQ_MEDIA);
	assert_string_equal(r.media, SHA);
}

static void
test_hex_lower(void **state)
{
	(void)state;
	assert_true(pf_hex_lower("00af", 4));
	assert_false(pf_hex_lower("00aF", 4));
	assert_false(pf_hex_lower("00a", 4));
	assert_false(pf_hex_lower("00af0", 4));
	assert_false(pf_hex_lower("00ag", 4));
	assert_true(pf_hex_lower("", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_table),
		cmocka_unit_test(test_route_param),
		cmocka_unit_test(test_route_dispatch),
		cmocka_unit_test(test_http_error_agent),
		cmocka_unit_test(test_http_path),
		cmocka_unit_test(test_http_query),
		cmocka_unit_test(test_req_table),
		cmocka_unit_test(test_req_fields),
		cmocka_unit_test(test_hex_lower),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
