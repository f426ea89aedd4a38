/*
 * log.h: one-line log messages to stderr (journald under systemd), for the
 * responder and the fetcher.  Untrusted strings are sanitized.
 */
#ifndef PF_LOG_H
#define PF_LOG_H

/* Program name to prefix messages with. */
void	pf_log_init(const char *progname);
/* "progname: message\n" to stderr. */
void	pf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Copy s into out (size n), replacing control characters and non-ASCII
 * bytes by '?', so a hostile string cannot forge log lines.
 */
void	pf_log_sanitize(const char *s, char *out, size_t n);

#endif
