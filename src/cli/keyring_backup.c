/*
 * keyring_backup.c: the keyring into and out of an archive.  Keys move
 * with gpg's own export and import (gpgme); the ownertrust list, which
 * gpgme has no call for, with gpg --export-ownertrust/--import-ownertrust
 * run through gpgme's spawn engine, and the agent is stopped the same way
 * with gpgconf.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyring.h"
#include "keyring_backup.h"
#include "keyring_int.h"

#define SPAWN_ARGS	8

/*
 * Run the program gpgme knows as dirinfo ("gpg-name", "gpgconf-name")
 * with --homedir home and the arguments in args (NULL-terminated), with
 * in (or nothing) as standard input and out (or nothing) as its output.
 */
static enum pf_err
spawn(const char *dirinfo, const char *home, const char *const *args,
    gpgme_data_t in, gpgme_data_t out)
{
	const char	*argv[SPAWN_ARGS + 5], *prog;
	gpgme_ctx_t	 ctx = NULL;
	gpgme_error_t	 err;
	size_t		 i, n = 0;

	if ((prog = gpgme_get_dirinfo(dirinfo)) == NULL)
		return pf_err(PF_ERR_CONFIG, "gpgme: no %s installed", dirinfo);
	argv[n++] = prog;
	argv[n++] = "--homedir";
	argv[n++] = home;
	for (i = 0; args[i] != NULL && i < SPAWN_ARGS; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((err = gpgme_new(&ctx)) != 0 ||
	    (err = gpgme_set_protocol(ctx, GPGME_PROTOCOL_SPAWN)) != 0 ||
	    (err = gpgme_op_spawn(ctx, prog, argv, in, out, NULL, 0)) != 0) {
		gpgme_release(ctx);
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, prog);
	}
	gpgme_release(ctx);
	return PF_OK;
}

/* gpgme_op_export of pattern (NULL: every key) with mode, appended to out. */
static enum pf_err
export(struct pf_keyring *kr, const char *pattern, gpgme_export_mode_t mode,
    struct pf_buf *out)
{
	gpgme_data_t	d;
	gpgme_error_t	err;

	if ((err = gpgme_data_new(&d)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, "export");
	gpgme_set_armor(kr->ctx, 0);
	if ((err = gpgme_op_export(kr->ctx, pattern, mode, d)) != 0) {
		gpgme_data_release(d);
		return pf_keyring_gpgerr(PF_ERR_CRYPTO, err, mode ?
		    "export of the secret key" : "export of the public keys");
	}
	return pf_keyring_data_take(d, out);
}

enum pf_err
pf_keyring_backup(struct pf_keyring *kr, struct pf_buf *pub, struct pf_buf *sec,
    struct pf_buf *trust)
{
	static const char *const args[] = { "--batch", "--no-tty",
	    "--export-ownertrust", NULL };
	gpgme_data_t	d = NULL;
	gpgme_error_t	err;
	enum pf_err	e;

