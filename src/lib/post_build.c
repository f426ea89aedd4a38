/*
 * post_build.c: writing and rendering posts.  build, edit and tombstone all
 * assemble a json-c document, put it in canonical order (the rule tables
 * of post.c), serialize it and run the result through pf_post_parse(), so
 * nothing we write could be refused by a reader.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "json.h"
#include "post.h"
#include "post_int.h"

#define JSON_OUT	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
			    JSON_C_TO_STRING_NOSLASHESCAPE)

/* Set o[key] = v, taking v's reference; v == NULL means no memory. */
static enum pf_err
set(struct json_object *o, const char *key, struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return pf_err(PF_ERR_NOMEM, "out of memory");
	}
	return PF_OK;
}

static enum pf_err
set_str(struct json_object *o, const char *key, const char *s)
{
	size_t n = strlen(s);

	if (pf_utf8_check(s, n) != n)
		return pf_err(PF_ERR_INVALID, "%s: not valid UTF-8", key);
	return set(o, key, json_object_new_string_len(s, (int)n));
}

static enum pf_err
set_time(struct json_object *o, const char *key, int64_t ms)
{
	char t[32];

	pf_time_fmt(ms, t);
	return set_str(o, key, t);
}

/*
 * A coordinate as a json-c double that serializes as the shortest text
 * reading back the same value ("52.52", not "52.520000000000003"), with
 * ".0" added where it would otherwise read as an integer.
 */
static struct json_object *
new_coord(double d)
{
	char	 s[40], *c;
	int	 prec;
	size_t	 n;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof(s) - 2, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	/* Whatever LC_NUMERIC says, JSON's decimal point is '.'. */
	if ((c = strchr(s, ',')) != NULL)
		*c = '.';
	if (strpbrk(s, ".eE") == NULL) {
		n = strlen(s);
		memcpy(s + n, ".0", 3);
	}
	return json_object_new_double_s(d, s);
}

/* The draft fields, and the kinds of post each one applies to. */
#define DOFF(m)		offsetof(struct pf_draft, m)
#define K_TEXT		(K_NOTE | K_EVENT | K_ACTIVITY)
static const struct {
	const char	*name;
	size_t		 off;
	unsigned	 kinds;
	const char	*key;		/* the member it sets, if that simple */
} draft_fields[] = {
	{ "content", DOFF(content), K_TEXT, "content" },
	{ "markdown", DOFF(media_type), K_NOTE, "mediaType" },
	{ "name", DOFF(name), K_EVENT | K_ACTIVITY, "name" },
	{ "name", DOFF(name), K_NOTE, NULL },	/* the link's name */
	{ "image", DOFF(image_digest), K_NOTE, NULL },
	{ "image type", DOFF(image_type), K_NOTE, NULL },
	{ "image name", DOFF(image_name), K_NOTE, NULL },
	{ "link", DOFF(link), K_NOTE, NULL },
	{ "place", DOFF(place), K_TEXT, NULL },
	{ "start", DOFF(start), K_EVENT, "startTime" },
	{ "end", DOFF(end), K_EVENT, "endTime" },
	{ "reply-to", DOFF(reply_to), K_NOTE, "inReplyTo" },
	{ "like", DOFF(like), K_LIKE, "object" },
	{ "object", DOFF(object), K_ACTIVITY, "object" },
	{ "target", DOFF(target), K_ACTIVITY, "target" },
};
#define NDRAFT	(sizeof(draft_fields) / sizeof(draft_fields[0]))

static const char *
draft_get(const struct pf_draft *d, size_t i)
{
	return *(const char *const *)(const void *)
	    ((const char *)d + draft_fields[i].off);
}

