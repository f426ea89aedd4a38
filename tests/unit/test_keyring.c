/*
 * test_keyring.c: keyring, groups and envelopes against a real gpg.  Every
 * test makes its own short GNUPGHOMEs under /tmp, keys through the API,
 * and checks what plain gpg sees; agents are killed and homes removed at
 * the end of each test.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "envelope.h"
#include "group.h"
#include "keyring.h"

#define GPG	"gpg --batch --yes --quiet --pinentry-mode loopback --passphrase ''"

/* A test home: its directory, keyring and key fingerprint. */
struct home {
	char			 dir[64];
	struct pf_keyring	*kr;
	char			 fpr[PF_FPR_MAX];
};

/* Run a shell command built from fmt; return its exit status. */
static int
sh(const char *fmt, ...)
{
	char	cmd[2048];
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A fresh home with an open keyring and, if name is set, a node key. */
static void
home_new(struct home *h, const char *name)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/pfk.XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	assert_int_equal(pf_keyring_open(h->dir, &h->kr), PF_OK);
	if (name != NULL)
		assert_int_equal(pf_keyring_generate(h->kr, name,
		    "node@example.org", h->fpr), PF_OK);
}

static void
home_done(struct home *h)
{
	pf_keyring_close(h->kr);
	sh("gpgconf --homedir %s --kill all >/dev/null 2>&1", h->dir);
	sh("rm -rf %s", h->dir);
}

