/*
 * test_fetch.c: the pure parts of the fetcher: state.json parse/format
 * (friend.c), the request plaintext (checked by the responder's own
 * parser, req.c's rules restated), and response checks with hostile input.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fetch.h"
#include "friend.h"
#include "json.h"

#define A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define NONCE "0123456789abcdef0123456789abcdef"

static void
state_roundtrip(void **s)
{
	struct pf_friend	f, g;
	struct pf_buf		b = { 0 };

	(void)s;
	memset(&f, 0, sizeof(f));
	memcpy(f.fpr, A, sizeof(A));
	snprintf(f.url, sizeof(f.url), "https://host/peerfeed");
	snprintf(f.cursor, sizeof(f.cursor), "1764000000123.1764000000123-0000");
	snprintf(f.etag, sizeof(f.etag), "\"pf1-00ff\"");
	snprintf(f.result, sizeof(f.result), "ok");
	f.time_ms = 1764000000123;
	assert_int_equal(pf_friend_format(&f, &b), PF_OK);
	assert_int_equal(pf_friend_parse(b.data, b.len, A, &g), PF_OK);
	assert_string_equal(g.url, f.url);
	assert_string_equal(g.cursor, f.cursor);
	assert_string_equal(g.etag, f.etag);
	assert_int_equal(g.time_ms, f.time_ms);
	pf_buf_free(&b);
}

static void
state_hostile(void **s)
{
	static const char *const bad[] = {
		"{\"cursor\":\"\"}",				/* no url */
		"{\"url\":\"file:///etc/passwd\"}",
		"{\"url\":\"gopher://x\"}",
		"{\"url\":\"http://a\",\"url\":\"http://b\"}",	/* duplicate */
		"{\"url\":\"http://host/x\",\"cursor\":\"nonsense\"}",
		"{\"url\":\"http://host/x\",\"etag\":\"a\\nb\"}",
		"{\"url\":\"http://host/x\",\"extra\":1}",
		"{\"url\":\"http://host/x\",\"time\":\"yesterday\"}",
		"{\"url\":\"http://host/x\",\"cursor\":{\"a\":1}}",
		"[\"http://host/x\"]",
		"{\"url\":\"http://host/\\u0000x\"}",
	};
	static const char	old[] = "{\"url\":\"http://h/p\",\"cursor\":\"\"}";
	struct pf_friend	f;
	size_t			i;

	(void)s;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(pf_friend_parse(bad[i], strlen(bad[i]), A,
		    &f), PF_OK);
	/* What the CLI wrote before this issue still reads. */
	assert_int_equal(pf_friend_parse(old, strlen(old), A, &f), PF_OK);
	assert_int_not_equal(pf_friend_parse("{\"url\":\"\"}", 10, "../x", &f),
	    PF_OK);
}

static void
request_fields(void **s)
{
	struct pf_fetch_req	 r = { A, B, "https://b/peerfeed/feed", NONCE,
	    "", 1764000000, 50 };
	struct pf_buf		 b = { 0 };
	struct json_object	*o;
	const char		*str;
	int64_t			 n;

	(void)s;
	assert_int_equal(pf_fetch_request(&r, &b), PF_OK);
	assert_int_equal(pf_json_parse(b.data, b.len, 2, &o), PF_OK);
	assert_int_equal(pf_json_get_int(o, "v", 0, 9, &n), PF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(pf_json_get_str(o, "from", 40, 40, &str), PF_OK);
	assert_string_equal(str, A);
	assert_int_equal(pf_json_get_str(o, "to", 40, 40, &str), PF_OK);
	assert_string_equal(str, B);
	assert_int_equal(pf_json_get_str(o, "aud", 1, 99, &str), PF_OK);
	assert_int_equal(pf_json_get_str(o, "nonce", 32, 32, &str), PF_OK);
	assert_int_equal(pf_json_get_int(o, "ts", 0, PF_JSON_INT_MAX, &n), PF_OK);
	assert_int_equal(pf_json_get_str(o, "since", 0, 99, &str),
	    PF_ERR_NOTFOUND);
	json_object_put(o);
	pf_buf_reset(&b);
	snprintf(r.since, sizeof(r.since), "5.x\"y");	/* escaped, not injected */
	assert_int_equal(pf_fetch_request(&r, &b), PF_OK);
	assert_int_equal(pf_json_parse(b.data, b.len, 2, &o), PF_OK);
	assert_int_equal(pf_json_get_str(o, "since", 0, 99, &str), PF_OK);
	assert_string_equal(str, "5.x\"y");
	json_object_put(o);
	pf_buf_free(&b);
}

/* A response page around posts (JSON text of the array's elements). */
static enum pf_err
page(const char *from, const char *to, const char *nonce, const char *posts,
    const char *tail, struct pf_fetch_page *pg)
{
	struct pf_fetch_req	r = { A, B, "https://b/peerfeed/feed", NONCE,
	    "", 0, 2 };
	char			buf[4096];

	snprintf(buf, sizeof(buf), "{\"v\":1,\"from\":\"%s\",\"to\":\"%s\","
	    "\"nonce\":\"%s\",\"posts\":[%s],\"next\":\"\",\"more\":false%s}",
	    from, to, nonce, posts, tail);
	return pf_fetch_page_parse(buf, strlen(buf), &r, pg);
}

static void
response_checks(void **s)
{
	struct pf_fetch_page pg;

	(void)s;
	assert_int_equal(page(B, A, NONCE, "", "", &pg), PF_OK);
	assert_int_equal(pg.n, 0);
	pf_fetch_page_free(&pg);
	/* signed by the friend, but not an answer to our request */
	assert_int_equal(page(A, A, NONCE, "", "", &pg), PF_ERR_FORBIDDEN);
	assert_int_equal(page(B, B, NONCE, "", "", &pg), PF_ERR_FORBIDDEN);
	assert_int_equal(page(B, A, "ffffffffffffffffffffffffffffffff", "", "",
	    &pg), PF_ERR_FORBIDDEN);
	/* hostile shapes */
	assert_int_not_equal(page(B, A, NONCE, "", ",\"more\":true", &pg), PF_OK);
	assert_int_not_equal(page(B, A, NONCE, "", ",\"x\":1", &pg), PF_OK);
	assert_int_not_equal(page(B, A, NONCE, "1,2,3", "", &pg), PF_OK);
	assert_int_not_equal(page(B, A, NONCE, "{\"id\":\"1764000000123-0000\","
	    "\"author\":\"" A "\",\"post\":\"{}\",\"sig\":\"x\"}", "", &pg), PF_OK);
	assert_int_not_equal(page(B, A, NONCE, "{\"id\":\"../../x\",\"author\":\""
	    B "\",\"post\":\"{}\",\"sig\":\"-----BEGIN PGP SIGNATURE-----\"}",
	    "", &pg), PF_OK);
	assert_int_not_equal(page(B, A, NONCE, "{\"id\":\"1764000000123-0000\","
	    "\"author\":\"" B "\",\"post\":\"{\\\"id\\\":1}\",\"sig\":"
	    "\"-----BEGIN PGP SIGNATURE-----\"}", "", &pg), PF_OK);
	assert_int_not_equal(pf_fetch_page_parse("{\"v\":1", 6, NULL, &pg), PF_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_roundtrip),
		cmocka_unit_test(state_hostile),
		cmocka_unit_test(request_fields),
		cmocka_unit_test(response_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
