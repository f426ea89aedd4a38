/*
 * keyring.c: the node's GnuPG keyring through gpgme.  Every key object is
 * listed once at open (and after each change) and kept, so looking a key
 * up never starts a gpg process (doc/DESIGN.md section 5.4, set-up 4).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyring_int.h"

#define GPGME_MIN_VERSION	"1.18.0"
#define AGENT_SOCKET		"/S.gpg-agent.extra"	/* its longest socket */
#define SUN_PATH_MAX		107

static const char gpg_conf_defaults[] =
    "# Written by peerfeed.  Keys are pinned by fingerprint: never fetch them.\n"
    "no-auto-key-retrieve\n"
    "import-options import-clean\n"
    "# Groups of friends (peerfeed group ...) follow as \"group NAME = FPR ...\".\n";
static const char agent_conf_defaults[] =
    "# Written by peerfeed: parallel decryptions need more secure memory.\n"
    "auto-expand-secmem\n";

static pthread_once_t	 gpgme_once = PTHREAD_ONCE_INIT;
static const char	*gpgme_init_err;

enum pf_err
pf_keyring_gpgerr(enum pf_err code, gpgme_error_t err, const char *what)
{
	char reason[256];

	if (gpgme_strerror_r(err, reason, sizeof(reason)) != 0)
		reason[sizeof(reason) - 1] = '\0';
	return pf_err(code, "%s: %s", what, reason);
}

int
pf_keyring_agent_code(gpgme_error_t err)
{
	gpg_err_code_t c = gpg_err_code(err);

	return c == GPG_ERR_NO_AGENT || c == GPG_ERR_AGENT ||
	    (c >= GPG_ERR_ASS_GENERAL && c <= GPG_ERR_ASS_UNKNOWN_INQUIRE);
}

/* True if gpg lists the owner's secret key now: gpg-agent answers. */
static int
self_usable(struct pf_keyring *kr)
{
	gpgme_key_t	key = NULL;
	int		found;

	if (gpgme_op_keylist_start(kr->ctx, kr->self->fpr, 1) != 0)
		return 0;
	found = gpgme_op_keylist_next(kr->ctx, &key) == 0;
	gpgme_key_unref(key);
	gpgme_op_keylist_end(kr->ctx);
	return found;
}

enum pf_err
pf_keyring_seckey_err(struct pf_keyring *kr, enum pf_err code,
    gpgme_error_t err, const char *what)
{
	char reason[256];

	/* An agent or IPC error says it all; else ask (gpg may restart it). */
	if (kr->self == NULL || (!pf_keyring_agent_code(err) &&
	    self_usable(kr)))
		return pf_keyring_gpgerr(code, err, what);
	if (gpgme_strerror_r(err, reason, sizeof(reason)) != 0)
		reason[sizeof(reason) - 1] = '\0';
	return pf_err(PF_ERR_AGENT, "%s: the node's secret key cannot be used "
	    "now: gpg-agent cannot be reached or started (gpg: %s); try again "
	    "later", what, reason);
}

/*
 * Process-wide gpgme set-up, run once: gpgme_check_version must be the
 * first gpgme call (it also ignores SIGPIPE), then the engine must be a gpg
 * gpgme can drive.
 */
static void
gpgme_init(void)
{
	if (gpgme_check_version(GPGME_MIN_VERSION) == NULL) {
		gpgme_init_err = "gpgme " GPGME_MIN_VERSION " or later is required";
		return;
	}
	if (gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) != 0)
		gpgme_init_err = "no usable gpg engine (GnuPG 2.2 or later) found";
}

/*
 * Create home (0700) if it is missing, and store its absolute path in
 * abs (PATH_MAX).  PF_ERR_CONFIG when the path cannot hold gpg-agent's
 * sockets.
 */
static enum pf_err
home_prepare(const char *home, char *abs)
{
	struct stat st;
	size_t	    n;

	if (mkdir(home, 0700) == -1 && errno != EEXIST)
		return pf_err(PF_ERR_CONFIG, "%s: cannot create GNUPGHOME: %s",
		    home, strerror(errno));
	if (stat(home, &st) == -1 || !S_ISDIR(st.st_mode))
		return pf_err(PF_ERR_CONFIG, "%s: GNUPGHOME is not a directory",
		    home);
	if (realpath(home, abs) == NULL)
		return pf_err(PF_ERR_CONFIG, "%s: %s", home, strerror(errno));
	n = strlen(abs) + strlen(AGENT_SOCKET);
	if (n > SUN_PATH_MAX)
		return pf_err(PF_ERR_CONFIG, "GNUPGHOME path too long for "
		    "gpg-agent's socket (%zu > %d bytes): use a shorter state "
		    "directory", n, SUN_PATH_MAX);
	return PF_OK;
}

