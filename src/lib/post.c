/*
 * post.c: the post model: parsing, validation and accessors.  One set of
 * rule tables (below) says which members each post type and each nested
 * object may have, which are required, and how each is checked; the same
 * tables fix the canonical key order of the bytes post_build.c writes.
 * They mirror the JSON Schema files in doc/schema/ and doc/PROTOCOL.md
 * ("Posts"): change all three together.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "json.h"
#include "post.h"
#include "post_int.h"

#define PF_POST_DEPTH	8

static enum pf_err	check_str(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_enum(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_id(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_fpr(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_time(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_to(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_ref(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_obj(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_imagetype(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_digest(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_size(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_filename(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_href(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_lat(const struct field *, const char *,
			    struct json_object *);
static enum pf_err	check_lon(const struct field *, const char *,
			    struct json_object *);

static const char *const contexts[] = { AS_CONTEXT, NULL };
static const char *const text_types[] = { "text/plain", "text/markdown", NULL };
static const char *const place_type[] = { "Place", NULL };
static const char *const image_type[] = { "Image", NULL };
static const char *const link_type[] = { "Link", NULL };
static const char *const former_types[] = { "Note", "Event", "Like",
	"Arrive", "Travel", "Listen", "Read", "View", "Join", "Leave", NULL };

#define REQ	1
#define TEXT(n, req)	{ n, check_str, req, 1, PF_CONTENT_MAX, NULL, NULL }
#define NAME(n, req)	{ n, check_str, req, 1, 200, NULL, NULL }
#define CHK(n, fn, req)	{ n, fn, req, 0, 0, NULL, NULL }
#define ENUM(n, l, req)	{ n, check_enum, req, 0, 0, l, NULL }

static const struct field place_fields[] = {
	ENUM("type", place_type, REQ),
	CHK("latitude", check_lat, REQ),
	CHK("longitude", check_lon, REQ),
	NAME("name", 0),
	{ .name = NULL }
};

static const struct field image_fields[] = {
	ENUM("type", image_type, REQ),
	CHK("mediaType", check_imagetype, REQ),
	CHK("digest", check_digest, REQ),
	CHK("size", check_size, REQ),
	CHK("name", check_filename, REQ),
	{ .name = NULL }
};

static const struct field link_fields[] = {
	ENUM("type", link_type, REQ),
	CHK("href", check_href, REQ),
	NAME("name", 0),
	{ .name = NULL }
};

#define LOCATION	{ "location", check_obj, 0, 0, 0, NULL, place_fields }

/* Members of every post, in canonical order. */
const struct field pf_post_common_fields[] = {
	ENUM("@context", contexts, REQ),
	CHK("id", check_id, REQ),
	NAME("type", REQ),		/* dispatched on by post_validate() */
	CHK("attributedTo", check_fpr, REQ),
	CHK("published", check_time, REQ),
	CHK("updated", check_time, REQ),
	{ "to", check_to, REQ, 1, PF_TO_MAX, NULL, NULL },
	{ .name = NULL }
};

static const struct field note_fields[] = {
	TEXT("content", REQ),
	ENUM("mediaType", text_types, 0),
	{ "attachment", pf_post_check_attachment, 0, 1, PF_ATT_MAX, NULL,
	    NULL },
	LOCATION,
	CHK("inReplyTo", check_ref, 0),
	{ .name = NULL }
};

static const struct field event_fields[] = {
	NAME("name", REQ),
	CHK("startTime", check_time, REQ),
	CHK("endTime", check_time, 0),
	TEXT("content", 0),
	LOCATION,
	{ .name = NULL }
};

static const struct field like_fields[] = {
	CHK("object", check_ref, REQ),
	{ .name = NULL }
};

static const struct field activity_fields[] = {
	NAME("name", 0),
	TEXT("content", 0),
	{ "object", check_str, 0, 1, 500, NULL, NULL },
	{ "target", check_str, 0, 1, 500, NULL, NULL },
	LOCATION,
	{ .name = NULL }
};

static const struct field tombstone_fields[] = {
	CHK("deleted", check_time, REQ),
	ENUM("formerType", former_types, 0),
	{ .name = NULL }
};

