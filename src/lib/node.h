/*
 * node.h: the owner's node, the one place that ties store, keyring, posts
 * and index together for writers (CLI, fetcher).  Writes follow doc/DESIGN.md
 * section 8: under the store's writer lock, files first (media, signature,
 * post), index second, then the pre-rendered public feed.  A journal entry
 * written before and removed after each change lets the next writer finish
 * (re-sign and re-index) a change a crash interrupted, so a post is always
 * either its old or its new version, signed and indexed.
 */
#ifndef PF_NODE_H
#define PF_NODE_H

#include "conf.h"
#include "pf.h"

struct pf_store;
struct pf_keyring;
struct pf_index;
struct pf_draft;

struct pf_node {
	struct pf_store		*st;
	struct pf_conf		 conf;
	struct pf_keyring	*kr;		/* NULL unless PF_NODE_KEYRING */
	struct pf_index		*ix;		/* NULL unless PF_NODE_INDEX */
	char			 self[PF_FPR_MAX];	/* "" if no keyring */
	char			*gnupghome;
};

#define PF_NODE_KEYRING	0x1	/* open the keyring and find the owner's key */
#define PF_NODE_INDEX	0x2	/* open the index (read-only unless PF_NODE_WRITE) */
#define PF_NODE_WRITE	0x4	/* writer: take the lock, recover, build a missing index */

/*
 * Create a node in dir: the layout, peerfeed.conf (name, url) and the key.
 * PF_ERR_EXISTS if dir already holds an identity; PF_ERR_CONFIG if the
 * GNUPGHOME path is too long.  fpr gets the new key's fingerprint.
 */
enum pf_err	 pf_node_init(const char *dir, const char *name, const char *email,
		    const char *url, char fpr[PF_FPR_MAX]);
/* Open the node in dir with flags PF_NODE_*.  *out is the caller's. */
enum pf_err	 pf_node_open(const char *dir, unsigned flags, struct pf_node **out);
void		 pf_node_close(struct pf_node *);
/*
 * Write the public files of the node in dir (public/index.html and the
 * rest, feed.h) if public/index.html is missing, as on a node made by
 * v0.1.0 before its next change: opens it as a writer, which is what
 * writes them (pf_node_open() with PF_NODE_WRITE always does), so it
 * waits for the writer lock.  PF_OK at once if the page is there.
 */
enum pf_err	 pf_node_publish_missing(const char *dir);

/*
 * Publish a new post from the draft (image: a file to attach, or NULL).
 * id gets the new post's id.
 */
enum pf_err	 pf_node_post(struct pf_node *, const struct pf_draft *, const char *image,
		    char id[PF_ID_MAX]);
/* Edit own post id: draft fields replace old ones, updated moves. */
enum pf_err	 pf_node_edit(struct pf_node *, const char *id, const struct pf_draft *,
		    const char *image);
/* Replace own post id by a tombstone (the file stays, so the delete propagates). */
enum pf_err	 pf_node_delete(struct pf_node *, const char *id);

/* Called for each problem found: the file concerned and what is wrong. */
typedef void	(*pf_node_report_fn)(const char *file, const char *problem, void *arg);

/*
 * Rebuild the index from the post files (own and friends'), in a new
 * environment swapped in when complete.  Malformed files are reported and
 * skipped, never deleted.  *nposts gets the number indexed.
 */
enum pf_err	 pf_node_reindex(struct pf_node *, pf_node_report_fn, void *,
		    size_t *nposts);
/*
 * Compare files and index, report every difference; verify: also check
 * every detached signature with gpg.  *nproblems gets the count.
 */
enum pf_err	 pf_node_check(struct pf_node *, int verify, pf_node_report_fn, void *,
		    size_t *nproblems);

#endif
