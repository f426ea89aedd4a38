/*
 * archive.c: `peerfeed export` and `peerfeed import` (archive.h): which
 * entries a node archive holds, writing them, and restoring them into a
 * fresh directory.  One table of rules says what may be in an archive;
 * export writes only what it allows and import refuses anything else.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "friend.h"
#include "index.h"
#include "keyring.h"
#include "keyring_backup.h"
#include "node.h"
#include "post.h"
#include "store.h"
#include "tar.h"

#define MARKER		"peerfeed-archive"
#define MARKER_MAX	256
#define CONF_MAX	65536
#define GPGCONF_MAX	(1024 * 1024)
#define DEPTH_MAX	4
#define NONCES_MAX	(4 * 1024 * 1024)	/* about 25,000 nonce lines */

/* Where a kept-in-memory entry goes: the key material, never written. */
enum slot { NONE, K_PUB, K_SEC, K_TRUST, K_MARK, K_NONCES, NSLOTS };

/*
 * What a node archive may hold.  A pattern is matched component by
 * component: "*" is any name, "@" a fingerprint.
 */
static const struct rule {
	const char	*pattern;
	int		 dir;
	uint64_t	 max;
	enum slot	 slot;
} rules[] = {
	{ MARKER, 0, MARKER_MAX, K_MARK },
	{ "peerfeed.conf", 0, CONF_MAX, NONE },
	{ "gnupg", 1, 0, NONE },
	{ "gnupg/gpg.conf", 0, GPGCONF_MAX, NONE },
	{ "keys", 1, 0, NONE },
	{ "keys/public.pgp", 0, PF_BACKUP_PUB_MAX, K_PUB },
	{ "keys/secret.pgp", 0, PF_KEY_MAX, K_SEC },
	{ "keys/ownertrust.txt", 0, PF_BACKUP_TRUST_MAX, K_TRUST },
	{ "nonces", 0, NONCES_MAX, K_NONCES },
	{ "posts", 1, 0, NONE },
	{ "posts/*", 0, PF_POST_MAX, NONE },
	{ "media", 1, 0, NONE },
	{ "media/*", 0, PF_ARCHIVE_MEDIA_MAX, NONE },
	{ "friends", 1, 0, NONE },
	{ "friends/@", 1, 0, NONE },
	{ "friends/@/state.json", 0, PF_STATE_MAX, NONE },
	{ "friends/@/posts", 1, 0, NONE },
	{ "friends/@/posts/*", 0, PF_POST_MAX, NONE },
	{ "friends/@/media", 1, 0, NONE },
	{ "friends/@/media/*", 0, PF_ARCHIVE_MEDIA_MAX, NONE },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* Does name (already pf_tar_name_valid) match pattern? */
static int
match(const char *pattern, const char *name)
{
	size_t	pn, nn;
	char	comp[PF_TAR_NAME_MAX + 1];

	for (;;) {
		pn = strcspn(pattern, "/");
		nn = strcspn(name, "/");
		snprintf(comp, sizeof(comp), "%.*s", (int)nn, name);
		if (!((pn == 1 && *pattern == '*') ||
		    (pn == 1 && *pattern == '@' && pf_fpr_valid(comp)) ||
		    (pn == nn && strncmp(pattern, name, nn) == 0)))
			return 0;
		pattern += pn;
		name += nn;
		if (*pattern == '\0' || *name == '\0')
			return *pattern == '\0' && *name == '\0';
		pattern++;
		name++;
	}
}

/* The rule for an entry, or NULL if a node archive may not hold it. */
static const struct rule *
rule_for(const char *name, int dir)
{
	size_t i;

	if (!pf_tar_name_valid(name))
		return NULL;
	for (i = 0; i < NRULES; i++)
		if (rules[i].dir == dir && match(rules[i].pattern, name))
			return &rules[i];
	return NULL;
}

/*
 * gpg.conf from an archive may only hold what peerfeed itself writes:
 * comments, groups and peerfeed's two defaults.  Any other option could
 * make the gpg run by the import do something else (a keyserver, an
 * exec-path, a photo viewer).
 */
static enum pf_err
gpgconf_check(const struct pf_buf *b)
{
	const char	*p = b->data, *end = b->data + b->len, *nl;
	size_t		 line = 0, n;

	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n == 0 || *p == '#' ||
		    (n == 20 && strncmp(p, "no-auto-key-retrieve", n) == 0) ||
		    (n == 27 && strncmp(p, "import-options import-clean", n) == 0))
			continue;
		if (n > 6 && strncmp(p, "group ", 6) == 0 && strspn(p,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_.-= \t") == n)
			continue;
		return pf_err(PF_ERR_INVALID, "gnupg/gpg.conf:%zu: refused: an "
		    "archive's gpg.conf may only hold comments, group lines and "
		    "peerfeed's defaults", line);
	}
	return PF_OK;
}

/* The fingerprint named by the marker entry, or PF_ERR_INVALID. */
static enum pf_err
marker_parse(const struct pf_buf *b, char fpr[PF_FPR_MAX])
{
	char	want[64], got[PF_FPR_MAX + 16];
	int	n = 0;

	snprintf(want, sizeof(want), "%s %d\nfingerprint ", MARKER, PF_ARCHIVE_VERSION);
	if (b->len < strlen(want) || strncmp(b->data, want, strlen(want)) != 0 ||
	    sscanf(b->data + strlen(want), "%65[0-9A-F]\n%n", got, &n) != 1 ||
	    (size_t)n != b->len - strlen(want) || !pf_fpr_valid(got))
		return pf_err(PF_ERR_INVALID, "%s: not a peerfeed archive of "
		    "version %d", MARKER, PF_ARCHIVE_VERSION);
	memcpy(fpr, got, PF_FPR_MAX);
	return PF_OK;
}

/* ---- export ---- */

struct exporter {
	struct pf_node		*n;
	struct pf_tar_writer	*w;
	struct pf_archive_stats	*stats;
};

/* Add DIR/rel, a regular file, if a rule allows it. */
static enum pf_err
export_file(struct exporter *x, const char *rel, const struct stat *sb)
{
	char		*path;
	int		 fd;
	enum pf_err	 e;

	if (rule_for(rel, 0) == NULL)
		return PF_OK;
	if ((path = pf_store_join(x->n->st, rel)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	else {
		e = pf_tar_add_fd(x->w, rel, fd, (uint64_t)sb->st_size,
		    (int64_t)sb->st_mtime);
		close(fd);
	}
	free(path);
	x->stats->files++;
	x->stats->bytes += (size_t)sb->st_size;
	return e;
}

/* Add directory rel and, recursively, what the rules allow in it. */
static enum pf_err
export_dir(struct exporter *x, const char *rel, int depth)
{
	char		**names = NULL, child[PF_TAR_NAME_MAX + 2], *path;
	size_t		  nn = 0, i;
	struct stat	  sb;
	enum pf_err	  e;

	if (depth > DEPTH_MAX || rule_for(rel, 1) == NULL)
		return PF_OK;
	if ((e = pf_store_list(x->n->st, rel, "", &names, &nn)) != PF_OK)
		return e == PF_ERR_NOTFOUND ? PF_OK : e;
	e = pf_tar_add_dir(x->w, rel, 0);
	for (i = 0; i < nn && e == PF_OK; i++) {
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", rel,
		    names[i]) >= sizeof(child) - 1)
			continue;
		if ((path = pf_store_join(x->n->st, child)) == NULL) {
			e = pf_err(PF_ERR_NOMEM, "out of memory");
			break;
		}
		/* Symbolic links, sockets and the like are never archived. */
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			e = export_dir(x, child, depth + 1);
		else if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			e = export_file(x, child, &sb);
		free(path);
	}
	pf_store_names_free(names, nn);
	return e;
}

/* Add DIR/rel if it is a regular file (peerfeed.conf, gnupg/gpg.conf). */
static enum pf_err
export_top_file(struct exporter *x, const char *rel)
{
	char		*path = pf_store_join(x->n->st, rel);
	struct stat	 sb;
	enum pf_err	 e = PF_OK;

	if (path == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
		e = export_file(x, rel, &sb);
	free(path);
	return e;
}

/* The marker, the configuration, the keyring's three parts. */
static enum pf_err
export_head(struct exporter *x, const struct pf_buf *pub, const struct pf_buf *sec,
    const struct pf_buf *trust)
{
	char		marker[MARKER_MAX];
	int64_t		now = pf_now_ms() / 1000;
	enum pf_err	e;

	snprintf(marker, sizeof(marker), "%s %d\nfingerprint %s\n", MARKER,
	    PF_ARCHIVE_VERSION, x->n->self);
	if ((e = pf_tar_add_mem(x->w, MARKER, marker, strlen(marker), now)) != PF_OK ||
	    (e = export_top_file(x, "peerfeed.conf")) != PF_OK ||
	    (e = pf_tar_add_dir(x->w, "gnupg", now)) != PF_OK ||
	    (e = export_top_file(x, "gnupg/gpg.conf")) != PF_OK ||
	    (e = pf_tar_add_dir(x->w, "keys", now)) != PF_OK ||
	    (e = pf_tar_add_mem(x->w, "keys/public.pgp", pub->data, pub->len,
	    now)) != PF_OK ||
	    (e = pf_tar_add_mem(x->w, "keys/secret.pgp", sec->data, sec->len,
	    now)) != PF_OK)
		return e;
	x->stats->files += 4;
	x->stats->bytes += strlen(marker) + pub->len + sec->len + trust->len;
	return pf_tar_add_mem(x->w, "keys/ownertrust.txt", trust->data,
	    trust->len, now);
}

/*
 * The nonces of private requests the node still remembers, so that the
 * imported node refuses their replay too (PROTOCOL.md "Private
 * requests": a nonce is kept for twice the window).
 */
static enum pf_err
export_nonces(struct exporter *x)
{
	struct pf_buf	b = { 0 };
	int64_t		now = pf_now_ms() / 1000;
	enum pf_err	e;

	if ((e = pf_index_nonce_dump(x->n->ix, now, &b)) == PF_OK &&
	    b.len > NONCES_MAX)
		e = pf_err(PF_ERR_LIMIT, "nonces: more than %d bytes",
		    NONCES_MAX);
	if (e == PF_OK && (e = pf_tar_add_mem(x->w, "nonces",
	    b.data != NULL ? b.data : "", b.len, now)) == PF_OK) {
		x->stats->files++;
		x->stats->bytes += b.len;
	}
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_archive_export(const char *dir, const char *file, struct pf_archive_stats *stats)
{
	struct exporter	 x = { NULL, NULL, stats };
	struct pf_buf	 pub = { 0 }, sec = { 0 }, trust = { 0 };
	enum pf_err	 e;

	memset(stats, 0, sizeof(*stats));
	if ((e = pf_node_open(dir, PF_NODE_KEYRING | PF_NODE_INDEX,
	    &x.n)) != PF_OK ||
	    (e = pf_store_lock(x.n->st, 1)) != PF_OK ||
	    (e = pf_keyring_backup(x.n->kr, &pub, &sec, &trust)) != PF_OK ||
	    (e = pf_tar_create(file, &x.w)) != PF_OK ||
	    (e = export_head(&x, &pub, &sec, &trust)) != PF_OK ||
	    (e = export_nonces(&x)) != PF_OK ||
	    (e = export_dir(&x, "posts", 1)) != PF_OK ||
	    (e = export_dir(&x, "media", 1)) != PF_OK ||
	    (e = export_dir(&x, "friends", 1)) != PF_OK)
		goto out;
	e = pf_tar_finish(x.w);
	x.w = NULL;
	if (e == PF_OK)
		memcpy(stats->fpr, x.n->self, PF_FPR_MAX);
out:
	pf_tar_abort(x.w);
	/* The secret key leaves no copy in freed memory. */
	if (sec.data != NULL)
		explicit_bzero(sec.data, sec.cap);
	pf_buf_free(&pub);
	pf_buf_free(&sec);
	pf_buf_free(&trust);
	pf_node_close(x.n);
	return e;
}

/* ---- import ---- */

struct importer {
	struct pf_tar_reader	*r;
	const char		*file;
	char			*tmp;		/* "dir.tmp" */
	int			 tmpfd;
	struct pf_buf		 slot[NSLOTS];
	struct pf_archive_stats	*stats;
};

/* The marker names the identity; gpg.conf holds nothing gpg would act on. */
static enum pf_err
scan_content(struct importer *im, const struct rule *ru)
{
	struct pf_buf	b = { 0 };
	enum pf_err	e = PF_OK;

	if (ru->slot == K_MARK) {
		if ((e = pf_tar_read(im->r, (size_t)ru->max, &b)) == PF_OK)
			e = marker_parse(&b, im->stats->fpr);
	} else if (strcmp(ru->pattern, "gnupg/gpg.conf") == 0) {
		if ((e = pf_tar_read(im->r, (size_t)ru->max, &b)) == PF_OK)
			e = gpgconf_check(&b);
	}
	pf_buf_free(&b);
	return e;
}

/*
 * Pass one: every entry is checked against the rules, and the archive
 * read to its end-of-archive block, before anything is written.
 */
static enum pf_err
scan(struct importer *im)
{
	struct pf_tar_entry	 en;
	const struct rule	*ru;
	unsigned long		 count = 0;
	int			 have[NSLOTS] = { 0 };
	enum pf_err		 e;

	while ((e = pf_tar_next(im->r, &en)) == PF_OK) {
		if (++count > PF_ARCHIVE_ENTRIES_MAX)
			return pf_err(PF_ERR_LIMIT, "%s: more than %lu entries",
			    im->file, PF_ARCHIVE_ENTRIES_MAX);
		if ((ru = rule_for(en.name, en.dir)) == NULL)
			return pf_err(PF_ERR_INVALID, "%s: \"%s\": not part of a "
			    "peerfeed node archive (refused)", im->file, en.name);
		if (count == 1 && ru->slot != K_MARK)
			return pf_err(PF_ERR_INVALID, "%s: not a peerfeed archive "
			    "(its first entry is not \"%s\")", im->file, MARKER);
		if (en.size > ru->max)
			return pf_err(PF_ERR_LIMIT, "%s: \"%s\": %llu bytes, more "
			    "than the %llu allowed", im->file, en.name,
			    (unsigned long long)en.size, (unsigned long long)ru->max);
		if (ru->slot != NONE && have[ru->slot]++)
			return pf_err(PF_ERR_INVALID, "%s: \"%s\" appears twice",
			    im->file, en.name);
		if ((e = scan_content(im, ru)) != PF_OK)
			return e;
	}
	if (e != PF_ERR_NOTFOUND)
		return e;
	if (count == 0 || !have[K_PUB] || !have[K_SEC] || !have[K_TRUST])
		return pf_err(PF_ERR_INVALID, "%s: incomplete: the archive lacks "
		    "its keys", im->file);
	return pf_tar_rewind(im->r);
}

/* Create directory name (and its parents) under the new state directory. */
static enum pf_err
make_dir(struct importer *im, const char *name)
{
	char	path[PF_TAR_NAME_MAX + 1], *p;
	/* As store.c lays it out: only public/ is for the web server. */
	mode_t	mode = strncmp(name, "public", 6) == 0 ? 0755 : 0700;

	snprintf(path, sizeof(path), "%s", name);
	for (p = path; ; p++) {
		char c = *p;
		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdirat(im->tmpfd, path, mode) == -1 && errno != EEXIST)
			return pf_err(PF_ERR_SYS, "%s/%s: %s", im->tmp, path,
			    strerror(errno));
		*p = c;
		if (c == '\0')
			return PF_OK;
	}
}

/* Write the current entry's data to name under the new state directory. */
static enum pf_err
write_entry(struct importer *im, const char *name)
{
	char		 parent[PF_TAR_NAME_MAX + 1];
	int		 fd;
	enum pf_err	 e;

	snprintf(parent, sizeof(parent), "%s", name);
	if (strchr(parent, '/') != NULL && (e = make_dir(im, dirname(parent))) != PF_OK)
		return e;
	/* O_EXCL: an entry that appears twice is an error, never a replacement. */
	if ((fd = openat(im->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, strncmp(name, "gnupg/", 6) == 0 ? 0600 : 0644)) == -1)
		return pf_err(PF_ERR_SYS, "%s/%s: %s", im->tmp, name, strerror(errno));
	e = pf_tar_copy(im->r, fd);
	if (e == PF_OK && fsync(fd) == -1)
		e = pf_err(PF_ERR_SYS, "%s/%s: fsync: %s", im->tmp, name, strerror(errno));
	close(fd);
	return e;
}

/* Pass two: directories and files into dir.tmp, key material into memory. */
static enum pf_err
extract(struct importer *im)
{
	struct pf_tar_entry	 en;
	const struct rule	*ru;
	enum pf_err		 e;

	while ((e = pf_tar_next(im->r, &en)) == PF_OK) {
		ru = rule_for(en.name, en.dir);
		if (en.dir)
			e = strcmp(en.name, "keys") ? make_dir(im, en.name) : PF_OK;
		else if (ru->slot != NONE)
			e = pf_tar_read(im->r, (size_t)ru->max, &im->slot[ru->slot]);
		else
			e = write_entry(im, en.name);
		if (e != PF_OK)
			return e;
		if (!en.dir) {
			im->stats->files++;
			im->stats->bytes += (size_t)en.size;
		}
	}
	return e == PF_ERR_NOTFOUND ? PF_OK : e;
}

/* dir must not exist, or be an empty directory; dir.tmp must not exist. */
static enum pf_err
check_target(const char *dir, const char *tmp)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*de;
	int		 empty = 1;

	if (lstat(tmp, &sb) == 0)
		return pf_err(PF_ERR_EXISTS, "%s exists (left by an interrupted "
		    "import?): remove it first", tmp);
	if (lstat(dir, &sb) == -1)
		return errno == ENOENT ? PF_OK : pf_err(PF_ERR_SYS, "%s: %s", dir,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode) || (d = opendir(dir)) == NULL)
		return pf_err(PF_ERR_EXISTS, "%s exists and is not a directory: "
		    "import restores into a new or empty directory only", dir);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	if (!empty)
		return pf_err(PF_ERR_EXISTS, "%s is not empty: import restores "
		    "into a new or empty directory only, never over a node", dir);
	return PF_OK;
}

