/*
 * json.h: strict parsing of untrusted JSON on top of json-c, and checked
 * member getters.  json-c alone accepts duplicate keys, NUL bytes in
 * strings and keys, raw control characters, NaN, Infinity and integers it
 * silently saturates (doc/PROTOCOL.md, "JSON"); pf_json_parse() rejects
 * all of them, so what a peer signed is exactly what we interpret.
 *
 * Every error is PF_ERR_INVALID or PF_ERR_LIMIT with a pf_errmsg() that
 * names the rule ("json: duplicate key \"id\"", "ts: not an integer").
 *
 * json-c itself stays behind this header: a document is an opaque
 * struct json_object, read with the functions below.  Only json.c and
 * the post model (post.c, post_build.c), which builds documents, include
 * <json-c/json.h>.
 */
#ifndef PF_JSON_H
#define PF_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "pf.h"

struct json_object;

/* Largest integer magnitude accepted: 2^53, exact in every JSON parser. */
#define PF_JSON_INT_MAX	9007199254740992LL

/*
 * Parse exactly len bytes of buf (no NUL terminator needed) as one JSON
 * object, optionally followed by whitespace.  Nesting deeper than
 * max_depth containers fails with PF_ERR_LIMIT ("{}" has depth 1).
 * Rejected with PF_ERR_INVALID: anything that is not strict RFC 8259 JSON,
 * invalid UTF-8, a NUL byte anywhere (raw or "\u0000", in a string or a
 * key), a duplicate key in any object, NaN or Infinity, an integer beyond
 * +-2^53, a number that overflows a double, a top level that is not an
 * object.  On success *out is a new reference the caller releases with
 * pf_json_free().
 */
enum pf_err	 pf_json_parse(const char *buf, size_t len, int max_depth,
		    struct json_object **out);

/*
 * Offset of the first byte of buf that is not part of well-formed UTF-8
 * (no overlong forms, no surrogates, nothing past U+10FFFF), or len.
 */
size_t		 pf_utf8_check(const char *buf, size_t len);
/* Number of Unicode code points in a valid UTF-8 string. */
size_t		 pf_utf8_len(const char *s);

/*
 * Checked member getters.  name is the member's key and also the field
 * name used in error messages.  A missing member is PF_ERR_NOTFOUND
 * ("name: missing"); a member of the wrong type or out of range is
 * PF_ERR_INVALID.  Outputs are set only on success; strings and objects
 * are borrowed from obj and live as long as it does.
 */
enum pf_err	 pf_json_get_str(struct json_object *obj, const char *name,
		    size_t min_chars, size_t max_chars, const char **out);
enum pf_err	 pf_json_get_int(struct json_object *obj, const char *name,
		    int64_t min, int64_t max, int64_t *out);
/* A number: an integer, or a finite double (the only place doubles pass). */
enum pf_err	 pf_json_get_num(struct json_object *obj, const char *name,
		    double min, double max, double *out);
enum pf_err	 pf_json_get_bool(struct json_object *obj, const char *name,
		    int *out);
enum pf_err	 pf_json_get_obj(struct json_object *obj, const char *name,
		    struct json_object **out);
/* An array of min..max elements. */
enum pf_err	 pf_json_get_arr(struct json_object *obj, const char *name,
		    size_t min, size_t max, struct json_object **out);

/*
 * The same checks on a value already in hand (an array element, say);
 * name is only used in the error message.
 */
enum pf_err	 pf_json_str(struct json_object *v, const char *name,
		    size_t min_chars, size_t max_chars, const char **out);
enum pf_err	 pf_json_int(struct json_object *v, const char *name,
		    int64_t min, int64_t max, int64_t *out);
enum pf_err	 pf_json_num(struct json_object *v, const char *name,
		    double min, double max, double *out);

/* Release a parsed document (NULL is fine). */
void		 pf_json_free(struct json_object *);
/* True if v is an object; true if the object o has a member name. */
int		 pf_json_is_obj(struct json_object *v);
int		 pf_json_has(struct json_object *o, const char *name);
/* The length of the array a, and its element i (borrowed from a). */
size_t		 pf_json_arr_len(struct json_object *a);
struct json_object *pf_json_arr_at(struct json_object *a, size_t i);

/*
 * Every member of the object o must be named in allowed, a NULL-terminated
 * list; else PF_ERR_INVALID, "what: unknown member \"key\"" (just
 * "unknown member \"key\"" when what is NULL).
 */
enum pf_err	 pf_json_only_members(struct json_object *o,
		    const char *const *allowed, const char *what);

#endif