/* Refuse draft fields that mean nothing for kind k, rather than drop them. */
static enum pf_err
draft_check(const struct pf_draft *d, const struct kind *k)
{
	size_t		i, j;
	unsigned	mask;

	for (i = 0; i < NDRAFT; i++) {
		if (draft_get(d, i) == NULL)
			continue;
		for (mask = 0, j = 0; j < NDRAFT; j++)
			if (draft_fields[j].off == draft_fields[i].off)
				mask |= draft_fields[j].kinds;
		if ((mask & k->kind) == 0)
			return pf_err(PF_ERR_INVALID, "%s: does not apply to "
			    "a %s", draft_fields[i].name, k->type);
	}
	if (d->has_geo && (k->kind & K_TEXT) == 0)
		return pf_err(PF_ERR_INVALID, "location: does not apply to "
		    "a %s", k->type);
	if (d->image_digest == NULL && (d->image_type != NULL ||
	    d->image_name != NULL || d->image_size != 0))
		return pf_err(PF_ERR_INVALID, "image: no digest given");
	return PF_OK;
}

static enum pf_err
set_to(struct json_object *o, const struct pf_draft *d)
{
	struct json_object	*a;
	size_t			 i;
	enum pf_err		 e;

	if (d->nto == 0 || d->to == NULL)
		return pf_err(PF_ERR_INVALID, "to: no audience given");
	if (d->nto > PF_TO_MAX)
		return pf_err(PF_ERR_INVALID, "to: more than %d audiences",
		    PF_TO_MAX);
	for (i = 0; i < d->nto; i++)
		if (!pf_post_aud_valid(d->to[i]))
			return pf_err(PF_ERR_INVALID, "to: \"%.80s\" is not an "
			    "audience (public, group:NAME, key:FINGERPRINT)",
			    d->to[i]);
	if ((e = set(o, "to", a = json_object_new_array())) != PF_OK)
		return e;
	for (i = 0; i < d->nto; i++)
		if (json_object_array_add(a,
		    json_object_new_string(d->to[i])) != 0)
			return pf_err(PF_ERR_NOMEM, "out of memory");
	return PF_OK;
}

/* Index of the first attachment of the given type in a, or -1. */
static int
attachment_find(struct json_object *a, const char *type)
{
	struct json_object	*t;
	size_t			 i;

	for (i = 0; i < json_object_array_length(a); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(a, i),
		    "type", &t) && strcmp(json_object_get_string(t), type) == 0)
			return (int)i;
	return -1;
}

/* Replace the attachment at idx with v (taking v), or append v. */
static enum pf_err
attachment_put(struct json_object *a, int idx, struct json_object *v)
{
	int rc;

	if (v == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	rc = idx < 0 ? json_object_array_add(a, v) :
	    json_object_array_put_idx(a, (size_t)idx, v);
	if (rc != 0) {
		json_object_put(v);
		return pf_err(PF_ERR_NOMEM, "out of memory");
	}
	return PF_OK;
}

static enum pf_err
image_set(struct json_object *a, const struct pf_draft *d)
{
	struct json_object	*img;
	enum pf_err		 e;

	if ((img = json_object_new_object()) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = set_str(img, "type", "Image")) != PF_OK ||
	    (d->image_type != NULL &&
	    (e = set_str(img, "mediaType", d->image_type)) != PF_OK) ||
	    (e = set_str(img, "digest", d->image_digest)) != PF_OK ||
	    (e = set(img, "size", json_object_new_int64(d->image_size))) !=
	    PF_OK || (d->image_name != NULL &&
	    (e = set_str(img, "name", d->image_name)) != PF_OK)) {
		json_object_put(img);
		return e;
	}
	return attachment_put(a, attachment_find(a, "Image"), img);
}