/*
 * Write home/name with text if that file does not exist yet; an existing
 * file is the owner's and stays as it is.
 */
static enum pf_err
write_if_missing(const char *home, const char *name, const char *text)
{
	char	path[PATH_MAX];
	size_t	len = strlen(text);
	int	fd;
	enum pf_err e = PF_OK;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", home, name) >=
	    sizeof(path))
		return pf_err(PF_ERR_CONFIG, "%s/%s: path too long", home, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return errno == EEXIST ? PF_OK : pf_err(PF_ERR_SYS,
		    "%s: %s", path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1)
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	if (close(fd) == -1 && e == PF_OK)
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	if (e != PF_OK)
		unlink(path);
	return e;
}

/*
 * The one gpgme context of a keyring, set up as doc/DESIGN.md section 5.4
 * (set-up 2) says:
 * our GNUPGHOME, OpenPGP, offline, never a pinentry, no key retrieval.
 */
static enum pf_err
ctx_setup(struct pf_keyring *kr)
{
	static const char *const flags[][2] = {
		{ "auto-key-retrieve", "0" },
		{ "auto-key-import", "0" },
		{ "no-symkey-cache", "1" },
	};
	gpgme_error_t	err;
	size_t		i;

	if ((err = gpgme_new(&kr->ctx)) != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "gpgme_new");
	if ((err = gpgme_ctx_set_engine_info(kr->ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, kr->home)) != 0 ||
	    (err = gpgme_set_protocol(kr->ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_set_pinentry_mode(kr->ctx,
	    GPGME_PINENTRY_MODE_ERROR)) != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "gpgme context");
	gpgme_set_offline(kr->ctx, 1);
	/* Keygrips: to find the owner's key when gpg-agent is down. */
	gpgme_set_keylist_mode(kr->ctx, GPGME_KEYLIST_MODE_LOCAL |
	    GPGME_KEYLIST_MODE_WITH_KEYGRIP);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if ((err = gpgme_set_ctx_flag(kr->ctx, flags[i][0],
		    flags[i][1])) != 0)
			return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, flags[i][0]);
	return PF_OK;
}

static void
cache_free(struct pf_keyring *kr)
{
	size_t i;

	for (i = 0; i < kr->nkeys; i++)
		gpgme_key_unref(kr->keys[i]);
	free(kr->keys);
	kr->keys = NULL;
	kr->nkeys = 0;
	kr->self = NULL;
	kr->sk_author[0] = '\0';
	kr->nsk = 0;
}

/* Append every key of a started keylist operation to *keys. */
static enum pf_err
keylist_collect(gpgme_ctx_t ctx, gpgme_key_t **keys, size_t *n)
{
	gpgme_key_t	 key, *p;
	gpgme_error_t	 err;

	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		if ((p = reallocarray(*keys, *n + 1, sizeof(*p))) == NULL) {
			gpgme_key_unref(key);
			gpgme_op_keylist_end(ctx);
			return pf_err(PF_ERR_NOMEM, "out of memory");
		}
		*keys = p;
		(*keys)[(*n)++] = key;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "listing keys");
	return PF_OK;
}

/*
 * The cached key with a (sub)key whose secret part gpg-agent keeps in
 * private-keys-v1.d, or NULL.  Asked when gpg lists no secret key: gpg
 * lists none when the agent cannot be reached or started, and the owner's
 * key must not then look absent ("run peerfeed init").
 */
static gpgme_key_t
self_on_disk(const struct pf_keyring *kr)
{
	char		path[PATH_MAX];
	gpgme_subkey_t	sk;
	size_t		i;

	for (i = 0; i < kr->nkeys; i++)
		for (sk = kr->keys[i]->subkeys; sk != NULL; sk = sk->next) {
			if (sk->keygrip == NULL || strlen(sk->keygrip) != 40 ||
			    strspn(sk->keygrip, "0123456789ABCDEF") != 40)
				continue;
			if ((size_t)snprintf(path, sizeof(path),
			    "%s/private-keys-v1.d/%s.key", kr->home,
			    sk->keygrip) < sizeof(path) && access(path, F_OK) == 0)
				return kr->keys[i];
		}
	return NULL;
}

/*
 * (Re)load the cache: one listing of all public keys, one of the secret
 * keys to learn which of them is the owner's.
 */
