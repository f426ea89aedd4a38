/*
 * http.h: the FastCGI side of the responder (http.c is the only user of
 * libfcgi).  A request is read into a struct pf_http_req whose strings live
 * until the next pf_http_accept(); handlers fill a struct pf_http_resp and
 * never touch the connection, so they run the same under a test harness.
 */
#ifndef PF_HTTP_H
#define PF_HTTP_H

#include <sys/types.h>

#include "pf.h"

struct pf_http;

#define PF_HTTP_PATH_MAX	256	/* bytes of a request path, NUL included */

/* One request, as the web server passed it. */
struct pf_http_req {
	char		 method[16];	/* "GET", "POST", ... */
	char		 path[PF_HTTP_PATH_MAX];	/* under the base path, starts with '/' */
	const char	*query;		/* raw QUERY_STRING, "" if none */
	const char	*content_type;	/* CONTENT_TYPE or NULL */
	long long	 content_length;	/* CONTENT_LENGTH, -1 if absent */
	const char	*from;		/* Peerfeed-From hint or NULL */
	const char	*if_none_match;	/* If-None-Match or NULL */
	const char	*remote_addr;	/* REMOTE_ADDR or "-" */
	const char	*cookie;	/* Cookie header or NULL (the web app, app.c) */
	const char	*scheme;	/* "https", "http", or NULL if not told */
	const char	*host;		/* Host header or NULL */
	struct pf_buf	 body;		/* at most the cap given to pf_http_read() */
};

/* What a handler answers.  A zeroed struct is an empty 200. */
struct pf_http_resp {
	int		 status;	/* 0 means 200 */
	const char	*type;		/* Content-Type, static string or NULL */
	struct pf_buf	 hdrs;		/* extra "Name: value\r\n" lines */
	struct pf_buf	 body;
	int		 fd;		/* > 0: send this file instead of body */
	off_t		 fd_len;	/* its length */
	char		 who[PF_FPR_MAX];	/* requester, for the log; "" if unknown */
	const char	*csp;		/* Content-Security-Policy, static string;
					   NULL: the strict default (no content) */
};

/*
 * Listen on the unix socket at path (created with mode 0660 after a stale
 * socket there is removed), or on fd 0 when path is NULL (systemd socket
 * activation with StandardInput=socket, spawn-fcgi, lighttpd bin-path).
 * *out is the caller's; close it with pf_http_close().
 */
enum pf_err	 pf_http_open(const char *path, struct pf_http **out);
void		 pf_http_close(struct pf_http *);
/* Wait for the next request.  0 on success, -1 when accepting fails (stop). */
int		 pf_http_accept(struct pf_http *);
/*
 * Fill req from the accepted request: method, the path under base (see
 * pf_http_path()), query, selected headers, and the body when it is at
 * most body_max bytes (PF_ERR_LIMIT otherwise, body left unread).
 * req->body is reused between requests; free it with pf_buf_free() at exit.
 */
enum pf_err	 pf_http_read(struct pf_http *, const char *base, size_t body_max,
		    struct pf_http_req *req);
/*
 * Let a request for which big(req, arg) is true carry a body of up to max
 * bytes instead of pf_http_read()'s body_max: the web app's form posts
 * with an image, from a logged-in owner only (app.c).  big sees everything
 * but the body.  One gate per process.
 */
void		 pf_http_body_gate(struct pf_http *,
		    int (*big)(const struct pf_http_req *, void *), void *arg,
		    size_t max);
/* Write resp (status line, headers, body) for the request req. */
enum pf_err	 pf_http_send(struct pf_http *, const struct pf_http_req *req,
		    const struct pf_http_resp *resp);
/* End the request (FCGX_Finish_r). */
void		 pf_http_finish(struct pf_http *);

/*
 * The path of a request under base: PATH_INFO when the web server set it
 * (nginx fastcgi_split_path_info, lighttpd prefix routes), else
 * REQUEST_URI with the query cut off, percent-decoded, minus base.
 * Errors: PF_ERR_NOTFOUND if the URI is not under base, PF_ERR_INVALID for
 * a bad escape, a NUL or control byte, or a "." or ".." segment,
 * PF_ERR_LIMIT if it does not fit in out (n bytes).
 */
enum pf_err	 pf_http_path(const char *path_info, const char *uri,
		    const char *base, char *out, size_t n);

/* Add a header line; PF_ERR_INVALID if name or value holds CR, LF or NUL. */
enum pf_err	 pf_http_header(struct pf_http_resp *, const char *name,
		    const char *value);
/*
 * Turn resp into the error answer for e: status pf_err_http(e) and the
 * body {"error":"<pf_err_str(e)>","detail":"<detail>"}; PF_ERR_AGENT (503)
 * also gets a Retry-After header.
 */
void		 pf_http_error(struct pf_http_resp *, enum pf_err e, const char *detail);
/* Reset resp for reuse (keeps buffers), closing a file it holds. */
void		 pf_http_resp_reset(struct pf_http_resp *);
void		 pf_http_resp_free(struct pf_http_resp *);

/*
 * The value of parameter name in a query string (a=b&c=d), percent-decoded
 * into out (n bytes).  PF_ERR_NOTFOUND if absent, PF_ERR_INVALID for a bad
 * escape or a NUL, PF_ERR_LIMIT if it does not fit.  A name given twice is
 * PF_ERR_INVALID: the two readings could differ.
 */
enum pf_err	 pf_http_query(const char *query, const char *name, char *out, size_t n);

/*
 * Make the accept loop give up once the request in progress is answered
 * (async-signal-safe: for a SIGTERM handler).
 */
void		 pf_http_shutdown(void);

#endif