static void
file_put(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
file_get(const char *path, struct pf_buf *b)
{
	char	 chunk[4096];
	size_t	 n;
	FILE	*f = fopen(path, "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(pf_buf_add(b, chunk, n), PF_OK);
	fclose(f);
}

/* Import from's public key into to's keyring. */
static void
befriend(struct home *to, struct home *from)
{
	struct pf_buf	pub = { 0 };
	char		fpr[PF_FPR_MAX];

	assert_int_equal(pf_keyring_export(from->kr, from->fpr, &pub), PF_OK);
	assert_int_equal(pf_keyring_import(to->kr, pub.data, pub.len,
	    from->fpr, fpr), PF_OK);
	assert_string_equal(fpr, from->fpr);
	pf_buf_free(&pub);
}

/* The colon listing's field 12 (capabilities) of fpr's pub line in home. */
static void
gpg_caps(const char *home, const char *fpr, char *caps, size_t sz)
{
	char	 cmd[512], line[1024], *f, *p;
	int	 i;
	FILE	*pp;

	snprintf(cmd, sizeof(cmd), "gpg --homedir %s --list-keys "
	    "--with-colons %s 2>/dev/null", home, fpr);
	assert_non_null(pp = popen(cmd, "r"));
	caps[0] = '\0';
	while (fgets(line, sizeof(line), pp) != NULL) {
		if (strncmp(line, "pub:", 4) != 0)
			continue;
		for (p = line, i = 1; i < 12 && (f = strsep(&p, ":")); i++)
			;
		if (p != NULL && (f = strsep(&p, ":")) != NULL)
			snprintf(caps, sz, "%s", f);
	}
	pclose(pp);
}

static void
test_generate(void **state)
{
	struct home		h;
	struct pf_keyinfo	ki;
	char			fpr[PF_FPR_MAX];

	(void)state;
	home_new(&h, NULL);
	assert_int_equal(pf_keyring_self(h.kr, &ki), PF_ERR_NOTFOUND);
	assert_int_equal(pf_keyring_generate(h.kr, "Ann <x>", NULL, fpr),
	    PF_ERR_INVALID);
	assert_int_equal(pf_keyring_generate(h.kr, "Ann", "ann@example.org",
	    h.fpr), PF_OK);
	assert_true(pf_fpr_valid(h.fpr));
	assert_int_equal(pf_keyring_self(h.kr, &ki), PF_OK);
	assert_string_equal(ki.fpr, h.fpr);
	assert_string_equal(ki.uid, "Ann <ann@example.org>");
	assert_true(ki.secret);
	assert_int_equal(pf_keyring_generate(h.kr, "Ann", NULL, fpr),
	    PF_ERR_EXISTS);
	/* A second open finds the key again, and gpg.conf has defaults. */
	pf_keyring_close(h.kr);
	assert_int_equal(pf_keyring_open(h.dir, &h.kr), PF_OK);
	assert_int_equal(pf_keyring_self(h.kr, &ki), PF_OK);
	assert_string_equal(ki.fpr, h.fpr);
	assert_int_equal(sh("grep -qx no-auto-key-retrieve %s/gpg.conf && "
	    "grep -qx auto-expand-secmem %s/gpg-agent.conf", h.dir, h.dir), 0);
	/* gpg sees ed25519 sign/cert primary and a cv25519 encryption subkey. */
	assert_int_equal(sh("gpg --homedir %s --list-keys --with-colons %s | "
	    "grep -q '^pub:.*:22:.*:scESC:' && gpg --homedir %s --list-keys "
	    "--with-colons %s | grep -q '^sub:.*:18:.*:e:'", h.dir, h.fpr,
	    h.dir, h.fpr), 0);
	home_done(&h);
}

static void
test_long_path(void **state)
{
	char			 dir[64], path[256];
	struct pf_keyring	*kr = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pfk.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%0100d", dir, 0);
	assert_int_equal(pf_keyring_open(path, &kr), PF_ERR_CONFIG);
	assert_null(kr);
	assert_non_null(strstr(pf_errmsg(), "too long for gpg-agent's socket"));
	sh("rm -rf %s", dir);
}

static void
test_import_export(void **state)
{
	struct home		 a, b;
	struct pf_buf		 pub = { 0 };
	struct pf_keyinfo	 ki, *list = NULL;
	char			 fpr[PF_FPR_MAX], *big;
	size_t			 n;

	(void)state;
	home_new(&a, "Ann");
	home_new(&b, "Bob");
	assert_int_equal(pf_keyring_export(a.kr, a.fpr, &pub), PF_OK);
	assert_non_null(strstr(pub.data, "BEGIN PGP PUBLIC KEY BLOCK"));
	/* Own key, wrong expected fingerprint, oversize: all refused. */
	assert_int_equal(pf_keyring_import(a.kr, pub.data, pub.len, NULL, fpr),
	    PF_ERR_INVALID);
	assert_int_equal(pf_keyring_import(b.kr, pub.data, pub.len, b.fpr, fpr),
	    PF_ERR_INVALID);
	assert_non_null(strstr(pf_errmsg(), "not the expected"));
	big = calloc(1, PF_KEY_MAX + 1);
	assert_int_equal(pf_keyring_import(b.kr, big, PF_KEY_MAX + 1, NULL,
	    fpr), PF_ERR_LIMIT);
	free(big);
	assert_int_equal(pf_keyring_lookup(b.kr, a.fpr, &ki), PF_ERR_NOTFOUND);
	/* The real thing, with a lowercase expected fingerprint. */
	for (n = 0; a.fpr[n]; n++)
		fpr[n] = (char)(a.fpr[n] >= 'A' ? a.fpr[n] + 32 : a.fpr[n]);
	fpr[n] = '\0';
	assert_int_equal(pf_keyring_import(b.kr, pub.data, pub.len, fpr, fpr),
	    PF_OK);
	assert_string_equal(fpr, a.fpr);
	assert_int_equal(pf_keyring_lookup(b.kr, a.fpr, &ki), PF_OK);
	assert_false(ki.secret);
	assert_string_equal(ki.uid, "Ann <node@example.org>");
	assert_int_equal(pf_keyring_list(b.kr, &list, &n), PF_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].fpr, a.fpr);
	free(list);
	/* Delete: never the owner's key; a friend's goes. */
	assert_int_equal(pf_keyring_delete(b.kr, b.fpr), PF_ERR_USAGE);
	assert_int_equal(pf_keyring_delete(b.kr, a.fpr), PF_OK);
	assert_int_equal(pf_keyring_lookup(b.kr, a.fpr, &ki), PF_ERR_NOTFOUND);
	assert_int_not_equal(sh("gpg --homedir %s --list-keys %s >/dev/null "
	    "2>&1", b.dir, a.fpr), 0);
	pf_buf_free(&pub);
	home_done(&a);
	home_done(&b);
}

static void
test_import_refused(void **state)
{
	struct home		 a, b, c;
	struct pf_buf		 two = { 0 }, sec = { 0 };
	struct pf_keyinfo	*list = NULL;
	char			 path[128], fpr[PF_FPR_MAX];
	size_t			 n;

	(void)state;
	home_new(&a, "Ann");
	home_new(&b, "Bob");
	home_new(&c, "Cat");
	assert_int_equal(pf_keyring_export(a.kr, a.fpr, &two), PF_OK);
	assert_int_equal(pf_keyring_export(c.kr, c.fpr, &two), PF_OK);
	assert_int_equal(pf_keyring_import(b.kr, two.data, two.len, NULL, fpr),
	    PF_ERR_INVALID);
	assert_non_null(strstr(pf_errmsg(), "2 keys"));
	snprintf(path, sizeof(path), "%s/sec.asc", a.dir);
	assert_int_equal(sh(GPG " --homedir %s --armor --export-secret-keys "
	    "%s > %s", a.dir, a.fpr, path), 0);
	file_get(path, &sec);
	assert_int_equal(pf_keyring_import(b.kr, sec.data, sec.len, NULL, fpr),
	    PF_ERR_INVALID);
	assert_non_null(strstr(pf_errmsg(), "secret"));
	/* Nothing of either attempt reached b's keyring. */
	assert_int_equal(pf_keyring_reload(b.kr), PF_OK);
	assert_int_equal(pf_keyring_list(b.kr, &list, &n), PF_OK);
	assert_int_equal(n, 0);
	free(list);
	assert_int_not_equal(sh("gpg --homedir %s --list-keys %s >/dev/null "
	    "2>&1", b.dir, a.fpr), 0);
	assert_int_not_equal(sh("gpg --homedir %s --list-keys %s >/dev/null "
	    "2>&1", b.dir, c.fpr), 0);
	assert_int_not_equal(sh("gpg --homedir %s --list-secret-keys %s "
	    ">/dev/null 2>&1", b.dir, a.fpr), 0);
	pf_buf_free(&two);
	pf_buf_free(&sec);
	home_done(&a);
	home_done(&b);
	home_done(&c);
}

static void
test_disable(void **state)
{
	struct home		a, b;
	struct pf_keyinfo	ki;
	char			caps[64];

	(void)state;
	home_new(&a, "Ann");
	home_new(&b, "Bob");
	befriend(&b, &a);
	assert_int_equal(pf_keyring_set_disabled(b.kr, a.fpr, 1), PF_OK);
	assert_int_equal(pf_keyring_lookup(b.kr, a.fpr, &ki), PF_OK);
	assert_true(ki.disabled);
	gpg_caps(b.dir, a.fpr, caps, sizeof(caps));
	assert_non_null(strchr(caps, 'D'));
	assert_int_equal(pf_keyring_set_disabled(b.kr, a.fpr, 0), PF_OK);
	assert_int_equal(pf_keyring_lookup(b.kr, a.fpr, &ki), PF_OK);
	assert_false(ki.disabled);
	gpg_caps(b.dir, a.fpr, caps, sizeof(caps));
	assert_null(strchr(caps, 'D'));
	assert_int_equal(pf_keyring_set_disabled(b.kr, b.fpr, 1), PF_ERR_USAGE);
	home_done(&a);
	home_done(&b);
}

static void
test_groups(void **state)
{
	static const char *f[] = {
		"1111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct home	 h;
	struct pf_group	*l = NULL;
	char		 conf[128], **auds = NULL;
	size_t		 n;

	(void)state;
	home_new(&h, NULL);
	snprintf(conf, sizeof(conf), "%s/gpg.conf", h.dir);
	assert_int_equal(pf_group_add(h.dir, "bad name", f, 1), PF_ERR_INVALID);
	assert_int_equal(pf_group_add(h.dir, "fam", (const char *[]){ "12" }, 1),
	    PF_ERR_INVALID);
	assert_int_equal(pf_group_add(h.dir, "fam", f, 2), PF_OK);
	assert_int_equal(pf_group_add(h.dir, "fam", f + 1, 2), PF_OK);
	assert_int_equal(pf_group_add(h.dir, "work", f + 2, 1), PF_OK);
	assert_int_equal(pf_group_list(h.dir, &l, &n), PF_OK);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].name, "fam");
	assert_int_equal(l[0].n, 3);
	assert_string_equal(l[0].members[2], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	pf_group_free(l, n);
	/* gpg reads the groups; the defaults written at open stay. */
	assert_int_equal(sh("gpg --homedir %s --list-config --with-colons | grep "
	    "'^cfg:group:fam:' | grep %s | grep %s | grep -q %s", h.dir, f[0],
	    f[1], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 0);
	assert_int_equal(sh("grep -qx no-auto-key-retrieve %s", conf), 0);
	assert_int_equal(pf_group_audiences(h.dir, f[2], &auds, &n), PF_OK);
	assert_int_equal(n, 4);
	assert_string_equal(auds[0], "public");
	assert_string_equal(auds[1], "key:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	assert_string_equal(auds[2], "group:fam");
	assert_string_equal(auds[3], "group:work");
	free(auds);
	assert_int_equal(pf_group_remove(h.dir, "fam", f, 2), PF_OK);
	assert_int_equal(pf_group_remove(h.dir, "work", NULL, 0), PF_OK);
	assert_int_equal(pf_group_remove(h.dir, "work", NULL, 0),
	    PF_ERR_NOTFOUND);
	assert_int_equal(pf_group_list(h.dir, &l, &n), PF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].n, 1);
	pf_group_free(l, n);
	assert_int_equal(sh("gpg --homedir %s --list-config --with-colons | grep "
	    "-c '^cfg:group:' | grep -qx 1", h.dir), 0);
	assert_int_equal(pf_group_remove(h.dir, "fam", f + 2, 1), PF_OK);
	assert_int_equal(pf_group_list(h.dir, &l, &n), PF_OK);
	assert_int_equal(n, 0);
	pf_group_free(l, n);
	assert_int_equal(sh("grep -c . %s | grep -qx 4 && grep -qx "
	    "import-options.import-clean %s", conf, conf), 0);
	home_done(&h);
}

/* A detached signature by h's key over the file path, with gpg's opts. */
static void
detached(struct home *h, const char *path, const char *opts,
    struct pf_buf *out)
{
	char sp[160];

	snprintf(sp, sizeof(sp), "%s/detached.sig", h->dir);
	assert_int_equal(sh(GPG " --homedir %s %s --output %s --detach-sign %s",
	    h->dir, opts, sp, path), 0);
	file_get(sp, out);
}

static void
test_sign_verify(void **state)
{
	static const char data[] = "{\"id\":\"1764000000123-0000\"}\n";
	struct home	a, b, s;
	struct pf_buf	sig = { 0 }, ssig = { 0 }, inl = { 0 }, csig = { 0 };
	char		dp[128], sp[128], ip[128];

	(void)state;
	home_new(&a, "Ann");
	home_new(&b, "Bob");
	home_new(&s, "Stranger");
	befriend(&b, &a);
	assert_int_equal(pf_envelope_sign(a.kr, data, strlen(data), &sig), PF_OK);
	snprintf(dp, sizeof(dp), "%s/post.json", a.dir);
	snprintf(sp, sizeof(sp), "%s/post.json.sig", a.dir);
	file_put(dp, data, strlen(data));
	file_put(sp, sig.data, sig.len);
	assert_int_equal(sh("gpg --homedir %s --verify %s %s 2>/dev/null",
	    a.dir, sp, dp), 0);
	assert_int_equal(pf_envelope_verify(b.kr, data, strlen(data), sig.data,
	    sig.len, a.fpr), PF_OK);
	assert_int_equal(pf_envelope_verify(b.kr, data, strlen(data) - 1,
	    sig.data, sig.len, a.fpr), PF_ERR_BADSIG);
	assert_int_equal(pf_envelope_verify(b.kr, data, strlen(data), sig.data,
	    sig.len, b.fpr), PF_ERR_BADSIG);
	assert_non_null(strstr(pf_errmsg(), "not by the author"));
	/* The fetcher's in-process path gives the same verdicts. */
	assert_int_equal(pf_envelope_verify_post(b.kr, data, strlen(data),
	    sig.data, sig.len, a.fpr), PF_OK);
	assert_int_equal(pf_envelope_verify_post(b.kr, data, strlen(data) - 1,
	    sig.data, sig.len, a.fpr), PF_ERR_BADSIG);
	assert_int_equal(pf_envelope_verify_post(b.kr, "X", 1, sig.data,
	    sig.len, a.fpr), PF_ERR_BADSIG);
	assert_int_equal(pf_envelope_verify_post(b.kr, data, strlen(data),
	    sig.data, sig.len, b.fpr), PF_ERR_BADSIG);
	/*
	 * gpg's own signatures that are not ours to take: an unknown
	 * critical notation, a text-mode (0x01) signature; both paths refuse
	 * them, named.
	 */
	detached(&a, dp, "--sig-notation '!x@example.org=1'", &csig);
	assert_int_equal(pf_envelope_verify_post(b.kr, data, strlen(data),
	    csig.data, csig.len, a.fpr), PF_ERR_BADSIG);
	assert_non_null(strstr(pf_errmsg(), "critical subpacket 20"));
	pf_buf_reset(&csig);
	detached(&a, dp, "--textmode", &csig);
	assert_int_equal(pf_envelope_verify_post(b.kr, data, strlen(data),
	    csig.data, csig.len, a.fpr), PF_ERR_BADSIG);
	assert_non_null(strstr(pf_errmsg(), "not over binary data"));
	assert_int_equal(pf_envelope_verify(b.kr, data, strlen(data),
	    csig.data, csig.len, a.fpr), PF_ERR_BADSIG);
	assert_non_null(strstr(pf_errmsg(), "not over binary data"));
	pf_buf_free(&csig);
	/* An inline signature passed as if detached. */
	snprintf(ip, sizeof(ip), "%s/inline.asc", a.dir);
	assert_int_equal(sh(GPG " --homedir %s --armor --output %s --sign %s",
	    a.dir, ip, dp), 0);
	file_get(ip, &inl);
	assert_int_equal(pf_envelope_verify(b.kr, data, strlen(data), inl.data,
	    inl.len, a.fpr), PF_ERR_BADSIG);
	/* A stranger's signature. */
	assert_int_equal(pf_envelope_sign(s.kr, data, strlen(data), &ssig),
	    PF_OK);
	assert_int_equal(pf_envelope_verify(b.kr, data, strlen(data), ssig.data,
	    ssig.len, s.fpr), PF_ERR_BADSIG);
	assert_non_null(strstr(pf_errmsg(), "unknown key"));
	pf_buf_free(&sig);
	pf_buf_free(&ssig);
	pf_buf_free(&inl);
	home_done(&a);
	home_done(&b);
	home_done(&s);
}

/* B opens the file at path (made by gpg) and gets want. */
static void
open_file(struct home *b, const char *path, size_t max, enum pf_err want)
{
	struct pf_buf	in = { 0 }, plain = { 0 };
	char		signer[PF_FPR_MAX];
	int64_t		t;

	file_get(path, &in);
	assert_int_equal(pf_envelope_open(b->kr, in.data, in.len, max, &plain,
	    signer, &t), want);
	if (getenv("PF_TEST_VERBOSE") != NULL)
		fprintf(stderr, "%s: %s\n", path, pf_errmsg());
	assert_int_equal(plain.len, 0);
	pf_buf_free(&in);
	pf_buf_free(&plain);
}

static void
test_seal_open(void **state)
{
	static const char msg[] = "{\"v\":1,\"nonce\":\"00ff\"}";
	struct home	a, b, s;
	struct pf_buf	c = { 0 }, plain = { 0 };
	char		signer[PF_FPR_MAX], p[128];
	int64_t		t = 0;

	(void)state;
	home_new(&a, "Ann");
	home_new(&b, "Bob");
	home_new(&s, "Stranger");
	befriend(&a, &b);
	befriend(&b, &a);
	befriend(&s, &b);
	befriend(&a, &s);
	assert_int_equal(pf_envelope_seal(a.kr, b.fpr, msg, strlen(msg), 0, &c),
	    PF_OK);
	assert_int_equal(pf_envelope_open(b.kr, c.data, c.len, 65536, &plain,
	    signer, &t), PF_OK);
	assert_int_equal(plain.len, strlen(msg));
	assert_memory_equal(plain.data, msg, plain.len);
	assert_string_equal(signer, a.fpr);
	assert_true(t > time(NULL) - 60 && t <= time(NULL) + 1);
	/* Armored output opens too; too small a cap is LIMIT. */
	pf_buf_reset(&c);
	pf_buf_free(&plain);
	assert_int_equal(pf_envelope_seal(a.kr, b.fpr, msg, strlen(msg), 1, &c),
	    PF_OK);
	assert_non_null(strstr(c.data, "BEGIN PGP MESSAGE"));
	assert_int_equal(pf_envelope_open(b.kr, c.data, c.len, 65536, &plain,
	    signer, &t), PF_OK);
	pf_buf_free(&plain);
	assert_int_equal(pf_envelope_open(b.kr, c.data, c.len, 4, &plain,
	    signer, &t), PF_ERR_LIMIT);
	/* Blocked sender. */
	assert_int_equal(pf_keyring_set_disabled(b.kr, a.fpr, 1), PF_OK);
	assert_int_equal(pf_envelope_open(b.kr, c.data, c.len, 65536, &plain,
	    signer, &t), PF_ERR_FORBIDDEN);
	assert_non_null(strstr(pf_errmsg(), "signed by blocked key"));
	assert_int_equal(pf_keyring_set_disabled(b.kr, a.fpr, 0), PF_OK);
	/* Stranger sender, blocked or unknown recipient. */
	pf_buf_reset(&c);
	assert_int_equal(pf_envelope_seal(s.kr, b.fpr, msg, strlen(msg), 0, &c),
	    PF_OK);
	assert_int_equal(pf_envelope_open(b.kr, c.data, c.len, 65536, &plain,
	    signer, &t), PF_ERR_FORBIDDEN);
	assert_non_null(strstr(pf_errmsg(), "unknown key"));
	assert_int_equal(pf_envelope_seal(b.kr, s.fpr, msg, strlen(msg), 0, &c),
	    PF_ERR_FORBIDDEN);
	/* Meant for someone else. */
	pf_buf_reset(&c);
	assert_int_equal(pf_envelope_seal(a.kr, s.fpr, msg, strlen(msg), 0, &c),
	    PF_OK);
	assert_int_equal(pf_envelope_open(b.kr, c.data, c.len, 65536, &plain,
	    signer, &t), PF_ERR_CRYPTO);
	assert_non_null(strstr(pf_errmsg(), "No secret key"));
	assert_int_equal(plain.len, 0);
	/* Made by the gpg command: unsigned, signed only, to another key. */
	snprintf(p, sizeof(p), "%s/m", a.dir);
	file_put(p, msg, strlen(msg));
	assert_int_equal(sh(GPG " --homedir %s --trust-model always -r %s "
	    "--output %s.enc --encrypt %s", a.dir, b.fpr, p, p), 0);
	assert_int_equal(sh(GPG " --homedir %s --output %s.sig --sign %s",
	    a.dir, p, p), 0);
	assert_int_equal(sh(GPG " --homedir %s --trust-model always -r %s "
	    "--output %s.other --sign --encrypt %s", a.dir, s.fpr, p, p), 0);
	strncat(p, ".enc", sizeof(p) - strlen(p) - 1);
	open_file(&b, p, 65536, PF_ERR_BADSIG);
	memcpy(p + strlen(p) - 4, ".sig", 4);
	open_file(&b, p, 65536, PF_ERR_CRYPTO);
	p[strlen(p) - 4] = '\0';
	strncat(p, ".other", sizeof(p) - strlen(p) - 1);
	open_file(&b, p, 65536, PF_ERR_CRYPTO);
	pf_buf_free(&c);
	pf_buf_free(&plain);
	home_done(&a);
	home_done(&b);
	home_done(&s);
}

/* 50 MB of zeros, compressed, signed and encrypted: stopped at 64 KiB. */
static void
test_bomb(void **state)
{
	struct home	a, b;
	char		p[128];
	time_t		t0;

	(void)state;
	home_new(&a, "Ann");
	home_new(&b, "Bob");
	befriend(&a, &b);
	befriend(&b, &a);
	snprintf(p, sizeof(p), "%s/bomb", a.dir);
	assert_int_equal(sh("head -c 50000000 /dev/zero | " GPG " --homedir %s "
	    "--trust-model always -z 9 -r %s --output %s --sign --encrypt",
	    a.dir, b.fpr, p), 0);
	t0 = time(NULL);
	open_file(&b, p, 65536, PF_ERR_LIMIT);
	assert_true(time(NULL) - t0 < 5);
	home_done(&a);
	home_done(&b);
}

/* What gpg said about a message's signatures, judged without gpg. */
static void
test_precheck(void **state)
{
	static const char	F[] = "0123456789ABCDEF0123456789ABCDEF01234567";
	struct pf_envelope_sig	g = { .nsig = 1, .fpr = F, .hash_algo = 8,
	    .key_fpr = F, .sub_fpr = F, .sub_can_sign = 1 };
	char			signer[PF_FPR_MAX];

	(void)state;
	assert_int_equal(pf_envelope_precheck(10, 100, &g, PF_ERR_FORBIDDEN,
	    NULL, signer), PF_OK);
	assert_string_equal(signer, F);
	/* Exactly one signature: a second could be anyone's. */
	g.nsig = 2;
	assert_int_equal(pf_envelope_precheck(10, 100, &g, PF_ERR_FORBIDDEN,
	    NULL, signer), PF_ERR_BADSIG);
	g.nsig = 1;
	/* A revoked, expired or invalid key, whatever gpg's summary says. */
	g.key_unusable = 1;
	assert_int_equal(pf_envelope_precheck(10, 100, &g, PF_ERR_FORBIDDEN,
	    NULL, signer), PF_ERR_BADSIG);
	g.key_unusable = 0;
	assert_int_equal(pf_envelope_precheck(101, 100, &g, PF_ERR_FORBIDDEN,
	    NULL, signer), PF_ERR_LIMIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precheck),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_import_export),
		cmocka_unit_test(test_import_refused),
		cmocka_unit_test(test_disable),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_bomb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
