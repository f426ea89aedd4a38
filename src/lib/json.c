/*
 * json.c: the one place that parses untrusted JSON.  json-c does the
 * parsing; a second pass over the same bytes (a small scanner walking the
 * text and json-c's tree in step) rejects what json-c lets through:
 * duplicate keys, NUL in keys and strings, raw control characters, NaN,
 * Infinity and out-of-range numbers (doc/DESIGN.md section 8.5).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"

/* The scanner's cursor over the raw text. */
struct scan {
	const char	*buf;
	const char	*p;
	const char	*end;
	int		 depth;
	int		 max_depth;
};

static enum pf_err	scan_value(struct scan *, struct json_object *);

static enum pf_err
bad(const struct scan *s, const char *what)
{
	return pf_err(PF_ERR_INVALID, "json: %s at byte %zu", what,
	    (size_t)(s->p - s->buf));
}

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/*
 * Scan a string literal at s->p (which is at the opening quote).  A
 * "\u0000" escape or a raw control character is an error: C code would
 * see a truncated string, other parsers the whole one.
 */
static enum pf_err
scan_string(struct scan *s, const char *what)
{
	int i, v;

	for (s->p++; s->p < s->end && *s->p != '"'; s->p++) {
		if ((unsigned char)*s->p < 0x20)
			return bad(s, "raw control character in a string");
		if (*s->p != '\\')
			continue;
		if (++s->p >= s->end)
			break;
		if (*s->p != 'u')
			continue;
		for (v = 0, i = 1; i <= 4; i++) {
			if (s->p + i >= s->end || pf_hexval(s->p[i]) < 0)
				return bad(s, "bad \\u escape");
			v = v * 16 + pf_hexval(s->p[i]);
		}
		if (v == 0)
			return pf_err(PF_ERR_INVALID,
			    "json: NUL character (\\u0000) in %s at byte %zu",
			    what, (size_t)(s->p - s->buf));
		s->p += 4;
		/* Surrogates come in pairs, high then low. */
		if (v >= 0xDC00 && v <= 0xDFFF)
			return bad(s, "lone UTF-16 surrogate escape");
		if (v >= 0xD800 && v <= 0xDBFF) {
			if (s->end - s->p < 7 || s->p[1] != '\\' ||
			    s->p[2] != 'u' || pf_hexval(s->p[3]) != 0xD ||
			    pf_hexval(s->p[4]) < 0xC || pf_hexval(s->p[5]) < 0 ||
			    pf_hexval(s->p[6]) < 0)
				return bad(s, "lone UTF-16 surrogate escape");
			s->p += 6;
		}
	}
	if (s->p >= s->end)
		return bad(s, "unterminated string");
	s->p++;
	return PF_OK;
}

/* Scan a run of digits; return how many. */
static size_t
scan_digits(struct scan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return (size_t)(s->p - start);
}

/*
 * Scan a number.  Integers (no fraction, no exponent) must lie within
 * +-2^53, which every JSON implementation represents exactly; other
 * numbers must be finite doubles.  json-c's view (jv) must agree.
 */
static enum pf_err
scan_number(struct scan *s, struct json_object *jv)
{
	const char *start = s->p;
	size_t	 nd;
	int	 isint = 1;

	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && (*s->p == 'I' || *s->p == 'N'))
		return bad(s, "NaN and Infinity are not JSON numbers");
	if ((nd = scan_digits(s)) == 0)
		return bad(s, "malformed number");
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		isint = 0;
		if (scan_digits(s) == 0)
			return bad(s, "malformed number");
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		isint = 0;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (scan_digits(s) == 0)
			return bad(s, "malformed number");
	}
	if (isint) {
		if (nd > 16 || (nd == 16 && memcmp(s->p - 16,
		    "9007199254740992", 16) > 0))
			return pf_err(PF_ERR_INVALID, "json: integer %.*s "
			    "beyond 2^53 at byte %zu", (int)(s->p - start > 24 ?
			    24 : s->p - start), start, (size_t)(start - s->buf));
		if (jv != NULL && !json_object_is_type(jv, json_type_int))
			return bad(s, "parser disagreement on an integer");
		return PF_OK;
	}
	if (jv != NULL && (!json_object_is_type(jv, json_type_double) ||
	    !isfinite(json_object_get_double(jv))))
		return pf_err(PF_ERR_INVALID, "json: number out of range at "
		    "byte %zu", (size_t)(start - s->buf));
	return PF_OK;
}

