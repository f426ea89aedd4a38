/* test_util.c: errors, buffers, times, fingerprints, ids, SHA-256, config. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "digest.h"
#include "pf.h"
#include "reach.h"

static void
test_buf(void **state)
{
	struct pf_buf b = { 0 };

	(void)state;
	assert_int_equal(pf_buf_addstr(&b, "a"), PF_OK);
	assert_int_equal(pf_buf_printf(&b, "%d-%s", 42, "x"), PF_OK);
	assert_string_equal(b.data, "a42-x");
	pf_buf_reset(&b);
	assert_int_equal(pf_buf_json_str(&b, "q\"\\\n\x01"), PF_OK);
	assert_string_equal(b.data, "\"q\\\"\\\\\\n\\u0001\"");
	pf_buf_free(&b);
	b.limit = 4;
	assert_int_equal(pf_buf_addstr(&b, "1234"), PF_OK);
	assert_int_equal(pf_buf_addstr(&b, "5"), PF_ERR_LIMIT);
	assert_int_equal(b.len, 4);
	pf_buf_free(&b);
}

static void
test_time(void **state)
{
	static const char *bad[] = { "", "2026-13-01T00:00:00Z",
	    "2026-02-30T00:00:00Z", "2026-11-24 04:22:33Z", "2026-11-24T04:22:33",
	    "2026-11-24T25:00:00Z", "2025-02-29T00:00:00Z", "1969-12-31T23:59:59Z",
	    "2026-11-24T04:22:33.Z", "2026-11-24T04:22:33Zjunk" };
	int64_t	 ms;
	char	 out[32];
	size_t	 i;

	(void)state;
	assert_int_equal(pf_time_parse("2026-11-24T04:22:33.123Z", &ms), PF_OK);
	assert_int_equal(ms, 1795494153123LL);
	pf_time_fmt(ms, out);
	assert_string_equal(out, "2026-11-24T04:22:33.123Z");
	assert_int_equal(pf_time_parse("2026-11-24T05:22:33+01:00", &ms), PF_OK);
	assert_int_equal(ms, 1795494153000LL);
	assert_int_equal(pf_time_parse("2024-02-29T00:00:00Z", &ms), PF_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pf_time_parse(bad[i], &ms), PF_ERR_INVALID);
}

static void
test_ids(void **state)
{
	char fpr[PF_FPR_MAX];

	(void)state;
	assert_true(pf_id_valid("1764000000123-0000"));
	assert_true(pf_id_valid("1764000000123-00af"));
	assert_false(pf_id_valid("1764000000123-00AF"));
	assert_false(pf_id_valid("176400000012-0000"));
	assert_false(pf_id_valid("1764000000123-00000"));
	assert_false(pf_id_valid("../../etc/passwd"));
	assert_true(pf_fpr_valid("0123456789ABCDEF0123456789ABCDEF01234567"));
	assert_false(pf_fpr_valid("0123456789abcdef0123456789abcdef01234567"));
	assert_false(pf_fpr_valid("0123456789ABCDEF"));
	assert_int_equal(pf_fpr_normalize("0123456789abcdef0123456789abcdef01234567",
	    fpr), PF_OK);
	assert_string_equal(fpr, "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_int_equal(pf_fpr_normalize("xyz", fpr), PF_ERR_INVALID);
}

static void
test_sha256(void **state)
{
	char hex[PF_SHA256_HEX];

	(void)state;
	pf_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	pf_sha256_hex("", 0, hex);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* The hex digits s as bytes into out; returns how many. */
static size_t
unhex(const char *s, unsigned char *out)
{
	size_t n;

	for (n = 0; s[2 * n] != '\0'; n++)
		out[n] = (unsigned char)(pf_hexval(s[2 * n]) << 4 |
		    pf_hexval(s[2 * n + 1]));
	return n;
}

