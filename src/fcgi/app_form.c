/*
 * app_form.c: the web page's form bodies, application/x-www-form-urlencoded
 * (HTML URL-encoded form data) and multipart/form-data (RFC 7578), with a
 * limit on every count and size.  Nothing here trusts the browser: a field
 * name is ASCII, text is UTF-8 (json.c's check), and a file's name and
 * type are only hints that app.c checks again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "json.h"

#define NAME_MAX_	64	/* bytes of a field name */
#define HEAD_MAX	1024	/* bytes of a part's headers */
#define FILENAME_MAX_	255

void
pf_app_form_free(struct pf_form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->f[i].name);
		free(f->f[i].value);
		free(f->f[i].filename);
		free(f->f[i].type);
	}
	memset(f, 0, sizeof(*f));
}

const char *
pf_app_form_get(const struct pf_form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->f[i].filename == NULL && strcmp(f->f[i].name, name) == 0)
			return f->f[i].value;
	return NULL;
}

const struct pf_form_field *
pf_app_form_file(const struct pf_form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->f[i].filename != NULL && f->f[i].len > 0 &&
		    strcmp(f->f[i].name, name) == 0)
			return &f->f[i];
	return NULL;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < NAME_MAX_ &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/*
 * Check and normalize a text value in place: UTF-8, no NUL, no control
 * characters but tab and newline; CR LF and lone CR become LF.
 */
static enum pf_err
text_clean(const char *field, char *v, size_t *len)
{
	size_t	i, o = 0;

	if (pf_utf8_check(v, *len) != *len)
		return pf_err(PF_ERR_INVALID, "%s: not UTF-8", field);
	for (i = 0; i < *len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r') {
			if (i + 1 < *len && v[i + 1] == '\n')
				continue;
			c = '\n';
		} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return pf_err(PF_ERR_INVALID, "%s: holds a control "
			    "character", field);
		v[o++] = (char)c;
	}
	v[o] = '\0';
	*len = o;
	return PF_OK;
}

/* Add a field; takes ownership of name, value, filename and type. */
static enum pf_err
add(struct pf_form *f, char *name, char *value, size_t len, char *filename,
    char *type)
{
	struct pf_form_field	*x;
	enum pf_err		 e;

	if (f->n == PF_FORM_FIELDS_MAX) {
		e = pf_err(PF_ERR_LIMIT, "form: more than %d fields",
		    PF_FORM_FIELDS_MAX);
		goto fail;
	}
	if (!name_ok(name)) {
		e = pf_err(PF_ERR_INVALID, "form: a field name is 1 to %d "
		    "characters a-z, 0-9, '_' or '-'", NAME_MAX_ - 1);
		goto fail;
	}
	if (filename == NULL && (e = text_clean(name, value, &len)) != PF_OK)
		goto fail;
	x = &f->f[f->n++];
	x->name = name;
	x->value = value;
	x->len = len;
	x->filename = filename;
	x->type = type;
	return PF_OK;
fail:
	free(name);
	free(value);
	free(filename);
	free(type);
	return e;
}

/* Percent-decode s[0..n) ('+' is a space) into a new string. */
static char *
urldecode(const char *s, size_t n, size_t *outlen)
{
	char	*out;
	size_t	 i, o = 0;
	int	 hi, lo;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < n &&
		    (hi = pf_hexval(s[i + 1])) >= 0 &&
		    (lo = pf_hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '%') {
			free(out);
			return NULL;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

static enum pf_err
parse_urlencoded(const char *body, size_t len, struct pf_form *f)
{
	const char	*p = body, *end = body + len, *amp, *eq;
	char		*name, *value;
	size_t		 nl, vl;
	enum pf_err	 e;

	if (len > PF_FORM_TEXT_MAX)
		return pf_err(PF_ERR_LIMIT, "form: more than %d bytes",
		    PF_FORM_TEXT_MAX);
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		name = urldecode(p, (size_t)(eq - p), &nl);
		value = urldecode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, &vl);
		if (name == NULL || value == NULL || strlen(name) != nl ||
		    memchr(value, '\0', vl) != NULL) {
			free(name);
			free(value);
			return pf_err(PF_ERR_INVALID, "form: bad %% escape or NUL");
		}
		if ((e = add(f, name, value, vl, NULL, NULL)) != PF_OK)
			return e;
		p = amp;
	}
	return PF_OK;
}

