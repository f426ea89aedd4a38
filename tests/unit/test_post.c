/* test_post.c: the post model and the strict JSON parser (cmocka). */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "post.h"

#define FA	"3F2A9C1D5E7B4A608C1F2E3D4B5A69788796A5B4"
#define FB	"0C5E9F3A1B7D2468ACE013579BDF2468ACE013579BDF2468ACE013579BDF2468"
#define ID	"1764000000123-0a1f"
#define T0	1764000000123LL

static const char *pub[] = { "public" };

/* Build a post from d, parse it back, and return the parsed post. */
static struct pf_post *
build_parse(const struct pf_draft *d, struct pf_buf *b)
{
	struct pf_post *p = NULL;

	pf_buf_reset(b);
	if (pf_post_build(d, ID, FA, T0, T0, b) != PF_OK)
		fail_msg("build: %s", pf_errmsg());
	assert_int_equal(b->data[b->len - 1], '\n');
	if (pf_post_parse(b->data, b->len, &p) != PF_OK)
		fail_msg("parse: %s\n%s", pf_errmsg(), b->data);
	assert_string_equal(p->id, ID);
	assert_string_equal(p->author, FA);
	assert_int_equal(p->published_ms, T0);
	assert_int_equal(p->updated_ms, T0);
	return p;
}

static void
test_build_kinds(void **state)
{
	static const char *two[] = { "group:friends", "key:" FB };
	struct pf_buf	 b = { 0 }, r = { 0 };
	struct pf_post	*p;
	struct pf_draft	 d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.content = "hello";
	d.to = two;
	d.nto = 2;
	p = build_parse(&d, &b);
	assert_string_equal(p->type, "Note");
	assert_int_equal(p->nto, 2);
	assert_true(pf_post_has_aud(p, "key:" FB));
	assert_false(pf_post_has_aud(p, "public"));
	assert_string_equal(pf_post_str(p, "content"), "hello");
	assert_null(pf_post_str(p, "to"));
	assert_non_null(strstr(b.data, "{\n  \"@context\": \"https://www.w3.org/"
	    "ns/activitystreams\",\n  \"id\": \"" ID "\",\n  \"type\": \"Note\","));
	pf_post_free(p);

	d.to = pub;
	d.nto = 1;
	d.image_digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	d.image_type = "image/png";
	d.image_name = "cat.png";
	d.image_size = 1234;
	d.link = "https://example.org/a/b";
	d.name = "Example";
	d.has_geo = 1;
	d.lat = 52.52;
	d.lon = 13.405;
	d.place = "Berlin";
	d.reply_to = FB "/1764000000000-0000";
	p = build_parse(&d, &b);
	assert_non_null(strstr(b.data, "\"latitude\": 52.52,"));
	assert_non_null(strstr(b.data, "https://example.org/a/b"));
	assert_int_equal(pf_post_render(p, "media", &r), PF_OK);
	assert_non_null(strstr(r.data, "image: media/9f86d081884c7d659a2feaa0c55"
	    "ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 (image/png, 1234 bytes)\n"));
	assert_non_null(strstr(r.data, "link: https://example.org/a/b\n"));
	assert_non_null(strstr(r.data, "place: Berlin (52.52, 13.405)\n"));
	assert_non_null(strstr(r.data, "in reply to: " FB "/1764000000000-0000"));
	pf_post_free(p);

	memset(&d, 0, sizeof(d));
	d.to = pub;
	d.nto = 1;
	d.type = "Event";
	d.name = "Party";
	d.start = "2026-12-05T18:00:00Z";
	d.end = "2026-12-05T21:00:00Z";
	p = build_parse(&d, &b);
	assert_string_equal(p->type, "Event");
	pf_buf_reset(&r);
	assert_int_equal(pf_post_render(p, NULL, &r), PF_OK);
	assert_non_null(strstr(r.data, "starts: 2026-12-05T18:00:00Z\n"));
	pf_post_free(p);

	memset(&d, 0, sizeof(d));
	d.to = pub;
	d.nto = 1;
	d.type = "Like";
	d.like = FA "/1764000000000-0000";
	p = build_parse(&d, &b);
	assert_string_equal(pf_post_str(p, "object"), FA "/1764000000000-0000");
	pf_post_free(p);

	memset(&d, 0, sizeof(d));
	d.to = pub;
	d.nto = 1;
	d.type = "Listen";
	d.object = "Kind of Blue";
	d.has_geo = 1;		/* 0.0 must stay a double */
	p = build_parse(&d, &b);
	assert_non_null(strstr(b.data, "\"latitude\": 0.0,"));
	pf_post_free(p);
	pf_buf_free(&b);
	pf_buf_free(&r);
}

