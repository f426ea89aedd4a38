/* test_markdown.c: markdown.c, CommonMark to HTML without raw HTML or unsafe URLs. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "markdown.h"
#include "pf.h"

/* The HTML of md, in a buffer the caller frees. */
static struct pf_buf
html(const char *md)
{
	struct pf_buf b = { 0 };

	assert_int_equal(pf_markdown_html(md, strlen(md), &b), PF_OK);
	assert_non_null(b.data);
	return b;
}

static void
test_render(void **state)
{
	struct pf_buf b;

	(void)state;
	b = html("# Hi\n\n*soft* and **bold** [site](https://example.org/a?b=1&c=2)\n");
	assert_non_null(strstr(b.data, "<h1>Hi</h1>"));
	assert_non_null(strstr(b.data, "<em>soft</em>"));
	assert_non_null(strstr(b.data, "<strong>bold</strong>"));
	assert_non_null(strstr(b.data,
	    "<a href=\"https://example.org/a?b=1&amp;c=2\">site</a>"));
	pf_buf_free(&b);
	assert_true(pf_markdown_is("text/markdown"));
	assert_false(pf_markdown_is("text/plain"));
	assert_false(pf_markdown_is(NULL));
}

/* Raw HTML, javascript: links and remote images come out harmless. */
static void
test_safe(void **state)
{
	struct pf_buf b;

	(void)state;
	b = html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(2)> "
	    "[click](javascript:alert(3)) [v](VBScript:x) "
	    "![pixel](https://tracker.example/p.gif) `<b>`\n");
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "<img"));
	assert_null(strstr(b.data, "onerror"));
	assert_null(strstr(b.data, "javascript:"));
	assert_null(strstr(b.data, "VBScript:"));
	assert_non_null(strstr(b.data, "<a href=\"\">click</a>"));
	assert_non_null(strstr(b.data,
	    "<a href=\"https://tracker.example/p.gif\">pixel</a>"));
	assert_non_null(strstr(b.data, "<code>&lt;b&gt;</code>"));
	pf_buf_free(&b);
}

/* A full buffer is an error and leaves what the buffer held. */
static void
test_limit(void **state)
{
	struct pf_buf b = { 0 };

	(void)state;
	b.limit = 16;
	assert_int_equal(pf_buf_addstr(&b, "<p>"), PF_OK);
	assert_int_equal(pf_markdown_html("a long paragraph", 16, &b),
	    PF_ERR_LIMIT);
	assert_int_equal(b.len, 3);
	pf_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
