/*
 * passwd.h: the owner's web password (peerfeed passwd, the /app login).
 * Kept in DIR/app/passwd (the app/ directory is mode 0700) as one line
 *	pbkdf2-sha256 ITERATIONS SALT HASH
 * with a random 16-byte salt and a 32-byte PBKDF2-HMAC-SHA256 hash, both
 * lowercase hex (digest.c).  The password itself is
 * never stored.
 */
#ifndef PF_PASSWD_H
#define PF_PASSWD_H

#include <stddef.h>

#include "pf.h"

struct pf_store;

#define PF_PASSWD_MIN		8	/* characters of a password, at least */
#define PF_PASSWD_MAX		1024	/* bytes, at most */
#define PF_PASSWD_ITER		100000	/* PBKDF2 iterations of a new hash */
#define PF_PASSWD_FILE		"app/passwd"
#define PF_PASSWD_SESSIONS	"app/sessions"	/* app.c's open sessions */
#define PF_PASSWD_WAIT		"app/login-wait" /* pf_passwd_try's throttle */

/*
 * Hash pw with a new salt and store it (atomically) in DIR/app/passwd,
 * replacing the old one.  PF_ERR_INVALID if pw is shorter than
 * PF_PASSWD_MIN, longer than PF_PASSWD_MAX or holds a control character.
 */
enum pf_err	 pf_passwd_set(struct pf_store *, const char *pw);
/*
 * Check pw against the stored hash, in time independent of where they
 * differ.  PF_OK if it matches, PF_ERR_FORBIDDEN if not, PF_ERR_NOTFOUND
 * if no password was set (the web page is then closed to everyone).
 */
enum pf_err	 pf_passwd_check(struct pf_store *, const char *pw);
/*
 * pf_passwd_check() behind a throttle that every process shares, per
 * client address addr, so that guessing is slow without a process
 * sleeping and a guesser cannot lock the owner out from elsewhere: after
 * a wrong password from addr no password from addr is checked for delay
 * seconds (DIR/app/login-wait holds until when, for at most 64 addresses
 * at once); those attempts get PF_ERR_LOCKED at once, with *wait the
 * seconds to wait.  Other addresses are checked as usual, one at a time.
 */
enum pf_err	 pf_passwd_try(struct pf_store *, const char *pw,
		    const char *addr, int delay, int *wait);
/* True if a password is set. */
int		 pf_passwd_isset(struct pf_store *);
/* 1 if a[0..n) equals b[0..n), in time independent of the contents. */
int		 pf_passwd_equal(const void *a, const void *b, size_t n);

#endif
