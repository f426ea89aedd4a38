/*
 * fuzz_keyimport.c: key data from anyone (`peerfeed friend add FILE`,
 * `friend add --url` fetching a node's /key) through pf_keyring_import().
 * Before gpg sees the bytes peerfeed checks only their size, so the
 * target drives the real thing: gpg (through gpgme) imports into a
 * temporary GNUPGHOME made once per process and removed at exit.  Each
 * input is imported with no expected fingerprint when its length is even,
 * with EXPECT (the seeds' Node A) when odd.  Checked after every input:
 * a refused key left nothing in the keyring; an accepted one is a public,
 * pinned key with the fingerprint the call returned, and is deleted again.
 * Slow (several gpg processes an input): tens of inputs a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "keyring.h"

#define EXPECT	"62069B887DD3EB245154D828B6A6AD89644A03A7"

static char			 home[] = "/tmp/pf.XXXXXX";
static struct pf_keyring	*kr;

static void
done(void)
{
	char cmd[128];

	pf_keyring_close(kr);
	snprintf(cmd, sizeof(cmd), "gpgconf --homedir %s --kill all "
	    ">/dev/null 2>&1; rm -rf %s", home, home);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_keyimport: cleaning %s failed\n", home);
}

static void
setup(void)
{
	if (mkdtemp(home) == NULL || pf_keyring_open(home, &kr) != PF_OK) {
		fprintf(stderr, "fuzz_keyimport: keyring in %s: %s\n", home,
		    pf_errmsg());
		abort();
	}
	atexit(done);
}

/* The number of keys in the keyring, as gpg lists it now. */
static size_t
nkeys(void)
{
	struct pf_keyinfo	*list = NULL;
	size_t			 n = 0;

	if (pf_keyring_reload(kr) != PF_OK ||
	    pf_keyring_list(kr, &list, &n) != PF_OK) {
		fprintf(stderr, "fuzz_keyimport: listing: %s\n", pf_errmsg());
		abort();
	}
	free(list);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_keyinfo	 ki;
	char			 fpr[PF_FPR_MAX];
	const char		*expect = len % 2 ? EXPECT : NULL;

	if (kr == NULL)
		setup();
	if (pf_keyring_import(kr, data, len, expect, fpr) != PF_OK) {
		if (nkeys() != 0) {
			fprintf(stderr, "fuzz_keyimport: a refused key is in "
			    "the keyring\n");
			abort();
		}
		return 0;
	}
	if (pf_keyring_lookup(kr, fpr, &ki) != PF_OK || ki.secret ||
	    strcmp(ki.fpr, fpr) != 0 || (expect && strcmp(fpr, expect) != 0)) {
		fprintf(stderr, "fuzz_keyimport: imported %s is not what the "
		    "keyring holds\n", fpr);
		abort();
	}
	if (pf_keyring_delete(kr, fpr) != PF_OK || nkeys() != 0) {
		fprintf(stderr, "fuzz_keyimport: cannot delete %s: %s\n", fpr,
		    pf_errmsg());
		abort();
	}
	return 0;
}