/* Build must refuse, with a message starting with want. */
static void
build_fails(const struct pf_draft *d, const char *want)
{
	struct pf_buf b = { 0 };

	if (pf_post_build(d, ID, FA, T0, T0, &b) == PF_OK)
		fail_msg("build accepted a draft (want \"%s\")", want);
	if (strncmp(pf_errmsg(), want, strlen(want)) != 0)
		fail_msg("got \"%s\", want \"%s\"", pf_errmsg(), want);
	assert_int_equal(b.len, 0);
	pf_buf_free(&b);
}

static void
test_build_refuses(void **state)
{
	static const char *bad[] = { "friends" };
	static const char *dup[] = { "public", "public" };
	struct pf_draft d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.content = "x";
	build_fails(&d, "to:");
	d.to = bad;
	d.nto = 1;
	build_fails(&d, "to: \"friends\"");
	d.to = dup;
	d.nto = 2;
	build_fails(&d, "to[1]: duplicate");
	d.to = pub;
	d.nto = 1;
	d.like = FA "/1764000000000-0000";
	build_fails(&d, "like: does not apply to a Note");
	d.like = NULL;
	d.name = "title";
	build_fails(&d, "name: a Note has a name only");
	d.name = NULL;
	d.type = "Event";
	d.name = "E";
	d.start = "2026-12-05T18:00:00+01:00";
	build_fails(&d, "startTime: not an RFC 3339 UTC");
	d.start = "2026-12-05T18:00:00Z";
	d.end = "2026-12-05T17:00:00Z";
	build_fails(&d, "endTime: earlier than startTime");
	memset(&d, 0, sizeof(d));
	d.to = pub;
	d.nto = 1;
	d.type = "Tombstone";
	build_fails(&d, "type: a Tombstone");
	d.type = "Arrive";
	build_fails(&d, "Arrive: needs at least one of");
	d.type = NULL;
	d.content = "bad \xff utf8";
	build_fails(&d, "content: not valid UTF-8");
	d.content = "";
	build_fails(&d, "content: empty");
	d.content = "x";
	d.has_geo = 1;
	d.lat = 91;
	build_fails(&d, "location.latitude: not in -90..90");
}