/* The link: a new href, or a new name for the link there is. */
static enum pf_err
link_set(struct json_object *a, const struct pf_draft *d)
{
	struct json_object	*lnk, *old = NULL, *name = NULL;
	int			 idx = attachment_find(a, "Link");
	enum pf_err		 e;

	if (idx >= 0)
		old = json_object_array_get_idx(a, idx);
	if (d->link == NULL && old == NULL)
		return pf_err(PF_ERR_INVALID, "name: a Note has a name only "
		    "as the title of its link");
	if (d->link == NULL)
		return set_str(old, "name", d->name);
	if ((lnk = json_object_new_object()) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (old != NULL && d->name == NULL)
		json_object_object_get_ex(old, "name", &name);
	if ((e = set_str(lnk, "type", "Link")) != PF_OK ||
	    (e = set_str(lnk, "href", d->link)) != PF_OK ||
	    (d->name != NULL && (e = set_str(lnk, "name", d->name)) != PF_OK) ||
	    (name != NULL && (e = set(lnk, "name", json_object_get(name))) !=
	    PF_OK)) {
		json_object_put(lnk);
		return e;
	}
	return attachment_put(a, idx, lnk);
}

static enum pf_err
attachments_set(struct json_object *o, const struct pf_draft *d)
{
	struct json_object	*a;
	enum pf_err		 e;

	if (d->image_digest == NULL && d->link == NULL && d->name == NULL)
		return PF_OK;
	if (!json_object_object_get_ex(o, "attachment", &a) &&
	    (e = set(o, "attachment", a = json_object_new_array())) != PF_OK)
		return e;
	if (!json_object_is_type(a, json_type_array))
		return pf_err(PF_ERR_INVALID, "attachment: not an array");
	if (d->image_digest != NULL && (e = image_set(a, d)) != PF_OK)
		return e;
	if (d->link != NULL || d->name != NULL)
		return link_set(a, d);
	return PF_OK;
}

/* The location: new coordinates, or a new name for the place there is. */
static enum pf_err
location_set(struct json_object *o, const struct pf_draft *d)
{
	struct json_object	*loc, *old = NULL, *name = NULL;
	enum pf_err		 e;

	if (!d->has_geo && d->place == NULL)
		return PF_OK;
	json_object_object_get_ex(o, "location", &old);
	if (!d->has_geo && old == NULL)
		return pf_err(PF_ERR_INVALID, "place: a place name needs "
		    "coordinates");
	if (!d->has_geo)
		return set_str(old, "name", d->place);
	if (!isfinite(d->lat) || !isfinite(d->lon))
		return pf_err(PF_ERR_INVALID, "location: coordinates are not "
		    "finite numbers");
	if (old != NULL && d->place == NULL)
		json_object_object_get_ex(old, "name", &name);
	if ((loc = json_object_new_object()) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = set_str(loc, "type", "Place")) != PF_OK ||
	    (e = set(loc, "latitude", new_coord(d->lat))) != PF_OK ||
	    (e = set(loc, "longitude", new_coord(d->lon))) != PF_OK ||
	    (d->place != NULL && (e = set_str(loc, "name", d->place)) !=
	    PF_OK) || (name != NULL &&
	    (e = set(loc, "name", json_object_get(name))) != PF_OK)) {
		json_object_put(loc);
		return e;
	}
	return set(o, "location", loc);
}

/* Apply the set fields of a draft to a post document of kind k. */
static enum pf_err
draft_apply(struct json_object *o, const struct kind *k,
    const struct pf_draft *d, int need_to)
{
	const char	*v;
	size_t		 i;
	enum pf_err	 e;

	if ((e = draft_check(d, k)) != PF_OK)
		return e;
	if ((need_to || d->to != NULL || d->nto != 0) &&
	    (e = set_to(o, d)) != PF_OK)
		return e;
	for (i = 0; i < NDRAFT; i++) {
		v = draft_get(d, i);
		if (v != NULL && draft_fields[i].key != NULL &&
		    (draft_fields[i].kinds & k->kind) != 0 &&
		    (e = set_str(o, draft_fields[i].key, v)) != PF_OK)
			return e;
	}
	if (k->kind == K_NOTE && (e = attachments_set(o, d)) != PF_OK)
		return e;
	return location_set(o, d);
}

static struct json_object	*ordered(struct json_object *,
				    const struct field *, const struct field *);