/* Keys into the new keyring, then the index from the restored files. */
static enum pf_err
restore_node(struct importer *im, const char *fpr)
{
	struct pf_keyring	*kr = NULL;
	struct pf_node		*n = NULL;
	struct pf_store		*st = NULL;
	char			 home[PATH_MAX];
	enum pf_err		 e;

	snprintf(home, sizeof(home), "%s/gnupg", im->tmp);
	/* The layout (tmp/, public/, ...) the archive does not carry. */
	if ((e = pf_store_open(im->tmp, 1, &st)) != PF_OK ||
	    (e = pf_keyring_open(home, &kr)) != PF_OK ||
	    (e = pf_keyring_restore(kr, &im->slot[K_PUB], &im->slot[K_SEC],
	    &im->slot[K_TRUST], fpr)) != PF_OK)
		goto out;
	pf_keyring_close(kr);
	kr = NULL;
	if ((e = pf_node_open(im->tmp, PF_NODE_KEYRING, &n)) != PF_OK ||
	    (e = pf_store_lock(n->st, 1)) != PF_OK)
		goto out;
	if ((e = pf_node_reindex(n, NULL, NULL, &im->stats->posts)) == PF_OK &&
	    im->slot[K_NONCES].len > 0)
		e = pf_index_nonce_load(n->ix, im->slot[K_NONCES].data,
		    im->slot[K_NONCES].len, pf_now_ms() / 1000);
out:
	pf_node_close(n);
	pf_keyring_close(kr);
	pf_store_close(st);
	return e;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Remove the half-restored dir.tmp: its agent first, then every file. */
static void
discard(struct importer *im)
{
	char home[PATH_MAX];

	snprintf(home, sizeof(home), "%s/gnupg", im->tmp);
	if (access(home, F_OK) == 0)
		pf_keyring_agent_stop(home);
	nftw(im->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Make dir.tmp durable and move it to dir in one step. */
static enum pf_err
publish(struct importer *im, const char *dir)
{
	char	home[PATH_MAX], parent[PATH_MAX];
	int	fd;
	enum pf_err e;

	snprintf(home, sizeof(home), "%s/gnupg", im->tmp);
	/* The agent knows the old path: it must not outlive the rename. */
	if ((e = pf_keyring_agent_stop(home)) != PF_OK)
		return e;
	if (fchmod(im->tmpfd, 0755) == -1 || syncfs(im->tmpfd) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", im->tmp, strerror(errno));
	/* rename(2) replaces an empty directory in one step. */
	if (rename(im->tmp, dir) == -1)
		return pf_err(PF_ERR_SYS, "%s: rename to %s: %s", im->tmp, dir,
		    strerror(errno));
	snprintf(parent, sizeof(parent), "%s", dir);
	if ((fd = open(dirname(parent), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(fd) == -1)
			e = pf_err(PF_ERR_SYS, "%s: fsync: %s", parent, strerror(errno));
		close(fd);
	}
	return e;
}

/* Check, extract, restore the keys and index, publish. */
static enum pf_err
import_run(struct importer *im, const char *dir)
{
	enum pf_err e;

	if ((e = scan(im)) != PF_OK)
		return e;
	if (mkdir(im->tmp, 0700) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", im->tmp, strerror(errno));
	if ((im->tmpfd = open(im->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: %s", im->tmp, strerror(errno));
		goto fail;
	}
	if ((e = extract(im)) != PF_OK)
		goto fail;
	if ((e = restore_node(im, im->stats->fpr)) != PF_OK ||
	    (e = publish(im, dir)) != PF_OK)
		goto fail;
	return PF_OK;
fail:
	discard(im);
	return e;
}

enum pf_err
pf_archive_import(const char *file, const char *dir, struct pf_archive_stats *stats)
{
	struct importer	 im = { NULL, file, NULL, -1, { { 0 } }, stats };
	size_t		 len = strlen(dir), i;
	enum pf_err	 e;

	memset(stats, 0, sizeof(*stats));
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if ((im.tmp = malloc(len + 5)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	snprintf(im.tmp, len + 5, "%.*s.tmp", (int)len, dir);
	if ((e = check_target(dir, im.tmp)) == PF_OK &&
	    (e = pf_tar_open(file, PF_ARCHIVE_MEDIA_MAX, &im.r)) == PF_OK)
		e = import_run(&im, dir);
	if (im.tmpfd != -1)
		close(im.tmpfd);
	pf_tar_close(im.r);
	for (i = 0; i < NSLOTS; i++) {
		if (im.slot[i].data != NULL)
			explicit_bzero(im.slot[i].data, im.slot[i].cap);
		pf_buf_free(&im.slot[i]);
	}
	free(im.tmp);
	return e;
}
