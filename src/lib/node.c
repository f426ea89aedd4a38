/*
 * node.c: the owner's node: open, publish, edit, delete, reindex, check.
 * The order of every write is doc/DESIGN.md section 8: files first (media,
 * signature, post), then the index, then the pre-rendered public feed.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "feed.h"
#include "image.h"
#include "net.h"
#include "index.h"
#include "keyring.h"
#include "node.h"
#include "when.h"
#include "post.h"
#include "store.h"

#define JOURNAL		"tmp/journal"
#define BATCH		100	/* posts per index transaction in reindex */
#define SIG_MAX		16384


/* Path of post id in reldir: "<reldir>/<id>.json" (+ ".sig" if sig). */
static void
post_rel(char *out, size_t n, const char *reldir, const char *id, int sig)
{
	snprintf(out, n, "%s/%s.json%s", reldir, id, sig ? ".sig" : "");
}

/* Rewrite the public files (feed.h) after a change of post id (or NULL). */
static enum pf_err
node_publish(struct pf_node *n, const char *id)
{
	struct pf_feed_ctx fc;

	pf_feed_ctx_init(&fc, &n->conf, n->kr, n->self);
	fc.changed = id;
	return pf_feed_publish_static(n->st, n->ix, &fc);
}

/*
 * A node made before the public pages (v0.1.0) has no public/index.html
 * until its next change: write the public files now.  The caller holds
 * the writer lock.
 */
static enum pf_err
publish_missing(struct pf_node *n)
{
	if (pf_store_exists(n->st, "public/index.html"))
		return PF_OK;
	return node_publish(n, NULL);
}

enum pf_err
pf_node_publish_missing(const char *dir)
{
	struct pf_node	*n;
	char		 path[PATH_MAX];
	enum pf_err	 e;

	snprintf(path, sizeof(path), "%s/public/index.html", dir);
	if (access(path, F_OK) == 0)
		return PF_OK;
	if ((e = pf_node_open(dir, PF_NODE_WRITE, &n)) == PF_OK)
		pf_node_close(n);
	return e;
}