/* A copy of an attachment array with each item in canonical order. */
static struct json_object *
ordered_array(struct json_object *a)
{
	struct json_object	*n, *item;
	const struct field	*t;
	size_t			 i;

	if ((n = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < json_object_array_length(a); i++) {
		item = json_object_array_get_idx(a, i);
		t = pf_post_attachment_fields(item);
		item = t != NULL ? ordered(item, t, NULL) :
		    json_object_get(item);
		if (item == NULL || json_object_array_add(n, item) != 0) {
			json_object_put(item);
			json_object_put(n);
			return NULL;
		}
	}
	return n;
}

/*
 * A new object holding o's members in table order (the canonical order of
 * doc/PROTOCOL.md), then any others; NULL if out of memory.
 */
static struct json_object *
ordered(struct json_object *o, const struct field *t1, const struct field *t2)
{
	const struct field	*tabs[2] = { t1, t2 }, *f;
	struct json_object	*n, *v, *c;
	size_t			 i;

	if (!json_object_is_type(o, json_type_object) ||
	    (n = json_object_new_object()) == NULL)
		return json_object_get(o);
	for (i = 0; i < 2; i++)
		for (f = tabs[i]; f != NULL && f->name != NULL; f++) {
			if (!json_object_object_get_ex(o, f->name, &v))
				continue;
			if (f->sub != NULL)
				c = ordered(v, f->sub, NULL);
			else if (f->check == pf_post_check_attachment &&
			    json_object_is_type(v, json_type_array))
				c = ordered_array(v);
			else
				c = json_object_get(v);
			if (set(n, f->name, c) != PF_OK)
				goto fail;
		}
	json_object_object_foreach(o, key, val)
		if (pf_post_field_find(t1, key) == NULL &&
		    pf_post_field_find(t2, key) == NULL &&
		    set(n, key, json_object_get(val)) != PF_OK)
			goto fail;
	return n;
fail:
	json_object_put(n);
	return NULL;
}

/*
 * Append the canonical bytes of document o (kind k) to out, and check them
 * as any reader would.  On failure out is left as it was.
 */
static enum pf_err
emit(struct json_object *o, const struct kind *k, struct pf_buf *out)
{
	struct json_object	*c;
	struct pf_post		*p = NULL;
	const char		*s;
	size_t			 n, start = out->len;
	enum pf_err		 e;

	if ((c = ordered(o, pf_post_common_fields, k->fields)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((s = json_object_to_json_string_length(c, JSON_OUT, &n)) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((e = pf_buf_add(out, s, n)) != PF_OK ||
	    (e = pf_buf_add(out, "\n", 1)) != PF_OK)
		goto out;
	e = pf_post_parse(out->data + start, out->len - start, &p);
	pf_post_free(p);
out:
	if (e != PF_OK && out->data != NULL) {
		out->len = start;
		out->data[start] = '\0';
	}
	json_object_put(c);
	return e;
}

enum pf_err
pf_post_build(const struct pf_draft *d, const char *id, const char *author,
    int64_t published_ms, int64_t updated_ms, struct pf_buf *out)
{
	const char		*type = d->type != NULL ? d->type : "Note";
	const struct kind	*k = pf_post_kind_spelled(type);
	struct json_object	*o;
	enum pf_err		 e;

	if (id == NULL || author == NULL)
		return pf_err(PF_ERR_USAGE, "post: no id or author");
	if (k == NULL && pf_post_kind_find(type) != NULL)
		return pf_err(PF_ERR_INVALID, "type: a Tombstone is written "
		    "by deleting a post");
	if (k == NULL)
		return pf_err(PF_ERR_INVALID, "type: unknown post type "
		    "\"%.40s\" (the types: Note, Event, Arrive, Travel, "
		    "Listen, Read, View, Join, Leave; a like is --like)", type);
	if ((o = json_object_new_object()) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = set_str(o, "@context", AS_CONTEXT)) != PF_OK ||
	    (e = set_str(o, "id", id)) != PF_OK ||
	    (e = set_str(o, "type", k->type)) != PF_OK ||
	    (e = set_str(o, "attributedTo", author)) != PF_OK ||
	    (e = set_time(o, "published", published_ms)) != PF_OK ||
	    (e = set_time(o, "updated", updated_ms)) != PF_OK ||
	    (e = draft_apply(o, k, d, 1)) != PF_OK)
		goto out;
	e = emit(o, k, out);
out:
	json_object_put(o);
	return e;
}

enum pf_err
pf_post_edit(const struct pf_post *old, const struct pf_draft *d,
    int64_t updated_ms, struct pf_buf *out)
{
	const struct kind	*k = NULL;
	struct json_object	*o = NULL;
	enum pf_err		 e;

	if (old == NULL || old->priv == NULL ||
	    (k = pf_post_kind_find(old->type)) == NULL)
		return pf_err(PF_ERR_USAGE, "post: nothing to edit");
	if (old->tombstone)
		return pf_err(PF_ERR_INVALID, "post: %s is deleted", old->id);
	if (d->type != NULL && strcasecmp(d->type, old->type) != 0)
		return pf_err(PF_ERR_INVALID, "type: an edit cannot turn a %s "
		    "into a %.40s", old->type, d->type);
	if (json_object_deep_copy(old->priv, &o, NULL) != 0)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = set_time(o, "updated", updated_ms)) != PF_OK ||
	    (e = draft_apply(o, k, d, 0)) != PF_OK)
		goto out;
	e = emit(o, k, out);
out:
	json_object_put(o);
	return e;
}

enum pf_err
pf_post_tombstone(const struct pf_post *old, int64_t deleted_ms,
    struct pf_buf *out)
{
	struct json_object	*o, *pub, *to;
	enum pf_err		 e;

	if (old == NULL || old->priv == NULL ||
	    !json_object_object_get_ex(old->priv, "published", &pub) ||
	    !json_object_object_get_ex(old->priv, "to", &to))
		return pf_err(PF_ERR_USAGE, "post: nothing to delete");
	if (old->tombstone)
		return pf_err(PF_ERR_INVALID, "post: %s is already deleted",
		    old->id);
	if ((o = json_object_new_object()) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = set_str(o, "@context", AS_CONTEXT)) != PF_OK ||
	    (e = set_str(o, "id", old->id)) != PF_OK ||
	    (e = set_str(o, "type", "Tombstone")) != PF_OK ||
	    (e = set_str(o, "attributedTo", old->author)) != PF_OK ||
	    (e = set(o, "published", json_object_get(pub))) != PF_OK ||
	    (e = set_time(o, "updated", deleted_ms)) != PF_OK ||
	    (e = set(o, "to", json_object_get(to))) != PF_OK ||
	    (e = set_time(o, "deleted", deleted_ms)) != PF_OK ||
	    (e = set_str(o, "formerType", old->type)) != PF_OK)
		goto out;
	e = emit(o, pf_post_kind_find("Tombstone"), out);
out:
	json_object_put(o);
	return e;
}

