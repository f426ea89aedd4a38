/*
 * app_write.c: the web page's changes.  Each form becomes the same
 * library call the CLI makes (pf_node_post, pf_node_edit, pf_node_delete,
 * pf_node_friend_add, pf_node_friend_group, pf_keyring_set_disabled), run
 * in a forked child (pf_child_call()) that opens the node as a writer
 * (PF_NODE_WRITE: the store's writer lock, crash recovery, a writable
 * index) and reports the outcome through a pipe.  The child keeps LMDB's
 * rule that an environment is opened once per process: the responder's own
 * read-only one is never used or closed there, and the child leaves with
 * _exit().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "keyring.h"
#include "node.h"
#include "node_friend.h"
#include "post.h"
#include "store.h"
#include "when.h"

/* One change on a writer node; out (outlen bytes) may get a result. */
typedef enum pf_err (*write_fn)(struct pf_node *, const struct pf_form *,
    char *out, size_t outlen);

/* run_writer()'s arguments, for its child. */
struct writer {
	struct pf_api		*a;
	const struct pf_form	*f;
	write_fn		 fn;
};

/* The child's side: the change on a writer node of its own. */
static enum pf_err
writer_child(void *arg, void *res, size_t size)
{
	const struct writer	*w = arg;
	struct pf_node		*n = NULL;
	enum pf_err		 e;

	e = pf_node_open(pf_store_path(w->a->st), PF_NODE_WRITE, &n);
	if (e == PF_OK)
		e = w->fn(n, w->f, res, size);
	pf_node_close(n);
	return e;
}

/* Run fn on a writer node in a child process; out gets its output. */
static enum pf_err
run_writer(struct pf_api *a, const struct pf_form *f, write_fn fn, char *out,
    size_t outlen)
{
	struct writer	w = { a, f, fn };
	char		res[128];
	enum pf_err	e;
	int		died;

	e = pf_child_call(writer_child, &w, res, sizeof(res), &died);
	if (died)
		return pf_err(PF_ERR_SYS, "the writer process died");
	if (e != PF_OK)
		return e;
	res[sizeof(res) - 1] = '\0';
	if (out != NULL)
		snprintf(out, outlen, "%s", res);
	return PF_OK;
}

/* --- forms into drafts --- */

