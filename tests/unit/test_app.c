/*
 * test_app.c: the web page's pure parts: form bodies (app_form.c), the
 * cookie header and CSRF tokens (app_session.c), HTML escaping
 * (app_html.c), the password hash (passwd.c) and the responder's OpenPGP
 * budget (budget.c) in a temp store.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "budget.h"
#include "passwd.h"
#include "store.h"

#define URLENC	"application/x-www-form-urlencoded"

static void
test_urlencoded(void **state)
{
	struct pf_form	f;
	const char	*body = "csrf=ab&content=Hello+%3Cb%3E%0D%0Anext&to=&x";
	char		 big[PF_FORM_TEXT_MAX + 2];
	size_t		 i;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(pf_app_form_parse(URLENC, body, strlen(body), 0, &f),
	    PF_OK);
	assert_string_equal(pf_app_form_get(&f, "csrf"), "ab");
	assert_string_equal(pf_app_form_get(&f, "content"), "Hello <b>\nnext");
	assert_string_equal(pf_app_form_get(&f, "to"), "");
	assert_string_equal(pf_app_form_get(&f, "x"), "");
	assert_null(pf_app_form_get(&f, "missing"));
	pf_app_form_free(&f);

	/* Control characters, NUL, bad escapes, bad names, too much. */
	assert_int_equal(pf_app_form_parse(URLENC, "a=%01", 5, 0, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(URLENC, "a=%00", 5, 0, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(URLENC, "a=%g1", 5, 0, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(URLENC, "a=%c3%28", 8, 0, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(URLENC, "A%3C=1", 6, 0, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = i % 2 ? '=' : 'a';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(pf_app_form_parse(URLENC, big, strlen(big), 0, &f),
	    PF_ERR_LIMIT);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(URLENC, "a=1&a=2&a=3&a=4&a=5&a=6&a=7"
	    "&a=8&a=9&a=10&a=11&a=12&a=13&a=14&a=15&a=16&a=17&a=18&a=19&a=20"
	    "&a=21&a=22&a=23&a=24&a=25&a=26&a=27&a=28&a=29&a=30&a=31&a=32&a=33",
	    152, 0, &f), PF_ERR_LIMIT);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse("text/plain", "a=1", 3, 0, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
}

static void
test_multipart(void **state)
{
	static const char ct[] = "multipart/form-data; boundary=----B1";
	static const char body[] =
	    "------B1\r\n"
	    "Content-Disposition: form-data; name=\"content\"\r\n\r\n"
	    "two\r\nlines\r\n"
	    "------B1\r\n"
	    "Content-Disposition: form-data; name=\"image\"; "
	    "filename=\"../cat.png\"\r\nContent-Type: image/png\r\n\r\n"
	    "\x89PNG\r\n\x1a\n\0\0bin\r\n"
	    "------B1\r\n"
	    "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n\r\n"
	    "------B1--\r\n";
	const struct pf_form_field	*img;
	struct pf_form			 f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(pf_app_form_parse(ct, body, sizeof(body) - 1, 100, &f),
	    PF_OK);
	assert_string_equal(pf_app_form_get(&f, "content"), "two\nlines");
	assert_non_null(img = pf_app_form_file(&f, "image"));
	assert_string_equal(img->filename, "../cat.png");
	assert_string_equal(img->type, "image/png");
	assert_int_equal(img->len, 13);
	assert_memory_equal(img->value, "\x89PNG\r\n\x1a\n\0\0bin", 13);
	/* An empty file input is no file, and a file is not a text field. */
	assert_null(pf_app_form_file(&f, "empty"));
	assert_null(pf_app_form_get(&f, "image"));
	pf_app_form_free(&f);

	/* The file limit, a missing close, a part without a name. */
	assert_int_equal(pf_app_form_parse(ct, body, sizeof(body) - 1, 10, &f),
	    PF_ERR_LIMIT);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(ct, body, 60, 100, &f),
	    PF_ERR_INVALID);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse(ct, "------B1\r\nContent-Disposition: "
	    "form-data\r\n\r\nx\r\n------B1--", 49, 100, &f), PF_ERR_INVALID);
	pf_app_form_free(&f);
	assert_int_equal(pf_app_form_parse("multipart/form-data", body,
	    sizeof(body) - 1, 100, &f), PF_ERR_INVALID);
	pf_app_form_free(&f);
}

static void
test_cookie_csrf(void **state)
{
	char	out[PF_SESSION_HEX], t1[PF_SESSION_HEX], t2[PF_SESSION_HEX];

	(void)state;
	assert_int_equal(pf_app_cookie("a=1; pfsid=00ff; b=2", "pfsid", out,
	    sizeof(out)), PF_OK);
	assert_string_equal(out, "00ff");
	assert_int_equal(pf_app_cookie("xpfsid=00ff", "pfsid", out,
	    sizeof(out)), PF_ERR_NOTFOUND);
	assert_int_equal(pf_app_cookie("pfsid=00FF", "pfsid", out,
	    sizeof(out)), PF_ERR_NOTFOUND);
	assert_int_equal(pf_app_cookie("pfsid=\"00\"", "pfsid", out,
	    sizeof(out)), PF_ERR_NOTFOUND);
	assert_int_equal(pf_app_cookie("pfsid=00", "pfsid", out, 2),
	    PF_ERR_NOTFOUND);
	pf_app_csrf("form", "aa", t1);
	pf_app_csrf("form", "ab", t2);
	assert_int_equal(strlen(t1), 64);
	assert_string_not_equal(t1, t2);
	assert_true(pf_app_csrf_ok("form", "aa", t1));
	assert_false(pf_app_csrf_ok("form", "ab", t1));
	assert_false(pf_app_csrf_ok("login", "aa", t1));
	assert_false(pf_app_csrf_ok("form", "aa", ""));
	assert_false(pf_app_csrf_ok("form", NULL, t1));
}

static void
test_escape(void **state)
{
	struct pf_buf b = { 0 };

	(void)state;
	assert_int_equal(pf_app_esc(&b, "<a href='x'>&\"</a>"), PF_OK);
	assert_string_equal(b.data,
	    "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	pf_buf_reset(&b);
	assert_int_equal(pf_app_html(&b, "<p title=\"%s\">%r %d %z %f%%</p>",
	    "\"><script>", "<br>", -3, (size_t)7, 48.1), PF_OK);
	assert_string_equal(b.data, "<p title=\"&quot;&gt;&lt;script&gt;\">"
	    "<br> -3 7 48.100000%</p>");
	pf_buf_free(&b);
}

static void
test_passwd(void **state)
{
	struct pf_store	*st;
	char		 dir[] = "/tmp/pf.XXXXXX", cmd[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	assert_false(pf_passwd_isset(st));
	assert_int_equal(pf_passwd_check(st, "anything"), PF_ERR_NOTFOUND);
	assert_int_equal(pf_passwd_set(st, "short"), PF_ERR_INVALID);
	assert_int_equal(pf_passwd_set(st, "tab\tinside it"), PF_ERR_INVALID);
	/* Eight characters, not eight bytes. */
	assert_int_equal(pf_passwd_set(st, "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"),
	    PF_ERR_INVALID);
	assert_int_equal(pf_passwd_set(st, "correct horse"), PF_OK);
	assert_true(pf_passwd_isset(st));
	assert_int_equal(pf_passwd_check(st, "correct horse"), PF_OK);
	assert_int_equal(pf_passwd_check(st, "correct hors"), PF_ERR_FORBIDDEN);
	assert_int_equal(pf_passwd_check(st, ""), PF_ERR_FORBIDDEN);
	/* Hashes and tokens are compared in full, to the last byte. */
	assert_true(pf_passwd_equal("abcd", "abcd", 4));
	assert_false(pf_passwd_equal("abcd", "abce", 4));
	assert_false(pf_passwd_equal("abcd", "xbcd", 4));
	pf_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Write s to DIR/rel. */
static void
state_file(const char *dir, const char *rel, const char *s)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(s, f);
	fclose(f);
}

static void
test_passwd_try(void **state)
{
	struct pf_store	*st;
	char		 dir[] = "/tmp/pf.XXXXXX", cmd[64], far[64], addr[32];
	int		 wait = 0, i;
	struct stat	 sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	assert_int_equal(pf_passwd_set(st, "correct horse"), PF_OK);
	assert_int_equal(pf_passwd_try(st, "correct horse", "192.0.2.1", 2, &wait), PF_OK);
	assert_int_equal(pf_passwd_try(st, "wrong horse", "192.0.2.1", 2, &wait),
	    PF_ERR_FORBIDDEN);
	/* For the next 2 s not even the right password is checked. */
	assert_int_equal(pf_passwd_try(st, "correct horse", "192.0.2.1", 2, &wait),
	    PF_ERR_LOCKED);
	assert_true(wait >= 1 && wait <= 2);
	/* The owner at another address is not held back (issue 13). */
	assert_int_equal(pf_passwd_try(st, "correct horse", "2001:db8::7", 2,
	    &wait), PF_OK);
	/* 64 addresses at most are remembered: a flood from many forgets the
	 * earliest, and the file stays small. */
	for (i = 0; i < 70; i++) {
		snprintf(addr, sizeof(addr), "198.51.100.%d", i);
		assert_int_equal(pf_passwd_try(st, "wrong", addr, 2, &wait),
		    PF_ERR_FORBIDDEN);
	}
	assert_int_equal(pf_passwd_try(st, "wrong", "198.51.100.69", 2, &wait),
	    PF_ERR_LOCKED);
	snprintf(cmd, sizeof(cmd), "%s/app/login-wait", dir);
	assert_int_equal(stat(cmd, &sb), 0);
	assert_true(sb.st_size < 64 * 48);
	sleep(3);
	/* A wait further off than the delay is a clock that stepped back. */
	snprintf(far, sizeof(far), "192.0.2.1 %lld\n",
	    (long long)pf_now_ms() + 3600000);
	state_file(dir, "app/login-wait", far);
	assert_int_equal(pf_passwd_try(st, "correct horse", "192.0.2.1", 2, &wait), PF_OK);
	/* Damaged contents hold nobody back. */
	state_file(dir, "app/login-wait", "-9223372036854775808");
	assert_int_equal(pf_passwd_try(st, "correct horse", "192.0.2.1", 2, &wait), PF_OK);
	state_file(dir, "app/login-wait", "99999999999999999999999999");
	assert_int_equal(pf_passwd_try(st, "correct horse", "192.0.2.1", 2, &wait), PF_OK);
	state_file(dir, "app/login-wait", "not a number");
	assert_int_equal(pf_passwd_try(st, "correct horse", "192.0.2.1", 2, &wait), PF_OK);
	pf_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The token bucket: pgp_burst at once, then pgp_rate a second. */
static void
test_budget(void **state)
{
	struct pf_store	*st;
	char		 dir[] = "/tmp/pf.XXXXXX", cmd[64], line[64];
	int		 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pf_store_open(dir, 1, &st), PF_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(pf_budget_take(st, 1, 3), PF_OK);
	assert_int_equal(pf_budget_take(st, 1, 3), PF_ERR_BUSY);
	/* Empty 1.5 s ago at 1 a second: one token is back, not two. */
	snprintf(line, sizeof(line), "0 %lld\n", (long long)pf_now_ms() - 1500);
	state_file(dir, PF_BUDGET_FILE, line);
	assert_int_equal(pf_budget_take(st, 1, 3), PF_OK);
	assert_int_equal(pf_budget_take(st, 1, 3), PF_ERR_BUSY);
	/* A clock that stepped back refills nothing. */
	snprintf(line, sizeof(line), "0 %lld\n", (long long)pf_now_ms() + 3600000);
	state_file(dir, PF_BUDGET_FILE, line);
	assert_int_equal(pf_budget_take(st, 1, 3), PF_ERR_BUSY);
	/* Damaged contents, or more tokens than the burst: a full bucket. */
	state_file(dir, PF_BUDGET_FILE, "not a number");
	assert_int_equal(pf_budget_take(st, 1, 3), PF_OK);
	state_file(dir, PF_BUDGET_FILE, "99999999 1\n");
	for (i = 0; i < 3; i++)
		assert_int_equal(pf_budget_take(st, 1, 3), PF_OK);
	assert_int_equal(pf_budget_take(st, 1, 3), PF_ERR_BUSY);
	pf_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_cookie_csrf),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_passwd_try),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