static enum pf_err
scan_literal(struct scan *s, const char *lit, struct json_object *jv,
    enum json_type want)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return bad(s, "unexpected character");
	s->p += n;
	if (jv != NULL && !json_object_is_type(jv, want))
		return bad(s, "parser disagreement on a literal");
	return PF_OK;
}

/*
 * Scan the members of an object (s->p just past "{").  With jv NULL the
 * members are only counted into *n; with jv set, member i of the text is
 * checked against entry i of json-c's object, which keeps insertion order.
 */
static enum pf_err
scan_members(struct scan *s, struct json_object *jv, size_t *n)
{
	struct lh_entry	*ent = NULL;
	enum pf_err	 e;

	if (jv != NULL)
		ent = json_object_get_object(jv)->head;
	for (*n = 0;; (*n)++) {
		skip_ws(s);
		if (*n == 0 && s->p < s->end && *s->p == '}')
			break;
		if (s->p >= s->end || *s->p != '"')
			return bad(s, "expected a key");
		if ((e = scan_string(s, "a key")) != PF_OK)
			return e;
		skip_ws(s);
		if (s->p >= s->end || *s->p++ != ':')
			return bad(s, "expected ':'");
		if (jv != NULL && ent == NULL)
			return bad(s, "parser disagreement on an object");
		e = scan_value(s, ent != NULL ? lh_entry_v(ent) : NULL);
		if (e != PF_OK)
			return e;
		if (ent != NULL)
			ent = ent->next;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		(*n)++;
		break;
	}
	if (s->p >= s->end || *s->p != '}')
		return bad(s, "expected '}'");
	s->p++;
	return PF_OK;
}

/*
 * An object: count its members first.  json-c keeps one entry per distinct
 * key, so a count that differs from json-c's means a duplicate key; only
 * then is pairing text members with json-c entries by position sound.
 */
static enum pf_err
scan_object(struct scan *s, struct json_object *jv)
{
	const char	*start = s->p;
	size_t		 n;
	enum pf_err	 e;

	s->p++;
	if ((e = scan_members(s, NULL, &n)) != PF_OK || jv == NULL)
		return e;
	if (!json_object_is_type(jv, json_type_object))
		return bad(s, "parser disagreement on an object");
	if (n != (size_t)json_object_object_length(jv)) {
		s->p = start;
		return bad(s, "duplicate key in the object");
	}
	s->p = start + 1;
	return scan_members(s, jv, &n);
}

static enum pf_err
scan_array(struct scan *s, struct json_object *jv)
{
	size_t		 i;
	enum pf_err	 e;

	if (jv != NULL && !json_object_is_type(jv, json_type_array))
		return bad(s, "parser disagreement on an array");
	s->p++;
	for (i = 0;; i++) {
		skip_ws(s);
		if (i == 0 && s->p < s->end && *s->p == ']')
			break;
		if (jv != NULL && i >= json_object_array_length(jv))
			return bad(s, "parser disagreement on an array");
		e = scan_value(s, jv != NULL ?
		    json_object_array_get_idx(jv, i) : NULL);
		if (e != PF_OK)
			return e;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		i++;
		break;
	}
	if (s->p >= s->end || *s->p != ']')
		return bad(s, "expected ']'");
	if (jv != NULL && i != json_object_array_length(jv))
		return bad(s, "parser disagreement on an array");
	s->p++;
	return PF_OK;
}

/*
 * Scan one value at s->p.  jv is json-c's parse of the same value, or
 * NULL while only counting.
 */
static enum pf_err
scan_value(struct scan *s, struct json_object *jv)
{
	enum pf_err e;

	skip_ws(s);
	if (s->p >= s->end)
		return bad(s, "unexpected end");
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->depth > s->max_depth)
			return pf_err(PF_ERR_LIMIT, "json: nested deeper than "
			    "%d levels", s->max_depth);
		e = *s->p == '{' ? scan_object(s, jv) : scan_array(s, jv);
		s->depth--;
		return e;
	case '"':
		if ((e = scan_string(s, "a string")) != PF_OK)
			return e;
		if (jv != NULL && !json_object_is_type(jv, json_type_string))
			return bad(s, "parser disagreement on a string");
		return PF_OK;
	case 't':
		return scan_literal(s, "true", jv, json_type_boolean);
	case 'f':
		return scan_literal(s, "false", jv, json_type_boolean);
	case 'n':
		return scan_literal(s, "null", jv, json_type_null);
	default:
		return scan_number(s, jv);
	}
}

