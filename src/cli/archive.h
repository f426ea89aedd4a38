/*
 * archive.h: the whole node in one file, for `peerfeed export` and
 * `peerfeed import` (a POSIX ustar archive, tar.h).  Entries, in order:
 *
 *	peerfeed-archive	"peerfeed-archive 1\nfingerprint FPR\n", first
 *	peerfeed.conf
 *	gnupg/gpg.conf		groups (comments, groups, peerfeed's defaults only)
 *	keys/public.pgp		every public key (gpg --export)
 *	keys/secret.pgp		the node's secret key, UNPROTECTED
 *	keys/ownertrust.txt	gpg --export-ownertrust (blocks live here)
 *	nonces			"EXPIRES NONCE" lines: the private requests'
 *				nonces still remembered, loaded into the new
 *				index so their replay stays refused
 *	posts/, media/		own posts, signatures, attachments
 *	friends/FPR/		state.json, posts/, media/
 *
 * Not in it: the index (rebuilt on import, but for its nonces), public/ (re-rendered), tmp/,
 * the lock, gpg-agent's sockets and gpg's own files (keys are moved by
 * gpg's export and import).  Anything else in an archive is refused.
 */
#ifndef PF_ARCHIVE_H
#define PF_ARCHIVE_H

#include "pf.h"

#define PF_ARCHIVE_VERSION	1
#define PF_ARCHIVE_MEDIA_MAX	(1024ULL * 1024 * 1024)	/* bytes of one attachment */
#define PF_ARCHIVE_ENTRIES_MAX	10000000UL		/* entries in one archive */

struct pf_archive_stats {
	char	fpr[PF_FPR_MAX];	/* the node's identity */
	size_t	files;			/* regular files, key files included */
	size_t	bytes;			/* their data */
	size_t	posts;			/* indexed after an import */
};

/*
 * Write the node in dir to file (atomically, mode 0600: it holds the
 * secret key), under the store's writer lock so no change is half in it.
 */
enum pf_err	 pf_archive_export(const char *dir, const char *file,
		    struct pf_archive_stats *);
/*
 * Restore file into dir, which must not exist or be an empty directory.
 * The whole archive is checked before anything is written (names, types,
 * sizes, the end of the archive); the files go to "dir.tmp", the keys are
 * imported there with gpg, the index is rebuilt, and only then is
 * "dir.tmp" renamed to dir.  On any failure "dir.tmp" is removed and dir
 * is left as it was.
 */
enum pf_err	 pf_archive_import(const char *file, const char *dir,
		    struct pf_archive_stats *);

#endif
