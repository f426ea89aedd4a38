/* store.c: the state directory, atomic file writes, the writer lock. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "store.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

struct pf_store {
	char	*dir;		/* absolute path */
	int	 dfd;		/* the directory, O_PATH-like */
	int	 lockfd;	/* -1 when not holding the lock */
	int	 swept;		/* dead writers' temp files removed */
	int	 format;	/* the directory's format version */
};

#define RESERVE		((unsigned long long)256 << 10)	/* pf_store_room() */
#define TMP_PREFIX	".tmp-"	/* + pid "-" seq "-" ms: pf_store_write() */
#define FORMAT_FILE	"format"	/* the format version: "2\n" */
#define FORMAT_MAX	9999

/*
 * The steps that bring a directory of format from to format from + 1
 * (doc/CHANGES.md): each runs under the writer lock and may be run again
 * after a crash (the marker moves only once the step is complete), so it
 * must be idempotent.  fn NULL: nothing changes but the marker.  The next
 * change of the layout adds its step here and raises PF_STORE_FORMAT.
 */
static const struct {
	int		  from;
	enum pf_err	(*fn)(struct pf_store *);
} steps[] = {
	{ 1, NULL },	/* 2: the directory carries its format version */
};

static const struct {
	const char	*rel;
	mode_t		 mode;
} layout[] = {
	/*
	 * Only public/ may be read by the web server (nginx serves it as
	 * static files); private posts and attachments stay the owner's.
	 */
	{ "posts", 0700 }, { "media", 0700 }, { "friends", 0700 },
	{ "public", 0755 }, { "gnupg", 0700 }, { "tmp", 0700 },
	{ "thumbs", 0700 },
};

const char *
pf_store_dir(const char *opt)
{
	const char *env;

	if (opt != NULL && *opt != '\0')
		return opt;
	if ((env = getenv("PEERFEED_HOME")) != NULL && *env != '\0')
		return env;
	return LOCALSTATEDIR "/lib/peerfeed";
}

/* A relative name inside the store: no "..", no leading '/', no empty parts. */
static enum pf_err
check_rel(const char *rel)
{
	const char *p = rel;

	if (*rel == '\0' || *rel == '/' || strlen(rel) > 512)
		goto bad;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
		p += n;
		if (*p == '/')
			p++;
	}
	return PF_OK;
bad:
	return pf_err(PF_ERR_INVALID, "bad path name in the store: \"%.80s\"", rel);
}

static enum pf_err
mkdir_p(int dfd, const char *rel, mode_t mode)
{
	char	 path[PATH_MAX], *p;

	if (strlen(rel) >= sizeof(path))
		return pf_err(PF_ERR_INVALID, "path too long: %.80s", rel);
	memcpy(path, rel, strlen(rel) + 1);
	for (p = path; ; p++) {
		char c = *p;
		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdirat(dfd, path, mode) == -1 && errno != EEXIST)
			return pf_err(PF_ERR_SYS, "mkdir %s: %s", path, strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
	return PF_OK;
}

/*
 * Read DIR/format into st->format: 1 when it is missing (v0.1.0 wrote
 * none).  A damaged marker or a version this program does not know is
 * PF_ERR_CONFIG: nothing may be written to such a directory.
 */
static enum pf_err
read_format(struct pf_store *st)
{
	struct pf_buf	 b = { 0 };
	long		 v = 0;
	size_t		 i;
	enum pf_err	 e;

	st->format = 1;
	if ((e = pf_store_read(st, FORMAT_FILE, 16, &b)) == PF_ERR_NOTFOUND) {
		pf_buf_free(&b);
		return PF_OK;
	}
	for (i = 0; e == PF_OK && i < b.len && b.data[i] >= '0' &&
	    b.data[i] <= '9' && v <= FORMAT_MAX; i++)
		v = v * 10 + (b.data[i] - '0');
	if (e == PF_OK && (i == 0 || v < 1 || v > FORMAT_MAX ||
	    b.len != i + 1 || b.data[i] != '\n'))
		e = pf_err(PF_ERR_CONFIG, "%s/" FORMAT_FILE ": not a format "
		    "version (one number and a newline); refusing to use "
		    "the directory", st->dir);
	pf_buf_free(&b);
	if (e != PF_OK)
		return e;
	if (v > PF_STORE_FORMAT)
		return pf_err(PF_ERR_CONFIG, "%s has state directory format %ld, "
		    "made by a newer peerfeed; this one knows formats up to %d "
		    "and leaves it untouched: upgrade peerfeed (doc/CHANGES.md)",
		    st->dir, v, PF_STORE_FORMAT);
	st->format = (int)v;
	return PF_OK;
}

/*
 * Bring the directory up to PF_STORE_FORMAT, one step at a time, each
 * followed by its marker (an atomic pf_store_write(), as for posts): a
 * crash leaves the last complete step's version for the next writer.
 */
static enum pf_err
upgrade(struct pf_store *st)
{
	char		 text[16];
	size_t		 i;
	enum pf_err	 e;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].from != st->format)
			continue;
		if (steps[i].fn != NULL && (e = steps[i].fn(st)) != PF_OK)
			return e;
		snprintf(text, sizeof(text), "%d\n", st->format + 1);
		if ((e = pf_store_write(st, FORMAT_FILE, text,
		    strlen(text))) != PF_OK)
			return e;
		st->format++;
	}
	return PF_OK;
}