static enum pf_err
cache_load(struct pf_keyring *kr)
{
	gpgme_key_t	*sec = NULL;
	size_t		 nsec = 0, i;
	gpgme_error_t	 err;
	enum pf_err	 e;

	cache_free(kr);
	if ((err = gpgme_op_keylist_start(kr->ctx, NULL, 0)) != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "listing keys");
	if ((e = keylist_collect(kr->ctx, &kr->keys, &kr->nkeys)) != PF_OK)
		goto out;
	if ((err = gpgme_op_keylist_start(kr->ctx, NULL, 1)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "listing secret keys");
		goto out;
	}
	if ((e = keylist_collect(kr->ctx, &sec, &nsec)) != PF_OK)
		goto out;
	/* The first secret key is the owner (generate allows only one). */
	if (nsec > 0)
		kr->self = pf_keyring_find(kr, sec[0]->fpr);
	else
		kr->self = self_on_disk(kr);
out:
	for (i = 0; i < nsec; i++)
		gpgme_key_unref(sec[i]);
	free(sec);
	return e;
}

enum pf_err
pf_keyring_open(const char *gnupghome, struct pf_keyring **out)
{
	struct pf_keyring *kr;
	enum pf_err	   e;

	pthread_once(&gpgme_once, gpgme_init);
	if (gpgme_init_err != NULL)
		return pf_err(PF_ERR_CONFIG, "%s", gpgme_init_err);
	if ((kr = calloc(1, sizeof(*kr))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = home_prepare(gnupghome, kr->home)) != PF_OK ||
	    (e = write_if_missing(kr->home, "gpg.conf",
	    gpg_conf_defaults)) != PF_OK ||
	    (e = write_if_missing(kr->home, "gpg-agent.conf",
	    agent_conf_defaults)) != PF_OK ||
	    (e = ctx_setup(kr)) != PF_OK ||
	    (e = cache_load(kr)) != PF_OK)
		goto out;
	*out = kr;
	kr = NULL;
out:
	pf_keyring_close(kr);
	return e;
}

void
pf_keyring_close(struct pf_keyring *kr)
{
	if (kr == NULL)
		return;
	cache_free(kr);
	if (kr->ctx != NULL)
		gpgme_release(kr->ctx);
	free(kr);
}

const char *
pf_keyring_home(const struct pf_keyring *kr)
{
	return kr->home;
}

enum pf_err
pf_keyring_reload(struct pf_keyring *kr)
{
	return cache_load(kr);
}

gpgme_key_t
pf_keyring_find(const struct pf_keyring *kr, const char *fpr)
{
	size_t i;

	for (i = 0; i < kr->nkeys; i++)
		if (kr->keys[i]->fpr != NULL && strcmp(kr->keys[i]->fpr, fpr) == 0)
			return kr->keys[i];
	return NULL;
}

gpgme_key_t
pf_keyring_find_sub(const struct pf_keyring *kr, const char *subfpr,
    gpgme_subkey_t *sub)
{
	gpgme_subkey_t	sk;
	size_t		i;

	for (i = 0; i < kr->nkeys; i++)
		for (sk = kr->keys[i]->subkeys; sk != NULL; sk = sk->next)
			if (sk->fpr != NULL && strcmp(sk->fpr, subfpr) == 0) {
				*sub = sk;
				return kr->keys[i];
			}
	return NULL;
}

int
pf_keyring_unusable(gpgme_key_t k)
{
	return k->revoked || k->expired || k->disabled || k->invalid;
}

static void
keyinfo_fill(const struct pf_keyring *kr, gpgme_key_t k, struct pf_keyinfo *ki)
{
	memset(ki, 0, sizeof(*ki));
	snprintf(ki->fpr, sizeof(ki->fpr), "%s", k->fpr);
	if (k->uids != NULL && k->uids->uid != NULL)
		snprintf(ki->uid, sizeof(ki->uid), "%s", k->uids->uid);
	ki->secret = k == kr->self;
	ki->disabled = k->disabled;
	ki->revoked = k->revoked;
	ki->expired = k->expired;
	ki->invalid = k->invalid;
}

/* The cached key for a fingerprint in any case, or PF_ERR_NOTFOUND. */
static enum pf_err
key_get(const struct pf_keyring *kr, const char *fpr, gpgme_key_t *key)
{
	char		norm[PF_FPR_MAX];
	enum pf_err	e;

	if ((e = pf_fpr_normalize(fpr, norm)) != PF_OK)
		return e;
	if ((*key = pf_keyring_find(kr, norm)) == NULL)
		return pf_err(PF_ERR_NOTFOUND, "no key %s in the keyring", norm);
	return PF_OK;
}

