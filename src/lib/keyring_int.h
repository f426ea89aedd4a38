/*
 * keyring_int.h: the keyring's private structure, shared by the users of
 * gpgme only: keyring.c, envelope.c, envelope_post.c and
 * src/cli/keyring_backup.c.  Nothing else includes it.
 */
#ifndef PF_KEYRING_INT_H
#define PF_KEYRING_INT_H

#include <limits.h>
#include <stdint.h>

#include <gpgme.h>

#include "keyring.h"

/*
 * One gpgme context per keyring: a keyring is used by one thread at a
 * time.  keys caches every public key (the owner's included), listed once
 * at open and after every change; self points into keys (or is NULL
 * before `peerfeed init`).
 */
#define PF_SIGKEYS_MAX	8	/* signing (sub)keys of one author kept */

/* An Ed25519 signing (sub)key's public part (envelope_post.c). */
struct pf_sigkey {
	unsigned char	 keyid[8];
	unsigned char	 q[33];		/* 0x40, then the point */
	int64_t		 created;	/* seconds */
};

/*
 * sk caches the usable Ed25519 signing (sub)keys of one author, sk_author
 * ("" none), for envelope_post.c; a cache reload empties it.
 */
struct pf_keyring {
	char		 home[PATH_MAX];
	gpgme_ctx_t	 ctx;
	gpgme_key_t	*keys;
	size_t		 nkeys;
	gpgme_key_t	 self;
	char		 sk_author[PF_FPR_MAX];
	struct pf_sigkey sk[PF_SIGKEYS_MAX];
	size_t		 nsk;
};

/*
 * Record a gpgme failure: "what: gpgme's reason" under code, and return
 * code.  Uses gpgme_strerror_r (thread-safe).
 */
enum pf_err	 pf_keyring_gpgerr(enum pf_err code, gpgme_error_t err,
		    const char *what);
/* True if err is gpg-agent's or the IPC to it failed (never the input's). */
int		 pf_keyring_agent_code(gpgme_error_t err);
/*
 * Record the failure err of an operation that needed the owner's secret
 * key: PF_ERR_AGENT if err is an agent error or gpg cannot use that key
 * now (gpg-agent cannot be reached or started: the server's fault, 503),
 * else as pf_keyring_gpgerr(code, ...).  Asking costs one gpg process:
 * call it on failures only.
 */
enum pf_err	 pf_keyring_seckey_err(struct pf_keyring *, enum pf_err code,
		    gpgme_error_t err, const char *what);
/* The cached key whose primary fingerprint is fpr, or NULL.  Borrowed. */
gpgme_key_t	 pf_keyring_find(const struct pf_keyring *, const char *fpr);
/*
 * The cached key holding a (sub)key with fingerprint subfpr, or NULL; *sub
 * gets that subkey.  Borrowed: valid until the next cache reload.
 */
gpgme_key_t	 pf_keyring_find_sub(const struct pf_keyring *, const char *subfpr,
		    gpgme_subkey_t *sub);
/* Append a gpgme memory data object's bytes to out; d is always released. */
enum pf_err	 pf_keyring_data_take(gpgme_data_t d, struct pf_buf *out);
/* True if the primary key is revoked, expired, disabled or invalid. */
int		 pf_keyring_unusable(gpgme_key_t);

#endif