int
pf_store_format(const struct pf_store *st)
{
	return st->format;
}

enum pf_err
pf_store_open(const char *dir, int create, struct pf_store **out)
{
	struct pf_store	*st = NULL;
	char		 abs[PATH_MAX];
	size_t		 i;
	enum pf_err	 e;

	if (create && mkdir(dir, 0755) == -1 && errno != EEXIST)
		return pf_err(PF_ERR_SYS, "%s: cannot create: %s", dir, strerror(errno));
	if (realpath(dir, abs) == NULL)
		return pf_err(errno == ENOENT ? PF_ERR_NOTFOUND : PF_ERR_SYS,
		    "%s: %s%s", dir, strerror(errno),
		    errno == ENOENT ? " (run peerfeed init first)" : "");
	if ((st = calloc(1, sizeof(*st))) == NULL || (st->dir = strdup(abs)) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto fail;
	}
	st->lockfd = -1;
	if ((st->dfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: %s", abs, strerror(errno));
		goto fail;
	}
	/* A directory from the future is refused before anything is made. */
	if ((e = read_format(st)) != PF_OK)
		goto fail;
	for (i = 0; create && i < sizeof(layout) / sizeof(layout[0]); i++)
		if ((e = mkdir_p(st->dfd, layout[i].rel, layout[i].mode)) != PF_OK)
			goto fail;
	*out = st;
	return PF_OK;
fail:
	pf_store_close(st);
	return e;
}

void
pf_store_close(struct pf_store *st)
{
	if (st == NULL)
		return;
	pf_store_unlock(st);
	if (st->dfd > 0)
		close(st->dfd);
	free(st->dir);
	free(st);
}

const char *
pf_store_path(const struct pf_store *st)
{
	return st->dir;
}

char *
pf_store_join(const struct pf_store *st, const char *rel)
{
	size_t	 n = strlen(st->dir) + strlen(rel) + 2;
	char	*p;

	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s/%s", st->dir, rel);
	return p;
}

/* Open reldir of the state directory for reading, or NULL with errno. */
static DIR *
dir_open(struct pf_store *st, const char *reldir)
{
	DIR	*d;
	int	 fd, saved;

	if ((fd = openat(st->dfd, reldir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return d;
}

/*
 * Remove the temp files of pf_store_write() that a process killed before
 * its rename left in reldir.  A file whose writer is still running is
 * kept, so this is safe beside any writer, locked or not.
 */
static void
sweep_dir(struct pf_store *st, const char *reldir)
{
	DIR		*d;
	struct dirent	*de;
	char		*end;
	long		 pid;

	if ((d = dir_open(st, reldir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + strlen(TMP_PREFIX), &end, 10);
		if (errno != 0 || *end != '-' || pid <= 0 || pid == getpid())
			continue;
		if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/* Sweep the state directory, its own subdirectories and every friend's. */
static void
sweep(struct pf_store *st)
{
	static const char *const sub[] = { "", "/posts", "/media" };
	char		 rel[PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	size_t		 i;

	sweep_dir(st, ".");
	for (i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
		if (strcmp(layout[i].rel, "gnupg") != 0)
			sweep_dir(st, layout[i].rel);
	if ((d = dir_open(st, "friends")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
			snprintf(rel, sizeof(rel), "friends/%s%s", de->d_name,
			    sub[i]);
			sweep_dir(st, rel);
		}
	}
	closedir(d);
}

/* Take the writer lock; the first time, sweep dead writers' temp files. */
enum pf_err
pf_store_lock(struct pf_store *st, int wait)
{
	enum pf_err	e;
	int		fd;

	if (st->lockfd != -1)
		return PF_OK;
	if ((fd = openat(st->dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return pf_err(PF_ERR_SYS, "%s/lock: %s", st->dir, strerror(errno));
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == -1) {
		int saved = errno;
		close(fd);
		if (saved == EWOULDBLOCK)
			return pf_err(PF_ERR_LOCKED, "%s is being written by another "
			    "peerfeed process", st->dir);
		return pf_err(PF_ERR_SYS, "%s/lock: %s", st->dir, strerror(saved));
	}
	st->lockfd = fd;
	if (!st->swept) {
		sweep(st);
		st->swept = 1;
	}
	/*
	 * The first write of a newer program upgrades an older directory;
	 * the version is read again under the lock, since another writer
	 * may have moved it since pf_store_open().
	 */
	if ((e = read_format(st)) != PF_OK || (st->format < PF_STORE_FORMAT &&
	    (e = upgrade(st)) != PF_OK)) {
		pf_store_unlock(st);
		return e;
	}
	return PF_OK;
}

void
pf_store_unlock(struct pf_store *st)
{
	if (st->lockfd != -1) {
		close(st->lockfd);
		st->lockfd = -1;
	}
}

/* Split rel into its directory (opened, returned) and base name. */
static enum pf_err
open_parent(struct pf_store *st, const char *rel, int *pfd, const char **base)
{
	const char	*slash = strrchr(rel, '/');
	char		 dir[PATH_MAX];
	int		 fd;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
		*base = rel;
	} else {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
		*base = slash + 1;
	}
	if ((fd = openat(st->dfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return pf_err(PF_ERR_SYS, "%s/%s: %s", st->dir, dir, strerror(errno));
	*pfd = fd;
	return PF_OK;
}

static enum pf_err
write_all(int fd, const char *p, size_t n, const char *what)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return pf_err(PF_ERR_SYS, "%s: write: %s", what, strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return PF_OK;
}

enum pf_err
pf_store_write(struct pf_store *st, const char *rel, const void *data, size_t len)
{
	static unsigned	 seq;
	char		 tmp[64];
	const char	*base;
	int		 fd = -1, pfd = -1, tmpfd = -1;
	enum pf_err	 e;

	if ((e = check_rel(rel)) != PF_OK ||
	    (e = open_parent(st, rel, &pfd, &base)) != PF_OK)
		return e;
	/* The temp file lives in the same directory, so rename is atomic. */

	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%ld-%u-%lld", (long)getpid(), seq++,
	    (long long)pf_now_ms());
	if ((fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1) {
		e = pf_err(PF_ERR_SYS, "%s/%s: create: %s", st->dir, rel, strerror(errno));
		goto out;
	}
	tmpfd = fd;
	if ((e = write_all(fd, data, len, rel)) != PF_OK)
		goto out;
	/* A failed fsync is final: the page cache may have dropped the data. */
	if (fsync(fd) == -1) {
		e = pf_err(PF_ERR_SYS, "%s/%s: fsync: %s", st->dir, rel, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (renameat(pfd, tmp, pfd, base) == -1) {
		e = pf_err(PF_ERR_SYS, "%s/%s: rename: %s", st->dir, rel, strerror(errno));
		goto out;
	}
	tmpfd = -1;
	if (fsync(pfd) == -1)
		e = pf_err(PF_ERR_SYS, "%s/%s: fsync directory: %s", st->dir, rel,
		    strerror(errno));
out:
	if (fd != -1)
		close(fd);
	if (tmpfd != -1)
		unlinkat(pfd, tmp, 0);
	close(pfd);
	return e;
}

enum pf_err
pf_store_read(struct pf_store *st, const char *rel, size_t max, struct pf_buf *out)
{
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;
	enum pf_err	 e = PF_OK;
	struct stat	 sb;

	if ((e = check_rel(rel)) != PF_OK)
		return e;
	/*
	 * A hand-made entry (symlink, directory, FIFO) is a broken rule, not
	 * a system error: refused without blocking on it (O_NONBLOCK), so a
	 * reindex skips it and goes on with the other files.
	 */
	if ((fd = openat(st->dfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return pf_err(errno == ENOENT ? PF_ERR_NOTFOUND : errno == ELOOP ?
		    PF_ERR_INVALID : PF_ERR_SYS, "%s/%s: %s", st->dir, rel,
		    errno == ELOOP ? "a symbolic link, not a regular file" :
		    strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return pf_err(PF_ERR_INVALID, "%s/%s: not a regular file",
		    st->dir, rel);
	}
	pf_buf_reset(out);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = pf_err(PF_ERR_SYS, "%s/%s: read: %s", st->dir, rel,
			    strerror(errno));
			break;
		}
		if (out->len + (size_t)n > max) {
			e = pf_err(PF_ERR_LIMIT, "%s/%s: larger than %zu bytes",
			    st->dir, rel, max);
			break;
		}
		if ((e = pf_buf_add(out, chunk, (size_t)n)) != PF_OK)
			break;
	}
	close(fd);
	if (e == PF_OK && out->data == NULL)
		e = pf_buf_add(out, "", 0);
	return e;
}

enum pf_err
pf_store_unlink(struct pf_store *st, const char *rel)
{
	const char	*base;
	int		 pfd;
	enum pf_err	 e;

	if ((e = check_rel(rel)) != PF_OK ||
	    (e = open_parent(st, rel, &pfd, &base)) != PF_OK)
		return e;
	if (unlinkat(pfd, base, 0) == -1 && errno != ENOENT)
		e = pf_err(PF_ERR_SYS, "%s/%s: unlink: %s", st->dir, rel, strerror(errno));
	else if (fsync(pfd) == -1)
		e = pf_err(PF_ERR_SYS, "%s/%s: fsync directory: %s", st->dir, rel,
		    strerror(errno));
	close(pfd);
	return e;
}

int
pf_store_exists(struct pf_store *st, const char *rel)
{
	struct stat sb;

	return check_rel(rel) == PF_OK && fstatat(st->dfd, rel, &sb, 0) == 0;
}

enum pf_err
pf_store_mkdir(struct pf_store *st, const char *rel, mode_t mode)
{
	enum pf_err e;

	if ((e = check_rel(rel)) != PF_OK)
		return e;
	return mkdir_p(st->dfd, rel, mode);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum pf_err
pf_store_list(struct pf_store *st, const char *reldir, const char *suffix,
    char ***names, size_t *np)
{
	DIR		*d = NULL;
	struct dirent	*de;
	char		**v = NULL, **nv;
	size_t		 n = 0, cap = 0, sl = strlen(suffix);
	enum pf_err	 e = PF_OK;

	if ((e = check_rel(reldir)) != PF_OK)
		return e;
	if ((d = dir_open(st, reldir)) == NULL)
		return pf_err(errno == ENOENT ? PF_ERR_NOTFOUND : PF_ERR_SYS,
		    "%s/%s: %s", st->dir, reldir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < sl ||
		    strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*np = n;
	return PF_OK;
nomem:
	closedir(d);
	pf_store_names_free(v, n);
	return pf_err(PF_ERR_NOMEM, "out of memory listing %s", reldir);
}

void
pf_store_names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

enum pf_err
pf_store_read_file(const char *path, size_t max, struct pf_buf *out)
{
	FILE		*f;
	char		 chunk[65536];
	size_t		 n;
	enum pf_err	 e = PF_OK;

	if ((f = fopen(path, "rb")) == NULL)
		return pf_err(PF_ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	pf_buf_reset(out);
	out->limit = max;
	while (e == PF_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((e = pf_buf_add(out, chunk, n)) == PF_ERR_LIMIT)
			e = pf_err(PF_ERR_LIMIT, "%s: larger than %zu bytes",
			    path, max);
	if (e == PF_OK && ferror(f))
		e = pf_err(PF_ERR_SYS, "%s: read error", path);
	fclose(f);
	return e;
}

enum pf_err
pf_store_add_media(struct pf_store *st, const char *reldir, const void *data,
    size_t len, char sha[PF_SHA256_HEX])
{
	char	rel[PATH_MAX];

	pf_sha256_hex(data, len, sha);
	snprintf(rel, sizeof(rel), "%s/%s", reldir, sha);
	if (pf_store_exists(st, rel))
		return PF_OK;
	return pf_store_write(st, rel, data, len);
}

enum pf_err
pf_store_add_thumb(struct pf_store *st, const char *sha, const void *data,
    size_t len)
{
	char		rel[PATH_MAX];
	enum pf_err	e;

	if (!pf_hex_lower(sha, PF_SHA256_HEX - 1))
		return pf_err(PF_ERR_INVALID, "a thumbnail is named by a "
		    "SHA-256 in hex");
	snprintf(rel, sizeof(rel), "thumbs/%s", sha);
	/* A node made before thumbnails has no thumbs/ yet. */
	if ((e = pf_store_mkdir(st, "thumbs", 0700)) != PF_OK)
		return e;
	return pf_store_write(st, rel, data, len);
}

enum pf_err
pf_store_room(struct pf_store *st, size_t need)
{
	struct statvfs		sv;
	unsigned long long	free;

	if (fstatvfs(st->dfd, &sv) == -1)
		return PF_OK;	/* no figure: the writes themselves will tell */
	free = (unsigned long long)sv.f_bavail * sv.f_frsize;
	if (free >= need + RESERVE)
		return PF_OK;
	return pf_err(PF_ERR_SYS, "%s: disk full (No space left on device): "
	    "%llu bytes free, a change needs %zu and keeps %llu in reserve; "
	    "nothing was written", st->dir, free, need, RESERVE);
}
