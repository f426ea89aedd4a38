/*
 * index.h: the LMDB index (index*.c are the only users of LMDB).  The index
 * is a cache of the post files: `peerfeed reindex` rebuilds it from them.
 * Values are copied out before a transaction ends; no MDB_val leaves
 * index*.c.
 *
 * Ordering: every change (a new post, an edit, a tombstone) is keyed by
 * (updated_ms, id).  node.c makes updated_ms strictly increasing for the
 * node's own changes, even when the clock steps back, so a cursor taken
 * from a key never skips a later change, and since the key lives in the
 * file, reindex reproduces the same order and the same cursors.
 */
#ifndef PF_INDEX_H
#define PF_INDEX_H

#include "pf.h"

struct pf_index;
struct pf_post;

#define PF_INDEX_RDONLY	0x1	/* readers: the responder */
#define PF_INDEX_CREATE	0x2	/* create the environment directory if missing */

/* Position in a change stream.  A zeroed cursor is "from the beginning". */
struct pf_cursor {
	int64_t	 ms;
	char	 id[PF_ID_MAX];	/* "" = before every id at ms; "~" = after */
};
#define PF_CURSOR_MAX	64

/*
 * Parse a cursor as printed by pf_cursor_fmt() ("<ms>.<id>"), an RFC 3339
 * time (meaning: changes after that instant), or "" (the beginning).
 */
enum pf_err	 pf_cursor_parse(const char *, struct pf_cursor *);
void		 pf_cursor_fmt(const struct pf_cursor *, char out[PF_CURSOR_MAX]);

/* One stored post, as handed to a visitor; pointers valid during the call. */
struct pf_entry {
	const char	*author;	/* fingerprint */
	const char	*id;
	int64_t		 updated_ms;
	int64_t		 published_ms;
	int		 tombstone;
	const char	*json;		/* exact file bytes */
	size_t		 json_len;
	const char	*sig;		/* armored detached signature, may be empty */
	size_t		 sig_len;
};
/* Visitor: return PF_OK to go on, anything else stops and is returned. */
typedef enum pf_err (*pf_index_fn)(const struct pf_entry *, void *arg);

/*
 * Open (flags: PF_INDEX_*) the environment at path.  Runs mdb_reader_check
 * to clear slots of readers that died.  *out is owned by the caller; close
 * it with pf_index_close() in the process that opened it (never after fork).
 */
enum pf_err	 pf_index_open(const char *path, unsigned flags, struct pf_index **out);
void		 pf_index_close(struct pf_index *);
/*
 * 1 if the data.mdb at the index's path is no longer the file it opened:
 * a reindex swapped a new index in (one stat(2), so a long-lived reader
 * can ask before every request).  0 otherwise, also if there is none.
 */
int		 pf_index_moved(const struct pf_index *);
/*
 * If pf_index_moved(*ix), open the index now at its path with the same
 * flags and close the old one; *ix is then the new one.  On failure *ix
 * is left as it was.
 */
enum pf_err	 pf_index_reopen(struct pf_index **ix);
/*
 * Mark ix retired (on 1) or not (on 0): a reindex retires the old index
 * before it copies the nonces over and swaps the new one in, so from then
 * on pf_index_nonce_add refuses to add a nonce to it (PF_ERR_LOCKED) and
 * no nonce can be lost to the old file.  Works on a read-only handle.
 */
enum pf_err	 pf_index_retire(struct pf_index *, int on);
/* The meta key pf_index_retire sets (pf_index_meta_get finds it). */
#define PF_INDEX_META_RETIRED	"index.retired"

/* One post to store: parsed post plus its exact bytes and signature. */
struct pf_index_item {
	const struct pf_post	*post;
	const char		*json;
	size_t			 json_len;
	const char		*sig;
	size_t			 sig_len;
	int			 own;	/* 1: the owner's post, part of the served feed */
};

/*
 * Store items in one transaction (grow the map and retry on MDB_MAP_FULL).
 * A post whose (author, id) is already stored is replaced, and its old
 * change entries go, so an edit or tombstone moves it to the end of every
 * change stream it is in.  Own posts enter the change stream of each of
 * their audiences, and the timeline; friends' posts the timeline only.
 */
