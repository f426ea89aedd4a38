/* buf.c: a growable, optionally bounded byte buffer. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"

static enum pf_err
reserve(struct pf_buf *b, size_t more)
{
	size_t	 want, cap;
	char	*p;

	if (more > SIZE_MAX - b->len - 1)
		return pf_err(PF_ERR_LIMIT, "buffer size overflow");
	want = b->len + more;
	if (b->limit != 0 && want > b->limit)
		return pf_err(PF_ERR_LIMIT, "more than %zu bytes", b->limit);
	if (want + 1 <= b->cap)
		return PF_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < want + 1)
		cap = cap > SIZE_MAX / 2 ? want + 1 : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory (%zu bytes)", cap);
	b->data = p;
	b->cap = cap;
	return PF_OK;
}

enum pf_err
pf_buf_add(struct pf_buf *b, const void *p, size_t n)
{
	enum pf_err e;

	if ((e = reserve(b, n)) != PF_OK)
		return e;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return PF_OK;
}

enum pf_err
pf_buf_addstr(struct pf_buf *b, const char *s)
{
	return pf_buf_add(b, s, strlen(s));
}

enum pf_err
pf_buf_printf(struct pf_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	enum pf_err e;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pf_err(PF_ERR_SYS, "bad format string");
	if ((e = reserve(b, (size_t)n)) != PF_OK)
		return e;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return PF_OK;
}

/*
 * Runs of bytes that need no escape are appended in one pf_buf_add: one
 * call per byte made this the top cost of serving a feed page (issue 6,
 * perf on tests/bench/indexbench: 70% of a page in here and reserve()).
 */
enum pf_err
pf_buf_json_str(struct pf_buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s, *run;
	enum pf_err		 e;

	if ((e = pf_buf_add(b, "\"", 1)) != PF_OK)
		return e;
	for (;;) {
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run && (e = pf_buf_add(b, run, (size_t)(p - run))) != PF_OK)
			return e;
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };
			e = pf_buf_add(b, esc, 2);
		} else if (*p == '\n')
			e = pf_buf_add(b, "\\n", 2);
		else
			e = pf_buf_printf(b, "\\u%04x", *p);
		if (e != PF_OK)
			return e;
		p++;
	}
	return pf_buf_add(b, "\"", 1);
}

void
pf_buf_reset(struct pf_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
pf_buf_free(struct pf_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