	if (kr->self == NULL)
		return pf_err(PF_ERR_NOTFOUND, "the keyring has no identity to export");
	if ((e = export(kr, NULL, 0, pub)) != PF_OK ||
	    (e = export(kr, kr->self->fpr, GPGME_EXPORT_MODE_SECRET, sec)) != PF_OK)
		return e;
	if (pub->len == 0 || sec->len == 0)
		return pf_err(PF_ERR_CRYPTO, "gpg exported no keys");
	if ((err = gpgme_data_new(&d)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, "ownertrust");
	if ((e = spawn("gpg-name", kr->home, args, NULL, d)) != PF_OK) {
		gpgme_data_release(d);
		return e;
	}
	if ((e = pf_keyring_data_take(d, trust)) == PF_OK &&
	    strstr(trust->data ? trust->data : "", kr->self->fpr) == NULL)
		e = pf_err(PF_ERR_CRYPTO, "gpg --export-ownertrust: the owner's "
		    "key is missing from the list");
	return e;
}

/*
 * Check an ownertrust list as gpg --export-ownertrust writes it: comment
 * lines and "FPR:VALUE:" lines (40 or 64 hex digits, 0..255), nothing else.
 */
static enum pf_err
trust_check(const struct pf_buf *t)
{
	const char	*p = t->data, *end = t->data + t->len, *nl;
	size_t		 hex, line = 0;
	char		*q;
	unsigned long	 v;

	if (t->len == 0 || memchr(t->data, '\0', t->len) != NULL)
		return pf_err(PF_ERR_INVALID, "keys/ownertrust.txt: empty or binary");
	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return pf_err(PF_ERR_INVALID, "keys/ownertrust.txt:%zu: "
			    "no final newline", line);
		if (*p == '#')
			continue;
		hex = strspn(p, "0123456789ABCDEF");
		if ((hex != 40 && hex != 64) || p[hex] != ':' ||
		    p[hex + 1] < '0' || p[hex + 1] > '9' ||
		    (v = strtoul(p + hex + 1, &q, 10)) > 255 || q[0] != ':' ||
		    q + 1 != nl)
			return pf_err(PF_ERR_INVALID, "keys/ownertrust.txt:%zu: not "
			    "\"FINGERPRINT:VALUE:\"", line);
	}
	return PF_OK;
}

/*
 * Import data; every key it brings must be public (secret == 0) or be the
 * secret key expect (secret == 1).
 */
static enum pf_err
import(struct pf_keyring *kr, const struct pf_buf *b, int secret, const char *expect)
{
	gpgme_data_t		d = NULL;
	gpgme_import_result_t	res;
	gpgme_import_status_t	s;
	gpgme_error_t		err;
	const char		*what = secret ? "keys/secret.pgp" : "keys/public.pgp";
	enum pf_err		e = PF_OK;

	if ((err = gpgme_data_new_from_mem(&d, b->data, b->len, 0)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, what);
	if ((err = gpgme_op_import(kr->ctx, d)) != 0) {
		e = pf_keyring_gpgerr(PF_ERR_CRYPTO, err, what);
		goto out;
	}
	if ((res = gpgme_op_import_result(kr->ctx)) == NULL || res->imports == NULL ||
	    (secret && res->secret_imported == 0)) {
		e = pf_err(PF_ERR_INVALID, "%s: gpg imported no key", what);
		goto out;
	}
	for (s = res->imports; s != NULL && e == PF_OK; s = s->next)
		if (s->result != 0 || s->fpr == NULL ||
		    (secret ? strcasecmp(s->fpr, expect) != 0 :
		    (s->status & GPGME_IMPORT_SECRET) != 0))
			e = pf_err(PF_ERR_INVALID, "%s: unexpected key %s: %s", what,
			    s->fpr ? s->fpr : "?", secret ? "not the archive's "
			    "identity" : "a secret key among the public keys");
out:
	gpgme_data_release(d);
	return e;
}

enum pf_err
pf_keyring_restore(struct pf_keyring *kr, const struct pf_buf *pub,
    const struct pf_buf *sec, const struct pf_buf *trust, const char *expect_fpr)
{
	static const char *const args[] = { "--batch", "--no-tty",
	    "--import-ownertrust", NULL };
	gpgme_data_t	d = NULL;
	gpgme_error_t	err;
	enum pf_err	e;

	if ((e = trust_check(trust)) != PF_OK ||
	    (e = import(kr, pub, 0, NULL)) != PF_OK ||
	    (e = import(kr, sec, 1, expect_fpr)) != PF_OK)
		return e;
	if ((err = gpgme_data_new_from_mem(&d, trust->data, trust->len, 0)) != 0)
		return pf_keyring_gpgerr(PF_ERR_NOMEM, err, "ownertrust");
	e = spawn("gpg-name", kr->home, args, d, NULL);
	gpgme_data_release(d);
	if (e == PF_OK)
		e = pf_keyring_reload(kr);
	if (e == PF_OK && (kr->self == NULL || strcmp(kr->self->fpr, expect_fpr)))
		e = pf_err(PF_ERR_CRYPTO, "after the import the node's identity "
		    "is not %s", expect_fpr);
	return e;
}

enum pf_err
pf_keyring_agent_stop(const char *gnupghome)
{
	static const char *const args[] = { "--kill", "gpg-agent", NULL };
	char		sock[PATH_MAX];
	int		i;
	enum pf_err	e;

	if ((e = spawn("gpgconf-name", gnupghome, args, NULL, NULL)) != PF_OK)
		return e;
	/*
	 * The agent leaves after answering, and removes its sockets as it
	 * goes: wait for that (at most 5 s), so nothing of it stays behind.
	 */
	snprintf(sock, sizeof(sock), "%s/S.gpg-agent", gnupghome);
	for (i = 0; i < 100 && access(sock, F_OK) == 0; i++)
		usleep(50000);
	if (access(sock, F_OK) == 0)
		return pf_err(PF_ERR_CRYPTO, "%s: gpg-agent did not stop", gnupghome);
	return PF_OK;
}
