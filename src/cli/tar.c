/* tar.c: the ustar writer and the strict ustar reader of tar.h. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tar.h"

#define BLOCK		512
#define OFF_NAME	0
#define OFF_MODE	100
#define OFF_UID		108
#define OFF_GID		116
#define OFF_SIZE	124
#define OFF_MTIME	136
#define OFF_CHKSUM	148
#define OFF_TYPE	156
#define OFF_MAGIC	257
#define OFF_VERSION	263
#define OFF_PREFIX	345
#define NAME_LEN	100
#define PREFIX_LEN	155
#define COPY_CHUNK	65536

struct pf_tar_writer {
	char	*path;		/* the final name */
	char	*tmp;		/* where the bytes go until finish */
	FILE	*f;
};

struct pf_tar_reader {
	char		*path;
	int		 fd;
	uint64_t	 fsize;		/* bytes of the file */
	uint64_t	 next;		/* offset of the next header */
	uint64_t	 data;		/* offset of the current entry's data */
	uint64_t	 size;		/* bytes of the current entry's data */
	uint64_t	 entry_max;
	unsigned long	 count;		/* entries read so far */
};

/* Round n up to a whole number of blocks. */
static uint64_t
blocks(uint64_t n)
{
	return (n + BLOCK - 1) / BLOCK * BLOCK;
}

