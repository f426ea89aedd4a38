/*
 * post.h: the post model (doc/PROTOCOL.md, doc/schema/).  post.c and
 * post_build.c are the only places that know the JSON shape of a post:
 * post.c parses untrusted bytes strictly (json.c) and validates every field
 * against one rule table, and post_build.c writes the canonical bytes that
 * get signed.
 */
#ifndef PF_POST_H
#define PF_POST_H

#include "pf.h"

#define PF_POST_MAX		65536	/* bytes in one post file */
#define PF_CONTENT_MAX		5000	/* characters (code points) of content */
#define PF_AUD_MAX		(sizeof("group:") + PF_GROUP_MAX + PF_FPR_MAX)
#define PF_TO_MAX		32	/* audiences per post */
#define PF_ATT_MAX		4	/* attachments per post */

/*
 * A validated post.  Every field is owned by the struct and freed by
 * pf_post_free().  The JSON document itself stays private to post*.c.
 */
struct pf_post {
	char	 id[PF_ID_MAX];
	char	 type[24];		/* "Note", "Event", "Like", "Tombstone", an activity */
	char	 author[PF_FPR_MAX];	/* attributedTo */
	int64_t	 published_ms;
	int64_t	 updated_ms;		/* for a Tombstone: deleted */
	int	 tombstone;
	size_t	 nto;
	char	 to[PF_TO_MAX][PF_AUD_MAX];	/* "public", "group:NAME", "key:FPR" */
	void	*priv;			/* post.c's parsed document */
};

/*
 * What the owner asks for when writing a post; NULL/0 fields are absent.
 * For an edit, non-NULL fields replace the old post's, absent ones keep it.
 */
struct pf_draft {
	const char	*type;		/* default "Note" */
	const char	*content;	/* plain text, or CommonMark if media_type says so */
	const char	*media_type;	/* Note mediaType: "text/markdown", or NULL */
	const char	*name;		/* Event name, link title, activity name */
	const char	*const *to;	/* audiences, as given by the user */
	size_t		 nto;
	/* text + image: the CLI has copied the file into media/ already */
	const char	*image_digest;	/* sha256 hex */
	const char	*image_type;	/* mediaType, e.g. "image/png" */
	const char	*image_name;	/* original file name, no directories */
	int64_t		 image_size;
	const char	*link;		/* text + link: href (http or https) */
	int		 has_geo;	/* geolocation */
	double		 lat, lon;
	const char	*place;		/* place name */
	const char	*start;		/* Event startTime, RFC 3339 */
	const char	*end;		/* Event endTime, RFC 3339 */
	const char	*reply_to;	/* comment: "<fpr>/<id>" */
	const char	*like;		/* Like object: "<fpr>/<id>" */
	const char	*object;	/* activity object (free text or a ref) */
	const char	*target;	/* activity target */
};

/*
 * Parse and validate the exact bytes of a post file.  Rejects anything the
 * schemas in doc/schema/ reject, plus what JSON parsers disagree on
 * (duplicate keys, NUL bytes, non-UTF-8, numbers out of range, depth > 8).
 * On success *out is a new post the caller frees with pf_post_free().
 * Errors: PF_ERR_INVALID or PF_ERR_LIMIT, with pf_errmsg() naming the
 * field and the rule ("content: longer than 5000 characters").
 */
enum pf_err	 pf_post_parse(const char *buf, size_t len, struct pf_post **out);
void		 pf_post_free(struct pf_post *);

/*
 * Write the canonical bytes of a new post (pretty-printed JSON + newline)
 * into out.  id, author, and the times are the caller's (node.c assigns
 * them under the store lock).  The result is validated with the same rules
 * as pf_post_parse() before it is returned.
 */
enum pf_err	 pf_post_build(const struct pf_draft *, const char *id,
		    const char *author, int64_t published_ms, int64_t updated_ms,
		    struct pf_buf *out);
/* An edit of old: fields set in the draft replace old ones; updated moves. */
enum pf_err	 pf_post_edit(const struct pf_post *old, const struct pf_draft *,
		    int64_t updated_ms, struct pf_buf *out);
/* The tombstone that replaces old: same id, author and audience. */
enum pf_err	 pf_post_tombstone(const struct pf_post *old, int64_t deleted_ms,
		    struct pf_buf *out);

/* True if aud is a well-formed audience ("public", "group:x", "key:FPR"). */
int		 pf_post_aud_valid(const char *aud);
/* True if the post names aud in its "to". */
int		 pf_post_has_aud(const struct pf_post *, const char *aud);

/*
 * Append a human-readable rendering of the post to out, one field a line
 * (type-specific: image digest, link, place and coordinates, event times,
 * reply/like targets).  media_dir, if not NULL, prefixes image paths.
 */
enum pf_err	 pf_post_render(const struct pf_post *, const char *media_dir,
		    struct pf_buf *out);
/* A string field of the post by name ("content"), or NULL.  Borrowed. */
const char	*pf_post_str(const struct pf_post *, const char *field);

/* One Image attachment of a post. */
struct pf_image {
	char	digest[PF_SHA256_HEX];	/* SHA-256, 64 lowercase hex digits */
	int64_t	size;			/* bytes, as the post declares */
	char	type[72];		/* mediaType: "image/" + 1..60 */
};

/*
 * The Image attachments of the post, in order, at most max of them into
 * out; returns how many.  Link attachments are passed over.
 */
size_t		 pf_post_images(const struct pf_post *, struct pf_image *out,
		    size_t max);

/* One Link attachment of a post; strings borrowed from the post. */
struct pf_link {
	const char	*href;		/* http:// or https:// */
	const char	*name;		/* title, or NULL */
};
/* The Link attachments of the post, in order, at most max; returns how many. */
size_t		 pf_post_links(const struct pf_post *, struct pf_link *out,
		    size_t max);
/*
 * The post's location: 1 and the coordinates (*name borrowed, NULL if the
 * Place has none) if it has one, else 0.
 */
int		 pf_post_place(const struct pf_post *, double *lat, double *lon,
		    const char **name);

#endif