static const struct kind kinds[] = {
	{ "Note", K_NOTE, note_fields },
	{ "Event", K_EVENT, event_fields },
	{ "Like", K_LIKE, like_fields },
	{ "Tombstone", K_TOMBSTONE, tombstone_fields },
	{ "Arrive", K_ACTIVITY, activity_fields },
	{ "Travel", K_ACTIVITY, activity_fields },
	{ "Listen", K_ACTIVITY, activity_fields },
	{ "Read", K_ACTIVITY, activity_fields },
	{ "View", K_ACTIVITY, activity_fields },
	{ "Join", K_ACTIVITY, activity_fields },
	{ "Leave", K_ACTIVITY, activity_fields },
};

const struct kind *
pf_post_kind_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].type, type) == 0)
			return &kinds[i];
	return NULL;
}

const struct kind *
pf_post_kind_spelled(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(kinds[i].type, type) == 0 &&
		    kinds[i].kind != K_TOMBSTONE)
			return &kinds[i];
	return NULL;
}

/* Copy a key into out for an error message, printable ASCII only. */
static const char *
printable(const char *s, char out[48])
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 47; i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return out;
}

/* True if s is n characters of set (a strspn set). */
static int
span_is(const char *s, size_t n, const char *set)
{
	return strlen(s) == n && strspn(s, set) == n;
}

#define DIGITS	"0123456789"
#define UHEX	"0123456789ABCDEF"
#define LHEX	"0123456789abcdef"

/* ^([0-9A-F]{40}|[0-9A-F]{64})/[0-9]{13}-[0-9a-f]{4}$ */
static int
ref_valid(const char *s)
{
	const char	*slash = strchr(s, '/');
	char		 fpr[PF_FPR_MAX];
	size_t		 n;

	if (slash == NULL || ((n = (size_t)(slash - s)) != 40 && n != 64))
		return 0;
	memcpy(fpr, s, n);
	fpr[n] = '\0';
	return pf_fpr_valid(fpr) && pf_id_valid(slash + 1);
}

int
pf_post_aud_valid(const char *aud)
{
	size_t n;

	if (strcmp(aud, "public") == 0)
		return 1;
	if (strncmp(aud, "group:", 6) == 0) {
		n = strlen(aud + 6);
		return n >= 1 && n <= PF_GROUP_MAX - 1 && strspn(aud + 6,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    DIGITS "_.-") == n;
	}
	if (strncmp(aud, "key:", 4) == 0)
		return pf_fpr_valid(aud + 4);
	return 0;
}

/*
 * ^(19[7-9][0-9]|[2-9][0-9]{3})-MM-DDTHH:MM:SS(\.[0-9]{1,9})?Z$ and a real
 * date-time: pf_time_parse() checks the calendar, and a leap second is
 * accepted only at 23:59:60, as JSON Schema's "date-time" format does.
 */