/* Run json-c on the bytes; *out is a new reference on success. */
static enum pf_err
tokenize(const char *buf, size_t len, int max_depth, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*jv;
	enum json_tokener_error	 je;
	enum pf_err		 e = PF_OK;

	/* json-c's own limit is a backstop; scan_value() enforces ours. */
	if ((tok = json_tokener_new_ex(max_depth + 2)) == NULL)
		return pf_err(PF_ERR_NOMEM, "json: out of memory");
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	jv = json_tokener_parse_ex(tok, buf, (int)len);
	je = json_tokener_get_error(tok);
	if (je == json_tokener_error_depth)
		e = pf_err(PF_ERR_LIMIT, "json: nested deeper than %d levels",
		    max_depth);
	else if (jv == NULL || je != json_tokener_success)
		e = pf_err(PF_ERR_INVALID, "json: %s at byte %zu",
		    je == json_tokener_continue ? "unexpected end" :
		    json_tokener_error_desc(je), json_tokener_get_parse_end(tok));
	else if (json_tokener_get_parse_end(tok) != len)
		e = pf_err(PF_ERR_INVALID, "json: trailing data at byte %zu",
		    json_tokener_get_parse_end(tok));
	json_tokener_free(tok);
	if (e != PF_OK) {
		json_object_put(jv);
		return e;
	}
	*out = jv;
	return PF_OK;
}

enum pf_err
pf_json_parse(const char *buf, size_t len, int max_depth,
    struct json_object **out)
{
	struct json_object	*jv = NULL;
	struct scan		 s;
	const char		*nul;
	size_t			 bad_at;
	enum pf_err		 e;

	if (len > INT32_MAX)
		return pf_err(PF_ERR_LIMIT, "json: document too large");
	if ((nul = memchr(buf, '\0', len)) != NULL)
		return pf_err(PF_ERR_INVALID, "json: NUL byte at byte %zu",
		    (size_t)(nul - buf));
	if ((bad_at = pf_utf8_check(buf, len)) != len)
		return pf_err(PF_ERR_INVALID, "json: invalid UTF-8 at byte %zu",
		    bad_at);
	if ((e = tokenize(buf, len, max_depth, &jv)) != PF_OK)
		return e;
	memset(&s, 0, sizeof(s));
	s.buf = s.p = buf;
	s.end = buf + len;
	s.max_depth = max_depth;
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{') {
		e = pf_err(PF_ERR_INVALID, "json: top level is not an object");
		goto out;
	}
	if ((e = scan_value(&s, jv)) != PF_OK)
		goto out;
	skip_ws(&s);
	if (s.p != s.end)
		e = bad(&s, "trailing data");
out:
	if (e != PF_OK)
		json_object_put(jv);
	else
		*out = jv;
	return e;
}

size_t
pf_utf8_check(const char *buf, size_t len)
{
	const unsigned char	*p = (const unsigned char *)buf;
	size_t			 i = 0, n, k;
	uint32_t		 c, min;

	while (i < len) {
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, c &= 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, c &= 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, c &= 0x07, min = 0x10000;
		else
			return i;
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
		if (c < min || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
			return i;
		i += n + 1;
	}
	return len;
}

size_t
pf_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static enum pf_err
member(struct json_object *obj, const char *name, struct json_object **v)
{
	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, name, v))
		return pf_err(PF_ERR_NOTFOUND, "%s: missing", name);
	return PF_OK;
}

enum pf_err
pf_json_str(struct json_object *v, const char *name, size_t min_chars,
    size_t max_chars, const char **out)
{
	const char	*str;
	size_t		 n;

	if (!json_object_is_type(v, json_type_string))
		return pf_err(PF_ERR_INVALID, "%s: not a string", name);
	str = json_object_get_string(v);
	if (strlen(str) != (size_t)json_object_get_string_len(v))
		return pf_err(PF_ERR_INVALID, "%s: contains a NUL character",
		    name);
	n = pf_utf8_len(str);
	if (n < min_chars)
		return pf_err(PF_ERR_INVALID, n == 0 ? "%s: empty" :
		    "%s: shorter than %zu characters", name, min_chars);
	if (n > max_chars)
		return pf_err(PF_ERR_INVALID,
		    "%s: longer than %zu characters", name, max_chars);
	*out = str;
	return PF_OK;
}