/*
 * Rendering.  Posts come from friends: control characters (C0, DEL, C1)
 * are shown as '?' so a post cannot drive the reader's terminal.
 */
static enum pf_err
add_clean(struct pf_buf *out, const char *s, int multiline)
{
	const unsigned char	*p = (const unsigned char *)s;
	enum pf_err		 e = PF_OK;

	for (; *p != '\0' && e == PF_OK; p++) {
		if (*p == '\n' && multiline)
			e = pf_buf_add(out, "\n  ", 3);
		else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			e = pf_buf_add(out, "?", 1);
			p++;
		} else if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
			e = pf_buf_add(out, "?", 1);
		else
			e = pf_buf_add(out, p, 1);
	}
	return e;
}

/* "label: value\n" for a string member of o, if present. */
static enum pf_err
render_line(struct pf_buf *out, const char *label, struct json_object *o,
    const char *key, int multiline)
{
	struct json_object	*v;
	enum pf_err		 e;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return PF_OK;
	if ((e = pf_buf_printf(out, "%s: ", label)) != PF_OK ||
	    (e = add_clean(out, json_object_get_string(v), multiline)) != PF_OK)
		return e;
	return pf_buf_add(out, "\n", 1);
}

static const struct {
	unsigned	 kinds;
	const char	*key;
	const char	*label;
} render_lines[] = {
	{ K_EVENT | K_ACTIVITY, "name", "name" },
	{ K_EVENT, "startTime", "starts" },
	{ K_EVENT, "endTime", "ends" },
	{ K_LIKE, "object", "likes" },
	{ K_ACTIVITY, "object", "object" },
	{ K_ACTIVITY, "target", "target" },
	{ K_NOTE, "inReplyTo", "in reply to" },
	{ K_NOTE, "mediaType", "format" },
	{ K_TOMBSTONE, "deleted", "deleted" },
	{ K_TOMBSTONE, "formerType", "was a" },
};

