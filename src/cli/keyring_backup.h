/*
 * keyring_backup.h: the keyring as it goes into and comes out of an archive
 * (`peerfeed export`/`import`): every public key, the owner's secret key
 * and gpg's ownertrust (which holds the disabled flag, i.e. the blocks).
 * A gpgme user beside keyring.c and envelope.c, through keyring_int.h.
 */
#ifndef PF_KEYRING_BACKUP_H
#define PF_KEYRING_BACKUP_H

#include "pf.h"

struct pf_keyring;

#define PF_BACKUP_PUB_MAX	(16 * 1024 * 1024)	/* bytes of all public keys */
#define PF_BACKUP_TRUST_MAX	(1024 * 1024)		/* bytes of the ownertrust list */

/*
 * Export into the three buffers (appended): every public key (binary),
 * the owner's secret key with its subkeys (binary, unprotected, as the
 * node key has no passphrase), and `gpg --export-ownertrust` text.
 */
enum pf_err	 pf_keyring_backup(struct pf_keyring *, struct pf_buf *pub,
		    struct pf_buf *sec, struct pf_buf *trust);
/*
 * Import what pf_keyring_backup() made into an empty keyring: the public
 * keys, the one secret key (refused unless it is exactly one secret key
 * whose fingerprint is expect_fpr) and the ownertrust list (each line
 * checked: "FPR:VALUE:" or a comment), then reload the key cache.
 */
enum pf_err	 pf_keyring_restore(struct pf_keyring *, const struct pf_buf *pub,
		    const struct pf_buf *sec, const struct pf_buf *trust,
		    const char *expect_fpr);
/*
 * Stop the gpg-agent of gnupghome (gpgconf --kill gpg-agent), so its
 * directory can be moved or removed.  Succeeds if none runs.
 */
enum pf_err	 pf_keyring_agent_stop(const char *gnupghome);

#endif
