/*
 * test_fetch.c: the pure parts of the fetcher: state.json parse/format
 * (friend.c), the request plaintext (checked by the responder's own
 * parser, req.c's rules restated), and response checks with hostile input;
 * media requests (checked by req.c itself), public page URLs and pages,
 * and the Image attachments the fetcher reads out of a post.
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
#include "req.h"

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
	struct pf_fetch_req	 r = { .self = A, .peer = B,
	    .aud = "https://b/peerfeed/feed", .nonce = NONCE, .ts = 1764000000,
	    .limit = 50 };
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
	pf_json_free(o);
	pf_buf_reset(&b);
	snprintf(r.since, sizeof(r.since), "5.x\"y");	/* escaped, not injected */
	assert_int_equal(pf_fetch_request(&r, &b), PF_OK);
	assert_int_equal(pf_json_parse(b.data, b.len, 2, &o), PF_OK);
	assert_int_equal(pf_json_get_str(o, "since", 0, 99, &str), PF_OK);
	assert_string_equal(str, "5.x\"y");
	pf_json_free(o);
	pf_buf_free(&b);
}

/* A response page around posts (JSON text of the array's elements). */
static enum pf_err
page(const char *from, const char *to, const char *nonce, const char *posts,
    const char *tail, struct pf_fetch_page *pg)
{
	struct pf_fetch_req	r = { .self = A, .peer = B,
	    .aud = "https://b/peerfeed/feed", .nonce = NONCE, .limit = 2 };
	char			buf[4096];

	snprintf(buf, sizeof(buf), "{\"v\":1,\"from\":\"%s\",\"to\":\"%s\","
	    "\"nonce\":\"%s\",\"posts\":[%s],\"next\":\"\",\"more\":false%s}",
	    from, to, nonce, posts, tail);
	return pf_fetch_page_parse(buf, strlen(buf), &r, pg);
}