static enum pf_err
render_attachment(struct json_object *a, const char *media_dir,
    struct pf_buf *out)
{
	struct json_object	*v;
	const char		*type, *mt, *dg;
	enum pf_err		 e;

	json_object_object_get_ex(a, "type", &v);
	type = json_object_get_string(v);
	if (strcmp(type, "Link") == 0) {
		if ((e = render_line(out, "link", a, "href", 0)) != PF_OK)
			return e;
		return render_line(out, "  title", a, "name", 0);
	}
	json_object_object_get_ex(a, "mediaType", &v);
	mt = json_object_get_string(v);
	json_object_object_get_ex(a, "digest", &v);
	dg = json_object_get_string(v);
	json_object_object_get_ex(a, "size", &v);
	if ((e = pf_buf_printf(out, "image: %s%s%s (%s, %lld bytes)\n",
	    media_dir != NULL ? media_dir : "", media_dir != NULL ? "/" : "",
	    dg, mt, (long long)json_object_get_int64(v))) != PF_OK)
		return e;
	return render_line(out, "  file", a, "name", 0);
}

static enum pf_err
render_place(struct json_object *loc, struct pf_buf *out)
{
	struct json_object	*lat, *lon, *name;
	enum pf_err		 e;

	json_object_object_get_ex(loc, "latitude", &lat);
	json_object_object_get_ex(loc, "longitude", &lon);
	if ((e = pf_buf_addstr(out, "place: ")) != PF_OK)
		return e;
	if (json_object_object_get_ex(loc, "name", &name) &&
	    ((e = add_clean(out, json_object_get_string(name), 0)) != PF_OK ||
	    (e = pf_buf_addstr(out, " ")) != PF_OK))
		return e;
	return pf_buf_printf(out, "(%s, %s)\n", json_object_get_string(lat),
	    json_object_get_string(lon));
}

enum pf_err
pf_post_render(const struct pf_post *p, const char *media_dir,
    struct pf_buf *out)
{
	struct json_object	*o = p->priv, *a, *loc;
	const struct kind	*k = pf_post_kind_find(p->type);
	size_t			 i;
	enum pf_err		 e;

	if (k == NULL || o == NULL)
		return pf_err(PF_ERR_USAGE, "post: nothing to render");
	if ((e = pf_buf_printf(out, "id: %s\ntype: %s\nfrom: %s\n", p->id,
	    p->type, p->author)) != PF_OK ||
	    (e = render_line(out, "published", o, "published", 0)) != PF_OK ||
	    (e = render_line(out, "updated", o, "updated", 0)) != PF_OK ||
	    (e = pf_buf_addstr(out, "to:")) != PF_OK)
		return e;
	for (i = 0; i < p->nto; i++)
		if ((e = pf_buf_printf(out, " %s", p->to[i])) != PF_OK)
			return e;
	if ((e = pf_buf_addstr(out, "\n")) != PF_OK)
		return e;
	for (i = 0; i < sizeof(render_lines) / sizeof(render_lines[0]); i++)
		if ((render_lines[i].kinds & k->kind) != 0 &&
		    (e = render_line(out, render_lines[i].label, o,
		    render_lines[i].key, 0)) != PF_OK)
			return e;
	if (json_object_object_get_ex(o, "attachment", &a))
		for (i = 0; i < json_object_array_length(a); i++)
			if ((e = render_attachment(json_object_array_get_idx(a,
			    i), media_dir, out)) != PF_OK)
				return e;
	if (json_object_object_get_ex(o, "location", &loc) &&
	    (e = render_place(loc, out)) != PF_OK)
		return e;
	return render_line(out, "content", o, "content", 1);
}
