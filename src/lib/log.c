/* log.c: one-line messages to stderr. */
#include "config.h"

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

void
pf_log(const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write, so lines from several workers do not interleave. */
	fprintf(stderr, "%s: %s\n", prog, line);
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