static enum pf_err
time_check(const char *path, const char *s, int64_t *ms)
{
	static const char tmpl[] = "dddd-dd-ddTdd:dd:dd";
	size_t	 i, nf;

	for (i = 0; i < sizeof(tmpl) - 1; i++)
		if (tmpl[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != tmpl[i])
			goto bad;
	if (s[i] == '.') {
		nf = strspn(s + i + 1, DIGITS);
		if (nf < 1 || nf > 9)
			goto bad;
		i += nf + 1;
	}
	if (s[i] != 'Z' || s[i + 1] != '\0')
		goto bad;
	if (strncmp(s + 17, "60", 2) == 0 && strncmp(s + 11, "23:59", 5) != 0)
		goto bad;
	if (pf_time_parse(s, ms) != PF_OK)
		goto bad;
	return PF_OK;
bad:
	return pf_err(PF_ERR_INVALID, "%s: not an RFC 3339 UTC date-time "
	    "(YYYY-MM-DDTHH:MM:SS[.fff]Z, 1970 or later): \"%.40s\"", path, s);
}

static enum pf_err
check_str(const struct field *f, const char *path, struct json_object *v)
{
	const char *s;

	return pf_json_str(v, path, f->min, f->max, &s);
}

static enum pf_err
check_enum(const struct field *f, const char *path, struct json_object *v)
{
	const char	*s;
	size_t		 i;
	enum pf_err	 e;

	if ((e = pf_json_str(v, path, 1, 200, &s)) != PF_OK)
		return e;
	for (i = 0; f->list[i] != NULL; i++)
		if (strcmp(s, f->list[i]) == 0)
			return PF_OK;
	return pf_err(PF_ERR_INVALID, i == 1 ? "%s: must be \"%s\"" :
	    "%s: not one of \"%s\", ...", path, f->list[0]);
}

/*
 * A string field checked by a predicate; rule names the pattern in the
 * error message.
 */
static enum pf_err
check_pred(const char *path, struct json_object *v, size_t max,
    int (*pred)(const char *), const char *rule)
{
	const char	*s;
	enum pf_err	 e;

	if ((e = pf_json_str(v, path, 1, max, &s)) != PF_OK)
		return e;
	if (!pred(s))
		return pf_err(PF_ERR_INVALID, "%s: not %s: \"%.80s\"", path,
		    rule, s);
	return PF_OK;
}

static enum pf_err
check_id(const struct field *f, const char *path, struct json_object *v)
{
	(void)f;
	return check_pred(path, v, PF_ID_MAX, pf_id_valid,
	    "a post id (13 digits, '-', 4 lowercase hex digits)");
}

static enum pf_err
check_fpr(const struct field *f, const char *path, struct json_object *v)
{
	(void)f;
	return check_pred(path, v, PF_FPR_MAX, pf_fpr_valid,
	    "a fingerprint (40 or 64 uppercase hex digits)");
}

static enum pf_err
check_ref(const struct field *f, const char *path, struct json_object *v)
{
	(void)f;
	return check_pred(path, v, PF_REF_MAX, ref_valid,
	    "a post reference (FINGERPRINT/ID)");
}

static int
digest_valid(const char *s)
{
	return span_is(s, 64, LHEX);
}

static enum pf_err
check_digest(const struct field *f, const char *path, struct json_object *v)
{
	(void)f;
	return check_pred(path, v, 64, digest_valid,
	    "a SHA-256 digest (64 lowercase hex digits)");
}

static int
imagetype_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 6 && n <= 66 && strncmp(s, "image/", 6) == 0 &&
	    strspn(s + 6, "abcdefghijklmnopqrstuvwxyz" DIGITS ".+-") == n - 6;
}

static enum pf_err
check_imagetype(const struct field *f, const char *path,
    struct json_object *v)
{
	(void)f;
	return check_pred(path, v, 66, imagetype_valid,
	    "an image media type (image/[a-z0-9.+-]{1,60})");
}

static int
href_valid(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static enum pf_err
check_href(const struct field *f, const char *path, struct json_object *v)
{
	(void)f;
	return check_pred(path, v, 2048, href_valid, "an http:// or https:// URL");
}

static int
filename_valid(const char *s)
{
	return strchr(s, '/') == NULL;
}

static enum pf_err
check_filename(const struct field *f, const char *path, struct json_object *v)
{
	(void)f;
	return check_pred(path, v, 200, filename_valid,
	    "a file name without '/'");
}

static enum pf_err
check_size(const struct field *f, const char *path, struct json_object *v)
{
	int64_t i;

	(void)f;
	return pf_json_int(v, path, 0, PF_JSON_INT_MAX, &i);
}

static enum pf_err
check_lat(const struct field *f, const char *path, struct json_object *v)
{
	double d;

	(void)f;
	return pf_json_num(v, path, -90, 90, &d);
}

static enum pf_err
check_lon(const struct field *f, const char *path, struct json_object *v)
{
	double d;

	(void)f;
	return pf_json_num(v, path, -180, 180, &d);
}

static enum pf_err
check_time(const struct field *f, const char *path, struct json_object *v)
{
	const char	*s;
	int64_t		 ms;
	enum pf_err	 e;

	(void)f;
	if ((e = pf_json_str(v, path, 1, 40, &s)) != PF_OK)
		return e;
	return time_check(path, s, &ms);
}

/* "to": 1..32 distinct audiences. */
static enum pf_err
check_to(const struct field *f, const char *path, struct json_object *v)
{
	const char	*s, *t;
	char		 ip[32];
	size_t		 i, j, n;
	enum pf_err	 e;

	if (!json_object_is_type(v, json_type_array))
		return pf_err(PF_ERR_INVALID, "%s: not an array", path);
	n = json_object_array_length(v);
	if (n < f->min || n > f->max)
		return pf_err(PF_ERR_INVALID, "%s: %zu audiences, not %zu..%zu",
		    path, n, f->min, f->max);
	for (i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "%s[%zu]", path, i);
		e = pf_json_str(json_object_array_get_idx(v, i), ip, 1,
		    PF_AUD_MAX - 1, &s);
		if (e != PF_OK)
			return e;
		if (!pf_post_aud_valid(s))
			return pf_err(PF_ERR_INVALID, "%s: not an audience "
			    "(public, group:NAME, key:FINGERPRINT): \"%.80s\"",
			    ip, s);
		for (j = 0; j < i; j++) {
			t = json_object_get_string(
			    json_object_array_get_idx(v, j));
			if (strcmp(s, t) == 0)
				return pf_err(PF_ERR_INVALID,
				    "%s: duplicate audience \"%s\"", ip, s);
		}
	}
	return PF_OK;
}

