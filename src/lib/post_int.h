/*
 * post_int.h: the post model's rule tables, shared by post.c (parse,
 * validate) and post_build.c (build, edit, tombstone, render) only.
 * Nothing else includes it.
 */
#ifndef PF_POST_INT_H
#define PF_POST_INT_H

#include "post.h"

struct json_object;

#define AS_CONTEXT	"https://www.w3.org/ns/activitystreams"

struct field;
typedef enum pf_err (*check_fn)(const struct field *, const char *path,
    struct json_object *);

/* One member of an object: its checker, and whether it is required. */
struct field {
	const char		*name;
	check_fn		 check;
	int			 required;
	size_t			 min, max;	/* characters or items */
	const char *const	*list;		/* check_enum's values */
	const struct field	*sub;		/* check_obj's members */
};

/* Post kinds, for the draft applicability table. */
#define K_NOTE		0x01
#define K_EVENT		0x02
#define K_LIKE		0x04
#define K_ACTIVITY	0x08
#define K_TOMBSTONE	0x10

/* A post type: its kind, and its members after the common ones. */
struct kind {
	const char		*type;
	unsigned		 kind;
	const struct field	*fields;
};

/* Members of every post, in canonical order. */
extern const struct field	pf_post_common_fields[];

/* The kind of a post type ("Note"), or NULL.  Points into a static table. */
const struct kind	*pf_post_kind_find(const char *type);
/*
 * The kind a person means by type, in any case ("event" is Event); a
 * Tombstone is not one to write.  NULL if none.
 */
const struct kind	*pf_post_kind_spelled(const char *type);
/* The member name of table t (t may be NULL), or NULL. */
const struct field	*pf_post_field_find(const struct field *t,
			    const char *name);
/* The member table of an attachment, by its type, or NULL. */
const struct field	*pf_post_attachment_fields(struct json_object *item);
/*
 * The check of "attachment": 1..4 Image or Link objects.  post_build.c
 * knows the attachment array by this checker.
 */
enum pf_err		 pf_post_check_attachment(const struct field *,
			    const char *path, struct json_object *);

#endif
