/*
 * http.c: the FastCGI accept loop and request/response plumbing, the only
 * user of libfcgi.  One request at a time per process (FCGX_Accept_r on one
 * FCGX_Request): the web server spreads load over several processes on the
 * same socket, which keeps gpgme and LMDB single-threaded.
 *
 * libfcgi 2.4.2's FCGX_FPrintF silently drops everything after a %zu or
 * %jd (doc/DESIGN.md section 5.1), so every line is formatted into a
 * pf_buf first and written with FCGX_PutStr.
 *
 * A response held in memory (every answer but a media file) skips
 * libfcgi's output stream, whose fixed 8 KB buffer costs one write(2) and
 * one FastCGI record per 8 KB: its head and body go out as FCGI_STDOUT
 * records of up to 64 KB in one writev(2) on the request's connection
 * (FCGX_Request.ipcFd), after the (empty) stream is flushed.
 * FCGX_Finish_r() then adds the end-of-stream and FCGI_END_REQUEST records
 * as usual.  tests/bench/run measures the difference (README, Performance).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "http.h"
#include "json.h"

#define LISTEN_BACKLOG	64
#define CHUNK		65536
#define RECORD_MAX	65528	/* content bytes of one FCGI_STDOUT record */
#define RECORDS_MAX	32	/* records per writev(2) */
#define RETRY_AGENT	"10"	/* Retry-After (s) of a PF_ERR_AGENT answer */
#define RETRY_BUSY	"1"	/* of PF_ERR_BUSY: pgp_rate >= 1 token a second */

struct pf_http {
	int		 sock;
	FCGX_Request	 req;
	int		 inited;
	/* pf_http_body_gate() */
	int		(*big)(const struct pf_http_req *, void *);
	void		*big_arg;
	size_t		 big_max;
};

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 413, "Payload Too Large" }, { 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
};

static const char *
reason(int code)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].reason;
	return "Status";
}

/* Remove a stale socket left at path by an earlier run; never another file. */
static enum pf_err
unlink_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? PF_OK :
		    pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return pf_err(PF_ERR_USAGE, "%s: exists and is not a socket", path);
	if (unlink(path) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	return PF_OK;
}

