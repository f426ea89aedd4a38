/* err.c: the project-wide error codes, their names and HTTP statuses. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pf.h"

static const struct {
	const char	*name;
	int		 http;
} errs[PF_ERR__MAX] = {
	[PF_OK]			= { "success", 200 },
	[PF_ERR_NOMEM]		= { "out of memory", 503 },
	[PF_ERR_SYS]		= { "system error", 500 },
	[PF_ERR_USAGE]		= { "usage error", 400 },
	[PF_ERR_CONFIG]		= { "configuration error", 500 },
	[PF_ERR_NOTFOUND]	= { "not found", 404 },
	[PF_ERR_EXISTS]		= { "already exists", 409 },
	[PF_ERR_INVALID]	= { "invalid input", 400 },
	[PF_ERR_LIMIT]		= { "limit exceeded", 413 },
	[PF_ERR_CRYPTO]		= { "OpenPGP operation failed", 400 },
	[PF_ERR_BADSIG]		= { "bad signature", 403 },
	[PF_ERR_FORBIDDEN]	= { "forbidden", 403 },
	[PF_ERR_REPLAY]		= { "replayed request", 409 },
	[PF_ERR_STALE]		= { "timestamp outside the window", 400 },
	[PF_ERR_LOCKED]		= { "store locked by another writer", 503 },
	[PF_ERR_INDEX]		= { "index missing or inconsistent", 500 },
	[PF_ERR_NETWORK]	= { "network error", 502 },
	[PF_ERR_METHOD]		= { "method not allowed", 405 },
	[PF_ERR_AGENT]		= { "key unavailable", 503 },
	[PF_ERR_BUSY]		= { "too many requests", 429 },
};

static __thread char lastmsg[512];

const char *
pf_err_str(enum pf_err e)
{
	if ((unsigned)e >= PF_ERR__MAX)
		return "unknown error";
	return errs[e].name;
}

int
pf_err_http(enum pf_err e)
{
	if ((unsigned)e >= PF_ERR__MAX)
		return 500;
	return errs[e].http;
}

/*
 * Set the message to fmt's text, followed by ": <then>" unless then is
 * NULL.  Formatted aside first: callers may pass pf_errmsg() itself.
 */
static void
vset(const char *then, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vset(const char *then, const char *fmt, va_list ap)
{
	char	tmp[sizeof(lastmsg)];
	int	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);

	if (then != NULL && n >= 0 && (size_t)n < sizeof(tmp))
		snprintf(tmp + n, sizeof(tmp) - (size_t)n, ": %s", then);
	memcpy(lastmsg, tmp, sizeof(lastmsg));
}

enum pf_err
pf_err(enum pf_err code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vset(NULL, fmt, ap);
	va_end(ap);
	return code;
}

enum pf_err
pf_err_ctx(enum pf_err code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vset(pf_errmsg(), fmt, ap);
	va_end(ap);
	return code;
}

const char *
pf_errmsg(void)
{
	return lastmsg[0] != '\0' ? lastmsg : "unknown error";
}

void
pf_err_clear(void)
{
	lastmsg[0] = '\0';
}
