/*
 * passwd.c: the owner's web password, a salted PBKDF2-HMAC-SHA256 hash
 * (digest.c) in DIR/app/passwd, written atomically by store.c.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "json.h"
#include "passwd.h"
#include "store.h"

#define SALT_LEN	16
#define HASH_LEN	32
#define ITER_MAX	100000000L
#define LINE_MAX_	256
#define WAIT_SLOTS	64	/* client addresses throttled at once */
#define WAIT_ADDR	48	/* an IPv6 address fits */

static int
fromhex(const char *s, unsigned char *out, size_t n)
{
	size_t i;

	if (!pf_hex_lower(s, 2 * n))
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(pf_hexval(s[2 * i]) * 16 +
		    pf_hexval(s[2 * i + 1]));
	return 0;
}

int
pf_passwd_equal(const void *a, const void *b, size_t n)
{
	const unsigned char	*x = a, *y = b;
	unsigned char		 d = 0;
	size_t			 i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

static enum pf_err
derive(const char *pw, const unsigned char *salt, unsigned long iter,
    unsigned char out[HASH_LEN])
{
	return pf_pbkdf2_sha256(pw, salt, SALT_LEN, iter, out, HASH_LEN);
}

enum pf_err
pf_passwd_set(struct pf_store *st, const char *pw)
{
	unsigned char	 salt[SALT_LEN], hash[HASH_LEN];
	char		 line[LINE_MAX_], sx[2 * SALT_LEN + 1], hx[2 * HASH_LEN + 1];
	size_t		 i, n = strlen(pw);
	enum pf_err	 e;

	if (n > PF_PASSWD_MAX)
		return pf_err(PF_ERR_INVALID, "password: longer than %d bytes",
		    PF_PASSWD_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
			return pf_err(PF_ERR_INVALID, "password: holds a "
			    "control character");
	if (pf_utf8_check(pw, n) != n)
		return pf_err(PF_ERR_INVALID, "password: not UTF-8");
	if (pf_utf8_len(pw) < PF_PASSWD_MIN)
		return pf_err(PF_ERR_INVALID, "password: shorter than %d "
		    "characters", PF_PASSWD_MIN);
	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
		return pf_err(PF_ERR_SYS, "getrandom: %s", strerror(errno));
	if ((e = derive(pw, salt, PF_PASSWD_ITER, hash)) != PF_OK)
		return e;
	pf_hex(salt, sizeof(salt), sx);
	pf_hex(hash, sizeof(hash), hx);
	snprintf(line, sizeof(line), "pbkdf2-sha256 %d %s %s\n",
	    PF_PASSWD_ITER, sx, hx);
	if ((e = pf_store_mkdir(st, "app", 0700)) != PF_OK)
		return e;
	return pf_store_write(st, PF_PASSWD_FILE, line, strlen(line));
}

/*
 * The throttle file holds one "ADDR UNTIL" line (UNTIL in ms) per client
 * address that gave a wrong password in the last delay seconds, at most
 * WAIT_SLOTS of them: a guesser waits, the owner at another address does
 * not.  A full table forgets the wait that ends first.
 */
struct wait_slot {
	char	 addr[WAIT_ADDR];
	int64_t	 until;
};

/* addr as a throttle key: at most WAIT_ADDR - 1 bytes of [0-9A-Za-z.:]. */
static void
wait_key(const char *addr, char key[WAIT_ADDR])
{
	size_t i;

	for (i = 0; addr != NULL && addr[i] != '\0' && i < WAIT_ADDR - 1; i++)
		key[i] = strchr("0123456789abcdefABCDEF.:", addr[i]) != NULL ?
		    addr[i] : '_';
	key[i] = '\0';
	if (i == 0)
		memcpy(key, "-", 2);
}

/* The waits in fd still running at now; one that ends further off than
 * delay is a clock that stepped back, and damaged lines are dropped. */
static size_t
waits_read(int fd, struct wait_slot *w, int64_t now, int delay)
{
	char		 buf[WAIT_SLOTS * (WAIT_ADDR + 24)], *line, *sp, *save;
	ssize_t		 n;
	size_t		 k = 0, len;
	long long	 until;

	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL && k < WAIT_SLOTS;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL ||
		    (len = (size_t)(sp - line)) == 0 || len >= WAIT_ADDR)
			continue;
		until = strtoll(sp + 1, NULL, 10);
		if (until <= now || until - now > (int64_t)delay * 1000)
			continue;
		memcpy(w[k].addr, line, len);
		w[k].addr[len] = '\0';
		w[k++].until = until;
	}
	return k;
}

