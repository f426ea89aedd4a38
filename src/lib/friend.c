/*
 * friend.c: friends/<fpr>/state.json, read strictly, written atomically.
 * The file is the fetcher's memory between runs: it is written only after
 * the posts it accounts for are safe on disk (fetch.c), so a stale file
 * costs a refetch, never a lost post.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "friend.h"
#include "json.h"
#include "store.h"

#define STATE_DEPTH	2	/* one flat object */

static const char *const members[] = {
	"url", "cursor", "etag", "result", "time", NULL
};

/* True if s is printable ASCII (no space when !spaces). */
static int
printable(const char *s, int spaces)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || (!spaces && *s == ' '))
			return 0;
	return 1;
}

int
pf_friend_url_valid(const char *url)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return 0;
	return strlen(url) < PF_URL_MAX && strlen(url) > 8 && printable(url, 0);
}

/*
 * Copy the optional string member name (at most n - 1 bytes) into out;
 * "" when absent.
 */
static enum pf_err
opt_str(struct json_object *o, const char *name, char *out, size_t n)
{
	const char	*s;
	enum pf_err	 e;

	out[0] = '\0';
	if ((e = pf_json_get_str(o, name, 0, n - 1, &s)) == PF_ERR_NOTFOUND)
		return PF_OK;
	if (e != PF_OK)
		return e;
	if (strlen(s) >= n)
		return pf_err(PF_ERR_LIMIT, "%s: longer than %zu bytes", name,
		    n - 1);
	memcpy(out, s, strlen(s) + 1);
	return PF_OK;
}

/* Check the members' values once copied. */
static enum pf_err
check_values(struct pf_friend *f, const char *time)
{
	struct pf_cursor c;

	if (f->url[0] != '\0' && !pf_friend_url_valid(f->url))
		return pf_err(PF_ERR_INVALID, "url: not an http:// or https:// "
		    "URL of printable characters");
	if (pf_cursor_parse(f->cursor, &c) != PF_OK)
		return pf_err(PF_ERR_INVALID, "cursor: not \"<ms>.<id>\", "
		    "an RFC 3339 time or \"\"");
	if (!printable(f->etag, 1))
		return pf_err(PF_ERR_INVALID, "etag: not printable ASCII");
	if (!printable(f->result, 1))
		return pf_err(PF_ERR_INVALID, "result: not printable ASCII");
	f->time_ms = 0;
	if (time[0] != '\0' && pf_time_parse(time, &f->time_ms) != PF_OK)
		return pf_err(PF_ERR_INVALID, "time: not an RFC 3339 time");
	return PF_OK;
}

enum pf_err
pf_friend_parse(const char *buf, size_t len, const char *fpr,
    struct pf_friend *out)
{
	struct json_object	*o = NULL;
	struct pf_friend	 f;
	char			 time[40];
	enum pf_err		 e;

	memset(&f, 0, sizeof(f));
	if (pf_fpr_normalize(fpr, f.fpr) != PF_OK)
		return pf_err(PF_ERR_INVALID, "friends/%.70s: not a fingerprint",
		    fpr);
	if ((e = pf_json_parse(buf, len, STATE_DEPTH, &o)) != PF_OK)
		return e;
	if ((e = pf_json_only_members(o, members, NULL)) != PF_OK ||
	    (e = opt_str(o, "url", f.url, sizeof(f.url))) != PF_OK ||
	    (e = opt_str(o, "cursor", f.cursor, sizeof(f.cursor))) != PF_OK ||
	    (e = opt_str(o, "etag", f.etag, sizeof(f.etag))) != PF_OK ||
	    (e = opt_str(o, "result", f.result, sizeof(f.result))) != PF_OK ||
	    (e = opt_str(o, "time", time, sizeof(time))) != PF_OK ||
	    (e = check_values(&f, time)) != PF_OK)
		goto out;
	if (!pf_json_has(o, "url")) {
		e = pf_err(PF_ERR_INVALID, "url: missing");
		goto out;
	}
	*out = f;
out:
	pf_json_free(o);
	return e;
}