/* A form field, NULL when absent or empty. */
static const char *
field(const struct pf_form *f, const char *name)
{
	const char *v = pf_app_form_get(f, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static enum pf_err
form_number(const char *what, const char *v, double *out)
{
	char *end;

	*out = strtod(v, &end);
	if (end == v || *end != '\0')
		return pf_err(PF_ERR_INVALID, "%s: not a number", what);
	return PF_OK;
}

/* The one audience of a form ("to"), checked. */
static enum pf_err
form_to(const struct pf_form *f, const char **to)
{
	const char *v = field(f, "to");

	if (v == NULL)
		v = "public";
	if (!pf_post_aud_valid(v))
		return pf_err(PF_ERR_INVALID, "audience: \"public\", "
		    "\"group:NAME\" or \"key:FINGERPRINT\"");
	*to = v;
	return PF_OK;
}

struct draftbuf {
	struct pf_draft	 d;
	const char	*to[1];
	char		 start[PF_WHEN_MAX], end[PF_WHEN_MAX];
};

static enum pf_err
form_draft(const struct pf_form *f, struct draftbuf *db)
{
	static const char *const types[] = { "Note", "Event", "Arrive",
	    "Travel", "Listen", "Read", "View" };
	struct pf_draft	*d = &db->d;
	const char	*v, *lat, *lon;
	size_t		 i;
	enum pf_err	 e;

	memset(db, 0, sizeof(*db));
	if ((e = form_to(f, &db->to[0])) != PF_OK)
		return e;
	d->to = db->to;
	d->nto = 1;
	v = field(f, "type");
	for (i = 0; v != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(v, types[i]) == 0)
			break;
	if (v != NULL && i == sizeof(types) / sizeof(types[0]))
		return pf_err(PF_ERR_INVALID, "kind: not one the page offers");
	d->type = v;
	d->content = field(f, "content");
	if (field(f, "markdown") != NULL)
		d->media_type = "text/markdown";
	d->name = field(f, "name");
	d->link = field(f, "link");
	d->place = field(f, "place");
	d->object = field(f, "object");
	d->target = field(f, "target");
	lat = field(f, "lat");
	lon = field(f, "lon");
	if ((lat != NULL) != (lon != NULL))
		return pf_err(PF_ERR_INVALID, "place: give both latitude and "
		    "longitude");
	if (lat != NULL) {
		if ((e = form_number("latitude", lat, &d->lat)) != PF_OK ||
		    (e = form_number("longitude", lon, &d->lon)) != PF_OK)
			return e;
		d->has_geo = 1;
	}
	if ((v = field(f, "start")) != NULL) {
		if ((e = pf_when_parse("starts", v, db->start)) != PF_OK)
			return e;
		d->start = db->start;
	}
	if ((v = field(f, "end")) != NULL) {
		if ((e = pf_when_parse("ends", v, db->end)) != PF_OK)
			return e;
		d->end = db->end;
	}
	if (d->content == NULL && d->name == NULL && d->object == NULL &&
	    d->link == NULL && !d->has_geo &&
	    pf_app_form_file(f, "image") == NULL)
		return pf_err(PF_ERR_INVALID, "write something first");
	return PF_OK;
}

/*
 * Save an uploaded image as tmp/upload.XXXXXX/<name> for pf_node_post(),
 * which copies it into media/ (checking its size against media_max and
 * its name against the image types).  dir gets the directory to remove.
 */
static enum pf_err
save_upload(struct pf_node *n, const struct pf_form_field *f, char *dir,
    size_t dirlen, char *path, size_t pathlen)
{
	char	 name[128], *tmpl;
	const char *base = strrchr(f->filename, '/');
	size_t	 i;
	int	 fd;
	enum pf_err e = PF_OK;

	base = base ? base + 1 : f->filename;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	snprintf(name, sizeof(name), "%s", *base && *base != '.' ? base :
	    "image");
	for (i = 0; name[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", name[i]) == NULL)
			name[i] = '_';
	if ((tmpl = pf_store_join(n->st, "tmp/upload.XXXXXX")) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (mkdtemp(tmpl) == NULL) {
		e = pf_err(PF_ERR_SYS, "%s: %s", tmpl, strerror(errno));
		free(tmpl);
		return e;
	}
	snprintf(dir, dirlen, "%s", tmpl);
	snprintf(path, pathlen, "%s/%s", tmpl, name);
	free(tmpl);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	if (write(fd, f->value, f->len) != (ssize_t)f->len)
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	close(fd);
	return e;
}

static enum pf_err
w_post(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	struct draftbuf			 db;
	const struct pf_form_field	*img = pf_app_form_file(f, "image");
	char				 dir[512] = "", path[700], id[PF_ID_MAX];
	enum pf_err			 e;

	if ((e = form_draft(f, &db)) != PF_OK)
		return e;
	if (img != NULL && (e = save_upload(n, img, dir, sizeof(dir), path,
	    sizeof(path))) != PF_OK)
		goto out;
	if ((e = pf_node_post(n, &db.d, img ? path : NULL, id)) == PF_OK)
		snprintf(out, outlen, "%s", id);
out:
	if (dir[0] != '\0') {
		(void)unlink(path);
		(void)rmdir(dir);
	}
	return e;
}

static enum pf_err
w_edit(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	struct pf_draft	 d;
	const char	*to[1], *id = field(f, "id");
	enum pf_err	 e;

	(void)out; (void)outlen;
	memset(&d, 0, sizeof(d));
	if (id == NULL)
		return pf_err(PF_ERR_INVALID, "id: missing");
	/* No audience chosen: the post keeps the ones it has. */
	if (field(f, "to") != NULL) {
		if ((e = form_to(f, &to[0])) != PF_OK)
			return e;
		d.to = to;
		d.nto = 1;
	}
	d.content = field(f, "content");
	return pf_node_edit(n, id, &d, NULL);
}

static enum pf_err
w_delete(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	const char *id = field(f, "id");

	(void)out; (void)outlen;
	if (id == NULL)
		return pf_err(PF_ERR_INVALID, "id: missing");
	return pf_node_delete(n, id);
}

/*
 * The post a like or comment answers: "FPR/ID" of a friend's post, which
 * the reaction is addressed to alone (key:FPR).
 */
static enum pf_err
reaction(struct pf_node *n, const struct pf_form *f, int like)
{
	struct pf_draft		 d;
	struct pf_keyinfo	 k;
	char			 ref[PF_REF_MAX], aud[PF_AUD_MAX];
	const char		*to[1] = { aud }, *v = field(f, "ref"), *slash;

	if (v == NULL || (slash = strchr(v, '/')) == NULL ||
	    (size_t)(slash - v) >= PF_FPR_MAX || !pf_id_valid(slash + 1))
		return pf_err(PF_ERR_INVALID, "ref: not FINGERPRINT/ID");
	snprintf(ref, sizeof(ref), "%s", v);
	ref[slash - v] = '\0';
	if (!pf_fpr_valid(ref) || pf_keyring_lookup(n->kr, ref, &k) != PF_OK ||
	    k.secret)
		return pf_err(PF_ERR_INVALID, "ref: not a friend's post");
	snprintf(aud, sizeof(aud), "key:%s", ref);
	ref[slash - v] = '/';
	memset(&d, 0, sizeof(d));
	d.to = to;
	d.nto = 1;
	if (like) {
		d.type = "Like";
		d.like = ref;
	} else {
		if ((d.content = field(f, "content")) == NULL)
			return pf_err(PF_ERR_INVALID, "comment: empty");
		d.reply_to = ref;
	}
	return pf_node_post(n, &d, NULL, (char[PF_ID_MAX]){ 0 });
}

static enum pf_err
w_like(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	(void)out; (void)outlen;
	return reaction(n, f, 1);
}

static enum pf_err
w_comment(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	(void)out; (void)outlen;
	return reaction(n, f, 0);
}

static enum pf_err
w_friend(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	const struct pf_form_field	*key = pf_app_form_file(f, "keyfile");
	char				 fpr[PF_FPR_MAX];
	enum pf_err			 e;

	if (key != NULL && key->len > PF_KEY_MAX)
		return pf_err(PF_ERR_LIMIT, "key file: larger than %d bytes",
		    PF_KEY_MAX);
	e = pf_node_friend_add(n, key ? key->value : NULL, key ? key->len : 0,
	    field(f, "url"), field(f, "fpr"), field(f, "group"), fpr);
	if (e == PF_OK)
		snprintf(out, outlen, "%s", fpr);
	return e;
}

/* The fingerprint field of a friends form, normalized. */
static enum pf_err
form_fpr(const struct pf_form *f, char fpr[PF_FPR_MAX])
{
	const char *v = field(f, "fpr");

	if (v == NULL || pf_fpr_normalize(v, fpr) != PF_OK)
		return pf_err(PF_ERR_INVALID, "fingerprint: 40 or 64 hex digits");
	return PF_OK;
}

static enum pf_err
w_group(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	char		 fpr[PF_FPR_MAX];
	const char	*g = field(f, "newgroup");
	enum pf_err	 e;

	(void)out; (void)outlen;
	if ((e = form_fpr(f, fpr)) != PF_OK)
		return e;
	if (g == NULL)
		g = field(f, "group");
	return pf_node_friend_group(n, fpr, g);
}

static enum pf_err
block(struct pf_node *n, const struct pf_form *f, int disabled)
{
	struct pf_keyinfo	k;
	char			fpr[PF_FPR_MAX];
	enum pf_err		e;

	if ((e = form_fpr(f, fpr)) != PF_OK)
		return e;
	if (pf_keyring_lookup(n->kr, fpr, &k) != PF_OK)
		return pf_err(PF_ERR_NOTFOUND, "%s: no such key", fpr);
	if (k.secret)
		return pf_err(PF_ERR_USAGE, "%s is this node's own key", fpr);
	return pf_keyring_set_disabled(n->kr, fpr, disabled);
}

static enum pf_err
w_block(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	(void)out; (void)outlen;
	return block(n, f, 1);
}

static enum pf_err
w_unblock(struct pf_node *n, const struct pf_form *f, char *out, size_t outlen)
{
	(void)out; (void)outlen;
	return block(n, f, 0);
}

static const struct {
	const char	*path;
	write_fn	 fn;
	const char	*done;		/* where to go on success */
} writes[] = {
	{ "/app/post", w_post, "?msg=posted" },
	{ "/app/edit", w_edit, "?msg=edited" },
	{ "/app/delete", w_delete, "?msg=deleted" },
	{ "/app/like", w_like, "?msg=liked" },
	{ "/app/comment", w_comment, "?msg=commented" },
	{ "/app/friend", w_friend, "friends?msg=added" },
	{ "/app/group", w_group, "friends?msg=moved" },
	{ "/app/block", w_block, "friends?msg=blocked" },
	{ "/app/unblock", w_unblock, "friends?msg=unblocked" },
};

enum pf_err
pf_app_write(struct pf_api *a, const char *path, const struct pf_form *f,
    const char **done)
{
	size_t i;

	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		if (strcmp(path, writes[i].path) == 0) {
			*done = writes[i].done;
			return run_writer(a, f, writes[i].fn, NULL, 0);
		}
	return pf_err(PF_ERR_NOTFOUND, "no such page");
}
