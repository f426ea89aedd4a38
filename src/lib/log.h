/*
 * log.h: one-line messages to stderr (journald under systemd), each prefixed
 * by the program name, for all three programs: the warn(3)/warnx(3) family.
 * Callers sanitize untrusted strings with pf_log_sanitize().
 */
#ifndef PF_LOG_H
#define PF_LOG_H

/*
 * Program name to prefix messages with (its last path component); each
 * main() sets it once, before it prints.
 */
void	pf_log_init(const char *progname);
/* The program name set by pf_log_init() (static; "peerfeed" before). */
const char *pf_log_name(void);
/* "progname: message\n" to stderr, as warnx(3). */
void	pf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "progname: message: strerror(errno)\n" to stderr, as warn(3). */
void	pf_log_errno(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/*
 * Copy s into out (size n), replacing control characters and non-ASCII
 * bytes by '?', so a hostile string cannot forge log lines.
 */
void	pf_log_sanitize(const char *s, char *out, size_t n);

#endif
