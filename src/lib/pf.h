/*
 * pf.h: what every peerfeed module shares: the error enum, the growable
 * buffer, limits and the identifier sizes fixed by doc/PROTOCOL.md.
 */
#ifndef PF_H
#define PF_H

#include <stddef.h>
#include <stdint.h>

/*
 * One error enum for the whole project (kcgi, LMDB).  Every library function
 * that can fail returns one of these; out-parameters are set only on
 * success.  A human-readable detail naming the rule that failed is kept by
 * pf_err() and read back with pf_errmsg().
 */
enum pf_err {
	PF_OK = 0,
	PF_ERR_NOMEM,		/* allocation failed */
	PF_ERR_SYS,		/* a system call failed; errno was saved in the message */
	PF_ERR_USAGE,		/* bad arguments or options */
	PF_ERR_CONFIG,		/* bad peerfeed.conf or state directory */
	PF_ERR_NOTFOUND,	/* no such post, key, friend, group or file */
	PF_ERR_EXISTS,		/* already present */
	PF_ERR_INVALID,		/* input failed validation; the message names the rule */
	PF_ERR_LIMIT,		/* a size, depth, count or rate limit was exceeded */
	PF_ERR_CRYPTO,		/* an OpenPGP operation failed */
	PF_ERR_BADSIG,		/* signature missing, bad, or by the wrong key */
	PF_ERR_FORBIDDEN,	/* unknown or blocked key, or not meant for this reader */
	PF_ERR_REPLAY,		/* request nonce already seen */
	PF_ERR_STALE,		/* timestamp outside the accepted window */
	PF_ERR_LOCKED,		/* another writer holds the store */
	PF_ERR_INDEX,		/* index missing or inconsistent: run reindex */
	PF_ERR_NETWORK,		/* a transfer failed */
	PF_ERR_METHOD,		/* the resource exists, not for this request method */
	PF_ERR_AGENT,		/* the node's secret key cannot be used now (gpg-agent) */
	PF_ERR_BUSY,		/* over a rate budget: retry later */
	PF_ERR__MAX
};

/* Static name of an error code ("invalid input"); never NULL. */
const char	*pf_err_str(enum pf_err);
/* HTTP status for an error code: one table for the whole responder. */
int		 pf_err_http(enum pf_err);
/*
 * Record a detail message for code and return code, so library code can
 * write "return pf_err(PF_ERR_INVALID, "content: longer than %d", n);".
 * The message lives until the next pf_err() call in this thread.
 */
enum pf_err	 pf_err(enum pf_err code, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/*
 * Prepend context to the last message, which becomes "<context>: <message>",
 * and return code: "return pf_err_ctx(e, "post %s", id);" after a call that
 * failed.  The message is read before it is replaced (no copy needed).
 */
enum pf_err	 pf_err_ctx(enum pf_err code, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* The last detail message, or the code's name if none was recorded. */
const char	*pf_errmsg(void);
/* Forget the last message (so a stale one is never shown). */
void		 pf_err_clear(void);

/* Sizes fixed by the protocol (doc/PROTOCOL.md). */
#define PF_FPR_MAX	65	/* 40 or 64 uppercase hex digits + NUL */
#define PF_ID_MAX	32	/* post id: "1764000000123-0000" + NUL, with room */
#define PF_REF_MAX	(PF_FPR_MAX + PF_ID_MAX)	/* "<fpr>/<id>" */
#define PF_SHA256_HEX	65	/* 64 lowercase hex digits + NUL */
#define PF_GROUP_MAX	64	/* longest group name, NUL included */

/*
 * A growable byte buffer, always NUL-terminated past len so text can be
 * handed to C string functions.  A zeroed struct is an empty buffer.
 * limit, when non-zero, bounds len: appending past it fails with
 * PF_ERR_LIMIT (curl dynbuf's "toobig").
 */
struct pf_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 limit;
};

enum pf_err	 pf_buf_add(struct pf_buf *, const void *, size_t);
enum pf_err	 pf_buf_addstr(struct pf_buf *, const char *);
enum pf_err	 pf_buf_printf(struct pf_buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
enum pf_err	 pf_buf_json_str(struct pf_buf *, const char *s);
/* The same for n bytes at s (no NUL among them): no copy, no strlen. */
enum pf_err	 pf_buf_json_mem(struct pf_buf *, const void *s, size_t n);
void		 pf_buf_reset(struct pf_buf *);	/* len = 0, keeps memory */
void		 pf_buf_free(struct pf_buf *);	/* frees, leaves a zeroed buffer */

/* Milliseconds since the epoch, from the real-time clock. */
int64_t		 pf_now_ms(void);
/* Format ms as RFC 3339 UTC with milliseconds: "2026-11-24T04:22:33.123Z". */
void		 pf_time_fmt(int64_t ms, char out[32]);
/*
 * Parse an RFC 3339 date-time ("2026-11-24T04:22:33Z", optional fraction,
 * "Z" or "+hh:mm"); PF_ERR_INVALID if it is not one.
 */
enum pf_err	 pf_time_parse(const char *, int64_t *ms);

/* True if s is a full fingerprint: 40 or 64 uppercase hex digits. */
int		 pf_fpr_valid(const char *s);
/* Copy s into out uppercased if it is a fingerprint in any case; else PF_ERR_INVALID. */
enum pf_err	 pf_fpr_normalize(const char *s, char out[PF_FPR_MAX]);
/* True if s is a post id as made by pf_id_next() (see doc/PROTOCOL.md). */
int		 pf_id_valid(const char *s);

/* The value of hex digit c (either case), or -1. */
int		 pf_hexval(int c);
/* True if s is exactly n lowercase hex digits (a nonce, a SHA-256). */
int		 pf_hex_lower(const char *s, size_t n);
/* n bytes as 2n lowercase hex digits and a NUL, into out. */
void		 pf_hex(const void *, size_t n, char *out);
/* n (at most 64) random bytes as 2n lowercase hex digits into out. */
enum pf_err	 pf_random_hex(char *out, size_t n);

/*
 * Run fn(arg, res, size) in a forked child and wait for it: a crash or a
 * thread it starts stays there.  The child's code and message (pf_errmsg())
 * and the size bytes of res come back through a pipe (res may be NULL when
 * size is 0).  Returns fn's code with its message; PF_ERR_SYS if the pipe or
 * the fork failed, or with *died set if the child died before it answered.
 */
typedef enum pf_err (*pf_child_fn)(void *arg, void *res, size_t size);
enum pf_err	 pf_child_call(pf_child_fn fn, void *arg, void *res, size_t size,
		    int *died);


#endif