/* The digest of s by md (HMAC with key when not NULL), in hex. */
static void
digest_hex(int md, const char *key, const char *s, char *hex)
{
	struct pf_digest	d;
	unsigned char		out[PF_MD_MAX];
	size_t			n;

	assert_int_equal(pf_digest_open(&d, md, key, key ? strlen(key) : 0),
	    PF_OK);
	pf_digest_add(&d, s, strlen(s) / 2);
	pf_digest_add(&d, s + strlen(s) / 2, strlen(s) - strlen(s) / 2);
	n = pf_digest_close(&d, out);
	pf_hex(out, n, hex);
}

/* digest.c against published vectors (FIPS 180, RFC 4231, RFC 7914, RFC 8032). */
static void
test_digest(void **state)
{
	unsigned char	 q[32], r[32], sv[32], dk[64], msg = 0x72;
	char		 hex[2 * PF_MD_MAX + 1];
	struct pf_digest d;

	(void)state;
	digest_hex(PF_MD_SHA1, NULL, "abc", hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	digest_hex(PF_MD_SHA512, NULL, "abc", hex);
	assert_memory_equal(hex, "ddaf35a193617aba", 16);
	/* RFC 4231 test case 2: HMAC-SHA-256, key "Jefe". */
	digest_hex(PF_MD_SHA256, "Jefe", "what do ya want for nothing?", hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	assert_int_equal(pf_digest_open(&d, 1, NULL, 0), PF_ERR_INVALID);
	assert_int_equal(pf_digest_close(&d, NULL), 0);
	/* RFC 7914 section 11: PBKDF2-HMAC-SHA256, "passwd", "salt", c = 1. */
	assert_int_equal(pf_pbkdf2_sha256("passwd", "salt", 4, 1, dk, 64),
	    PF_OK);
	pf_hex(dk, 64, hex);
	assert_string_equal(hex, "55ac046e56e3089fec1691c22544b605"
	    "f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef31"
	    "7c71b845b1e30bd509112041d3a19783");
	/* RFC 8032 7.1 test 2: one byte, 0x72; then a bit flipped. */
	unhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	    q);
	unhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da",
	    r);
	unhex("085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
	    sv);
	assert_int_equal(pf_ed25519_verify(q, 32, &msg, 1, r, sv), PF_OK);
	msg ^= 1;
	assert_int_equal(pf_ed25519_verify(q, 32, &msg, 1, r, sv),
	    PF_ERR_BADSIG);
}

static void
test_err(void **state)
{
	(void)state;
	assert_int_equal(pf_err_http(PF_ERR_FORBIDDEN), 403);
	assert_int_equal(pf_err_http(PF_ERR_NOTFOUND), 404);
	assert_string_equal(pf_err_str(PF_ERR_REPLAY), "replayed request");
	assert_int_equal(pf_err(PF_ERR_INVALID, "rule %d", 7), PF_ERR_INVALID);
	assert_string_equal(pf_errmsg(), "rule 7");
	/* Context goes in front of the message, under the new code. */
	assert_int_equal(pf_err_ctx(PF_ERR_INDEX, "post %s", "17-0"),
	    PF_ERR_INDEX);
	assert_string_equal(pf_errmsg(), "post 17-0: rule 7");
	assert_int_equal(pf_err_ctx(PF_ERR_INDEX, "%s", "a/b.json"),
	    PF_ERR_INDEX);
	assert_string_equal(pf_errmsg(), "a/b.json: post 17-0: rule 7");
}