const struct field *
pf_post_field_find(const struct field *t, const char *name)
{
	for (; t != NULL && t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * Check an object's members against one or two field tables: no member
 * outside them but extension members (a name with a ':', which a reader
 * ignores: doc/PROTOCOL.md "Compatibility"), every required one present,
 * each one passing its check.
 */
static enum pf_err
check_members(const char *path, struct json_object *o,
    const struct field *t1, const struct field *t2)
{
	const struct field	*tabs[2] = { t1, t2 }, *f;
	struct json_object	*v;
	char			 fp[96], kb[48];
	size_t			 i;
	enum pf_err		 e;

	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strchr(key, ':') == NULL &&
		    pf_post_field_find(t1, key) == NULL &&
		    pf_post_field_find(t2, key) == NULL)
			return pf_err(PF_ERR_INVALID, "%s%s%s: unknown property",
			    path, *path ? "." : "", printable(key, kb));
	}
	for (i = 0; i < 2; i++)
		for (f = tabs[i]; f != NULL && f->name != NULL; f++) {
			snprintf(fp, sizeof(fp), "%s%s%s", path,
			    *path ? "." : "", f->name);
			if (!json_object_object_get_ex(o, f->name, &v)) {
				if (f->required)
					return pf_err(PF_ERR_INVALID,
					    "%s: missing", fp);
				continue;
			}
			if ((e = f->check(f, fp, v)) != PF_OK)
				return e;
		}
	return PF_OK;
}

static enum pf_err
check_obj(const struct field *f, const char *path, struct json_object *v)
{
	if (!json_object_is_type(v, json_type_object))
		return pf_err(PF_ERR_INVALID, "%s: not an object", path);
	return check_members(path, v, f->sub, NULL);
}

const struct field *
pf_post_attachment_fields(struct json_object *item)
{
	struct json_object *t;

	if (!json_object_object_get_ex(item, "type", &t) ||
	    !json_object_is_type(t, json_type_string))
		return NULL;
	if (strcmp(json_object_get_string(t), "Image") == 0)
		return image_fields;
	if (strcmp(json_object_get_string(t), "Link") == 0)
		return link_fields;
	return NULL;
}

enum pf_err
pf_post_check_attachment(const struct field *f, const char *path,
    struct json_object *v)
{
	struct json_object	*item;
	const struct field	*sub;
	char			 ip[32];
	size_t			 i, n;
	enum pf_err		 e;

	if (!json_object_is_type(v, json_type_array))
		return pf_err(PF_ERR_INVALID, "%s: not an array", path);
	n = json_object_array_length(v);
	if (n < f->min || n > f->max)
		return pf_err(PF_ERR_INVALID, "%s: %zu items, not %zu..%zu",
		    path, n, f->min, f->max);
	for (i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "%s[%zu]", path, i);
		item = json_object_array_get_idx(v, i);
		if (!json_object_is_type(item, json_type_object))
			return pf_err(PF_ERR_INVALID, "%s: not an object", ip);
		if ((sub = pf_post_attachment_fields(item)) == NULL)
			return pf_err(PF_ERR_INVALID,
			    "%s.type: not \"Image\" or \"Link\"", ip);
		if ((e = check_members(ip, item, sub, NULL)) != PF_OK)
			return e;
	}
	return PF_OK;
}