static void
test_edit_tombstone(void **state)
{
	struct pf_buf	 b = { 0 }, e = { 0 }, t = { 0 };
	struct pf_post	*p, *q, *z;
	struct pf_draft	 d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.content = "before";
	d.to = pub;
	d.nto = 1;
	d.link = "https://example.org/";
	d.name = "Example";
	p = build_parse(&d, &b);
	memset(&d, 0, sizeof(d));
	d.content = "after";
	d.link = "https://example.net/";
	assert_int_equal(pf_post_edit(p, &d, T0 + 5000, &e), PF_OK);
	assert_int_equal(pf_post_parse(e.data, e.len, &q), PF_OK);
	assert_string_equal(q->id, ID);
	assert_int_equal(q->published_ms, T0);
	assert_int_equal(q->updated_ms, T0 + 5000);
	assert_string_equal(pf_post_str(q, "content"), "after");
	assert_non_null(strstr(e.data, "\"href\": \"https://example.net/\",\n"
	    "      \"name\": \"Example\""));	/* the title stays */
	assert_int_equal(pf_post_edit(p, &d, T0 - 1, &t), PF_ERR_INVALID);
	assert_int_equal(t.len, 0);
	d.type = "Event";
	assert_int_equal(pf_post_edit(p, &d, T0 + 1, &t), PF_ERR_INVALID);

	assert_int_equal(pf_post_tombstone(q, T0 + 9000, &t), PF_OK);
	assert_int_equal(pf_post_parse(t.data, t.len, &z), PF_OK);
	assert_true(z->tombstone);
	assert_string_equal(z->id, ID);
	assert_string_equal(z->type, "Tombstone");
	assert_int_equal(z->updated_ms, T0 + 9000);
	assert_true(pf_post_has_aud(z, "public"));
	assert_string_equal(pf_post_str(z, "formerType"), "Note");
	assert_null(pf_post_str(z, "content"));
	pf_buf_reset(&e);
	assert_int_equal(pf_post_edit(z, &d, T0 + 10000, &e), PF_ERR_INVALID);
	assert_int_equal(pf_post_tombstone(z, T0 + 10000, &e), PF_ERR_INVALID);
	pf_post_free(p);
	pf_post_free(q);
	pf_post_free(z);
	pf_buf_free(&b);
	pf_buf_free(&e);
	pf_buf_free(&t);
}

#define HEAD	"{\"@context\":\"https://www.w3.org/ns/activitystreams\"," \
		"\"id\":\"" ID "\",\"attributedTo\":\"" FA "\"," \
		"\"published\":\"2025-11-24T16:00:00.123Z\","
#define TIMES	"\"updated\":\"2025-11-24T16:00:00.123Z\","
#define NOTE	HEAD TIMES "\"type\":\"Note\",\"to\":[\"public\"],"
#define GEO(x)	NOTE "\"content\":\"c\",\"location\":{\"type\":\"Place\"," x "}}"