static void
response_checks(void **s)
{
	static const char	empty_more[] = "{\"v\":1,\"from\":\"" B "\","
	    "\"to\":\"" A "\",\"nonce\":\"" NONCE "\",\"posts\":[],"
	    "\"next\":\"\",\"more\":true}";
	struct pf_fetch_req	r = { .self = A, .peer = B,
	    .aud = "https://b/peerfeed/feed", .nonce = NONCE, .limit = 2 };
	struct pf_fetch_page	pg;

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
	/* more posts than the limit asked for (2): refused for the count */
	assert_int_equal(page(B, A, NONCE, "1,2,3", "", &pg), PF_ERR_INVALID);
	assert_non_null(strstr(pf_errmsg(), "3 items, not 0..2"));
	/* more on an empty page would have the fetcher ask forever */
	assert_int_equal(pf_fetch_page_parse(empty_more, strlen(empty_more), &r,
	    &pg), PF_ERR_INVALID);
	assert_non_null(strstr(pf_errmsg(), "more is true on an empty page"));
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

static void
request_media(void **s)
{
	struct pf_fetch_req	 r = { .self = A, .peer = B,
	    .aud = "https://b/peerfeed/media", .nonce = NONCE,
	    .since = "5.x", .ts = 1764000000, .limit = 50 };
	struct pf_req_want	 w = { .signer = A, .self = B,
	    .aud = "https://b/peerfeed/media", .now = 1764000000,
	    .window = 300, .page_max = 100, .kind = PF_REQ_MEDIA };
	struct pf_req		 q;
	struct pf_buf		 b = { 0 };

	(void)s;
	memset(r.media, 'a', PF_SHA256_HEX - 1);
	assert_int_equal(pf_fetch_request(&r, &b), PF_OK);
	/* what the responder's own parser accepts: no since, no limit */
	assert_int_equal(pf_req_parse(b.data, b.len, &w, &q), PF_OK);
	assert_string_equal(q.media, r.media);
	assert_string_equal(q.nonce, NONCE);
	w.kind = PF_REQ_FEED;
	assert_int_not_equal(pf_req_parse(b.data, b.len, &w, &q), PF_OK);
	pf_buf_free(&b);
}

static void
public_url(void **s)
{
	char	url[96], small[40];

	(void)s;
	assert_int_equal(pf_fetch_public_url("http://h/pf", "", 50, url,
	    sizeof(url)), PF_OK);
	assert_string_equal(url, "http://h/pf/feed?since=&limit=50");
	assert_int_equal(pf_fetch_public_url("http://h/pf",
	    "2026-11-24T04:22:33+01:00", 7, url, sizeof(url)), PF_OK);
	assert_string_equal(url,
	    "http://h/pf/feed?since=2026-11-24T04%3A22%3A33%2B01%3A00&limit=7");
	assert_int_equal(pf_fetch_public_url("http://h/pf", "1.a&b=c#d", 7,
	    url, sizeof(url)), PF_OK);
	assert_string_equal(url, "http://h/pf/feed?since=1.a%26b%3Dc%23d&limit=7");
	assert_int_equal(pf_fetch_public_url("http://h/pf",
	    "1764000000123.1764000000123-0000", 50, small, sizeof(small)),
	    PF_ERR_LIMIT);
}

#define D1 "1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "2222222222222222222222222222222222222222222222222222222222222222"

#define PHEAD	"{\"@context\":\"https://www.w3.org/ns/activitystreams\"," \
		"\"id\":\"1764000000123-0a1f\",\"attributedTo\":\"" A "\"," \
		"\"published\":\"2025-11-24T16:00:00.123Z\"," \
		"\"updated\":\"2025-11-24T16:00:00.123Z\",\"type\":\"Note\"," \
		"\"content\":\"c\","
#define PIMG(d, n)	"{\"type\":\"Image\",\"mediaType\":\"image/png\"," \
		"\"digest\":\"" d "\",\"size\":" #n ",\"name\":\"a.png\"}"

static void
images(void **s)
{
	static const char post[] = PHEAD "\"to\":[\"group:x\",\"public\"],"
	    "\"attachment\":[" PIMG(D1, 10) ","
	    "{\"type\":\"Link\",\"href\":\"http://x/\"}," PIMG(D2, 0) "]}";
	static const char grp[] = PHEAD "\"to\":[\"group:x\"],\"attachment\":"
	    "[" PIMG(D2, 3) "]}";
	static const char none[] = PHEAD "\"to\":[\"public\"]}";
	static const char bad[] = PHEAD "\"to\":[\"public\"],\"attachment\":"
	    "[" PIMG("../x", 1) "]}";
	struct pf_fetch_image	img[4];
	size_t			n;

	(void)s;
	assert_int_equal(pf_fetch_images(post, strlen(post), img, 4, &n), PF_OK);
	assert_int_equal(n, 2);		/* the Link is passed over */
	assert_string_equal(img[0].sha, D1);
	assert_int_equal(img[0].size, 10);
	assert_true(img[0].pub);
	assert_string_equal(img[1].sha, D2);
	assert_int_equal(img[1].size, 0);
	assert_int_equal(pf_fetch_images(post, strlen(post), img, 1, &n), PF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(pf_fetch_images(grp, strlen(grp), img, 4, &n), PF_OK);
	assert_int_equal(n, 1);
	assert_false(img[0].pub);
	assert_int_equal(pf_fetch_images(none, strlen(none), img, 4, &n), PF_OK);
	assert_int_equal(n, 0);
	/* Not a post: refused whole, as pf_post_parse() refuses it. */
	assert_int_not_equal(pf_fetch_images(bad, strlen(bad), img, 4, &n),
	    PF_OK);
	assert_int_not_equal(pf_fetch_images("{}", 2, img, 4, &n), PF_OK);
	assert_int_not_equal(pf_fetch_images("[1]", 3, img, 4, &n), PF_OK);
}

static void
public_page(void **s)
{
	static const char ok[] = "{\"posts\":[],\"next\":\"0.\",\"more\":false}";
	static const char sealed[] = "{\"v\":1,\"posts\":[],\"next\":\"0.\","
	    "\"more\":false}";
	struct pf_fetch_req	r = { .peer = B, .limit = 2, .pub = 1 };
	struct pf_fetch_page	pg;

	(void)s;
	assert_int_equal(pf_fetch_page_parse(ok, strlen(ok), &r, &pg), PF_OK);
	assert_string_equal(pg.next, "0.");
	pf_fetch_page_free(&pg);
	assert_int_equal(pf_fetch_page_parse(sealed, strlen(sealed), &r, &pg),
	    PF_ERR_INVALID);
	r.pub = 0;
	assert_int_not_equal(pf_fetch_page_parse(ok, strlen(ok), &r, &pg), PF_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_roundtrip),
		cmocka_unit_test(state_hostile),
		cmocka_unit_test(request_fields),
		cmocka_unit_test(response_checks),
		cmocka_unit_test(request_media),
		cmocka_unit_test(public_url),
		cmocka_unit_test(images),
		cmocka_unit_test(public_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