enum pf_err
pf_friend_format(const struct pf_friend *f, struct pf_buf *out)
{
	char		t[32] = "";
	enum pf_err	e;

	if (f->time_ms != 0)
		pf_time_fmt(f->time_ms, t);
	if ((e = pf_buf_addstr(out, "{\n  \"url\": ")) != PF_OK ||
	    (e = pf_buf_json_str(out, f->url)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\n  \"cursor\": ")) != PF_OK ||
	    (e = pf_buf_json_str(out, f->cursor)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\n  \"etag\": ")) != PF_OK ||
	    (e = pf_buf_json_str(out, f->etag)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\n  \"result\": ")) != PF_OK ||
	    (e = pf_buf_json_str(out, f->result)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\n  \"time\": ")) != PF_OK ||
	    (e = pf_buf_json_str(out, t)) != PF_OK)
		return e;
	return pf_buf_addstr(out, "\n}\n");
}

/* "friends/<fpr>/<name>" into rel. */
static void
friend_rel(char *rel, size_t n, const char *fpr, const char *name)
{
	snprintf(rel, n, "friends/%s/%s", fpr, name);
}

enum pf_err
pf_friend_load(struct pf_store *st, const char *fpr, struct pf_friend *out)
{
	struct pf_buf	b = { 0 };
	char		rel[128];
	enum pf_err	e;

	if (!pf_fpr_valid(fpr))
		return pf_err(PF_ERR_INVALID, "friends/%.70s: not a fingerprint",
		    fpr);
	friend_rel(rel, sizeof(rel), fpr, "state.json");
	if ((e = pf_store_read(st, rel, PF_STATE_MAX, &b)) == PF_OK &&
	    (e = pf_friend_parse(b.data, b.len, fpr, out)) != PF_OK)
		e = pf_err_ctx(e, "%s", rel);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_friend_save(struct pf_store *st, const struct pf_friend *f)
{
	struct pf_buf	b = { 0 };
	char		rel[128];
	enum pf_err	e;

	if (!pf_fpr_valid(f->fpr))
		return pf_err(PF_ERR_INVALID, "friend: not a fingerprint");
	friend_rel(rel, sizeof(rel), f->fpr, "state.json");
	if ((e = pf_friend_format(f, &b)) == PF_OK)
		e = pf_store_write(st, rel, b.data, b.len);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_friend_create(struct pf_store *st, const char *fpr, const char *url)
{
	struct pf_friend	f;
	char			rel[128];
	enum pf_err		e;

	if (url != NULL && !pf_friend_url_valid(url))
		return pf_err(PF_ERR_INVALID, "%.80s: not an http:// or https:// "
		    "URL (at most %d bytes)", url, PF_URL_MAX - 1);
	memset(&f, 0, sizeof(f));
	if (pf_fpr_normalize(fpr, f.fpr) != PF_OK)
		return pf_err(PF_ERR_INVALID, "%.70s: not a fingerprint", fpr);
	friend_rel(rel, sizeof(rel), f.fpr, "posts");
	if ((e = pf_store_mkdir(st, rel, 0755)) != PF_OK)
		return e;
	friend_rel(rel, sizeof(rel), f.fpr, "media");
	if ((e = pf_store_mkdir(st, rel, 0755)) != PF_OK)
		return e;
	friend_rel(rel, sizeof(rel), f.fpr, "state.json");
	if (url == NULL && pf_store_exists(st, rel))
		return PF_OK;
	if (url != NULL)
		snprintf(f.url, sizeof(f.url), "%s", url);
	return pf_friend_save(st, &f);
}

enum pf_err
pf_friend_list(struct pf_store *st, char ***fprs, size_t *n)
{
	char	**names = NULL;
	size_t	  nn = 0, i, j = 0;
	enum pf_err e;

	if ((e = pf_store_list(st, "friends", "", &names, &nn)) != PF_OK)
		return e;
	for (i = 0; i < nn; i++) {
		if (pf_fpr_valid(names[i]))
			names[j++] = names[i];
		else
			free(names[i]);
	}
	*fprs = names;
	*n = j;
	return PF_OK;
}