/* Documents that must be refused, and the start of the message. */
static const struct {
	const char	*doc;
	const char	*msg;
} bad_posts[] = {
	{ NOTE "\"content\":\"c\"}", NULL },		/* the control: valid */
	{ NOTE "\"content\":\"c\"} x", "json:" },
	{ NOTE "\"content\":\"c\"", "json:" },
	{ NOTE "\"content\":\"c\",\"content\":\"d\"}", "json: duplicate key" },
	{ GEO("\"latitude\":1,\"longitude\":2,\"latitude\":3"),
	    "json: duplicate key" },
	{ GEO("\"latitude\":1,\"longitude\":2,\"lat\\u0069tude\":3"),
	    "json: duplicate key" },
	{ NOTE "\"content\":\"a\\u0000b\"}", "json: NUL character" },
	{ NOTE "\"content\":\"c\",\"x\\u0000y\":1}", "json: NUL character" },
	{ NOTE "\"content\":\"a\xff\"}", "json: invalid UTF-8" },
	{ NOTE "\"content\":\"a\xc0\xaf\"}", "json: invalid UTF-8" },
	{ NOTE "\"content\":\"a\\udc00\"}", "json: lone UTF-16" },
	{ NOTE "\"content\":\"a\tb\"}", "json: raw control" },
	{ NOTE "\"content\":\"c\",\"n\":NaN}", "json: NaN" },
	{ NOTE "\"content\":\"c\",\"n\":-Infinity}", "json: NaN" },
	{ NOTE "\"content\":\"c\",\"n\":9007199254740993}", "json: integer" },
	{ NOTE "\"content\":\"c\",\"n\":-99999999999999999999}", "json: integer" },
	{ NOTE "\"content\":\"c\",\"n\":1e400}", "json: number out of range" },
	{ NOTE "\"content\":\"c\",\"n\":[[[[[[[[1]]]]]]]]}", "json: nested" },
	{ NOTE "\"content\":\"c\",\"n\":[[[[[[1]]]]]]}", "n: unknown property" },
	{ "[1]", "json: top level" },
	{ NOTE "\"content\":\"c\",\"extra\":1}", "extra: unknown property" },
	{ NOTE "\"content\":\"\"}", "content: empty" },
	{ NOTE "\"content\":5}", "content: not a string" },
	{ NOTE "\"mediaType\":\"text/plain\"}", "content: missing" },
	{ HEAD TIMES "\"to\":[\"public\"],\"content\":\"c\"}", "type: missing" },
	{ HEAD TIMES "\"type\":\"Article\",\"to\":[\"public\"]}", "type: unknown" },
	{ HEAD "\"updated\":\"2026-13-01T00:00:00Z\",\"type\":\"Note\","
	    "\"to\":[\"public\"],\"content\":\"c\"}", "updated: not an RFC" },
	{ HEAD "\"updated\":\"2026-01-01T00:00:00\",\"type\":\"Note\","
	    "\"to\":[\"public\"],\"content\":\"c\"}", "updated: not an RFC" },
	{ HEAD "\"updated\":\"2026-01-01T12:00:60Z\",\"type\":\"Note\","
	    "\"to\":[\"public\"],\"content\":\"c\"}", "updated: not an RFC" },
	{ HEAD "\"updated\":\"2025-11-24T16:00:00.122Z\",\"type\":\"Note\","
	    "\"to\":[\"public\"],\"content\":\"c\"}", "updated: earlier" },
	{ HEAD TIMES "\"type\":\"Note\",\"to\":[\"friends\"],\"content\":\"c\"}",
	    "to[0]: not an audience" },
	{ HEAD TIMES "\"type\":\"Note\",\"to\":[\"key:abc\"],\"content\":\"c\"}",
	    "to[0]: not an audience" },
	{ HEAD TIMES "\"type\":\"Note\",\"to\":[],\"content\":\"c\"}",
	    "to: 0 audiences" },
	{ GEO("\"latitude\":91,\"longitude\":2"), "location.latitude: not in" },
	{ GEO("\"latitude\":1.5,\"longitude\":-180.01"),
	    "location.longitude: not in" },
	{ GEO("\"latitude\":1"), "location.longitude: missing" },
	{ NOTE "\"content\":\"c\",\"attachment\":[{\"type\":\"Image\","
	    "\"mediaType\":\"image/png\",\"digest\":\"9f86d081884c7d659a2feaa0"
	    "c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\",\"size\":1.0,"
	    "\"name\":\"a\"}]}", "attachment[0].size: not an integer" },
	{ HEAD TIMES "\"type\":\"Event\",\"to\":[\"public\"],\"name\":\"e\","
	    "\"startTime\":\"2026-01-02T00:00:00Z\","
	    "\"endTime\":\"2026-01-01T00:00:00Z\"}", "endTime: earlier" },
	{ HEAD TIMES "\"type\":\"Like\",\"to\":[\"public\"],\"object\":\"x\"}",
	    "object: not a post reference" },
	{ HEAD TIMES "\"type\":\"Tombstone\",\"to\":[\"public\"],"
	    "\"deleted\":\"2025-11-24T16:00:00.124Z\"}", "deleted: differs" },
};