enum pf_err
pf_http_open(const char *path, struct pf_http **out)
{
	struct pf_http	*h;
	enum pf_err	 e;

	if (FCGX_Init() != 0)
		return pf_err(PF_ERR_SYS, "FCGX_Init failed");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (path != NULL) {
		if ((e = unlink_stale(path)) != PF_OK)
			goto fail;
		if ((h->sock = FCGX_OpenSocket(path, LISTEN_BACKLOG)) < 0) {
			e = pf_err(PF_ERR_SYS, "%s: cannot listen", path);
			goto fail;
		}
		if (chmod(path, 0660) == -1) {
			e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	if (FCGX_InitRequest(&h->req, h->sock, 0) != 0) {
		e = pf_err(PF_ERR_SYS, "FCGX_InitRequest failed");
		goto fail;
	}
	h->inited = 1;
	*out = h;
	return PF_OK;
fail:
	pf_http_close(h);
	return e;
}

void
pf_http_close(struct pf_http *h)
{
	if (h == NULL)
		return;
	if (h->inited)
		FCGX_Free(&h->req, 1);
	if (h->sock > 0)
		close(h->sock);
	free(h);
}

int
pf_http_accept(struct pf_http *h)
{
	return FCGX_Accept_r(&h->req) < 0 ? -1 : 0;
}

void
pf_http_finish(struct pf_http *h)
{
	FCGX_Finish_r(&h->req);
}

/*
 * Percent-decode s[0..len) into out (n bytes, NUL-terminated); plus: '+'
 * is a space (query strings).  NUL and control bytes are refused.
 */
static enum pf_err
decode(const char *s, size_t len, int plus, char *out, size_t n)
{
	size_t	 i, o = 0;
	int	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return pf_err(PF_ERR_INVALID, "truncated %% escape");
			if (pf_hexval(s[i + 1]) < 0 || pf_hexval(s[i + 2]) < 0)
				return pf_err(PF_ERR_INVALID, "bad %% escape");
			c = pf_hexval(s[i + 1]) * 16 + pf_hexval(s[i + 2]);
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (c < 0x20 || c == 0x7f)
			return pf_err(PF_ERR_INVALID, "control character in the URL");
		if (o + 1 >= n)
			return pf_err(PF_ERR_LIMIT, "URL part longer than %zu bytes",
			    n - 1);
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return PF_OK;
}

/* True if path has a "." or ".." segment. */
static int
dot_segment(const char *path)
{
	const char *p, *seg = path;

	for (p = path;; p++) {
		if (*p == '/' || *p == '\0') {
			if ((p - seg == 1 && seg[0] == '.') ||
			    (p - seg == 2 && seg[0] == '.' && seg[1] == '.'))
				return 1;
			if (*p == '\0')
				return 0;
			seg = p + 1;
		}
	}
}

enum pf_err
pf_http_path(const char *path_info, const char *uri, const char *base,
    char *out, size_t n)
{
	size_t		 blen, len;
	enum pf_err	 e;
	char		 tmp[PF_HTTP_PATH_MAX];

	if (path_info != NULL && path_info[0] != '\0')
		e = decode(path_info, strlen(path_info), 0, tmp, sizeof(tmp));
	else {
		if (uri == NULL)
			uri = "/";
		len = strcspn(uri, "?#");
		if ((e = decode(uri, len, 0, tmp, sizeof(tmp))) != PF_OK)
			return e;
		blen = strlen(base);
		while (blen > 0 && base[blen - 1] == '/')
			blen--;
		if (strncmp(tmp, base, blen) != 0 ||
		    (tmp[blen] != '\0' && tmp[blen] != '/'))
			return pf_err(PF_ERR_NOTFOUND, "not under the base path %s",
			    base);
		memmove(tmp, tmp + blen, strlen(tmp + blen) + 1);
	}
	if (e != PF_OK)
		return e;
	if (tmp[0] == '\0')
		memcpy(tmp, "/", 2);
	if (tmp[0] != '/' || dot_segment(tmp))
		return pf_err(PF_ERR_INVALID, "path: not a normalized absolute path");
	if (strlen(tmp) >= n)
		return pf_err(PF_ERR_LIMIT, "path: longer than %zu bytes", n - 1);
	memcpy(out, tmp, strlen(tmp) + 1);
	return PF_OK;
}

enum pf_err
pf_http_query(const char *query, const char *name, char *out, size_t n)
{
	const char	*p = query, *amp, *eq;
	size_t		 nlen = strlen(name), plen;
	int		 found = 0;
	enum pf_err	 e;

	for (; p != NULL && *p != '\0'; p = *amp ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		plen = (size_t)(amp - p);
		eq = memchr(p, '=', plen);
		if ((size_t)((eq ? eq : amp) - p) != nlen ||
		    strncmp(p, name, nlen) != 0)
			continue;
		if (found++)
			return pf_err(PF_ERR_INVALID, "%s: given twice", name);
		if (eq == NULL)
			e = decode("", 0, 1, out, n);
		else
			e = decode(eq + 1, (size_t)(amp - eq - 1), 1, out, n);
		if (e != PF_OK)
			return pf_err_ctx(e, "%s", name);
	}
	return found ? PF_OK : PF_ERR_NOTFOUND;
}

/* Read the request body into b: at most max bytes, else PF_ERR_LIMIT. */
static enum pf_err
read_body(FCGX_Stream *in, long long clen, size_t max, struct pf_buf *b)
{
	char		 chunk[8192];
	int		 got;
	enum pf_err	 e;

	if (clen > 0 && (unsigned long long)clen > max)
		return pf_err(PF_ERR_LIMIT, "request body: %lld bytes, at most %zu",
		    clen, max);
	b->limit = max;
	while ((got = FCGX_GetStr(chunk, sizeof(chunk), in)) > 0)
		if ((e = pf_buf_add(b, chunk, (size_t)got)) != PF_OK)
			return pf_err(PF_ERR_LIMIT, "request body: more than "
			    "%zu bytes", max);
	return PF_OK;
}

/* CONTENT_LENGTH as a number; -1 if absent, -2 if malformed. */
static long long
content_length(const char *s)
{
	long long	 v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (1LL << 50))
			return -2;
		v = v * 10 + (*s - '0');
	}
	return v;
}

enum pf_err
pf_http_read(struct pf_http *h, const char *base, size_t body_max,
    struct pf_http_req *req)
{
	char		**env = h->req.envp;
	const char	 *m, *v, *https;
	enum pf_err	  e;