enum pf_err
pf_keyring_self(struct pf_keyring *kr, struct pf_keyinfo *ki)
{
	if (kr->self == NULL)
		return pf_err(PF_ERR_NOTFOUND,
		    "no node key yet: run `peerfeed init` first");
	keyinfo_fill(kr, kr->self, ki);
	return PF_OK;
}

enum pf_err
pf_keyring_lookup(struct pf_keyring *kr, const char *fpr, struct pf_keyinfo *ki)
{
	gpgme_key_t	key;
	enum pf_err	e;

	if ((e = key_get(kr, fpr, &key)) != PF_OK)
		return e;
	keyinfo_fill(kr, key, ki);
	return PF_OK;
}

enum pf_err
pf_keyring_list(struct pf_keyring *kr, struct pf_keyinfo **list, size_t *n)
{
	struct pf_keyinfo *l;
	size_t		   i, k = 0;

	if ((l = calloc(kr->nkeys + 1, sizeof(*l))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	for (i = 0; i < kr->nkeys; i++)
		if (kr->keys[i] != kr->self)
			keyinfo_fill(kr, kr->keys[i], &l[k++]);
	*list = l;
	*n = k;
	return PF_OK;
}

enum pf_err
pf_keyring_data_take(gpgme_data_t d, struct pf_buf *out)
{
	size_t		 len;
	char		*p;
	enum pf_err	 e;

	if ((p = gpgme_data_release_and_get_mem(d, &len)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	e = pf_buf_add(out, p, len);
	gpgme_free(p);
	return e;
}

enum pf_err
pf_keyring_export(struct pf_keyring *kr, const char *fpr, struct pf_buf *out)
{
	gpgme_key_t	key;
	gpgme_data_t	d = NULL;
	gpgme_error_t	err;
	enum pf_err	e;

	if ((e = key_get(kr, fpr, &key)) != PF_OK)
		return e;
	if ((err = gpgme_data_new(&d)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, "export");
	gpgme_set_armor(kr->ctx, 1);
	err = gpgme_op_export(kr->ctx, key->fpr, GPGME_EXPORT_MODE_MINIMAL, d);
	if (err != 0) {
		gpgme_data_release(d);
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "export");
	}
	return pf_keyring_data_take(d, out);
}

/* True if s is 1..max bytes of printable text without any of bad. */
static int
uid_part_ok(const char *s, size_t max, const char *bad)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    strchr(bad, s[i]) != NULL)
			return 0;
	return 1;
}

/* The user id "name <email>" (or "name") into uid, after validation. */
static enum pf_err
uid_make(const char *name, const char *email, char *uid, size_t sz)
{
	if (name == NULL || !uid_part_ok(name, 100, "<>"))
		return pf_err(PF_ERR_INVALID, "name: 1 to 100 printable "
		    "characters without < or > required");
	if (email == NULL) {
		snprintf(uid, sz, "%s", name);
		return PF_OK;
	}
	if (!uid_part_ok(email, 128, "<> ") || strchr(email, '@') == NULL ||
	    strchr(email, '@') != strrchr(email, '@'))
		return pf_err(PF_ERR_INVALID, "email: \"%.128s\" is not an "
		    "address of the form user@host", email);
	snprintf(uid, sz, "%s <%s>", name, email);
	return PF_OK;
}

/* Add the cv25519 encryption subkey to the new primary key fpr. */
static enum pf_err
add_encryption_subkey(struct pf_keyring *kr, const char *fpr)
{
	gpgme_key_t	key = NULL;
	gpgme_error_t	err;

	if ((err = gpgme_get_key(kr->ctx, fpr, &key, 1)) != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "new key");
	err = gpgme_op_createsubkey(kr->ctx, key, "cv25519", 0, 0,
	    GPGME_CREATE_ENCR | GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE);
	gpgme_key_unref(key);
	if (err != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err,
		    "creating the cv25519 encryption subkey");
	return PF_OK;
}

/* Remove a half-made node key (primary without its subkey), best effort. */
static void
discard_key(struct pf_keyring *kr, const char *fpr)
{
	gpgme_key_t key = NULL;

	if (gpgme_get_key(kr->ctx, fpr, &key, 1) != 0)
		return;
	(void)gpgme_op_delete_ext(kr->ctx, key,
	    GPGME_DELETE_ALLOW_SECRET | GPGME_DELETE_FORCE);
	gpgme_key_unref(key);
}

enum pf_err
pf_keyring_generate(struct pf_keyring *kr, const char *name,
    const char *email, char fpr[PF_FPR_MAX])
{
	char			 uid[256], newfpr[PF_FPR_MAX];
	gpgme_genkey_result_t	 r;
	gpgme_error_t		 err;
	enum pf_err		 e;

	if (kr->self != NULL)
		return pf_err(PF_ERR_EXISTS, "the node key %s already exists",
		    kr->self->fpr);
	if ((e = uid_make(name, email, uid, sizeof(uid))) != PF_OK)
		return e;
	err = gpgme_op_createkey(kr->ctx, uid, "ed25519", 0, 0, NULL,
	    GPGME_CREATE_SIGN | GPGME_CREATE_CERT | GPGME_CREATE_NOPASSWD |
	    GPGME_CREATE_NOEXPIRE);
	if (err != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err,
		    "creating the ed25519 node key");
	if ((r = gpgme_op_genkey_result(kr->ctx)) == NULL || r->fpr == NULL ||
	    pf_fpr_normalize(r->fpr, newfpr) != PF_OK)
		return pf_err(PF_ERR_CRYPTO, "gpg made a key but did not say "
		    "which");
	if ((e = add_encryption_subkey(kr, newfpr)) != PF_OK) {
		discard_key(kr, newfpr);
		return e;
	}
	if ((e = cache_load(kr)) != PF_OK)
		return e;
	if (kr->self == NULL || strcmp(kr->self->fpr, newfpr) != 0)
		return pf_err(PF_ERR_CRYPTO, "new key %s not found after "
		    "creating it", newfpr);
	memcpy(fpr, newfpr, sizeof(newfpr));
	return PF_OK;
}

/*
 * Look at key data without importing it (gpg --import-options show-only):
 * exactly one key, public only.  fpr gets its primary fingerprint.
 */
static enum pf_err
import_inspect(struct pf_keyring *kr, gpgme_data_t d, char fpr[PF_FPR_MAX])
{
	gpgme_key_t	*keys = NULL;
	size_t		 n = 0, i;
	gpgme_error_t	 err;
	enum pf_err	 e;

	if ((err = gpgme_op_keylist_from_data_start(kr->ctx, d, 0)) != 0)
		return pf_keyring_gpgerr(PF_ERR_INVALID, err, "key data");
	if ((e = keylist_collect(kr->ctx, &keys, &n)) != PF_OK)
		goto out;
	if (n != 1)
		e = pf_err(PF_ERR_INVALID, "key data holds %zu keys: exactly "
		    "one public key is accepted", n);
	else if (keys[0]->secret || keys[0]->subkeys == NULL ||
	    keys[0]->subkeys->secret)
		e = pf_err(PF_ERR_INVALID, "key data holds a secret key: "
		    "only public keys are imported");
	else
		e = pf_fpr_normalize(keys[0]->fpr, fpr);
out:
	for (i = 0; i < n; i++)
		gpgme_key_unref(keys[i]);
	free(keys);
	return e;
}

/* Refuse the owner's key and, when given, any key but expect. */
static enum pf_err
import_policy(struct pf_keyring *kr, const char *fpr, const char *expect)
{
	char		want[PF_FPR_MAX];
	enum pf_err	e;

	if (kr->self != NULL && strcmp(kr->self->fpr, fpr) == 0)
		return pf_err(PF_ERR_INVALID, "key %s is this node's own key, "
		    "not a friend's", fpr);
	if (expect == NULL)
		return PF_OK;
	if ((e = pf_fpr_normalize(expect, want)) != PF_OK)
		return e;
	if (strcmp(want, fpr) != 0)
		return pf_err(PF_ERR_INVALID, "key data holds key %s, not the "
		    "expected %s", fpr, want);
	return PF_OK;
}

/*
 * Check gpg's import result: one key considered, no secret key read, and
 * the one key imported (or unchanged) is fpr.
 */
static enum pf_err
import_check(struct pf_keyring *kr, const char *fpr)
{
	gpgme_import_result_t	r;
	gpgme_import_status_t	st;

	if ((r = gpgme_op_import_result(kr->ctx)) == NULL)
		return pf_err(PF_ERR_CRYPTO, "import: gpg gave no result");
	if (r->secret_read != 0)
		return pf_err(PF_ERR_INVALID, "import: gpg read a secret key");
	if (r->considered != 1 || r->not_imported != 0 || (st = r->imports) ==
	    NULL || st->next != NULL)
		return pf_err(PF_ERR_INVALID, "import: gpg considered %d keys "
		    "and refused %d: exactly one usable key is required",
		    r->considered, r->not_imported);
	if (st->result != 0)
		return pf_keyring_gpgerr(PF_ERR_INVALID, st->result, "import");
	if (st->fpr == NULL || strcmp(st->fpr, fpr) != 0)
		return pf_err(PF_ERR_CRYPTO, "import: gpg imported %s, not %s",
		    st->fpr ? st->fpr : "(none)", fpr);
	return PF_OK;
}

enum pf_err
pf_keyring_import(struct pf_keyring *kr, const void *data, size_t len,
    const char *expect_fpr, char fpr[PF_FPR_MAX])
{
	char		got[PF_FPR_MAX];
	gpgme_data_t	d = NULL;
	gpgme_error_t	err;
	enum pf_err	e;

	if (len > PF_KEY_MAX)
		return pf_err(PF_ERR_LIMIT, "key data: %zu bytes, more than "
		    "the %d allowed", len, PF_KEY_MAX);
	if (len == 0)
		return pf_err(PF_ERR_INVALID, "key data: empty");
	if ((err = gpgme_data_new_from_mem(&d, data, len, 0)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, "key data");
	if ((e = import_inspect(kr, d, got)) != PF_OK ||
	    (e = import_policy(kr, got, expect_fpr)) != PF_OK)
		goto out;
	if (gpgme_data_seek(d, 0, SEEK_SET) != 0) {
		e = pf_err(PF_ERR_SYS, "key data: cannot rewind");
		goto out;
	}
	if ((err = gpgme_op_import(kr->ctx, d)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "import");
		goto out;
	}
	e = import_check(kr, got);
	if (e == PF_OK && (e = cache_load(kr)) == PF_OK)
		memcpy(fpr, got, sizeof(got));
out:
	gpgme_data_release(d);
	return e;
}

enum pf_err
pf_keyring_delete(struct pf_keyring *kr, const char *fpr)
{
	gpgme_key_t	key;
	gpgme_error_t	err;
	enum pf_err	e;

	if ((e = key_get(kr, fpr, &key)) != PF_OK)
		return e;
	if (key == kr->self)
		return pf_err(PF_ERR_USAGE, "refusing to delete the node's own "
		    "key %s", key->fpr);
	if ((err = gpgme_op_delete_ext(kr->ctx, key, GPGME_DELETE_FORCE)) != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, "delete");
	return cache_load(kr);
}

/* What the key editor is told: the command, then save, then nothing. */
struct edit_state {
	const char	*cmd;
	int		 step;
};

/*
 * gpgme_op_interact callback driving `gpg --edit-key`.  Status lines
 * (fd == -1) are ignored; any prompt other than the command prompt, or a
 * third command prompt, is an error so gpg cannot be left waiting.
 */
static gpgme_error_t
edit_cb(void *opaque, const char *keyword, const char *args, int fd)
{
	struct edit_state	*st = opaque;
	const char		*line;

	if (fd < 0)
		return 0;
	if (strcmp(keyword, "GET_LINE") != 0 || args == NULL ||
	    strcmp(args, "keyedit.prompt") != 0 || st->step > 1)
		return gpgme_error(GPG_ERR_GENERAL);
	line = st->step++ == 0 ? st->cmd : "save\n";
	if (gpgme_io_writen(fd, line, strlen(line)) != 0)
		return gpgme_error_from_syserror();
	return 0;
}

enum pf_err
pf_keyring_set_disabled(struct pf_keyring *kr, const char *fpr, int disabled)
{
	struct edit_state	st = { disabled ? "disable\n" : "enable\n", 0 };
	gpgme_key_t		key;
	gpgme_data_t		out = NULL;
	gpgme_error_t		err;
	enum pf_err		e;

	if ((e = key_get(kr, fpr, &key)) != PF_OK)
		return e;
	if (key == kr->self)
		return pf_err(PF_ERR_USAGE, "refusing to block the node's own "
		    "key %s", key->fpr);
	if ((err = gpgme_data_new(&out)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, "key edit");
	err = gpgme_op_interact(kr->ctx, key, 0, edit_cb, &st, out);
	gpgme_data_release(out);
	if (err != 0)
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, disabled ?
		    "gpg --edit-key disable" : "gpg --edit-key enable");
	return cache_load(kr);
}