enum pf_err	 pf_index_put(struct pf_index *, const struct pf_index_item *, size_t n);
/* Forget a friend's post entirely (after its file is gone). */
enum pf_err	 pf_index_del(struct pf_index *, const char *author, const char *id);

/*
 * Changes visible to a reader whose audiences are auds[0..naud) (e.g.
 * {"public"} or {"public", "key:FPR", "group:family"}): own posts whose `to`
 * names any of them, after since, oldest first, at most limit (each post once
 * even if it names several of the reader's audiences).  *next is the cursor
 * to ask with next time (since itself when nothing was visited); *more is 1
 * if changes remain after next.
 */
enum pf_err	 pf_index_changes(struct pf_index *, const char *const *auds,
		    size_t naud, const struct pf_cursor *since, size_t limit,
		    pf_index_fn, void *arg, struct pf_cursor *next, int *more);
/* The cursor of the newest change visible to auds (zeroed if none). */
enum pf_err	 pf_index_latest(struct pf_index *, const char *const *auds,
		    size_t naud, struct pf_cursor *out);

/* Visit one post by author and id.  PF_ERR_NOTFOUND if absent. */
enum pf_err	 pf_index_get(struct pf_index *, const char *author, const char *id,
		    pf_index_fn, void *arg);

/*
 * The timeline, newest first by (published, author, id): every author when
 * author is NULL, else that one; tombstones are skipped.  Skips the first
 * skip entries (paging), then visits at most limit.
 */
enum pf_err	 pf_index_timeline(struct pf_index *, const char *author,
		    size_t skip, size_t limit, pf_index_fn, void *arg);

/* Visit every post of author (all authors if NULL) in id order. */
enum pf_err	 pf_index_walk(struct pf_index *, const char *author,
		    pf_index_fn, void *arg);

/* Number of posts stored for author (all if NULL), tombstones included. */
enum pf_err	 pf_index_count(struct pf_index *, const char *author, size_t *n);

/*
 * Small named values (the owner's highest updated_ms and id, a friend's
 * sync cursor copy, a schema version): get copies into out (NUL-terminated,
 * PF_ERR_NOTFOUND if absent), put replaces.
 */
enum pf_err	 pf_index_meta_get(struct pf_index *, const char *key, char *out, size_t outlen);
enum pf_err	 pf_index_meta_put(struct pf_index *, const char *key, const char *val);

/*
 * Remember a request nonce until expires_s (seconds since the epoch),
 * purging expired ones first.  PF_ERR_REPLAY if it is already there;
 * PF_ERR_LOCKED if a reindex retired ix (pf_index_reopen, then again).
 * Works in a PF_INDEX_RDONLY index too: nonces are the one thing a reader
 * writes, in a tiny transaction of their own.
 */
enum pf_err	 pf_index_nonce_add(struct pf_index *, const char *nonce,
		    int64_t now_s, int64_t expires_s);
/*
 * Copy the nonces of from that are still unexpired at now_s into to, so a
 * rebuilt index still refuses replays.  to must be writable.
 */
enum pf_err	 pf_index_nonce_copy(struct pf_index *from, struct pf_index *to,
		    int64_t now_s);
/*
 * The nonces of ix still unexpired at now_s, appended to out as lines
 * "EXPIRES_S NONCE\n" (peerfeed export's "nonces" entry).
 */
enum pf_err	 pf_index_nonce_dump(struct pf_index *ix, int64_t now_s,
		    struct pf_buf *out);
/*
 * Remember every nonce of a dump (text[0..len)) that is still unexpired
 * at now_s, in one transaction (peerfeed import).  PF_ERR_INVALID, naming
 * the line, if a line is not "EXPIRES_S NONCE" with a nonce of 1 to 127
 * printable bytes; ix is then unchanged.
 */
enum pf_err	 pf_index_nonce_load(struct pf_index *ix, const char *text,
		    size_t len, int64_t now_s);

#endif