	pf_buf_reset(&req->body);
	m = FCGX_GetParam("REQUEST_METHOD", env);
	snprintf(req->method, sizeof(req->method), "%s", m ? m : "");
	snprintf(req->path, sizeof(req->path), "%s", "-");
	v = FCGX_GetParam("QUERY_STRING", env);
	req->query = v ? v : "";
	req->content_type = FCGX_GetParam("CONTENT_TYPE", env);
	req->from = FCGX_GetParam("HTTP_PEERFEED_FROM", env);
	req->if_none_match = FCGX_GetParam("HTTP_IF_NONE_MATCH", env);
	v = FCGX_GetParam("REMOTE_ADDR", env);
	req->remote_addr = v ? v : "-";
	req->cookie = FCGX_GetParam("HTTP_COOKIE", env);
	req->host = FCGX_GetParam("HTTP_HOST", env);
	/* HTTPS=on from the server, or https from a proxy in front of it. */
	v = FCGX_GetParam("HTTP_X_FORWARDED_PROTO", env);
	if ((https = FCGX_GetParam("HTTPS", env)) != NULL &&
	    strcmp(https, "on") == 0)
		req->scheme = "https";
	else if (v != NULL && strcmp(v, "https") == 0)
		req->scheme = "https";
	else
		req->scheme = FCGX_GetParam("REQUEST_SCHEME", env);
	req->content_length = content_length(FCGX_GetParam("CONTENT_LENGTH", env));
	if (req->content_length == -2)
		return pf_err(PF_ERR_INVALID, "CONTENT_LENGTH: not a number");
	if (m == NULL || strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(m) ||
	    strlen(m) >= sizeof(req->method))
		return pf_err(PF_ERR_INVALID, "REQUEST_METHOD: missing or malformed");
	if ((e = pf_http_path(FCGX_GetParam("PATH_INFO", env),
	    FCGX_GetParam("REQUEST_URI", env), base, req->path,
	    sizeof(req->path))) != PF_OK) {
		/* Never log a path that did not decode cleanly. */
		snprintf(req->path, sizeof(req->path), "%s", "-");
		return e;
	}
	if (h->big != NULL && h->big_max > body_max && h->big(req, h->big_arg))
		body_max = h->big_max;
	return read_body(h->req.in, req->content_length, body_max, &req->body);
}

void
pf_http_body_gate(struct pf_http *h,
    int (*big)(const struct pf_http_req *, void *), void *arg, size_t max)
{
	h->big = big;
	h->big_arg = arg;
	h->big_max = max;
}

enum pf_err
pf_http_header(struct pf_http_resp *r, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return pf_err(PF_ERR_INVALID, "header %s: CR or LF", name);
	return pf_buf_printf(&r->hdrs, "%s: %s\r\n", name, value);
}

void
pf_http_error(struct pf_http_resp *r, enum pf_err e, const char *detail)
{
	char	 clean[512];
	size_t	 len, at;

	/*
	 * The detail may quote the request (a malformed cursor): a byte that
	 * is not UTF-8 would make the body invalid JSON, so it becomes '?'.
	 */
	len = (size_t)snprintf(clean, sizeof(clean), "%s", detail ? detail : "");
	if (len >= sizeof(clean))
		len = sizeof(clean) - 1;
	while ((at = pf_utf8_check(clean, len)) < len)
		clean[at] = '?';
	detail = clean;
	pf_http_resp_reset(r);
	r->status = pf_err_http(e);
	r->type = "application/json";
	if (pf_buf_addstr(&r->body, "{\"error\":") != PF_OK ||
	    pf_buf_json_str(&r->body, pf_err_str(e)) != PF_OK ||
	    pf_buf_addstr(&r->body, ",\"detail\":") != PF_OK ||
	    pf_buf_json_str(&r->body, detail ? detail : "") != PF_OK ||
	    pf_buf_addstr(&r->body, "}\n") != PF_OK) {
		/* Out of memory: a bare status still tells the client. */
		pf_buf_reset(&r->body);
	}
	/* RFC 9110 10.2.3: the key is usually back once gpg restarts the agent. */
	if (e == PF_ERR_AGENT)
		(void)pf_http_header(r, "Retry-After", RETRY_AGENT);
	if (e == PF_ERR_BUSY)
		(void)pf_http_header(r, "Retry-After", RETRY_BUSY);
}

void
pf_http_resp_reset(struct pf_http_resp *r)
{
	r->status = 0;
	r->type = NULL;
	r->csp = NULL;
	pf_buf_reset(&r->hdrs);
	pf_buf_reset(&r->body);
	if (r->fd > 0)
		close(r->fd);
	r->fd = 0;
	r->fd_len = 0;
}

void
pf_http_resp_free(struct pf_http_resp *r)
{
	if (r == NULL)
		return;
	pf_http_resp_reset(r);
	pf_buf_free(&r->hdrs);
	pf_buf_free(&r->body);
}

