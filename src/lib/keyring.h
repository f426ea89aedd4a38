/*
 * keyring.h: the node's GnuPG keyring (keyring.c, envelope.c,
 * envelope_post.c and src/cli/keyring_backup.c are the users of gpgme,
 * through keyring_int.h).  The keyring is the truth about identity: the
 * one secret key is the owner, every other public key is a friend, pinned
 * by its full fingerprint, and a disabled key is a blocked one.
 */
#ifndef PF_KEYRING_H
#define PF_KEYRING_H

#include "pf.h"

struct pf_keyring;

#define PF_KEY_MAX	65536	/* bytes of an imported key, armored or not */

struct pf_keyinfo {
	char	fpr[PF_FPR_MAX];	/* primary key */
	char	uid[256];		/* first user id, "Name <email>" */
	int	secret;			/* the owner's own key */
	int	disabled;		/* blocked */
	int	revoked;
	int	expired;
	int	invalid;
};

/*
 * Open the keyring in gnupghome (created 0700 if missing).  Fails with
 * PF_ERR_CONFIG and a message saying so when the path is too long for
 * gpg-agent's socket (about 107 bytes).  Caches the own and friends' keys.
 */
enum pf_err	 pf_keyring_open(const char *gnupghome, struct pf_keyring **out);
void		 pf_keyring_close(struct pf_keyring *);
/* The GNUPGHOME this keyring uses.  Borrowed. */
const char	*pf_keyring_home(const struct pf_keyring *);

/*
 * Create the node identity: an ed25519 signing primary key and a cv25519
 * encryption subkey, uid "name <email>" (email may be NULL), no passphrase,
 * no expiry.  PF_ERR_EXISTS if a secret key is already there.
 */
enum pf_err	 pf_keyring_generate(struct pf_keyring *, const char *name,
		    const char *email, char fpr[PF_FPR_MAX]);
/* The owner's key.  PF_ERR_NOTFOUND before `peerfeed init`. */
enum pf_err	 pf_keyring_self(struct pf_keyring *, struct pf_keyinfo *);
/* Armored public key of fpr into out. */
enum pf_err	 pf_keyring_export(struct pf_keyring *, const char *fpr, struct pf_buf *out);

/*
 * Import one public key (armored or binary, at most PF_KEY_MAX bytes).
 * Refused with a clear message: more than one key, a secret key, a key
 * that does not match expect_fpr (when not NULL), the owner's own key.
 * On success fpr holds the imported primary fingerprint.
 */
enum pf_err	 pf_keyring_import(struct pf_keyring *, const void *data, size_t len,
		    const char *expect_fpr, char fpr[PF_FPR_MAX]);
/* Delete a friend's public key.  Never the owner's. */
enum pf_err	 pf_keyring_delete(struct pf_keyring *, const char *fpr);
/* Every public key but the owner's.  *list is the caller's to free(). */
enum pf_err	 pf_keyring_list(struct pf_keyring *, struct pf_keyinfo **list, size_t *n);
/* One key by full fingerprint (cached; no gpg process). */
enum pf_err	 pf_keyring_lookup(struct pf_keyring *, const char *fpr, struct pf_keyinfo *);
/* Block (1) or unblock (0): the key's disabled flag, as gpg --edit-key disable. */
enum pf_err	 pf_keyring_set_disabled(struct pf_keyring *, const char *fpr, int disabled);
/* Re-read the key cache after keys changed outside this keyring. */
enum pf_err	 pf_keyring_reload(struct pf_keyring *);

#endif
