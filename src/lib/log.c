/* log.c: one-line messages to stderr. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *prog = "peerfeed";

void
pf_log_init(const char *progname)
{
	const char *slash = strrchr(progname, '/');

	prog = slash ? slash + 1 : progname;
}

const char *
pf_log_name(void)
{
	return prog;
}

/*
 * "prog: message[: why]\n" in one write, so lines from several workers do
 * not interleave.
 */
static void
vlog(const char *why, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vlog(const char *why, const char *fmt, va_list ap)
{
	char	line[4096];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (why != NULL)
		fprintf(stderr, "%s: %s: %s\n", prog, line, why);
	else
		fprintf(stderr, "%s: %s\n", prog, line);
}

void
pf_log(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(NULL, fmt, ap);
	va_end(ap);
}

void
pf_log_errno(const char *fmt, ...)
{
	const char	*why = strerror(errno);
	va_list		 ap;

	va_start(ap, fmt);
	vlog(why, fmt, ap);
	va_end(ap);
}

void
pf_log_sanitize(const char *s, char *out, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
}
