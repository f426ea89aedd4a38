/*
 * budget.c: the token bucket of OpenPGP operations shared by the
 * responder's processes.  DIR/pgp-budget holds one line
 *	MILLITOKENS WHEN_MS
 * the tokens left (in thousandths) at WHEN_MS, rewritten in place under
 * flock(2) by whoever takes one.
 */
#include "config.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "store.h"

#define LINE_MAX_	64

/* The tokens (in thousandths) of the bucket in fd at now: full if the
 * file is missing or damaged. */
static int64_t
bucket_read(int fd, long rate, long burst, int64_t now)
{
	char		 buf[LINE_MAX_], *end;
	ssize_t		 n;
	long long	 left, when;
	int64_t		 full = (int64_t)burst * 1000, elapsed;

	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return full;
	buf[n] = '\0';
	left = strtoll(buf, &end, 10);
	if (end == buf || *end != ' ' || left < 0 || left > full)
		return full;
	when = strtoll(end + 1, &end, 10);
	if (*end != '\n' || when <= 0)
		return full;
	/* A clock that stepped back refills nothing (and is not an error). */
	elapsed = now > when ? now - when : 0;
	/* rate tokens a second are rate thousandths a millisecond. */
	if (elapsed >= full / rate)
		return full;
	return left + elapsed * rate < full ? left + elapsed * rate : full;
}

enum pf_err
pf_budget_take(struct pf_store *st, long rate, long burst)
{
	char		*path, line[LINE_MAX_];
	int		 fd, len;
	int64_t		 now, milli;
	enum pf_err	 e = PF_OK;

	if ((path = pf_store_join(st, PF_BUDGET_FILE)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1 || flock(fd, LOCK_EX) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
		goto out;
	}
	now = pf_now_ms();
	milli = bucket_read(fd, rate, burst, now);
	if (milli < 1000) {
		e = pf_err(PF_ERR_BUSY, "over %ld private requests a second "
		    "(pgp_rate): retry in a second", rate);
		goto out;
	}
	milli -= 1000;
	len = snprintf(line, sizeof(line), "%lld %lld\n", (long long)milli,
	    (long long)now);
	if (pwrite(fd, line, (size_t)len, 0) != len || ftruncate(fd, len) != 0) {
		/* Unrecorded, the token is given anyway: the bucket is a
		 * guard, and a full disk must not refuse friends. */
	}
out:
	if (fd != -1)
		close(fd);
	free(path);
	return e;
}