enum pf_err
pf_json_int(struct json_object *v, const char *name, int64_t min,
    int64_t max, int64_t *out)
{
	int64_t i;

	if (!json_object_is_type(v, json_type_int))
		return pf_err(PF_ERR_INVALID, "%s: not an integer", name);
	/* pf_json_parse() let no integer beyond 2^53 through. */
	i = json_object_get_int64(v);
	if (i < min || i > max)
		return pf_err(PF_ERR_INVALID, "%s: %lld not in %lld..%lld",
		    name, (long long)i, (long long)min, (long long)max);
	*out = i;
	return PF_OK;
}

enum pf_err
pf_json_num(struct json_object *v, const char *name, double min, double max,
    double *out)
{
	double d;

	if (json_object_is_type(v, json_type_int))
		d = (double)json_object_get_int64(v);
	else if (json_object_is_type(v, json_type_double))
		d = json_object_get_double(v);
	else
		return pf_err(PF_ERR_INVALID, "%s: not a number", name);
	if (!isfinite(d) || d < min || d > max)
		return pf_err(PF_ERR_INVALID, "%s: not in %g..%g", name, min,
		    max);
	*out = d;
	return PF_OK;
}

enum pf_err
pf_json_get_str(struct json_object *obj, const char *name, size_t min_chars,
    size_t max_chars, const char **out)
{
	struct json_object	*v;
	enum pf_err		 e;

	if ((e = member(obj, name, &v)) != PF_OK)
		return e;
	return pf_json_str(v, name, min_chars, max_chars, out);
}

enum pf_err
pf_json_get_int(struct json_object *obj, const char *name, int64_t min,
    int64_t max, int64_t *out)
{
	struct json_object	*v;
	enum pf_err		 e;

	if ((e = member(obj, name, &v)) != PF_OK)
		return e;
	return pf_json_int(v, name, min, max, out);
}

enum pf_err
pf_json_get_num(struct json_object *obj, const char *name, double min,
    double max, double *out)
{
	struct json_object	*v;
	enum pf_err		 e;

	if ((e = member(obj, name, &v)) != PF_OK)
		return e;
	return pf_json_num(v, name, min, max, out);
}

enum pf_err
pf_json_get_bool(struct json_object *obj, const char *name, int *out)
{
	struct json_object	*v;
	enum pf_err		 e;

	if ((e = member(obj, name, &v)) != PF_OK)
		return e;
	if (!json_object_is_type(v, json_type_boolean))
		return pf_err(PF_ERR_INVALID, "%s: not a boolean", name);
	*out = json_object_get_boolean(v);
	return PF_OK;
}

enum pf_err
pf_json_get_obj(struct json_object *obj, const char *name,
    struct json_object **out)
{
	struct json_object	*v;
	enum pf_err		 e;

	if ((e = member(obj, name, &v)) != PF_OK)
		return e;
	if (!json_object_is_type(v, json_type_object))
		return pf_err(PF_ERR_INVALID, "%s: not an object", name);
	*out = v;
	return PF_OK;
}

enum pf_err
pf_json_get_arr(struct json_object *obj, const char *name, size_t min,
    size_t max, struct json_object **out)
{
	struct json_object	*v;
	size_t			 n;
	enum pf_err		 e;

	if ((e = member(obj, name, &v)) != PF_OK)
		return e;
	if (!json_object_is_type(v, json_type_array))
		return pf_err(PF_ERR_INVALID, "%s: not an array", name);
	n = json_object_array_length(v);
	if (n < min || n > max)
		return pf_err(PF_ERR_INVALID, "%s: %zu items, not %zu..%zu",
		    name, n, min, max);
	*out = v;
	return PF_OK;
}

void
pf_json_free(struct json_object *o)
{
	json_object_put(o);
}

int
pf_json_is_obj(struct json_object *v)
{
	return json_object_is_type(v, json_type_object);
}

int
pf_json_has(struct json_object *o, const char *name)
{
	return json_object_object_get_ex(o, name, NULL);
}

size_t
pf_json_arr_len(struct json_object *a)
{
	return json_object_array_length(a);
}

struct json_object *
pf_json_arr_at(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

enum pf_err
pf_json_only_members(struct json_object *o, const char *const *allowed,
    const char *what)
{
	const char *const *a;

	json_object_object_foreach(o, key, val) {
		(void)val;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(key, *a) == 0)
				break;
		if (*a == NULL)
			return pf_err(PF_ERR_INVALID, "%s%sunknown member "
			    "\"%.40s\"", what != NULL ? what : "",
			    what != NULL ? ": " : "", key);
	}
	return PF_OK;
}
