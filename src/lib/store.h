/*
 * store.h: the state directory on disk (doc/DESIGN.md section 2).  Plain
 * files are the truth.  Every write is atomic: temp file beside it, fsync,
 * rename, fsync of the directory; a failed fsync is an error, never retried.
 * Relative names (rel) are checked: no "..", no absolute paths, no NUL.
 */
#ifndef PF_STORE_H
#define PF_STORE_H

#include <sys/types.h>

#include "pf.h"

struct pf_store;

/*
 * The state directory's format version this program writes (DIR/format
 * holds it, one number and a newline; a directory without it is format 1,
 * v0.1.0's).  doc/CHANGES.md says what each version changed.
 */
#define PF_STORE_FORMAT	2

/*
 * The state directory to use: opt (from -d) if not NULL, else $PEERFEED_HOME,
 * else the built-in default (LOCALSTATEDIR/lib/peerfeed).  Borrowed/static.
 */
const char	*pf_store_dir(const char *opt);

/*
 * Open the state directory dir.  create: make it and its layout (posts/,
 * media/, friends/, public/, gnupg/ 0700, tmp/) if missing.  *out is owned
 * by the caller.  PF_ERR_NOTFOUND if dir does not exist and !create;
 * PF_ERR_CONFIG, with nothing touched, if its format is newer than
 * PF_STORE_FORMAT or its marker is damaged.
 */
enum pf_err	 pf_store_open(const char *dir, int create, struct pf_store **out);
void		 pf_store_close(struct pf_store *);
/* The directory path (absolute).  Borrowed. */
const char	*pf_store_path(const struct pf_store *);
/* DIR/rel as a new string the caller frees; NULL on allocation failure. */
char		*pf_store_join(const struct pf_store *, const char *rel);

/* The directory's format version (1 to PF_STORE_FORMAT). */
int		 pf_store_format(const struct pf_store *);

/*
 * Take the store's writer lock (flock on DIR/lock): one writer at a time,
 * readers never take it.  wait: block until free; else PF_ERR_LOCKED.
 * The first time a store is locked, the temp files that killed writers
 * left behind (".tmp-<pid>-...", whose process is gone) are removed.
 * Every lock then upgrades an older directory to PF_STORE_FORMAT in place,
 * crash-safely (doc/CHANGES.md); PF_ERR_CONFIG if it is from the future.
 */
enum pf_err	 pf_store_lock(struct pf_store *, int wait);
/*
 * Refuse a change of about need bytes before writing anything when the
 * filesystem has less than that plus a small reserve free: a full disk
 * then fails a change cleanly instead of halfway through.
 */
enum pf_err	 pf_store_room(struct pf_store *, size_t need);
void		 pf_store_unlock(struct pf_store *);

/* Atomically create or replace DIR/rel with the bytes given (mode 0644). */
enum pf_err	 pf_store_write(struct pf_store *, const char *rel, const void *, size_t);
/* Read DIR/rel into out (replacing its contents); PF_ERR_LIMIT past max bytes. */
enum pf_err	 pf_store_read(struct pf_store *, const char *rel, size_t max, struct pf_buf *out);
/* Remove DIR/rel and fsync its directory.  PF_OK if it did not exist. */
enum pf_err	 pf_store_unlink(struct pf_store *, const char *rel);
/* True if DIR/rel exists. */
int		 pf_store_exists(struct pf_store *, const char *rel);
/* Create DIR/rel (and parents) as directories with mode. */
enum pf_err	 pf_store_mkdir(struct pf_store *, const char *rel, mode_t mode);

/*
 * Names in DIR/reldir ending in suffix (and not starting with '.'), sorted.
 * *names is an array of n strings; free with pf_store_names_free().
 */
enum pf_err	 pf_store_list(struct pf_store *, const char *reldir, const char *suffix,
		    char ***names, size_t *n);
void		 pf_store_names_free(char **, size_t n);

/*
 * Read the file at path (outside the store) into out, replacing its
 * contents; PF_ERR_LIMIT past max bytes, PF_ERR_NOTFOUND if it cannot be
 * opened.
 */
enum pf_err	 pf_store_read_file(const char *path, size_t max, struct pf_buf *out);
/*
 * Store len bytes as DIR/reldir/<sha256>; sha gets the hex digest.  A file
 * already present under that name is kept as it is.
 */
enum pf_err	 pf_store_add_media(struct pf_store *, const char *reldir,
		    const void *data, size_t len, char sha[PF_SHA256_HEX]);
/*
 * Store len bytes as DIR/thumbs/<sha>, the thumbnail of the picture whose
 * SHA-256 is sha (own or a friend's: the same bytes, the same thumbnail).
 * thumbs/ is a cache: made when missing, never exported or sent.
 */
enum pf_err	 pf_store_add_thumb(struct pf_store *, const char *sha,
		    const void *data, size_t len);

#endif