static void
test_bad_posts(void **state)
{
	struct pf_post	*p;
	size_t		 i;
	enum pf_err	 e;

	(void)state;
	for (i = 0; i < sizeof(bad_posts) / sizeof(bad_posts[0]); i++) {
		p = NULL;
		pf_err_clear();
		e = pf_post_parse(bad_posts[i].doc, strlen(bad_posts[i].doc),
		    &p);
		if (bad_posts[i].msg == NULL) {
			if (e != PF_OK)
				fail_msg("case %zu refused: %s", i, pf_errmsg());
			pf_post_free(p);
			continue;
		}
		if (e == PF_OK)
			fail_msg("case %zu accepted: %s", i, bad_posts[i].doc);
		if (e != PF_ERR_INVALID && e != PF_ERR_LIMIT)
			fail_msg("case %zu: error %d", i, e);
		if (strncmp(pf_errmsg(), bad_posts[i].msg,
		    strlen(bad_posts[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    pf_errmsg(), bad_posts[i].msg);
	}
}

/* A Note whose content is n copies of the UTF-8 character ch. */
static enum pf_err
parse_content(const char *ch, size_t n)
{
	struct pf_buf	 b = { 0 };
	struct pf_post	*p = NULL;
	enum pf_err	 e;
	size_t		 i;

	pf_buf_addstr(&b, NOTE "\"content\":\"");
	for (i = 0; i < n; i++)
		pf_buf_addstr(&b, ch);
	pf_buf_addstr(&b, "\"}");
	e = pf_post_parse(b.data, b.len, &p);
	pf_post_free(p);
	pf_buf_free(&b);
	return e;
}

static void
test_content_length(void **state)
{
	(void)state;
	assert_int_equal(parse_content("x", 5000), PF_OK);
	assert_int_equal(parse_content("x", 5001), PF_ERR_INVALID);
	assert_string_equal(pf_errmsg(),
	    "content: longer than 5000 characters");
	assert_int_equal(parse_content("\xe2\x82\xac", 5000), PF_OK);
	assert_int_equal(parse_content("\xf0\x9f\x90\x88", 5000), PF_OK);
	assert_int_equal(parse_content("\xf0\x9f\x90\x88", 5001),
	    PF_ERR_INVALID);
	assert_int_equal(parse_content("\\ud83d\\udc08", 5000), PF_OK);
	assert_int_equal(parse_content("xxxxxxxxxxxxxxxx", 4096),
	    PF_ERR_LIMIT);
}

static void
test_json_api(void **state)
{
	static const char doc[] = "{\"ts\":1764000000,\"s\":\"x\",\"b\":true,"
	    "\"a\":[1,2],\"o\":{},\"d\":1.5} \n";
	struct json_object	*o, *v;
	const char		*s;
	int64_t			 i;
	double			 d;
	int			 bo;

	(void)state;
	assert_int_equal(pf_json_parse(doc, sizeof(doc) - 1, 2, &o), PF_OK);
	assert_int_equal(pf_json_get_int(o, "ts", 0, INT64_MAX, &i), PF_OK);
	assert_int_equal(i, 1764000000);
	assert_int_equal(pf_json_get_int(o, "ts", 0, 10, &i), PF_ERR_INVALID);
	assert_int_equal(pf_json_get_int(o, "d", 0, 10, &i), PF_ERR_INVALID);
	assert_int_equal(pf_json_get_int(o, "s", 0, 10, &i), PF_ERR_INVALID);
	assert_int_equal(pf_json_get_int(o, "zz", 0, 10, &i),
	    PF_ERR_NOTFOUND);
	assert_string_equal(pf_errmsg(), "zz: missing");
	assert_int_equal(pf_json_get_str(o, "s", 1, 1, &s), PF_OK);
	assert_int_equal(pf_json_get_str(o, "s", 2, 5, &s), PF_ERR_INVALID);
	assert_int_equal(pf_json_get_num(o, "d", 0, 2, &d), PF_OK);
	assert_int_equal(pf_json_get_bool(o, "b", &bo), PF_OK);
	assert_true(bo);
	assert_int_equal(pf_json_get_arr(o, "a", 1, 2, &v), PF_OK);
	assert_int_equal(pf_json_get_arr(o, "a", 3, 4, &v), PF_ERR_INVALID);
	assert_int_equal(pf_json_get_obj(o, "o", &v), PF_OK);
	pf_json_free(o);
	assert_int_equal(pf_json_parse("{\"a\":[]}", 8, 1, &o), PF_ERR_LIMIT);
	assert_int_equal(pf_json_parse("{\"a\":[]}", 8, 2, &o), PF_OK);
	pf_json_free(o);
	assert_int_equal(pf_json_parse("{\"a\":\"\\\\u0000\"}", 15, 2, &o),
	    PF_OK);	/* an escaped backslash, then "u0000": no NUL */
	pf_json_free(o);
	assert_int_equal(pf_json_parse("{} {}", 5, 2, &o), PF_ERR_INVALID);
	assert_int_equal(pf_utf8_len("a\xc3\xa9\xe2\x82\xac"), 3);
}

/* Every file in dir must parse (want_ok) or be refused. */
static void
fixtures(const char *sub, int want_ok)
{
	const char	*top = getenv("top_srcdir");
	char		 dir[512], path[1024], buf[PF_POST_MAX + 2];
	struct dirent	*de;
	struct pf_post	*p;
	DIR		*dp;
	FILE		*f;
	size_t		 n, count = 0;
	enum pf_err	 e;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/posts/%s",
	    top != NULL ? top : ".", sub);
	if ((dp = opendir(dir)) == NULL)
		fail_msg("%s: cannot open (set top_srcdir)", dir);
	while ((de = readdir(dp)) != NULL) {
		if (strstr(de->d_name, ".json") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			fail_msg("%s: cannot open", path);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		p = NULL;
		e = pf_post_parse(buf, n, &p);
		if (want_ok && e != PF_OK)
			fail_msg("%s: %s", path, pf_errmsg());
		if (!want_ok && e == PF_OK)
			fail_msg("%s: accepted", path);
		pf_post_free(p);
		count++;
	}
	closedir(dp);
	assert_true(count > 0);
}

static void
test_fixtures_valid(void **state)
{
	(void)state;
	fixtures("valid", 1);
}

static void
test_fixtures_invalid(void **state)
{
	(void)state;
	fixtures("invalid", 0);
}

static void
test_audiences(void **state)
{
	(void)state;
	assert_true(pf_post_aud_valid("public"));
	assert_true(pf_post_aud_valid("group:a.b_c-9"));
	assert_true(pf_post_aud_valid("key:" FA));
	assert_true(pf_post_aud_valid("key:" FB));
	assert_false(pf_post_aud_valid("friends"));
	assert_false(pf_post_aud_valid("group:"));
	assert_false(pf_post_aud_valid("group:a b"));
	assert_false(pf_post_aud_valid("key:abc"));
	assert_false(pf_post_aud_valid("Public"));
}

static void
test_render_clean(void **state)
{
	static const char doc[] = NOTE "\"content\":\"line1\\nline2 "
	    "\\u001b[31mred\\u0085\"}";
	struct pf_buf	 r = { 0 };
	struct pf_post	*p;

	(void)state;
	assert_int_equal(pf_post_parse(doc, sizeof(doc) - 1, &p), PF_OK);
	assert_int_equal(pf_post_render(p, NULL, &r), PF_OK);
	assert_non_null(strstr(r.data, "content: line1\n  line2 ?[31mred?\n"));
	assert_null(strchr(r.data, '\033'));
	pf_post_free(p);
	pf_buf_free(&r);
}

static void
test_images(void **state)
{
	static const char doc[] = NOTE "\"content\":\"c\",\"attachment\":["
	    "{\"type\":\"Link\",\"href\":\"https://x/\"},"
	    "{\"type\":\"Image\",\"mediaType\":\"image/webp\",\"digest\":"
	    "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
	    "\"size\":42,\"name\":\"a.webp\"}]}";
	struct pf_image	 img[PF_ATT_MAX];
	struct pf_post	*p;

	(void)state;
	assert_int_equal(pf_post_parse(doc, sizeof(doc) - 1, &p), PF_OK);
	assert_int_equal(pf_post_images(p, img, PF_ATT_MAX), 1);
	assert_string_equal(img[0].digest,
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	assert_int_equal(img[0].size, 42);
	assert_string_equal(img[0].type, "image/webp");
	assert_int_equal(pf_post_images(p, img, 0), 0);
	pf_post_free(p);
	assert_int_equal(pf_post_images(NULL, img, PF_ATT_MAX), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_kinds),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_edit_tombstone),
		cmocka_unit_test(test_bad_posts),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_json_api),
		cmocka_unit_test(test_fixtures_valid),
		cmocka_unit_test(test_fixtures_invalid),
		cmocka_unit_test(test_audiences),
		cmocka_unit_test(test_render_clean),
		cmocka_unit_test(test_images),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
