/*
 * index_int.h: the index's private structure and encodings, shared by
 * index.c, index_put.c, index_feed.c and index_nonce.c only (the users
 * of LMDB).  Nothing else includes it.
 *
 * One environment, six named databases (integers are big-endian; a signed
 * 64-bit time is stored with its sign bit flipped so memcmp orders it):
 *
 *   posts     "author\0id" -> header (struct vhdr layout, VHDR bytes),
 *             json bytes, NUL, signature bytes, NUL, audiences each
 *             followed by NUL.  The NULs let callers treat json and sig
 *             as C strings.
 *   changes   own posts only: "aud\0" ms(8) id -> author; one entry per
 *             audience of the post, ms = updated_ms.  The key leaves the
 *             author out because every own post has the same one.
 *   timeline  published_ms(8) author "\0" id -> "" for every post that is
 *             not a tombstone, so newest first is a reverse scan.
 *   meta      key -> value, both text.
 *   nonces    nonce -> expires_s(8).
 *   nonce_exp expires_s(8) nonce -> "", so expired nonces are purged from
 *             the front without scanning the live ones.
 *
 * A struct pf_index is for one thread at a time: growing the map
 * (MDB_MAP_FULL) or adopting another process's growth (MDB_MAP_RESIZED)
 * needs every transaction of this process to be finished.  Visitors run
 * inside a read transaction and must not write to the index.
 */
#ifndef PF_INDEX_INT_H
#define PF_INDEX_INT_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>

#include <lmdb.h>

#include "pf.h"
#include "index.h"
#include "post.h"

#define META_KEY_MAX	128
#define META_VAL_MAX	1024

#define VHDR		32	/* updated(8) published(8) flags(4) json(4) sig(4) naud(4) */
#define VF_TOMBSTONE	0x1
#define VF_OWN		0x2

#define PKEY_MAX	(PF_FPR_MAX + PF_ID_MAX)
#define CKEY_MAX	(PF_AUD_MAX + 8 + PF_ID_MAX)
#define TKEY_MAX	(8 + PF_FPR_MAX + PF_ID_MAX)

struct pf_index {
	MDB_env		*env;
	MDB_dbi		 posts;
	MDB_dbi		 changes;
	MDB_dbi		 timeline;
	MDB_dbi		 meta;
	MDB_dbi		 nonces;
	MDB_dbi		 nexp;
	unsigned	 flags;
	char		 data[PATH_MAX];	/* path of its data.mdb */
	dev_t		 dev;			/* and that file's identity, */
	ino_t		 ino;			/* taken at open */
};

#define META_RETIRED	PF_INDEX_META_RETIRED
/* What a write step returns into a retired index (never an LMDB code). */
#define RC_RETIRED	(-1)

/* A decoded posts value; pointers into the LMDB page. */
struct val {
	int64_t		 updated_ms;
	int64_t		 published_ms;
	uint32_t	 flags;
	const char	*json;
	size_t		 json_len;
	const char	*sig;
	size_t		 sig_len;
	uint32_t	 naud;
	const char	*auds;		/* naud NUL-terminated strings */
};

/* A step of pf_index_write_txn(): 0 to commit, or an LMDB code. */
typedef int (*write_fn)(struct pf_index *, MDB_txn *, void *);

/*
 * Big-endian integers in keys and values.  put64() flips the sign bit so
 * memcmp orders signed times; get64() flips it back.
 */
static inline void
put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v ^ ((uint64_t)1 << 63);
	int	 i;

	for (i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)u;
}

static inline int64_t
get64(const unsigned char *p)
{
	uint64_t u = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return (int64_t)(u ^ ((uint64_t)1 << 63));
}

static inline void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Map an LMDB return code to PF_ERR_INDEX with LMDB's own words. */
enum pf_err	 pf_index_lmdb_err(int rc, const char *what);
/* Copy n bytes of a key into a C string of size outlen; -1 if too long. */
int		 pf_index_copystr(char *out, size_t outlen, const void *p,
		    size_t n);
/* Key "author\0id" into buf (PKEY_MAX); returns its length. */
size_t		 pf_index_post_key(char *buf, const char *author,
		    const char *id);
/* Key "aud\0" ms id into buf (CKEY_MAX); returns its length. */
size_t		 pf_index_chg_key(unsigned char *buf, const char *aud,
		    int64_t ms, const char *id);
/* Key published(8) "author\0id" into buf (TKEY_MAX); returns its length. */
size_t		 pf_index_tl_key(unsigned char *buf, int64_t published,
		    const char *author, const char *id);
/* Split a posts or timeline key back into author and id. */
int		 pf_index_split_key(const unsigned char *p, size_t n,
		    char author[PF_FPR_MAX], char id[PF_ID_MAX]);
/* Decode a posts value; MDB_CORRUPTED if its lengths do not add up. */
int		 pf_index_val_decode(const MDB_val *v, struct val *out);

/* Begin a transaction, adopting a map another process grew. */
int		 pf_index_txn_begin(struct pf_index *ix, unsigned flags,
		    MDB_txn **txn);
/*
 * Run fn in one write transaction and commit it, growing the map and
 * running fn again on MDB_MAP_FULL.  Returns an LMDB code.
 */
int		 pf_index_write_txn(struct pf_index *ix, write_fn fn,
		    void *arg);

/* Look up (author, id) with the posts cursor pc and hand it to fn. */
enum pf_err	 pf_index_visit_post(MDB_cursor *pc, const char *author,
		    const char *id, pf_index_fn fn, void *arg);

/* Read a meta value inside txn into out; MDB_NOTFOUND if absent. */
int		 pf_index_meta_read(struct pf_index *ix, MDB_txn *txn,
		    const char *k, char *out, size_t outlen);
/* Write a meta value inside txn; an LMDB code. */
int		 pf_index_meta_write(struct pf_index *ix, MDB_txn *txn,
		    const char *k, const char *v);

#endif