int
pf_tar_name_valid(const char *name)
{
	const char	*p = name;
	size_t		 n;

	if (*name == '\0' || strlen(name) > PF_TAR_NAME_MAX ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-/") != strlen(name))
		return 0;
	while (*p != '\0') {
		n = strcspn(p, "/");
		/* No empty component (absolute, "a//b", "a/"), no dot files. */
		if (n == 0 || p[0] == '.')
			return 0;
		p += n;
		if (*p == '/' && *++p == '\0')
			return 0;
	}
	return 1;
}

/* ---- writer ---- */

enum pf_err
pf_tar_create(const char *path, struct pf_tar_writer **out)
{
	struct pf_tar_writer	*w;
	size_t			 n = strlen(path) + 32;
	int			 fd;
	enum pf_err		 e;

	if ((w = calloc(1, sizeof(*w))) == NULL || (w->path = strdup(path)) == NULL ||
	    (w->tmp = malloc(n)) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto fail;
	}
	snprintf(w->tmp, n, "%s.tmp-%ld", path, (long)getpid());
	if ((fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: create: %s", w->tmp, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;
		goto fail;
	}
	if ((w->f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		e = pf_err(PF_ERR_SYS, "%s: %s", w->tmp, strerror(errno));
		goto fail;
	}
	*out = w;
	return PF_OK;
fail:
	pf_tar_abort(w);
	return e;
}

void
pf_tar_abort(struct pf_tar_writer *w)
{
	if (w == NULL)
		return;
	if (w->f != NULL)
		fclose(w->f);
	if (w->tmp != NULL)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	free(w);
}

/* An octal field of len bytes: len - 1 digits and a NUL. */
static void
octal(char *field, size_t len, uint64_t v)
{
	char	tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)len - 1, (unsigned long long)v);
	memcpy(field, tmp, len);
}

/* Put name into the header, split into prefix and name when longer than 100. */
static enum pf_err
header_name(char *h, const char *name)
{
	size_t		 len = strlen(name);
	const char	*slash;

	if (!pf_tar_name_valid(name))
		return pf_err(PF_ERR_INVALID, "tar: \"%.80s\": not a name this "
		    "archive format can hold", name);
	if (len <= NAME_LEN) {
		memcpy(h + OFF_NAME, name, len);
		return PF_OK;
	}
	/* The first '/' that leaves at most 100 bytes after it. */
	for (slash = name + len - NAME_LEN - 1; *slash != '\0'; slash++)
		if (*slash == '/')
			break;
	if (*slash != '/' || (size_t)(slash - name) > PREFIX_LEN)
		return pf_err(PF_ERR_LIMIT, "tar: \"%.80s\": name too long for "
		    "ustar", name);
	memcpy(h + OFF_PREFIX, name, (size_t)(slash - name));
	memcpy(h + OFF_NAME, slash + 1, len - (size_t)(slash - name) - 1);
	return PF_OK;
}

static unsigned
checksum(const unsigned char *h)
{
	unsigned	sum = 0;
	size_t		i;

	for (i = 0; i < BLOCK; i++)
		sum += i >= OFF_CHKSUM && i < OFF_CHKSUM + 8 ? ' ' : h[i];
	return sum;
}

static enum pf_err
put(struct pf_tar_writer *w, const void *p, size_t n)
{
	if (fwrite(p, 1, n, w->f) != n)
		return pf_err(PF_ERR_SYS, "%s: write: %s", w->tmp, strerror(errno));
	return PF_OK;
}

static enum pf_err
header(struct pf_tar_writer *w, const char *name, int dir, uint64_t size,
    int64_t mtime)
{
	char		h[BLOCK];
	enum pf_err	e;

	memset(h, 0, sizeof(h));
	if ((e = header_name(h, name)) != PF_OK)
		return e;
	octal(h + OFF_MODE, 8, dir ? 0755 : 0644);
	octal(h + OFF_UID, 8, 0);
	octal(h + OFF_GID, 8, 0);
	octal(h + OFF_SIZE, 12, size);
	octal(h + OFF_MTIME, 12, mtime < 0 ? 0 : (uint64_t)mtime);
	h[OFF_TYPE] = dir ? '5' : '0';
	memcpy(h + OFF_MAGIC, "ustar", 6);
	memcpy(h + OFF_VERSION, "00", 2);
	octal(h + OFF_CHKSUM, 7, checksum((unsigned char *)h));
	h[OFF_CHKSUM + 7] = ' ';
	return put(w, h, sizeof(h));
}

/* Zeros up to the next block border after n bytes of data. */
static enum pf_err
pad(struct pf_tar_writer *w, uint64_t n)
{
	static const char zero[BLOCK];

	return put(w, zero, (size_t)(blocks(n) - n));
}

enum pf_err
pf_tar_add_dir(struct pf_tar_writer *w, const char *name, int64_t mtime)
{
	return header(w, name, 1, 0, mtime);
}

enum pf_err
pf_tar_add_mem(struct pf_tar_writer *w, const char *name, const void *data,
    size_t len, int64_t mtime)
{
	enum pf_err e;

	if ((e = header(w, name, 0, len, mtime)) != PF_OK ||
	    (e = put(w, data, len)) != PF_OK)
		return e;
	return pad(w, len);
}

enum pf_err
pf_tar_add_fd(struct pf_tar_writer *w, const char *name, int fd, uint64_t size,
    int64_t mtime)
{
	char		*buf;
	uint64_t	 left = size;
	ssize_t		 r;
	enum pf_err	 e;

	if ((buf = malloc(COPY_CHUNK)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = header(w, name, 0, size, mtime)) != PF_OK)
		goto out;
	while (left > 0) {
		r = read(fd, buf, left < COPY_CHUNK ? (size_t)left : COPY_CHUNK);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = pf_err(PF_ERR_SYS, "%s: %s", name, r == 0 ?
			    "file shrank while being archived" : strerror(errno));
			goto out;
		}
		if ((e = put(w, buf, (size_t)r)) != PF_OK)
			goto out;
		left -= (uint64_t)r;
	}
	e = pad(w, size);
out:
	free(buf);
	return e;
}