/* The time in a member that check_members() has validated. */
static int64_t
time_of(struct json_object *o, const char *name)
{
	struct json_object	*v;
	int64_t			 ms = 0;

	if (json_object_object_get_ex(o, name, &v))
		pf_time_parse(json_object_get_string(v), &ms);
	return ms;
}

/* Rules across members, which JSON Schema cannot express. */
static enum pf_err
check_relations(const struct kind *k, struct json_object *o)
{
	if (time_of(o, "updated") < time_of(o, "published"))
		return pf_err(PF_ERR_INVALID,
		    "updated: earlier than published");
	if (k->kind == K_TOMBSTONE &&
	    time_of(o, "deleted") != time_of(o, "updated"))
		return pf_err(PF_ERR_INVALID, "deleted: differs from updated");
	if (k->kind == K_EVENT && json_object_object_get_ex(o, "endTime",
	    NULL) && time_of(o, "endTime") < time_of(o, "startTime"))
		return pf_err(PF_ERR_INVALID,
		    "endTime: earlier than startTime");
	if (k->kind == K_ACTIVITY &&
	    !json_object_object_get_ex(o, "object", NULL) &&
	    !json_object_object_get_ex(o, "target", NULL) &&
	    !json_object_object_get_ex(o, "location", NULL))
		return pf_err(PF_ERR_INVALID, "%s: needs at least one of "
		    "object, target, location", k->type);
	return PF_OK;
}

/* Validate a parsed document as a post; *kp is its kind. */
static enum pf_err
post_validate(struct json_object *o, const struct kind **kp)
{
	const struct kind	*k = NULL;
	const char		*type;
	enum pf_err		 e;

	e = pf_json_get_str(o, "type", 1, 200, &type);
	if (e == PF_ERR_NOTFOUND)
		return pf_err(PF_ERR_INVALID, "type: missing");
	if (e != PF_OK)
		return e;
	if ((k = pf_post_kind_find(type)) == NULL)
		return pf_err(PF_ERR_INVALID, "type: unknown post type "
		    "\"%.40s\"", type);
	e = check_members("", o, pf_post_common_fields, k->fields);
	if (e != PF_OK)
		return e;
	if ((e = check_relations(k, o)) != PF_OK)
		return e;
	*kp = k;
	return PF_OK;
}

/* Copy a validated string member into out (its size was checked). */
static void
copy_str(struct json_object *o, const char *name, char *out, size_t outsz)
{
	struct json_object *v;

	out[0] = '\0';
	if (json_object_object_get_ex(o, name, &v))
		snprintf(out, outsz, "%s", json_object_get_string(v));
}

static void
post_fill(struct pf_post *p, struct json_object *o, const struct kind *k)
{
	struct json_object	*to;
	size_t			 i;

	copy_str(o, "id", p->id, sizeof(p->id));
	snprintf(p->type, sizeof(p->type), "%s", k->type);
	copy_str(o, "attributedTo", p->author, sizeof(p->author));
	p->published_ms = time_of(o, "published");
	p->tombstone = k->kind == K_TOMBSTONE;
	p->updated_ms = time_of(o, p->tombstone ? "deleted" : "updated");
	json_object_object_get_ex(o, "to", &to);
	p->nto = json_object_array_length(to);
	for (i = 0; i < p->nto; i++)
		snprintf(p->to[i], sizeof(p->to[i]), "%s",
		    json_object_get_string(json_object_array_get_idx(to, i)));
	p->priv = o;
}