static void
test_conf(void **state)
{
	static const char good[] = "# comment\nname = Alice Example\n"
	    "url = https://alice.example/peerfeed\n  page_max=50  \n\n";
	static const char *bad[] = { "nokey\n", "colour = blue\n",
	    "page_max = 0\n", "page_max = 10x\n", "window = 99999999\n",
	    "url = ftp://x\n", "base_path = peerfeed\n" };
	struct pf_conf	 c;
	struct pf_buf	 b = { 0 };
	size_t		 i;

	(void)state;
	assert_int_equal(pf_conf_parse(good, sizeof(good) - 1, "t", &c), PF_OK);
	assert_string_equal(c.name, "Alice Example");
	assert_string_equal(c.url, "https://alice.example/peerfeed");
	assert_string_equal(c.base_path, "/peerfeed");
	assert_int_equal(c.page_max, 50);
	assert_int_equal(c.window, 300);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pf_conf_parse(bad[i], strlen(bad[i]), "t", &c),
		    PF_ERR_CONFIG);
	/* Several URLs, the first is url; a bad entry anywhere is refused. */
	{
		static const char many[] = "url = https://a.example/p , "
		    "http://1.2.3.4:8080/p\n";
		static const char *badu[] = { "url = https://a.example/p,\n",
		    "url = ,https://a.example/p\n", "url = https://a b\n",
		    "url = https://a.example/p,,http://b\n",
		    "url = http://a,http://b,http://c,http://d,http://e\n" };
		char	u[PF_CONF_URLS][PF_CONF_URL_MAX];

		assert_int_equal(pf_conf_parse(many, sizeof(many) - 1, "t", &c),
		    PF_OK);
		assert_string_equal(c.url, "https://a.example/p");
		assert_int_equal(pf_conf_urls(&c, u, PF_CONF_URLS), 2);
		assert_string_equal(u[0], "https://a.example/p");
		assert_string_equal(u[1], "http://1.2.3.4:8080/p");
		for (i = 0; i < sizeof(badu) / sizeof(badu[0]); i++)
			assert_int_equal(pf_conf_parse(badu[i], strlen(badu[i]),
			    "t", &c), PF_ERR_CONFIG);
	}
	/* What pf_conf_format writes reads back the same. */
	assert_int_equal(pf_conf_parse(good, sizeof(good) - 1, "t", &c), PF_OK);
	assert_int_equal(pf_conf_format(&c, &b), PF_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(pf_conf_parse(b.data, b.len, "t", &c), PF_OK);
	assert_string_equal(c.name, "Alice Example");
	assert_int_equal(c.page_max, 50);
	pf_buf_free(&b);
}

/* The reach settings, the local port peerfeed reach maps, public addresses. */
static void
test_reach_conf(void **state)
{
	static const struct { const char *text; unsigned port; } ports[] = {
		{ "url = http://h.example:8080/p\n", 8080 },
		{ "url = http://10.0.0.2/p\n", 80 },
		{ "url = https://[::1]:8443/p\n", 8443 },
		{ "url = https://h.example/p\n", 443 },
		{ "url = http://h.example:8080/p\nreach_port = 81\n", 81 },
		{ "", 80 },
	};
	static const char *bad[] = { "reach = upnpx\n", "reach = upnp tor\n",
	    "upnp_url = https://r/rootDesc.xml\n", "reach_port = 65536\n" };
	static const char *closed[] = { "10.1.2.3", "172.31.0.1", "192.168.1.1",
	    "100.64.0.1", "100.127.255.255", "127.0.0.1", "169.254.1.1",
	    "0.1.2.3", "224.0.0.1", "255.255.255.255" };
	const char	*range;
	struct pf_conf	 c;
	size_t		 i;

	(void)state;
	assert_int_equal(pf_conf_parse("reach = upnp, onion\n", 20, "t", &c),
	    PF_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pf_conf_parse(bad[i], strlen(bad[i]), "t", &c),
		    PF_ERR_CONFIG);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		assert_int_equal(pf_conf_parse(ports[i].text,
		    strlen(ports[i].text), "t", &c), PF_OK);
		assert_int_equal(pf_conf_local_port(&c), ports[i].port);
	}
	for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		assert_false(pf_reach_ip_public(closed[i], &range));
		assert_non_null(range);
	}
	assert_false(pf_reach_ip_public("not-an-address", &range));
	assert_null(range);
	assert_false(pf_reach_ip_public("1.2.3.4x", &range));
	assert_true(pf_reach_ip_public("100.128.0.1", &range));
	assert_true(pf_reach_ip_public("11.214.20.1", &range));
	assert_true(pf_reach_ip_public("172.32.0.1", &range));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_reach_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
