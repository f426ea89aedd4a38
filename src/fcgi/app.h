/*
 * app.h: the owner's web page under BASE/app/ (peerfeed.fcgi(8), doc/APP.md).
 *	app.c		routes, login and logout, the pages, the CSRF check
 *	app_write.c	the changes: one forked writer per change, calling
 *			the library as the CLI does
 *	app_session.c	sessions (DIR/app/sessions) and CSRF tokens
 *	app_form.c	application/x-www-form-urlencoded and
 *			multipart/form-data bodies, with limits
 *	app_html.c	every byte of HTML, escaped in one place
 *	app_timeline.c	the timeline page: tabs, filter, threads
 * Server-rendered HTML, no JavaScript; only the owner, who knows the
 * password set by `peerfeed passwd`, gets past the login.
 */
#ifndef PF_APP_H
#define PF_APP_H

#include <stddef.h>
#include <stdint.h>

#include "pf.h"

struct pf_api;
struct pf_store;
struct pf_http_resp;
struct pf_post;

/* --- app_form.c --- */

#define PF_FORM_FIELDS_MAX	32	/* fields in one form */
#define PF_FORM_TEXT_MAX	65536	/* bytes of all text fields together */

struct pf_form_field {
	char	*name;
	char	*value;		/* NUL-terminated; text: valid UTF-8, LF line ends */
	size_t	 len;
	char	*filename;	/* a file field: the name the browser sent, else NULL */
	char	*type;		/* a file field's Content-Type, else NULL */
};

struct pf_form {
	struct pf_form_field	f[PF_FORM_FIELDS_MAX];
	size_t			n;
};

/*
 * Parse a form body of content type ctype (urlencoded or multipart) into
 * *out (zeroed by the caller; free with pf_app_form_free() even on error).
 * Text fields must be UTF-8 without NUL or control characters other than
 * tab and newline (CR LF becomes LF); a file field holds at most file_max
 * bytes.  Errors: PF_ERR_INVALID (malformed, the message says where),
 * PF_ERR_LIMIT (too many fields, too much text, a file too large).
 */
enum pf_err	 pf_app_form_parse(const char *ctype, const char *body, size_t len,
		    size_t file_max, struct pf_form *out);
void		 pf_app_form_free(struct pf_form *);
/* A text field's value, "" if empty, NULL if absent.  Borrowed. */
const char	*pf_app_form_get(const struct pf_form *, const char *name);
/* A file field with a non-empty file, or NULL.  Borrowed. */
const struct pf_form_field *pf_app_form_file(const struct pf_form *,
		    const char *name);

/* --- app_session.c --- */

#define PF_SESSION_HEX		65	/* a token: 32 random bytes in hex + NUL */
#define PF_SESSION_TTL		(14 * 86400)	/* seconds a session lives */
#define PF_SESSIONS_MAX		32	/* open sessions; the oldest go first */

/*
 * The value of cookie name in a Cookie header into out (n bytes), or
 * PF_ERR_NOTFOUND.  Only [0-9a-f] values are accepted (ours are hex).
 */
enum pf_err	 pf_app_cookie(const char *header, const char *name, char *out,
		    size_t n);
/* Start a session: token gets the new cookie value. */
enum pf_err	 pf_app_session_new(struct pf_store *, char token[PF_SESSION_HEX]);
/* PF_OK if token names an open, unexpired session, else PF_ERR_FORBIDDEN. */
enum pf_err	 pf_app_session_check(struct pf_store *, const char *token);
/* End the session of token (logout). */
enum pf_err	 pf_app_session_end(struct pf_store *, const char *token);
/* The CSRF token bound to a session (or to a login cookie), 64 hex digits. */
void		 pf_app_csrf(const char *purpose, const char *token,
		    char out[PF_SESSION_HEX]);
/* 1 if given is the CSRF token for token, compared in constant time. */
int		 pf_app_csrf_ok(const char *purpose, const char *token,
		    const char *given);

/* --- app_write.c --- */

/*
 * Make the change a POST of form f to path (under the base) asks for, in
 * a forked writer process; *done gets where to send the browser then
 * ("?msg=posted").  PF_ERR_NOTFOUND if path makes no change; else the
 * library's error, its message for the owner.
 */
enum pf_err	 pf_app_write(struct pf_api *, const char *path,
		    const struct pf_form *f, const char **done);

/* --- app_html.c --- */

/* Append s with & < > " ' escaped. */
enum pf_err	 pf_app_esc(struct pf_buf *, const char *s);
/* Append printf output, each %s argument escaped (no other conversions but %d, %zu, %lld). */
enum pf_err	 pf_app_html(struct pf_buf *, const char *fmt, ...);

/* What the pages need besides the request. */
struct pf_app_page {
	struct pf_api	*api;
	const char	*base;		/* conf base_path, e.g. "/peerfeed" */
	const char	*csrf;		/* session CSRF token, NULL on the login page */
	const char	*notice;	/* a message to show on top, or NULL */
	int		 error;		/* the notice is an error */
};

enum pf_err	 pf_app_html_begin(struct pf_buf *, const struct pf_app_page *,
		    const char *title);
enum pf_err	 pf_app_html_end(struct pf_buf *);
enum pf_err	 pf_app_html_login(struct pf_buf *, const struct pf_app_page *,
		    const char *login_csrf);
/* The compose form of the timeline page. */
enum pf_err	 pf_app_html_compose(struct pf_buf *, const struct pf_app_page *);
/* The display name of key fpr: the owner's name, a friend's user id, or
 * the fingerprint's start, into out (n bytes). */
void		 pf_app_who(const struct pf_app_page *, const char *fpr,
		    char *out, size_t n);
enum pf_err	 pf_app_html_edit(struct pf_buf *, const struct pf_app_page *,
		    const struct pf_post *);
/* One post as an <article>, with its actions (edit, delete, like, comment). */
enum pf_err	 pf_app_html_post(struct pf_buf *, const struct pf_app_page *,
		    const struct pf_post *);
/* The same without the closing </article>, for what goes under it. */
enum pf_err	 pf_app_html_post_open(struct pf_buf *, const struct pf_app_page *,
		    const struct pf_post *);

/* --- app_timeline.c --- */

/* Which part of the timeline the page shows (query ?tab=, ?show=, ?page=). */
struct pf_app_view {
	size_t	page;			/* 0-based */
	int	mentions;		/* tab=mentions: likes, comments on own posts */
	char	show[80];		/* "", "friends", "friend:FPR", "group:NAME" */
};

/*
 * Parse the view from a query string into v; PF_ERR_INVALID, naming the
 * parameter, if one is malformed.
 */
enum pf_err	 pf_app_view_parse(const char *query, struct pf_app_view *v);
/*
 * The timeline page: the tabs, the compose form and the filter (timeline
 * tab), then one page of threads: each post with its likes counted and
 * its comments under it (timeline.h).
 */
enum pf_err	 pf_app_html_timeline(struct pf_buf *, const struct pf_app_page *,
		    const struct pf_app_view *);
enum pf_err	 pf_app_html_friends(struct pf_buf *, const struct pf_app_page *);
enum pf_err	 pf_app_html_message(struct pf_buf *, const struct pf_app_page *,
		    const char *title);

#define PF_APP_PAGE_SIZE	20	/* posts per timeline page */

#endif
