/*
 * api_state.c: what the responder keeps between requests: the ETag key
 * (DIR/etag.key) and the ETags of idle polls made with it (api_feed.c
 * explains them), the keyring's freshness (an inotify watch on GNUPGHOME,
 * file times where inotify is missing) and the group cache built from it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "digest.h"
#include "group.h"
#include "keyring.h"
#include "store.h"

#define ETAG_FILE	"etag.key"

/* Read the key file at path into key; -1 (errno set) unless it is whole. */
static int
etag_read(const char *path, unsigned char key[PF_ETAG_KEY_LEN])
{
	int	 fd;
	ssize_t	 n;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, key, PF_ETAG_KEY_LEN);
	close(fd);
	if (n != PF_ETAG_KEY_LEN) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Write a new random key to a temp file and link() it into place. */
static enum pf_err
etag_create(const char *path, unsigned char key[PF_ETAG_KEY_LEN])
{
	char	 tmp[4096];
	int	 fd, rc;

	if (getrandom(key, PF_ETAG_KEY_LEN, 0) != PF_ETAG_KEY_LEN)
		return pf_err(PF_ERR_SYS, "getrandom: %s", strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", tmp, strerror(errno));
	rc = write(fd, key, PF_ETAG_KEY_LEN) == PF_ETAG_KEY_LEN && fsync(fd) == 0;
	close(fd);
	/* link() fails if another worker won the race: then use its key. */
	if (!rc || (link(tmp, path) == -1 && errno != EEXIST)) {
		unlink(tmp);
		return pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	}
	unlink(tmp);
	return PF_OK;
}

enum pf_err
pf_api_etag_init(struct pf_api *a)
{
	char		*path;
	enum pf_err	 e = PF_OK;

	if ((path = pf_store_join(a->st, ETAG_FILE)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (etag_read(path, a->etag_key) == -1 &&
	    ((e = etag_create(path, a->etag_key)) != PF_OK ||
	    etag_read(path, a->etag_key) == -1))
		e = e != PF_OK ? e : pf_err(PF_ERR_SYS, "%s: %s", path,
		    strerror(errno));
	free(path);
	return e;
}

/* The keyring's files whose change means a reload. */
static const char *const keyring_files[] = { "pubring.kbx", "trustdb.gpg",
    "gpg.conf" };
#define KEYRING_NFILES	(sizeof(keyring_files) / sizeof(keyring_files[0]))

/* Newest modification time (ns) of the keyring's files. */
static int64_t
keyring_stamp(const char *home)
{
	char		 path[4096];
	struct stat	 st;
	int64_t		 t, newest = 0;
	size_t		 i;

	for (i = 0; i < KEYRING_NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", home, keyring_files[i]);
		if (stat(path, &st) == -1)
			continue;
		t = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		if (t > newest)
			newest = t;
	}
	return newest;
}

#ifdef __linux__
/* A non-blocking inotify descriptor watching home, or -1. */
static int
keyring_watch(const char *home)
{
	int fd;

	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	if (inotify_add_watch(fd, home, IN_MODIFY | IN_ATTRIB |
	    IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
	    IN_MOVED_TO) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Drain the watch: 1 if an event names a keyring file (or events were
 * lost), 0 if none did, -1 if the watch is gone or broken.
 */
static int
keyring_events(int fd)
{
	char			 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t			 n, off;
	size_t			 i;
	int			 changed = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off + (ssize_t)sizeof(*ev) <= n;
		    off += (ssize_t)sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF |
			    IN_MOVE_SELF | IN_UNMOUNT))
				return -1;
			if (ev->mask & IN_Q_OVERFLOW)
				changed = 1;
			for (i = 0; ev->len > 0 && i < KEYRING_NFILES; i++)
				if (strcmp(ev->name, keyring_files[i]) == 0)
					changed = 1;
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		return -1;
	return changed;
}
#else
static int
keyring_watch(const char *home)
{
	(void)home;
	return -1;
}

static int
keyring_events(int fd)
{
	(void)fd;
	return -1;
}
#endif

enum pf_err
pf_api_keyring_fresh(struct pf_api *a)
{
	int64_t		 stamp;
	int		 fd;
	enum pf_err	 e;

	if (a->kr_watch == 0) {
		/* Watch first: a change after the stat below is then seen. */
		fd = keyring_watch(a->gnupghome);
		a->kr_watch = fd >= 0 ? fd + 1 : -1;
	} else if (a->kr_watch > 0) {
		switch (keyring_events(a->kr_watch - 1)) {
		case 0:
			if (a->kr_stamp != -1)
				return PF_OK;
			break;
		case -1:
			close(a->kr_watch - 1);
			a->kr_watch = -1;
			break;
		}
	}
	stamp = keyring_stamp(a->gnupghome);
	if (stamp == a->kr_stamp)
		return PF_OK;
	a->groups_ok = 0;
	if ((e = pf_keyring_reload(a->kr)) != PF_OK) {
		/* Not believed loaded: the next call tries again. */
		a->kr_stamp = -1;
		return e;
	}
	a->kr_stamp = stamp;
	return PF_OK;
}

enum pf_err
pf_api_audiences(struct pf_api *a, const char *fpr, char ***auds, size_t *n)
{
	enum pf_err e;

	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		return e;
	if (!a->groups_ok) {
		pf_group_free(a->groups, a->ngroups);
		a->groups = NULL;
		a->ngroups = 0;
		if ((e = pf_group_list(a->gnupghome, &a->groups,
		    &a->ngroups)) != PF_OK)
			return e;
		a->groups_ok = 1;
	}
	return pf_group_audiences_in(a->groups, a->ngroups, fpr, auds, n);
}

void
pf_api_close(struct pf_api *a)
{
	pf_buf_free(&a->key);
	pf_group_free(a->groups, a->ngroups);
	a->groups = NULL;
	a->ngroups = 0;
	a->groups_ok = 0;
	if (a->kr_watch > 0)
		close(a->kr_watch - 1);
	a->kr_watch = 0;
}

/* The ETag for reader with audiences auds whose newest change is latest. */
enum pf_err
pf_api_etag(struct pf_api *a, const char *reader, char *const *auds,
    size_t naud, const struct pf_cursor *latest, char out[PF_API_ETAG_MAX])
{
	struct pf_digest	 d;
	unsigned char		 md[PF_MD_MAX];
	char			 c[PF_CURSOR_MAX];
	size_t			 i;
	enum pf_err		 e;

	if ((e = pf_digest_open(&d, PF_MD_SHA256, a->etag_key,
	    PF_ETAG_KEY_LEN)) != PF_OK)
		return e;
	pf_cursor_fmt(latest, c);
	pf_digest_add(&d, a->self, strlen(a->self) + 1);
	pf_digest_add(&d, reader, strlen(reader) + 1);
	for (i = 0; i < naud; i++)
		pf_digest_add(&d, auds[i], strlen(auds[i]) + 1);
	pf_digest_add(&d, "", 1);
	pf_digest_add(&d, c, strlen(c) + 1);
	pf_digest_close(&d, md);
	memcpy(out, "\"pf1-", 5);
	pf_hex(md, 16, out + 5);
	memcpy(out + 37, "\"", 2);
	return PF_OK;
}
