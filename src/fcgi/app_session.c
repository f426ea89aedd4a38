/*
 * app_session.c: the web page's sessions and CSRF tokens.
 *
 * A session is a random 32-byte token, sent as an HttpOnly, Secure,
 * SameSite=Strict cookie.  The server keeps only its SHA-256 and expiry,
 * one "<sha256> <expires>" line per session in DIR/app/sessions (app/ is
 * mode 0700), so a copy of that file opens no session.  Every responder
 * process reads the file; login and logout rewrite it atomically under
 * the store's writer lock.  The CSRF token of a form is SHA-256 of a
 * purpose and the session token: only a page served to the session
 * carries it, and nothing is stored for it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "digest.h"
#include "passwd.h"
#include "store.h"

#define FILE_MAX	(PF_SESSIONS_MAX * 100)

enum pf_err
pf_app_cookie(const char *h, const char *name, char *out, size_t n)
{
	size_t		 nl = strlen(name), vl;
	const char	*p = h;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " ;");
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			vl = strspn(p, "0123456789abcdef");
			if ((p[vl] != '\0' && p[vl] != ';' && p[vl] != ' ') ||
			    vl == 0 || vl >= n)
				return pf_err(PF_ERR_NOTFOUND, "no cookie");
			memcpy(out, p, vl);
			out[vl] = '\0';
			return PF_OK;
		}
		p = strchr(p, ';');
	}
	return pf_err(PF_ERR_NOTFOUND, "no cookie");
}

void
pf_app_csrf(const char *purpose, const char *token, char out[PF_SESSION_HEX])
{
	char	buf[160];

	snprintf(buf, sizeof(buf), "peerfeed-csrf:%s:%s", purpose, token);
	pf_sha256_hex(buf, strlen(buf), out);
}

int
pf_app_csrf_ok(const char *purpose, const char *token, const char *given)
{
	char	want[PF_SESSION_HEX];

	if (token == NULL || given == NULL || strlen(given) != PF_SESSION_HEX - 1)
		return 0;
	pf_app_csrf(purpose, token, want);
	return pf_passwd_equal(want, given, PF_SESSION_HEX - 1);
}

/* One line of the sessions file. */
struct line {
	char	 hash[PF_SHA256_HEX];
	int64_t	 expires;
};

/* Read the open, unexpired sessions (at most max) into v. */
static size_t
load(struct pf_store *st, struct line *v, size_t max, int64_t now)
{
	struct pf_buf	 b = { 0 };
	char		*p, *nl;
	long long	 exp;
	size_t		 n = 0;

	if (pf_store_read(st, PF_PASSWD_SESSIONS, FILE_MAX, &b) != PF_OK)
		return 0;
	for (p = b.data; p != NULL && *p != '\0' && n < max; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		if (sscanf(p, "%64s %lld", v[n].hash, &exp) != 2 ||
		    !pf_hex_lower(v[n].hash, 64) || exp <= now)
			continue;
		v[n++].expires = exp;
	}
	pf_buf_free(&b);
	return n;
}

static enum pf_err
save(struct pf_store *st, const struct line *v, size_t n)
{
	struct pf_buf	b = { 0 };
	size_t		i;
	enum pf_err	e = PF_OK;

	for (i = 0; i < n && e == PF_OK; i++)
		e = pf_buf_printf(&b, "%s %lld\n", v[i].hash,
		    (long long)v[i].expires);
	if (e == PF_OK && (e = pf_store_mkdir(st, "app", 0700)) == PF_OK)
		e = pf_store_write(st, PF_PASSWD_SESSIONS, b.data ? b.data : "",
		    b.len);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_app_session_new(struct pf_store *st, char token[PF_SESSION_HEX])
{
	struct line	 v[PF_SESSIONS_MAX];
	int64_t		 now = pf_now_ms() / 1000;
	size_t		 n;
	enum pf_err	 e;

	if ((e = pf_random_hex(token, 32)) != PF_OK ||
	    (e = pf_store_lock(st, 1)) != PF_OK)
		return e;
	n = load(st, v, PF_SESSIONS_MAX, now);
	if (n == PF_SESSIONS_MAX) {
		/* The oldest session makes room (they all live as long). */
		memmove(v, v + 1, (n - 1) * sizeof(v[0]));
		n--;
	}
	pf_sha256_hex(token, strlen(token), v[n].hash);
	v[n].expires = now + PF_SESSION_TTL;
	e = save(st, v, n + 1);
	pf_store_unlock(st);
	return e;
}

enum pf_err
pf_app_session_check(struct pf_store *st, const char *token)
{
	struct line	 v[PF_SESSIONS_MAX];
	char		 h[PF_SHA256_HEX];
	size_t		 n, i;
	int		 ok = 0;

	if (token == NULL || strlen(token) != PF_SESSION_HEX - 1)
		return pf_err(PF_ERR_FORBIDDEN, "no session");
	pf_sha256_hex(token, strlen(token), h);
	n = load(st, v, PF_SESSIONS_MAX, pf_now_ms() / 1000);
	for (i = 0; i < n; i++)
		ok |= pf_passwd_equal(v[i].hash, h, PF_SHA256_HEX - 1);
	return ok ? PF_OK : pf_err(PF_ERR_FORBIDDEN, "no session");
}

enum pf_err
pf_app_session_end(struct pf_store *st, const char *token)
{
	struct line	 v[PF_SESSIONS_MAX];
	char		 h[PF_SHA256_HEX];
	size_t		 n, i, o = 0;
	enum pf_err	 e;

	pf_sha256_hex(token, strlen(token), h);
	if ((e = pf_store_lock(st, 1)) != PF_OK)
		return e;
	n = load(st, v, PF_SESSIONS_MAX, pf_now_ms() / 1000);
	for (i = 0; i < n; i++)
		if (!pf_passwd_equal(v[i].hash, h, PF_SHA256_HEX - 1))
			v[o++] = v[i];
	e = save(st, v, o);
	pf_store_unlock(st);
	return e;
}