enum pf_err
pf_node_init(const char *dir, const char *name, const char *email,
    const char *url, char fpr[PF_FPR_MAX])
{
	struct pf_store		*st = NULL;
	struct pf_keyring	*kr = NULL;
	struct pf_keyinfo	 self;
	struct pf_conf		 conf;
	struct pf_index		*ix = NULL;
	struct pf_feed_ctx	 fc;
	struct pf_buf		 text = { 0 };
	char			*home = NULL, *path = NULL;
	enum pf_err		 e;

	if ((e = pf_store_open(dir, 1, &st)) != PF_OK)
		goto out;
	if ((home = pf_store_join(st, "gnupg")) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((e = pf_keyring_open(home, &kr)) != PF_OK)
		goto out;
	if (pf_keyring_self(kr, &self) == PF_OK) {
		e = pf_err(PF_ERR_EXISTS, "%s already holds the identity %s; "
		    "refusing to replace it", pf_store_path(st), self.fpr);
		goto out;
	}
	/* The lock also marks the new directory with its format version. */
	if ((e = pf_store_lock(st, 1)) != PF_OK ||
	    (e = pf_conf_load(pf_store_path(st), &conf)) != PF_OK)
		goto out;
	if (strlen(name) >= sizeof(conf.name) || (url != NULL &&
	    strlen(url) >= sizeof(conf.url_list))) {
		e = pf_err(PF_ERR_USAGE, "name or URL too long");
		goto out;
	}
	snprintf(conf.name, sizeof(conf.name), "%s", name);
	if (url != NULL)
		snprintf(conf.url_list, sizeof(conf.url_list), "%s", url);
	if ((e = pf_conf_format(&conf, &text)) != PF_OK ||
	    (e = pf_conf_parse(text.data, text.len, "peerfeed.conf", &conf)) != PF_OK ||
	    (e = pf_keyring_generate(kr, name, email, fpr)) != PF_OK ||
	    (e = pf_store_write(st, "peerfeed.conf", text.data, text.len)) != PF_OK)
		goto out;
	/* An empty index and public feed, so the web server has them at once. */
	if ((path = pf_store_join(st, "index")) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto out;
	}
	pf_feed_ctx_init(&fc, &conf, kr, fpr);
	if ((e = pf_index_open(path, PF_INDEX_CREATE, &ix)) == PF_OK)
		e = pf_feed_publish_static(st, ix, &fc);
out:
	pf_index_close(ix);
	free(path);
	pf_buf_free(&text);
	pf_keyring_close(kr);
	free(home);
	pf_store_close(st);
	return e;
}

/* Remove an LMDB environment directory (data.mdb, lock.mdb). */
static void
remove_env(struct pf_node *n, const char *rel)
{
	char	*dir = pf_store_join(n->st, rel), path[4096];

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

static enum pf_err
open_index(struct pf_node *n, unsigned flags)
{
	char		*path;
	enum pf_err	 e;

	/* A writer rebuilds a missing index from the files; a reader cannot. */
	if ((flags & PF_NODE_WRITE) && !pf_store_exists(n->st, "index/data.mdb"))
		return pf_node_reindex(n, NULL, NULL, NULL);
	if ((path = pf_store_join(n->st, "index")) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	e = pf_index_open(path, (flags & PF_NODE_WRITE) ? 0 : PF_INDEX_RDONLY,
	    &n->ix);
	free(path);
	return e;
}

static enum pf_err	recover(struct pf_node *);

enum pf_err
pf_node_open(const char *dir, unsigned flags, struct pf_node **out)
{
	struct pf_node		*n;
	struct pf_keyinfo	 self;
	enum pf_err		 e;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = pf_store_open(dir, 0, &n->st)) != PF_OK ||
	    (e = pf_conf_load(pf_store_path(n->st), &n->conf)) != PF_OK)
		goto fail;
	pf_net_tor_socks(n->conf.tor_socks);
	pf_when_zone(n->conf.timezone);
	if ((n->gnupghome = pf_store_join(n->st, "gnupg")) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto fail;
	}
	if (flags & (PF_NODE_KEYRING | PF_NODE_WRITE)) {
		if ((e = pf_keyring_open(n->gnupghome, &n->kr)) != PF_OK)
			goto fail;
		if ((e = pf_keyring_self(n->kr, &self)) != PF_OK) {
			e = pf_err(PF_ERR_NOTFOUND, "%s has no identity: run "
			    "peerfeed init --name NAME", pf_store_path(n->st));
			goto fail;
		}
		memcpy(n->self, self.fpr, sizeof(n->self));
	}
	if ((flags & PF_NODE_WRITE) && (e = pf_store_lock(n->st, 1)) != PF_OK)
		goto fail;
	if ((flags & (PF_NODE_INDEX | PF_NODE_WRITE)) &&
	    (e = open_index(n, flags)) != PF_OK)
		goto fail;
	if ((flags & PF_NODE_WRITE) && ((e = recover(n)) != PF_OK ||
	    (e = publish_missing(n)) != PF_OK))
		goto fail;
	*out = n;
	return PF_OK;
fail:
	pf_node_close(n);
	return e;
}

void
pf_node_close(struct pf_node *n)
{
	if (n == NULL)
		return;
	pf_index_close(n->ix);
	pf_keyring_close(n->kr);
	pf_store_close(n->st);
	free(n->gnupghome);
	free(n);
}

/*
 * The times of the next change: strictly after every earlier change of the
 * node, even if the clock stepped back, so no reader's cursor skips it.
 */
static enum pf_err
next_time(struct pf_node *n, int64_t *t)
{
	char	 v[32];
	int64_t	 hw = 0, now = pf_now_ms();

	if (pf_index_meta_get(n->ix, "own.updated_ms", v, sizeof(v)) == PF_OK)
		hw = strtoll(v, NULL, 10);
	*t = now > hw ? now : hw + 1;
	return PF_OK;
}

/* Index one post from its bytes and signature. */
static enum pf_err
index_post(struct pf_index *ix, const struct pf_buf *json, const struct pf_buf *sig,
    int own)
{
	struct pf_post		*p = NULL;
	struct pf_index_item	 it;
	enum pf_err		 e;

	if ((e = pf_post_parse(json->data, json->len, &p)) != PF_OK)
		return e;
	it.post = p;
	it.json = json->data;
	it.json_len = json->len;
	it.sig = sig->data ? sig->data : "";
	it.sig_len = sig->len;
	it.own = own;
	e = pf_index_put(ix, &it, 1);
	pf_post_free(p);
	return e;
}

/*
 * Write post id (bytes json) as a signed file and index it.  The journal
 * names id first, so a crash anywhere before it is removed is finished by
 * recover() on the next write.
 */
static enum pf_err
commit(struct pf_node *n, const char *id, const struct pf_buf *json)
{
	struct pf_buf	 sig = { 0 };
	char		 rel[128];
	enum pf_err	 e;

	if ((e = pf_store_room(n->st, json->len + SIG_MAX)) != PF_OK ||
	    (e = pf_envelope_sign(n->kr, json->data, json->len, &sig)) != PF_OK ||
	    (e = pf_store_write(n->st, JOURNAL, id, strlen(id))) != PF_OK)
		goto out;
	post_rel(rel, sizeof(rel), "posts", id, 1);
	if ((e = pf_store_write(n->st, rel, sig.data, sig.len)) != PF_OK)
		goto out;
	post_rel(rel, sizeof(rel), "posts", id, 0);
	if ((e = pf_store_write(n->st, rel, json->data, json->len)) != PF_OK ||
	    (e = index_post(n->ix, json, &sig, 1)) != PF_OK ||
	    (e = node_publish(n, id)) != PF_OK)
		goto out;
	e = pf_store_unlink(n->st, JOURNAL);
out:
	pf_buf_free(&sig);
	return e;
}

/*
 * Finish a change a crash interrupted: whichever version of the post file
 * is on disk (old or new) is signed anew and indexed.  A post whose file
 * never got written leaves at most an orphan signature, removed here.
 */
static enum pf_err
recover(struct pf_node *n)
{
	struct pf_buf	 id = { 0 }, json = { 0 };
	char		 rel[128];
	enum pf_err	 e;

	if ((e = pf_store_read(n->st, JOURNAL, 64, &id)) == PF_ERR_NOTFOUND)
		return PF_OK;
	if (e != PF_OK)
		goto out;
	if (!pf_id_valid(id.data)) {
		e = pf_store_unlink(n->st, JOURNAL);
		goto out;
	}
	post_rel(rel, sizeof(rel), "posts", id.data, 0);
	e = pf_store_read(n->st, rel, PF_POST_MAX, &json);
	if (e == PF_ERR_NOTFOUND) {
		post_rel(rel, sizeof(rel), "posts", id.data, 1);
		if ((e = pf_store_unlink(n->st, rel)) == PF_OK)
			e = pf_store_unlink(n->st, JOURNAL);
	} else if (e == PF_OK)
		e = commit(n, id.data, &json);
out:
	pf_buf_free(&id);
	pf_buf_free(&json);
	return e;
}

/* Read and parse own post id; refuses friends' posts and tombstones. */
static enum pf_err
load_own(struct pf_node *n, const char *id, struct pf_post **out)
{
	struct pf_buf	 json = { 0 };
	char		 rel[128];
	struct pf_post	*p = NULL;
	enum pf_err	 e;

	if (!pf_id_valid(id))
		return pf_err(PF_ERR_INVALID, "\"%.40s\" is not a post id "
		    "(13 digits, '-', 4 hex digits)", id);
	post_rel(rel, sizeof(rel), "posts", id, 0);
	e = pf_store_read(n->st, rel, PF_POST_MAX, &json);
	if (e == PF_ERR_NOTFOUND)
		e = pf_err(e, "no post %s", id);
	if (e != PF_OK)
		goto out;
	if ((e = pf_post_parse(json.data, json.len, &p)) != PF_OK) {
		e = pf_err_ctx(e, "%s", rel);
		goto out;
	}
	if (p->tombstone) {
		e = pf_err(PF_ERR_NOTFOUND, "post %s was deleted", id);
		goto out;
	}
	*out = p;
	p = NULL;
out:
	pf_post_free(p);
	pf_buf_free(&json);
	return e;
}

/*
 * Read an image file, clean it (image.c: decoded, upright, at most 2048
 * pixels, no metadata) and store the result in media/ under its SHA-256,
 * its thumbnail in thumbs/; point the draft at it.  The file's name is only remembered, never
 * trusted: the content says what it is.
 */
static enum pf_err
attach(struct pf_node *n, const char *image, struct pf_draft *d,
    char sha[PF_SHA256_HEX])
{
	struct pf_buf	 raw = { 0 }, img = { 0 };
	const char	*base = strrchr(image, '/'), *type;
	enum pf_err	 e;

	base = base ? base + 1 : image;
	if ((e = pf_store_read_file(image, (size_t)n->conf.media_max,
	    &raw)) != PF_OK)
		goto out;
	if ((e = pf_image_prepare(raw.data, raw.len, &img, &type)) != PF_OK) {
		e = pf_err_ctx(e, "%s", image);
		goto out;
	}
	if ((e = pf_store_add_media(n->st, "media", img.data, img.len,
	    sha)) != PF_OK ||
	    (e = pf_image_thumb(img.data, img.len, &raw)) != PF_OK ||
	    (e = pf_store_add_thumb(n->st, sha, raw.data, raw.len)) != PF_OK)
		goto out;
	d->image_digest = sha;
	d->image_type = type;
	d->image_name = base;
	d->image_size = (int64_t)img.len;
out:
	pf_buf_free(&raw);
	pf_buf_free(&img);
	return e;
}

enum pf_err
pf_node_post(struct pf_node *n, const struct pf_draft *draft, const char *image,
    char id[PF_ID_MAX])
{
	struct pf_draft	 d = *draft;
	struct pf_buf	 json = { 0 };
	char		 sha[PF_SHA256_HEX], newid[PF_ID_MAX];
	int64_t		 t;
	enum pf_err	 e;

	if ((e = next_time(n, &t)) != PF_OK ||
	    (image != NULL && (e = attach(n, image, &d, sha)) != PF_OK))
		goto out;
	snprintf(newid, sizeof(newid), "%013lld-0000", (long long)t);
	if ((e = pf_post_build(&d, newid, n->self, t, t, &json)) != PF_OK ||
	    (e = commit(n, newid, &json)) != PF_OK)
		goto out;
	memcpy(id, newid, sizeof(newid));
out:
	pf_buf_free(&json);
	return e;
}

enum pf_err
pf_node_edit(struct pf_node *n, const char *id, const struct pf_draft *draft,
    const char *image)
{
	struct pf_draft	 d = *draft;
	struct pf_post	*old = NULL;
	struct pf_buf	 json = { 0 };
	char		 sha[PF_SHA256_HEX];
	int64_t		 t;
	enum pf_err	 e;

	if ((e = load_own(n, id, &old)) != PF_OK ||
	    (e = next_time(n, &t)) != PF_OK ||
	    (image != NULL && (e = attach(n, image, &d, sha)) != PF_OK) ||
	    (e = pf_post_edit(old, &d, t, &json)) != PF_OK)
		goto out;
	e = commit(n, id, &json);
out:
	pf_post_free(old);
	pf_buf_free(&json);
	return e;
}

enum pf_err
pf_node_delete(struct pf_node *n, const char *id)
{
	struct pf_post	*old = NULL;
	struct pf_buf	 json = { 0 };
	int64_t		 t;
	enum pf_err	 e;

	if ((e = load_own(n, id, &old)) != PF_OK ||
	    (e = next_time(n, &t)) != PF_OK ||
	    (e = pf_post_tombstone(old, t, &json)) != PF_OK)
		goto out;
	e = commit(n, id, &json);
out:
	pf_post_free(old);
	pf_buf_free(&json);
	return e;
}

static void
report(pf_node_report_fn fn, void *arg, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report(pf_node_report_fn fn, void *arg, const char *file, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(file, msg, arg);
}

/* Posts waiting to be written into the new index in one transaction. */
struct batch {
	struct pf_index_item	 items[BATCH];
	struct pf_buf		 json[BATCH], sig[BATCH];
	size_t			 n;
};

static enum pf_err
batch_flush(struct pf_index *ix, struct batch *b)
{
	enum pf_err	e = PF_OK;
	size_t		i;

	if (b->n > 0)
		e = pf_index_put(ix, b->items, b->n);
	for (i = 0; i < b->n; i++) {
		pf_post_free((struct pf_post *)b->items[i].post);
		pf_buf_free(&b->json[i]);
		pf_buf_free(&b->sig[i]);
	}
	b->n = 0;
	return e;
}

/*
 * Read post reldir/name and its signature into the next batch slot.
 * A file that breaks a rule is reported and skipped (PF_OK, *added 0).
 */
static enum pf_err
batch_add(struct pf_node *n, struct batch *b, const char *reldir, const char *name,
    const char *author, int own, pf_node_report_fn fn, void *arg, int *added)
{
	struct pf_buf	*json = &b->json[b->n], *sig = &b->sig[b->n];
	struct pf_post	*p = NULL;
	char		 rel[512];
	enum pf_err	 e;

	*added = 0;
	snprintf(rel, sizeof(rel), "%s/%s", reldir, name);
	if ((e = pf_store_read(n->st, rel, PF_POST_MAX, json)) != PF_OK ||
	    (e = pf_post_parse(json->data, json->len, &p)) != PF_OK) {
		report(fn, arg, rel, "%s", pf_errmsg());
		goto skip;
	}
	if (strlen(name) != strlen(p->id) + 5 || strncmp(name, p->id, strlen(p->id))) {
		report(fn, arg, rel, "file name does not match its id \"%s\"", p->id);
		goto skip;
	}
	if (strcmp(p->author, author) != 0) {
		report(fn, arg, rel, "attributedTo is %s, not %s", p->author, author);
		goto skip;
	}
	snprintf(rel, sizeof(rel), "%s/%s.sig", reldir, name);
	if ((e = pf_store_read(n->st, rel, SIG_MAX, sig)) != PF_OK) {
		if (e == PF_ERR_NOTFOUND)
			report(fn, arg, rel, "no signature: indexed, but friends "
			    "will refuse it until it is signed");
		else
			report(fn, arg, rel, "%s", pf_errmsg());
		pf_buf_reset(sig);
	}
	b->items[b->n] = (struct pf_index_item){ p, json->data, json->len,
	    sig->data ? sig->data : "", sig->len, own };
	b->n++;
	*added = 1;
	return PF_OK;
skip:
	pf_post_free(p);
	pf_buf_free(json);
	pf_buf_free(sig);
	return e == PF_ERR_NOMEM || e == PF_ERR_SYS ? e : PF_OK;
}

/* Index every post in reldir (by author) into ix. */
static enum pf_err
reindex_dir(struct pf_node *n, struct pf_index *ix, struct batch *b,
    const char *reldir, const char *author, int own, pf_node_report_fn fn,
    void *arg, size_t *count)
{
	char		**names = NULL;
	size_t		  nn = 0, i;
	int		  added;
	enum pf_err	  e;

	if ((e = pf_store_list(n->st, reldir, ".json", &names, &nn)) != PF_OK)
		return e == PF_ERR_NOTFOUND ? PF_OK : e;
	for (i = 0; i < nn; i++) {
		if ((e = batch_add(n, b, reldir, names[i], author, own, fn, arg,
		    &added)) != PF_OK)
			break;
		*count += (size_t)added;
		if (b->n == BATCH && (e = batch_flush(ix, b)) != PF_OK)
			break;
	}
	pf_store_names_free(names, nn);
	if (e == PF_OK)
		e = batch_flush(ix, b);
	return e;
}

/* Index own posts, then each friend's, into ix. */
static enum pf_err
reindex_all(struct pf_node *n, struct pf_index *ix, pf_node_report_fn fn,
    void *arg, size_t *count)
{
	struct batch	*b;
	char		**fr = NULL, rel[256];
	size_t		  nf = 0, i;
	enum pf_err	  e;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	e = reindex_dir(n, ix, b, "posts", n->self, 1, fn, arg, count);
	if (e == PF_OK && pf_store_list(n->st, "friends", "", &fr, &nf) != PF_OK)
		nf = 0;
	for (i = 0; e == PF_OK && i < nf; i++) {
		if (!pf_fpr_valid(fr[i]))
			continue;
		snprintf(rel, sizeof(rel), "friends/%s/posts", fr[i]);
		e = reindex_dir(n, ix, b, rel, fr[i], 0, fn, arg, count);
	}
	pf_store_names_free(fr, nf);
	batch_flush(ix, b);
	free(b);
	return e;
}

/* The index now in place, or NULL if there is none or it is broken. */
static struct pf_index *
old_index(struct pf_node *n)
{
	struct pf_index	*old = NULL;
	char		*path;

	if (n->ix != NULL || !pf_store_exists(n->st, "index/data.mdb"))
		return n->ix;
	if ((path = pf_store_join(n->st, "index")) == NULL)
		return NULL;
	if (pf_index_open(path, 0, &old) != PF_OK)
		old = NULL;	/* a broken old index has nothing to keep */
	free(path);
	return old;
}

/*
 * The responder's nonces are not in the files: carry them over from the
 * old index, so a rebuilt index still refuses a replayed request.  The
 * responders keep adding nonces to the old index until they reopen, so
 * copy, retire the old index (no nonce is added to it after that: a
 * responder waits for the new one), and copy what came in meanwhile.
 * The caller swaps the new index in next, or unretires the old one.
 */
static enum pf_err
keep_nonces(struct pf_node *n, struct pf_index *to)
{
	struct pf_index	*old = old_index(n);
	enum pf_err	 e = PF_OK;

	if (old != NULL &&
	    ((e = pf_index_nonce_copy(old, to, pf_now_ms() / 1000)) != PF_OK ||
	    (e = pf_index_retire(old, 1)) != PF_OK ||
	    (e = pf_index_nonce_copy(old, to, pf_now_ms() / 1000)) != PF_OK))
		(void)pf_index_retire(old, 0);
	if (old != n->ix)
		pf_index_close(old);
	return e;
}

/* A swap that failed: the old index serves on, nonces and all. */
static void
unretire(struct pf_node *n)
{
	struct pf_index *old = old_index(n);

	if (old != NULL)
		(void)pf_index_retire(old, 0);
	if (old != n->ix)
		pf_index_close(old);
}

enum pf_err
pf_node_reindex(struct pf_node *n, pf_node_report_fn fn, void *arg, size_t *nposts)
{
	struct pf_index	*ix = NULL;
	char		*cur = NULL, *tmp = NULL;
	size_t		 count = 0;
	enum pf_err	 e;

	remove_env(n, "index.new");
	if ((cur = pf_store_join(n->st, "index")) == NULL ||
	    (tmp = pf_store_join(n->st, "index.new")) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((e = pf_index_open(tmp, PF_INDEX_CREATE, &ix)) != PF_OK ||
	    (e = reindex_all(n, ix, fn, arg, &count)) != PF_OK ||
	    (e = keep_nonces(n, ix)) != PF_OK)
		goto out;
	pf_index_close(ix);
	ix = NULL;
	pf_index_close(n->ix);
	n->ix = NULL;
	/* Swap in one step, so readers see the old index or the new one. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, cur, RENAME_EXCHANGE) == -1 &&
	    (errno != ENOENT || rename(tmp, cur) == -1)) {
		e = pf_err(PF_ERR_SYS, "%s: rename: %s", cur, strerror(errno));
		unretire(n);
		goto out;
	}
	remove_env(n, "index.new");
	if ((e = pf_index_open(cur, 0, &n->ix)) != PF_OK ||
	    (e = node_publish(n, NULL)) != PF_OK)
		goto out;
	if (nposts != NULL)
		*nposts = count;
out:
	pf_index_close(ix);
	/* A half-built index (a full disk, say) must not keep its space. */
	if (e != PF_OK)
		remove_env(n, "index.new");
	free(cur);
	free(tmp);
	return e;
}

struct check_ctx {
	struct pf_node		*n;
	pf_node_report_fn	 fn;
	void			*arg;
	size_t			 problems;
	const char		*reldir;
	const struct pf_buf	*json;
	int			 same;
};

static enum pf_err
same_bytes(const struct pf_entry *en, void *arg)
{
	struct check_ctx *c = arg;

	c->same = en->json_len == c->json->len &&
	    memcmp(en->json, c->json->data, en->json_len) == 0;
	return PF_OK;
}

static void
problem(struct check_ctx *c, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct check_ctx *c, const char *file, const char *fmt, ...)
{
	char	full[512], msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s/%s", pf_store_path(c->n->st), file);
	report(c->fn, c->arg, full, "%s", msg);
	c->problems++;
}

/* Check one post file of author in reldir against the index and its signature. */
static enum pf_err
check_file(struct check_ctx *c, const char *name, const char *author, int verify)
{
	struct pf_buf	 json = { 0 }, sig = { 0 };
	struct pf_post	*p = NULL;
	char		 rel[512], id[PF_ID_MAX];
	enum pf_err	 e;

	snprintf(rel, sizeof(rel), "%s/%s", c->reldir, name);
	snprintf(id, sizeof(id), "%.*s", (int)(strlen(name) - 5), name);
	if ((e = pf_store_read(c->n->st, rel, PF_POST_MAX, &json)) != PF_OK ||
	    (e = pf_post_parse(json.data, json.len, &p)) != PF_OK) {
		problem(c, rel, "%s", pf_errmsg());
		goto out;
	}
	/* The rules reindex applies (batch_add), named the same way. */
	if (strcmp(p->id, id) != 0) {
		problem(c, rel, "file name does not match its id \"%s\"", p->id);
		goto out;
	}
	if (strcmp(p->author, author) != 0) {
		problem(c, rel, "attributedTo is %s, not %s", p->author, author);
		goto out;
	}
	c->json = &json;
	c->same = 0;
	if (pf_index_get(c->n->ix, author, id, same_bytes, c) == PF_ERR_NOTFOUND)
		problem(c, rel, "%s", "not in the index (run peerfeed reindex)");
	else if (!c->same)
		problem(c, rel, "%s", "index differs from the file (run peerfeed reindex)");
	snprintf(rel, sizeof(rel), "%s/%s.sig", c->reldir, name);
	if (pf_store_read(c->n->st, rel, SIG_MAX, &sig) != PF_OK)
		problem(c, rel, "%s", "missing signature");
	else if (verify && pf_envelope_verify(c->n->kr, json.data, json.len,
	    sig.data, sig.len, author) != PF_OK)
		problem(c, rel, "signature does not verify: %s", pf_errmsg());
out:
	pf_post_free(p);
	pf_buf_free(&json);
	pf_buf_free(&sig);
	return e == PF_ERR_NOMEM ? e : PF_OK;
}

static enum pf_err
check_entry(const struct pf_entry *en, void *arg)
{
	struct check_ctx	*c = arg;
	char			 rel[512];

	snprintf(rel, sizeof(rel), "%s/%s.json", c->reldir, en->id);
	if (!pf_store_exists(c->n->st, rel))
		problem(c, rel, "%s", "in the index but the file is missing "
		    "(run peerfeed reindex)");
	return PF_OK;
}

/* Check every file in reldir by author, orphans, and index entries without files. */
static enum pf_err
check_dir(struct check_ctx *c, const char *reldir, const char *author, int verify)
{
	char		**names = NULL, rel[512];
	size_t		  nn = 0, i;
	enum pf_err	  e = PF_OK;

	c->reldir = reldir;
	if (pf_store_list(c->n->st, reldir, ".json", &names, &nn) == PF_OK)
		for (i = 0; i < nn && e == PF_OK; i++)
			e = check_file(c, names[i], author, verify);
	pf_store_names_free(names, nn);
	if (e == PF_OK && pf_store_list(c->n->st, reldir, ".sig", &names, &nn) == PF_OK) {
		for (i = 0; i < nn; i++) {
			snprintf(rel, sizeof(rel), "%s/%.*s", reldir,
			    (int)(strlen(names[i]) - 4), names[i]);
			if (!pf_store_exists(c->n->st, rel))
				problem(c, rel, "%s", "signature without a post file");
		}
		pf_store_names_free(names, nn);
	}
	if (e == PF_OK)
		e = pf_index_walk(c->n->ix, author, check_entry, c);
	return e;
}

enum pf_err
pf_node_check(struct pf_node *n, int verify, pf_node_report_fn fn, void *arg,
    size_t *nproblems)
{
	struct check_ctx	 c = { n, fn, arg, 0, NULL, NULL, 0 };
	char			**fr = NULL, rel[256];
	size_t			  nf = 0, i;
	enum pf_err		  e;

	e = check_dir(&c, "posts", n->self, verify);
	if (e == PF_OK && pf_store_list(n->st, "friends", "", &fr, &nf) != PF_OK)
		nf = 0;
	for (i = 0; e == PF_OK && i < nf; i++) {
		if (!pf_fpr_valid(fr[i]))
			continue;
		snprintf(rel, sizeof(rel), "friends/%s/posts", fr[i]);
		e = check_dir(&c, rel, fr[i], verify);
	}
	pf_store_names_free(fr, nf);
	if (e == PF_OK && pf_store_exists(n->st, JOURNAL))
		problem(&c, JOURNAL, "%s", "an interrupted change is pending "
		    "(the next write finishes it)");
	if (e == PF_OK)
		*nproblems = c.problems;
	return e;
}
