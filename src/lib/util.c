/*
 * util.c: clock, RFC 3339 times, fingerprints, post ids, SHA-256, a call
 * in a child process.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#include "pf.h"

int64_t
pf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
pf_time_fmt(int64_t ms, char out[32])
{
	time_t	  t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "1970-01-01T00:00:00.000Z");
		return;
	}
	/* Years past 9999 do not fit RFC 3339: clamp, as nothing valid gets there. */
	if (tm.tm_year > 9999 - 1900)
		tm.tm_year = 9999 - 1900;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
	    tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
	    (int)(ms % 1000));
}

/* Read exactly n digits at *p, advancing it. */
static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

enum pf_err
pf_time_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int	 y, mo, d, h, mi, sec, frac = 0, fd = 0, oh, om, off = 0;
	struct tm tm;
	time_t	 t;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != 't') ||
	    (p++, digits(&p, 2, &h)) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec))
		goto bad;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, fd++)
			if (fd < 3)
				frac = frac * 10 + (*p - '0');
		if (fd == 0)
			goto bad;
		for (; fd < 3; fd++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			goto bad;
		off = sign * (oh * 60 + om) * 60;
	} else
		goto bad;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || sec > 60 || y < 1970)
		goto bad;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec == 60 ? 59 : sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		goto bad;
	*ms = ((int64_t)t - off) * 1000 + frac;
	return PF_OK;
bad:
	return pf_err(PF_ERR_INVALID, "not an RFC 3339 date-time: \"%.40s\"", s);
}

int
pf_fpr_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'A' || s[i] > 'F'))
			return 0;
	return i == 40 || i == 64;
}

enum pf_err
pf_fpr_normalize(const char *s, char out[PF_FPR_MAX])
{
	char	tmp[PF_FPR_MAX];
	size_t	i, n = strlen(s);

	if (n != 40 && n != 64)
		goto bad;
	for (i = 0; i < n; i++)
		tmp[i] = (char)toupper((unsigned char)s[i]);
	tmp[n] = '\0';
	if (!pf_fpr_valid(tmp))
		goto bad;
	memcpy(out, tmp, n + 1);
	return PF_OK;
bad:
	return pf_err(PF_ERR_INVALID,
	    "not a full fingerprint (40 or 64 hex digits): \"%.70s\"", s);
}

int
pf_id_valid(const char *s)
{
	int i;

	for (i = 0; i < 13; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[13] != '-')
		return 0;
	for (i = 14; i < 18; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[18] == '\0';
}

int
pf_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pf_hex_lower(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[n] == '\0';
}

void
pf_hex(const void *p, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

enum pf_err
pf_random_hex(char *out, size_t n)
{
	unsigned char	buf[64];

	if (n > sizeof(buf))
		return pf_err(PF_ERR_USAGE, "random: at most %zu bytes",
		    sizeof(buf));
	if (getrandom(buf, n, 0) != (ssize_t)n)
		return pf_err(PF_ERR_SYS, "getrandom: %s", strerror(errno));
	pf_hex(buf, n, out);
	return PF_OK;
}

/* What a child of pf_child_call() sends before its result. */
struct child_head {
	int	e;
	char	msg[512];
};

/* Read up to n bytes from fd into buf; the count read. */
static size_t
read_all(int fd, void *buf, size_t n)
{
	size_t	have = 0;
	ssize_t	got;

	while (have < n && ((got = read(fd, (char *)buf + have,
	    n - have)) > 0 || (got == -1 && errno == EINTR)))
		have += got > 0 ? (size_t)got : 0;
	return have;
}

/* The child's side: run fn, send its outcome, leave without atexit(). */
static void
child_run(int fd, pf_child_fn fn, void *arg, void *res, size_t size)
{
	struct child_head h;

	memset(&h, 0, sizeof(h));
	if (size > 0)
		memset(res, 0, size);
	pf_err_clear();
	if ((h.e = fn(arg, res, size)) != PF_OK)
		snprintf(h.msg, sizeof(h.msg), "%s", pf_errmsg());
	(void)!write(fd, &h, sizeof(h));
	if (size > 0)
		(void)!write(fd, res, size);
	_exit(0);
}

enum pf_err
pf_child_call(pf_child_fn fn, void *arg, void *res, size_t size, int *died)
{
	struct child_head	h;
	size_t			have;
	pid_t			pid;
	int			p[2], status;

	*died = 0;
	if (pipe2(p, O_CLOEXEC) == -1)
		return pf_err(PF_ERR_SYS, "pipe: %s", strerror(errno));
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return pf_err(PF_ERR_SYS, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(p[0]);
		child_run(p[1], fn, arg, res, size);
	}
	close(p[1]);
	if ((have = read_all(p[0], &h, sizeof(h))) == sizeof(h))
		have += read_all(p[0], res, size);
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (have != sizeof(h) + size) {
		*died = 1;
		return pf_err(PF_ERR_SYS, "the child process died");
	}
	h.msg[sizeof(h.msg) - 1] = '\0';
	return h.e == PF_OK ? PF_OK : pf_err((enum pf_err)h.e, "%s", h.msg);
}
