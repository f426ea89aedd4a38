/*
 * tar.h: a small POSIX ustar (IEEE 1003.1-1988) writer and a strict reader,
 * the container of `peerfeed export` (archive.c decides what goes in).
 * Only regular files and directories exist in this format; the reader
 * refuses everything else (links, devices, pax and GNU extension headers),
 * a bad checksum, a size past the caller's bound, a name that is absolute,
 * holds "." or ".." or an empty component, starts a component with '.', or
 * uses a byte outside [A-Za-z0-9._-/], and an archive that ends before its
 * end-of-archive block.  Errors name the archive, the entry and the rule.
 */
#ifndef PF_TAR_H
#define PF_TAR_H

#include <stdint.h>

#include "pf.h"

#define PF_TAR_NAME_MAX	255	/* bytes of an entry name (prefix/name) */

struct pf_tar_entry {
	char		name[PF_TAR_NAME_MAX + 1];	/* no trailing '/' */
	int		dir;		/* 1: a directory, 0: a regular file */
	uint64_t	size;		/* bytes of data (0 for a directory) */
	int64_t		mtime;		/* seconds since the epoch */
};

/* True if name passes the reader's name rules (above). */
int		 pf_tar_name_valid(const char *name);

struct pf_tar_writer;

/*
 * Start an archive that will become path: the bytes go to a temporary file
 * beside it (mode 0600: the archive may hold a secret key), which
 * pf_tar_finish() fsyncs and renames into place.  *out is the caller's;
 * pf_tar_abort() discards it.
 */
enum pf_err	 pf_tar_create(const char *path, struct pf_tar_writer **out);
enum pf_err	 pf_tar_add_dir(struct pf_tar_writer *, const char *name, int64_t mtime);
enum pf_err	 pf_tar_add_mem(struct pf_tar_writer *, const char *name,
		    const void *data, size_t len, int64_t mtime);
/* Add exactly size bytes read from fd; PF_ERR_SYS if the file changed size. */
enum pf_err	 pf_tar_add_fd(struct pf_tar_writer *, const char *name, int fd,
		    uint64_t size, int64_t mtime);
/* Write the end-of-archive blocks, fsync, rename into place; frees w. */
enum pf_err	 pf_tar_finish(struct pf_tar_writer *w);
/* Remove the temporary file and free w (NULL is fine). */
void		 pf_tar_abort(struct pf_tar_writer *w);

struct pf_tar_reader;

/*
 * Open the archive at path (a regular file) for reading; entries whose
 * data exceeds entry_max bytes are refused.  *out is the caller's.
 */
enum pf_err	 pf_tar_open(const char *path, uint64_t entry_max,
		    struct pf_tar_reader **out);
void		 pf_tar_close(struct pf_tar_reader *);
/* Go back to the first entry. */
enum pf_err	 pf_tar_rewind(struct pf_tar_reader *);
/*
 * The next entry's header into *e, checked as said above (its data must
 * lie inside the file).  PF_ERR_NOTFOUND after the last entry.  The data
 * not read by pf_tar_read()/pf_tar_copy() is skipped.
 */
enum pf_err	 pf_tar_next(struct pf_tar_reader *, struct pf_tar_entry *e);
/* The current entry's data into out (replacing it); PF_ERR_LIMIT past max. */
enum pf_err	 pf_tar_read(struct pf_tar_reader *, size_t max, struct pf_buf *out);
/* Copy the current entry's data to fd. */
enum pf_err	 pf_tar_copy(struct pf_tar_reader *, int fd);

#endif