/* Record a wait for key until then: 0, or -1 if it could not be written. */
static int
waits_add(int fd, struct wait_slot *w, size_t k, const char *key,
    int64_t until)
{
	char	 buf[WAIT_SLOTS * (WAIT_ADDR + 24)];
	size_t	 i, slot = k, len = 0;
	int	 n;

	for (i = 0; i < k; i++)
		if (strcmp(w[i].addr, key) == 0 || (slot == k &&
		    k == WAIT_SLOTS && (i == 0 || w[i].until < w[slot].until)))
			slot = i;
	if (slot == k && k < WAIT_SLOTS)
		k++;
	else if (slot == k)
		slot = 0;
	snprintf(w[slot].addr, sizeof(w[slot].addr), "%s", key);
	w[slot].until = until;
	for (i = 0; i < k; i++) {
		n = snprintf(buf + len, sizeof(buf) - len, "%s %lld\n",
		    w[i].addr, (long long)w[i].until);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			return -1;
		len += (size_t)n;
	}
	return pwrite(fd, buf, len, 0) == (ssize_t)len &&
	    ftruncate(fd, (off_t)len) == 0 ? 0 : -1;
}

enum pf_err
pf_passwd_try(struct pf_store *st, const char *pw, const char *addr,
    int delay, int *wait)
{
	struct wait_slot	 w[WAIT_SLOTS];
	char			*path, key[WAIT_ADDR];
	size_t			 i, k;
	int			 fd;
	enum pf_err		 e;

	*wait = delay;
	wait_key(addr, key);
	if ((e = pf_store_mkdir(st, "app", 0700)) != PF_OK)
		return e;
	if ((path = pf_store_join(st, PF_PASSWD_WAIT)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
		free(path);
		return e;
	}
	free(path);
	/* Checks queue here (one PBKDF2 at a time), none is turned away. */
	if (flock(fd, LOCK_EX) == -1) {
		e = pf_err(PF_ERR_SYS, "login-wait: %s", strerror(errno));
		close(fd);
		return e;
	}
	k = waits_read(fd, w, pf_now_ms(), delay);
	for (i = 0; i < k; i++)
		if (strcmp(w[i].addr, key) == 0) {
			*wait = (int)((w[i].until - pf_now_ms() + 999) / 1000);
			close(fd);
			return pf_err(PF_ERR_LOCKED, "a wrong password was "
			    "given from %s: wait %d s", key, *wait);
		}
	if ((e = pf_passwd_check(st, pw)) == PF_ERR_FORBIDDEN) {
		/* Unrecorded, the wait is kept the slow way. */
		if (waits_add(fd, w, k, key, pf_now_ms() +
		    (int64_t)delay * 1000) == -1)
			sleep((unsigned)delay);
		e = pf_err(PF_ERR_FORBIDDEN, "wrong password");
	}
	close(fd);
	return e;
}

int
pf_passwd_isset(struct pf_store *st)
{
	return pf_store_exists(st, PF_PASSWD_FILE);
}

enum pf_err
pf_passwd_check(struct pf_store *st, const char *pw)
{
	struct pf_buf	 b = { 0 };
	unsigned char	 salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	char		 sx[2 * SALT_LEN + 2], hx[2 * HASH_LEN + 2];
	long		 iter;
	enum pf_err	 e;

	if ((e = pf_store_read(st, PF_PASSWD_FILE, LINE_MAX_, &b)) != PF_OK) {
		if (e == PF_ERR_NOTFOUND)
			e = pf_err(PF_ERR_NOTFOUND, "no password set: run "
			    "peerfeed passwd");
		goto out;
	}
	if (sscanf(b.data, "pbkdf2-sha256 %ld %33s %65s", &iter, sx, hx) != 3 ||
	    iter < 1000 || iter > ITER_MAX || fromhex(sx, salt, SALT_LEN) ||
	    fromhex(hx, want, HASH_LEN)) {
		e = pf_err(PF_ERR_CONFIG, "%s: not a \"pbkdf2-sha256 ITER SALT "
		    "HASH\" line: run peerfeed passwd", PF_PASSWD_FILE);
		goto out;
	}
	if (strlen(pw) > PF_PASSWD_MAX) {
		e = pf_err(PF_ERR_FORBIDDEN, "wrong password");
		goto out;
	}
	if ((e = derive(pw, salt, (unsigned long)iter, got)) != PF_OK)
		goto out;
	e = pf_passwd_equal(got, want, HASH_LEN) ? PF_OK :
	    pf_err(PF_ERR_FORBIDDEN, "wrong password");
out:
	pf_buf_free(&b);
	return e;
}