enum pf_err
pf_post_parse(const char *buf, size_t len, struct pf_post **out)
{
	struct json_object	*o = NULL;
	const struct kind	*k = NULL;
	struct pf_post		*p;
	enum pf_err		 e;

	if (len > PF_POST_MAX)
		return pf_err(PF_ERR_LIMIT, "post: larger than %d bytes",
		    PF_POST_MAX);
	if ((e = pf_json_parse(buf, len, PF_POST_DEPTH, &o)) != PF_OK)
		return e;
	if ((e = post_validate(o, &k)) != PF_OK)
		goto out;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "out of memory");
		goto out;
	}
	post_fill(p, o, k);
	*out = p;
	return PF_OK;
out:
	json_object_put(o);
	return e;
}

void
pf_post_free(struct pf_post *p)
{
	if (p == NULL)
		return;
	json_object_put(p->priv);
	free(p);
}

int
pf_post_has_aud(const struct pf_post *p, const char *aud)
{
	size_t i;

	for (i = 0; i < p->nto; i++)
		if (strcmp(p->to[i], aud) == 0)
			return 1;
	return 0;
}

const char *
pf_post_str(const struct pf_post *p, const char *field)
{
	struct json_object *v;

	if (p == NULL || p->priv == NULL ||
	    !json_object_object_get_ex(p->priv, field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* One attachment a, if it is a well-formed Image, into *img. */
static int
image_of(struct json_object *a, struct pf_image *img)
{
	const char	*type, *digest, *mt;
	int64_t		 size;

	if (!json_object_is_type(a, json_type_object) ||
	    pf_json_get_str(a, "type", 1, 16, &type) != PF_OK ||
	    strcmp(type, "Image") != 0 ||
	    pf_json_get_str(a, "digest", 64, 64, &digest) != PF_OK ||
	    !digest_valid(digest) ||
	    pf_json_get_int(a, "size", 0, PF_JSON_INT_MAX, &size) != PF_OK ||
	    pf_json_get_str(a, "mediaType", 1, sizeof(img->type) - 1,
	    &mt) != PF_OK || strlen(mt) >= sizeof(img->type))
		return 0;
	memcpy(img->digest, digest, PF_SHA256_HEX);
	img->size = size;
	memcpy(img->type, mt, strlen(mt) + 1);
	return 1;
}

size_t
pf_post_images(const struct pf_post *p, struct pf_image *out, size_t max)
{
	struct json_object	*att;
	size_t			 i, n = 0;

	if (p == NULL || p->priv == NULL ||
	    pf_json_get_arr(p->priv, "attachment", 1, SIZE_MAX, &att) != PF_OK)
		return 0;
	for (i = 0; i < json_object_array_length(att) && n < max; i++)
		if (image_of(json_object_array_get_idx(att, i), &out[n]))
			n++;
	return n;
}

size_t
pf_post_links(const struct pf_post *p, struct pf_link *out, size_t max)
{
	struct json_object	*att, *a;
	const char		*type;
	size_t			 i, n = 0;

	if (p == NULL || p->priv == NULL ||
	    pf_json_get_arr(p->priv, "attachment", 1, SIZE_MAX, &att) != PF_OK)
		return 0;
	for (i = 0; i < json_object_array_length(att) && n < max; i++) {
		a = json_object_array_get_idx(att, i);
		if (!json_object_is_type(a, json_type_object) ||
		    pf_json_get_str(a, "type", 1, 16, &type) != PF_OK ||
		    strcmp(type, "Link") != 0 ||
		    pf_json_get_str(a, "href", 1, 2048, &out[n].href) != PF_OK)
			continue;
		if (pf_json_get_str(a, "name", 0, SIZE_MAX, &out[n].name) != PF_OK)
			out[n].name = NULL;
		n++;
	}
	return n;
}

int
pf_post_place(const struct pf_post *p, double *lat, double *lon,
    const char **name)
{
	struct json_object *loc;

	if (p == NULL || p->priv == NULL ||
	    !json_object_object_get_ex(p->priv, "location", &loc) ||
	    !json_object_is_type(loc, json_type_object) ||
	    pf_json_get_num(loc, "latitude", -90, 90, lat) != PF_OK ||
	    pf_json_get_num(loc, "longitude", -180, 180, lon) != PF_OK)
		return 0;
	if (pf_json_get_str(loc, "name", 0, SIZE_MAX, name) != PF_OK)
		*name = NULL;
	return 1;
}