/* A parameter (name="value") of a header value, into a new string. */
static char *
param(const char *h, size_t hlen, const char *key)
{
	size_t		 klen = strlen(key);
	const char	*p, *end = h + hlen, *q;
	char		*out;

	for (p = h; p + klen + 2 <= end; p++) {
		if ((p != h && p[-1] != ' ' && p[-1] != ';') ||
		    strncasecmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		p += klen + 1;
		if (p < end && *p == '"') {
			p++;
			if ((q = memchr(p, '"', (size_t)(end - p))) == NULL)
				return NULL;
		} else
			for (q = p; q < end && *q != ';' && *q != ' ' &&
			    *q != '\r'; q++)
				;
		if ((out = malloc((size_t)(q - p) + 1)) == NULL)
			return NULL;
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		return out;
	}
	return NULL;
}

/* The line of header name in head[0..n) (its value, up to CR), or NULL. */
static const char *
header(const char *head, size_t n, const char *name, size_t *vlen)
{
	const char	*p = head, *end = head + n, *eol;
	size_t		 nl = strlen(name);

	while (p < end) {
		if ((eol = memmem(p, (size_t)(end - p), "\r\n", 2)) == NULL)
			eol = end;
		if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 &&
		    p[nl] == ':') {
			p += nl + 1;
			while (p < eol && *p == ' ')
				p++;
			*vlen = (size_t)(eol - p);
			return p;
		}
		p = eol + 2;
	}
	return NULL;
}

/* One part: headers, blank line, content. */
static enum pf_err
parse_part(const char *p, size_t n, size_t file_max, size_t *text,
    struct pf_form *f)
{
	const char	*sep, *cd, *ct;
	char		*name = NULL, *filename = NULL, *type = NULL, *value;
	size_t		 hl, cdl, ctl = 0, vl;

	if ((sep = memmem(p, n, "\r\n\r\n", 4)) == NULL ||
	    (hl = (size_t)(sep - p)) > HEAD_MAX)
		return pf_err(PF_ERR_INVALID, "form: a part without headers");
	if ((cd = header(p, hl, "Content-Disposition", &cdl)) == NULL ||
	    cdl < 9 || strncasecmp(cd, "form-data", 9) != 0 ||
	    (name = param(cd, cdl, "name")) == NULL)
		return pf_err(PF_ERR_INVALID, "form: a part without "
		    "Content-Disposition: form-data; name=");
	filename = param(cd, cdl, "filename");
	if ((ct = header(p, hl, "Content-Type", &ctl)) != NULL &&
	    (type = strndup(ct, ctl < 100 ? ctl : 100)) == NULL)
		goto nomem;
	vl = n - hl - 4;
	if (filename != NULL ? vl > file_max : (*text += vl) > PF_FORM_TEXT_MAX) {
		free(name);
		free(filename);
		free(type);
		return pf_err(PF_ERR_LIMIT, filename ? "form: a file larger "
		    "than the limit (media_max)" : "form: more than 65536 "
		    "bytes of text");
	}
	if (filename != NULL && strlen(filename) > FILENAME_MAX_)
		filename[FILENAME_MAX_] = '\0';
	if ((value = malloc(vl + 1)) == NULL)
		goto nomem;
	memcpy(value, sep + 4, vl);
	value[vl] = '\0';
	if (filename == NULL && memchr(value, '\0', vl) != NULL) {
		free(name);
		free(value);
		free(type);
		return pf_err(PF_ERR_INVALID, "%s: holds a NUL", "form");
	}
	return add(f, name, value, vl, filename, type);
nomem:
	free(name);
	free(filename);
	free(type);
	return pf_err(PF_ERR_NOMEM, "out of memory");
}

static enum pf_err
parse_multipart(const char *ctype, const char *body, size_t len,
    size_t file_max, struct pf_form *f)
{
	char		 delim[80];
	char		*b;
	const char	*p, *end = body + len, *next;
	size_t		 dl, text = 0;
	enum pf_err	 e;

	if ((b = param(ctype, strlen(ctype), "boundary")) == NULL ||
	    strlen(b) < 1 || strlen(b) > 70) {
		free(b);
		return pf_err(PF_ERR_INVALID, "form: multipart without a "
		    "boundary of 1 to 70 characters");
	}
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", b);
	free(b);
	/* The first delimiter may stand at the very start, without CR LF. */
	if (len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
		return pf_err(PF_ERR_INVALID, "form: body does not start "
		    "with the boundary");
	p = body + dl - 2;
	for (;;) {
		if (end - p >= 2 && memcmp(p, "--", 2) == 0)
			return PF_OK;	/* the close delimiter */
		if (end - p < 2 || memcmp(p, "\r\n", 2) != 0)
			return pf_err(PF_ERR_INVALID, "form: bad delimiter line");
		p += 2;
		if ((next = memmem(p, (size_t)(end - p), delim, dl)) == NULL)
			return pf_err(PF_ERR_INVALID, "form: a part without "
			    "its closing boundary");
		if ((e = parse_part(p, (size_t)(next - p), file_max, &text,
		    f)) != PF_OK)
			return e;
		p = next + dl;
	}
}

enum pf_err
pf_app_form_parse(const char *ctype, const char *body, size_t len,
    size_t file_max, struct pf_form *out)
{
	if (ctype == NULL)
		ctype = "";
	if (strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0)
		return parse_urlencoded(body ? body : "", len, out);
	if (strncasecmp(ctype, "multipart/form-data", 19) == 0)
		return parse_multipart(ctype, body ? body : "", len, file_max,
		    out);
	return pf_err(PF_ERR_INVALID, "form: Content-Type is neither "
	    "application/x-www-form-urlencoded nor multipart/form-data");
}