/* fsync the directory holding path. */
static enum pf_err
sync_parent(const char *path)
{
	char	 copy[PATH_MAX];
	int	 fd;
	enum pf_err e = PF_OK;

	snprintf(copy, sizeof(copy), "%s", path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	if (fsync(fd) == -1)
		e = pf_err(PF_ERR_SYS, "%s: fsync directory: %s", path, strerror(errno));
	close(fd);
	return e;
}

enum pf_err
pf_tar_finish(struct pf_tar_writer *w)
{
	static const char	zero[2 * BLOCK];
	enum pf_err		e;

	if ((e = put(w, zero, sizeof(zero))) != PF_OK)
		goto out;
	/* A failed fsync is final (doc/DESIGN.md section 8): no retry. */
	if (fflush(w->f) != 0 || fsync(fileno(w->f)) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: %s", w->tmp, strerror(errno));
		goto out;
	}
	if (rename(w->tmp, w->path) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: rename: %s", w->path, strerror(errno));
		goto out;
	}
	free(w->tmp);
	w->tmp = NULL;
	e = sync_parent(w->path);
out:
	pf_tar_abort(w);
	return e;
}

/* ---- reader ---- */

enum pf_err
pf_tar_open(const char *path, uint64_t entry_max, struct pf_tar_reader **out)
{
	struct pf_tar_reader	*r;
	struct stat		 st;
	enum pf_err		 e;

	if ((r = calloc(1, sizeof(*r))) == NULL || (r->path = strdup(path)) == NULL) {
		free(r);
		return pf_err(PF_ERR_NOMEM, "out of memory");
	}
	r->entry_max = entry_max;
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		e = pf_err(errno == ENOENT ? PF_ERR_NOTFOUND : PF_ERR_SYS,
		    "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(r->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		e = pf_err(PF_ERR_INVALID, "%s: not a regular file", path);
		goto fail;
	}
	r->fsize = (uint64_t)st.st_size;
	*out = r;
	return PF_OK;
fail:
	pf_tar_close(r);
	return e;
}

void
pf_tar_close(struct pf_tar_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd > 0)
		close(r->fd);
	free(r->path);
	free(r);
}

enum pf_err
pf_tar_rewind(struct pf_tar_reader *r)
{
	r->next = r->data = r->size = 0;
	r->count = 0;
	return PF_OK;
}

/* Read exactly n bytes at off; a short read means the archive is truncated. */
static enum pf_err
read_at(struct pf_tar_reader *r, void *buf, size_t n, uint64_t off)
{
	size_t	got = 0;
	ssize_t	k;

	while (got < n) {
		k = pread(r->fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1)
			return pf_err(PF_ERR_SYS, "%s: %s", r->path, strerror(errno));
		if (k == 0)
			return pf_err(PF_ERR_INVALID, "%s: truncated archive "
			    "(ends inside entry %lu)", r->path, r->count + 1);
		got += (size_t)k;
	}
	return PF_OK;
}

/*
 * A numeric field: optional leading spaces, octal digits, then NULs or
 * spaces to its end.  Base-256 (GNU) numbers are refused.
 */
static int
parse_octal(const char *f, size_t len, uint64_t *v)
{
	size_t	i = 0;
	int	digits = 0;

	*v = 0;
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (*v > (UINT64_MAX >> 3))
			return -1;
		*v = *v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	return digits > 0 ? 0 : -1;
}

static int
all_zero(const unsigned char *h)
{
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (h[i] != 0)
			return 0;
	return 1;
}

/* The entry's name from prefix and name; a directory's trailing '/' goes. */
static void
entry_name(const char *h, struct pf_tar_entry *e)
{
	int	np = (int)strnlen(h + OFF_PREFIX, PREFIX_LEN);
	int	nn = (int)strnlen(h + OFF_NAME, NAME_LEN);
	size_t	len;

	if (np > 0)
		snprintf(e->name, sizeof(e->name), "%.*s/%.*s", np, h + OFF_PREFIX,
		    nn, h + OFF_NAME);
	else
		snprintf(e->name, sizeof(e->name), "%.*s", nn, h + OFF_NAME);
	len = strlen(e->name);
	if (e->dir && len > 1 && e->name[len - 1] == '/')
		e->name[len - 1] = '\0';
}