/* Stream the file resp->fd to out. */
static enum pf_err
send_file(FCGX_Stream *out, int fd, off_t len)
{
	char	*chunk;
	ssize_t	 got;
	enum pf_err e = PF_OK;

	if ((chunk = malloc(CHUNK)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	while (len > 0 && (got = read(fd, chunk, CHUNK)) > 0) {
		if (FCGX_PutStr(chunk, (int)got, out) != (int)got) {
			e = pf_err(PF_ERR_SYS, "client went away");
			break;
		}
		len -= got;
	}
	free(chunk);
	return e;
}

/* Write all of iov[0..n) to fd, resuming after short writes. */
static int
writev_all(int fd, struct iovec *iov, int n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = writev(fd, iov, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * Send a[0..alen) then b[0..blen) as the content of FCGI_STDOUT records
 * of up to RECORD_MAX bytes, straight to the connection.
 */
static enum pf_err
send_records(struct pf_http *h, const char *a, size_t alen, const char *b,
    size_t blen)
{
	FCGI_Header	 hdr[RECORDS_MAX];
	struct iovec	 iov[RECORDS_MAX * 3];
	size_t		 left, take, nrec, niov;

	/* Nothing may be left in libfcgi's buffer ahead of these bytes. */
	if (FCGX_FFlush(h->req.out) != 0)
		return pf_err(PF_ERR_SYS, "client went away");
	while (alen + blen > 0) {
		for (nrec = niov = 0; nrec < RECORDS_MAX && alen + blen > 0;
		    nrec++) {
			left = take = alen + blen < RECORD_MAX ? alen + blen :
			    RECORD_MAX;
			memset(&hdr[nrec], 0, sizeof(hdr[nrec]));
			hdr[nrec].version = FCGI_VERSION_1;
			hdr[nrec].type = FCGI_STDOUT;
			hdr[nrec].requestIdB1 = (h->req.requestId >> 8) & 0xff;
			hdr[nrec].requestIdB0 = h->req.requestId & 0xff;
			hdr[nrec].contentLengthB1 = (take >> 8) & 0xff;
			hdr[nrec].contentLengthB0 = take & 0xff;
			iov[niov].iov_base = &hdr[nrec];
			iov[niov++].iov_len = sizeof(hdr[nrec]);
			if (alen > 0) {
				take = left < alen ? left : alen;
				iov[niov].iov_base = (void *)a;
				iov[niov++].iov_len = take;
				a += take;
				alen -= take;
				left -= take;
			}
			if (left > 0) {
				iov[niov].iov_base = (void *)b;
				iov[niov++].iov_len = left;
				b += left;
				blen -= left;
			}
		}
		if (writev_all(h->req.ipcFd, iov, (int)niov) == -1)
			return pf_err(PF_ERR_SYS, "client went away");
	}
	return PF_OK;
}

enum pf_err
pf_http_send(struct pf_http *h, const struct pf_http_req *req,
    const struct pf_http_resp *r)
{
	struct pf_buf	 head = { 0 };
	int		 status = r->status ? r->status : 200;
	unsigned long long len = r->fd > 0 ? (unsigned long long)r->fd_len :
	    (unsigned long long)r->body.len;
	int		 body = status != 304 && strcmp(req->method, "HEAD") != 0;
	enum pf_err	 e;

	e = pf_buf_printf(&head, "Status: %d %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "Content-Security-Policy: %s\r\n",
	    status, reason(status),
	    r->csp != NULL ? r->csp : "default-src 'none'; sandbox");
	if (e == PF_OK && r->type != NULL)
		e = pf_buf_printf(&head, "Content-Type: %s\r\n", r->type);
	if (e == PF_OK && status != 304)
		e = pf_buf_printf(&head, "Content-Length: %llu\r\n", len);
	if (e == PF_OK && r->hdrs.len > 0)
		e = pf_buf_add(&head, r->hdrs.data, r->hdrs.len);
	if (e == PF_OK)
		e = pf_buf_add(&head, "\r\n", 2);
	if (e == PF_OK && r->fd > 0) {
		if (FCGX_PutStr(head.data, (int)head.len, h->req.out) !=
		    (int)head.len)
			e = pf_err(PF_ERR_SYS, "client went away");
		else if (body)
			e = send_file(h->req.out, r->fd, r->fd_len);
	} else if (e == PF_OK)
		e = send_records(h, head.data, head.len, r->body.data,
		    body ? r->body.len : 0);
	pf_buf_free(&head);
	return e;
}

void
pf_http_shutdown(void)
{
	FCGX_ShutdownPending();
}
