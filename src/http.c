/*
 * http.c: the FastCGI accept loop and request/response plumbing, the only
 * user of libfcgi.  One request at a time per process (FCGX_Accept_r on one
 * FCGX_Request): the web server spreads load over several processes on the
 * same socket, which keeps gpgme and LMDB single-threaded.
 *
 * libfcgi 2.4.2's FCGX_FPrintF silently drops everything after a %zu or
 * %jd (shared/research/feasibility.md), so every line is formatted into a
 * pf_buf first and written with FCGX_PutStr.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "http.h"

#define LISTEN_BACKLOG	64
#define CHUNK		65536

struct pf_http {
	int		 sock;
	FCGX_Request	 req;
	int		 inited;
};

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 304, "Not Modified" }, { 400, "Bad Request" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 413, "Payload Too Large" }, { 500, "Internal Server Error" },
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
		if (e != PF_OK) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", pf_errmsg());
			return pf_err(e, "%s: %s", name, msg);
		}
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
	const char	 *m, *v;
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
	return read_body(h->req.in, req->content_length, body_max, &req->body);
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
}

void
pf_http_resp_reset(struct pf_http_resp *r)
{
	r->status = 0;
	r->type = NULL;
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
	    "Content-Security-Policy: default-src 'none'; sandbox\r\n",
	    status, reason(status));
	if (e == PF_OK && r->type != NULL)
		e = pf_buf_printf(&head, "Content-Type: %s\r\n", r->type);
	if (e == PF_OK && status != 304)
		e = pf_buf_printf(&head, "Content-Length: %llu\r\n", len);
	if (e == PF_OK && r->hdrs.len > 0)
		e = pf_buf_add(&head, r->hdrs.data, r->hdrs.len);
	if (e == PF_OK)
		e = pf_buf_add(&head, "\r\n", 2);
	if (e == PF_OK && FCGX_PutStr(head.data, (int)head.len, h->req.out) !=
	    (int)head.len)
		e = pf_err(PF_ERR_SYS, "client went away");
	if (e == PF_OK && body && r->fd > 0)
		e = send_file(h->req.out, r->fd, r->fd_len);
	else if (e == PF_OK && body && r->body.len > 0 &&
	    FCGX_PutStr(r->body.data, (int)r->body.len, h->req.out) !=
	    (int)r->body.len)
		e = pf_err(PF_ERR_SYS, "client went away");
	pf_buf_free(&head);
	return e;
}