/* Check one header block and fill *e, or say which rule it breaks. */
static enum pf_err
header_parse(struct pf_tar_reader *r, const unsigned char *h, struct pf_tar_entry *e)
{
	const char	*c = (const char *)h;
	uint64_t	 sum, mtime;
	char		 type = c[OFF_TYPE];

	if (memcmp(c + OFF_MAGIC, "ustar", 6) != 0 || memcmp(c + OFF_VERSION, "00", 2) != 0)
		return pf_err(PF_ERR_INVALID, "%s: entry %lu: not a POSIX ustar "
		    "header", r->path, r->count);
	if (parse_octal(c + OFF_CHKSUM, 8, &sum) == -1 || sum != checksum(h))
		return pf_err(PF_ERR_INVALID, "%s: entry %lu: bad header checksum",
		    r->path, r->count);
	e->dir = type == '5';
	entry_name(c, e);
	if (type != '0' && type != '\0' && type != '5')
		return pf_err(PF_ERR_INVALID, "%s: \"%s\": type '%c' refused: only "
		    "regular files and directories (no links, devices or "
		    "extension headers)", r->path, e->name, type >= ' ' ? type : '?');
	if (!pf_tar_name_valid(e->name))
		return pf_err(PF_ERR_INVALID, "%s: \"%s\": name refused (absolute, "
		    "\"..\", \".\", an empty or dot-led component, or a byte outside "
		    "[A-Za-z0-9._-/])", r->path, e->name);
	if (parse_octal(c + OFF_SIZE, 12, &e->size) == -1 ||
	    parse_octal(c + OFF_MTIME, 12, &mtime) == -1)
		return pf_err(PF_ERR_INVALID, "%s: \"%s\": bad size or time field",
		    r->path, e->name);
	e->mtime = (int64_t)(mtime > INT64_MAX ? 0 : mtime);
	if (e->dir && e->size != 0)
		return pf_err(PF_ERR_INVALID, "%s: \"%s\": a directory with data",
		    r->path, e->name);
	if (e->size > r->entry_max)
		return pf_err(PF_ERR_LIMIT, "%s: \"%s\": %llu bytes, more than the "
		    "%llu allowed", r->path, e->name, (unsigned long long)e->size,
		    (unsigned long long)r->entry_max);
	return PF_OK;
}

enum pf_err
pf_tar_next(struct pf_tar_reader *r, struct pf_tar_entry *e)
{
	unsigned char	h[BLOCK];
	enum pf_err	err;

	r->count++;
	if ((err = read_at(r, h, BLOCK, r->next)) != PF_OK)
		return err;
	if (all_zero(h))
		return PF_ERR_NOTFOUND;
	if ((err = header_parse(r, h, e)) != PF_OK)
		return err;
	r->data = r->next + BLOCK;
	r->size = e->size;
	if (r->data + blocks(e->size) > r->fsize)
		return pf_err(PF_ERR_INVALID, "%s: \"%s\": truncated archive (the "
		    "entry's data runs past the end of the file)", r->path, e->name);
	r->next = r->data + blocks(e->size);
	return PF_OK;
}

enum pf_err
pf_tar_read(struct pf_tar_reader *r, size_t max, struct pf_buf *out)
{
	char		*buf;
	enum pf_err	 e;

	pf_buf_reset(out);
	if (r->size > max)
		return pf_err(PF_ERR_LIMIT, "%s: entry %lu: larger than %zu bytes",
		    r->path, r->count, max);
	if ((buf = malloc(r->size + 1)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = read_at(r, buf, (size_t)r->size, r->data)) == PF_OK)
		e = pf_buf_add(out, buf, (size_t)r->size);
	free(buf);
	return e;
}

/* Write all n bytes of p to fd, through short writes and EINTR. */
static enum pf_err
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return pf_err(PF_ERR_SYS, "write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return PF_OK;
}

enum pf_err
pf_tar_copy(struct pf_tar_reader *r, int fd)
{
	char		*buf;
	uint64_t	 done = 0;
	size_t		 n;
	enum pf_err	 e = PF_OK;

	if ((buf = malloc(COPY_CHUNK)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	while (done < r->size && e == PF_OK) {
		n = r->size - done < COPY_CHUNK ? (size_t)(r->size - done) : COPY_CHUNK;
		if ((e = read_at(r, buf, n, r->data + done)) == PF_OK)
			e = write_all(fd, buf, n);
		done += n;
	}
	free(buf);
	return e;
}
