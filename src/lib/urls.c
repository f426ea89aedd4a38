/* urls.c: a node's base URLs and reach.json (urls.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "json.h"
#include "store.h"
#include "urls.h"

#define REACH_FILE	"reach.json"
#define FRIEND_URLS	"urls"		/* friends/<fpr>/urls */
#define FRIEND_URLS_MAX	(PF_URLS_MAX * PF_URL_MAX)	/* bytes of one */

/* Length of u without trailing slashes. */
static size_t
base_len(const char *u)
{
	size_t n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		n--;
	return n;
}

int
pf_urls_has(const struct pf_urls *l, const char *u)
{
	size_t i, n = base_len(u);

	for (i = 0; i < l->n; i++)
		if (base_len(l->v[i]) == n && strncmp(l->v[i], u, n) == 0)
			return 1;
	return 0;
}

int
pf_url_onion(const char *u)
{
	const char	*h, *at;
	size_t		 n;

	if ((h = strstr(u, "://")) == NULL)
		return 0;
	h += 3;
	n = strcspn(h, "/?#");
	/* Past any user info; an IPv6 literal is no onion name. */
	while ((at = memchr(h, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	if (n > 0 && h[0] == '[')
		return 0;
	n = strcspn(h, ":/?#");
	if (n > 0 && h[n - 1] == '.')
		n--;
	return n >= 6 && strncasecmp(h + n - 6, ".onion", 6) == 0;
}

void
pf_urls_add(struct pf_urls *l, const char *u)
{
	if (l->n < PF_URLS_MAX && strlen(u) < PF_URL_MAX && !pf_urls_has(l, u))
		snprintf(l->v[l->n++], PF_URL_MAX, "%s", u);
}

/* The "upnp" member of reach.json into s. */
static enum pf_err
parse_upnp(struct json_object *o, struct pf_reach_state *s)
{
	static const char *const members[] = { "how", "port", "until", NULL };
	const char	*how;
	int64_t		 port;
	enum pf_err	 e;

	if ((e = pf_json_only_members(o, members, REACH_FILE ": upnp")) != PF_OK ||
	    (e = pf_json_get_str(o, "how", 3, 6, &how)) != PF_OK ||
	    (e = pf_json_get_int(o, "port", 1, 65535, &port)) != PF_OK ||
	    (e = pf_json_get_int(o, "until", 0, PF_JSON_INT_MAX,
	    &s->upnp_until)) != PF_OK)
		return e;
	if (strcmp(how, "igd") != 0 && strcmp(how, "natpmp") != 0)
		return pf_err(PF_ERR_INVALID, REACH_FILE ": upnp: how: \"igd\" "
		    "or \"natpmp\"");
	snprintf(s->upnp_how, sizeof(s->upnp_how), "%s", how);
	s->upnp_port = (unsigned)port;
	return PF_OK;
}

/* The "pinhole" member of reach.json into s. */
static enum pf_err
parse_pinhole(struct json_object *o, struct pf_reach_state *s)
{
	static const char *const members[] = { "id", "addr", "port", "until",
	    NULL };
	const char	*addr;
	int64_t		 id, port;
	enum pf_err	 e;

	if ((e = pf_json_only_members(o, members, REACH_FILE ": pinhole")) !=
	    PF_OK ||
	    (e = pf_json_get_int(o, "id", 0, 65535, &id)) != PF_OK ||
	    (e = pf_json_get_str(o, "addr", 2, sizeof(s->pin_addr) - 1,
	    &addr)) != PF_OK ||
	    (e = pf_json_get_int(o, "port", 1, 65535, &port)) != PF_OK ||
	    (e = pf_json_get_int(o, "until", 0, PF_JSON_INT_MAX,
	    &s->pin_until)) != PF_OK)
		return e;
	if (strspn(addr, "0123456789abcdefABCDEF:.") != strlen(addr))
		return pf_err(PF_ERR_INVALID, REACH_FILE ": pinhole: addr: "
		    "not an IPv6 address");
	snprintf(s->pin_addr, sizeof(s->pin_addr), "%s", addr);
	s->pin_id = (unsigned)id;
	s->pin_port = (unsigned)port;
	return PF_OK;
}

/* The optional object member name of reach.json into s, by parse. */
static enum pf_err
parse_opt(struct json_object *o, const char *name,
    enum pf_err (*parse)(struct json_object *, struct pf_reach_state *),
    struct pf_reach_state *s)
{
	struct json_object	*u;
	enum pf_err		 e;

	if ((e = pf_json_get_obj(o, name, &u)) == PF_ERR_NOTFOUND) {
		pf_err_clear();
		return PF_OK;
	}
	return e != PF_OK ? e : parse(u, s);
}

/* The members of reach.json into s. */
static enum pf_err
parse_reach(struct json_object *o, struct pf_reach_state *s)
{
	static const char *const members[] = { "urls", "upnp", "pinhole",
	    NULL };
	struct json_object	*a;
	const char		*v;
	size_t			 i;
	enum pf_err		 e;

	if ((e = pf_json_only_members(o, members, REACH_FILE)) != PF_OK ||
	    (e = pf_json_get_arr(o, "urls", 0, PF_URLS_MAX, &a)) != PF_OK)
		return e;
	for (i = 0; i < pf_json_arr_len(a); i++) {
		if ((e = pf_json_str(pf_json_arr_at(a, i), "urls", 9,
		    PF_URL_MAX - 1, &v)) != PF_OK)
			return e;
		if (!pf_friend_url_valid(v))
			return pf_err(PF_ERR_INVALID, REACH_FILE ": urls: \"%.80s\" "
			    "is not an http:// or https:// URL", v);
		pf_urls_add(&s->urls, v);
	}
	if ((e = parse_opt(o, "upnp", parse_upnp, s)) != PF_OK)
		return e;
	return parse_opt(o, "pinhole", parse_pinhole, s);
}

enum pf_err
pf_reach_state_load(struct pf_store *st, struct pf_reach_state *out)
{
	struct json_object	*o = NULL;
	struct pf_buf		 b = { 0 };
	enum pf_err		 e;

	memset(out, 0, sizeof(*out));
	if ((e = pf_store_read(st, REACH_FILE, PF_REACH_MAX, &b)) == PF_ERR_NOTFOUND) {
		pf_err_clear();
		e = PF_OK;
	} else if (e == PF_OK &&
	    (e = pf_json_parse(b.data, b.len, 3, &o)) == PF_OK)
		e = parse_reach(o, out);
	if (e != PF_OK)
		memset(out, 0, sizeof(*out));
	pf_json_free(o);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_reach_state_save(struct pf_store *st, const struct pf_reach_state *s)
{
	struct pf_buf	 b = { 0 };
	size_t		 i;
	enum pf_err	 e;

	if (s->urls.n == 0 && s->upnp_how[0] == '\0' && s->pin_port == 0)
		return pf_store_unlink(st, REACH_FILE);
	e = pf_buf_addstr(&b, "{\"urls\": [");
	for (i = 0; i < s->urls.n && e == PF_OK; i++)
		if ((e = pf_buf_addstr(&b, i ? ", " : "")) == PF_OK)
			e = pf_buf_json_str(&b, s->urls.v[i]);
	if (e == PF_OK)
		e = pf_buf_addstr(&b, "]");
	if (e == PF_OK && s->upnp_how[0] != '\0')
		e = pf_buf_printf(&b, ",\n \"upnp\": {\"how\": \"%s\", \"port\": "
		    "%u, \"until\": %lld}", s->upnp_how, s->upnp_port,
		    (long long)s->upnp_until);
	if (e == PF_OK && s->pin_port != 0)
		e = pf_buf_printf(&b, ",\n \"pinhole\": {\"id\": %u, \"addr\": "
		    "\"%s\", \"port\": %u, \"until\": %lld}", s->pin_id,
		    s->pin_addr, s->pin_port, (long long)s->pin_until);
	if (e == PF_OK)
		e = pf_buf_addstr(&b, "}\n");
	if (e == PF_OK)
		e = pf_store_write(st, REACH_FILE, b.data, b.len);
	pf_buf_free(&b);
	return e;
}

void
pf_urls_node(struct pf_store *st, const struct pf_conf *c, struct pf_urls *out)
{
	char			 conf[PF_CONF_URLS][PF_CONF_URL_MAX];
	struct pf_reach_state	*rs;
	size_t			 i, n;

	memset(out, 0, sizeof(*out));
	n = pf_conf_urls(c, conf, PF_CONF_URLS);
	for (i = 0; i < n; i++)
		pf_urls_add(out, conf[i]);
	/* reach.json is about 4 KB parsed: keep it off the stack. */
	if (st == NULL || (rs = malloc(sizeof(*rs))) == NULL)
		return;
	if (pf_reach_state_load(st, rs) == PF_OK)
		for (i = 0; i < rs->urls.n; i++)
			pf_urls_add(out, rs->urls.v[i]);
	else
		pf_err_clear();
	free(rs);
}

int
pf_url_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

/* "friends/<fpr>/urls" into rel; PF_ERR_INVALID for a bad fpr. */
static enum pf_err
friend_urls_rel(const char *fpr, char *rel, size_t n)
{
	if (!pf_fpr_valid(fpr))
		return pf_err(PF_ERR_INVALID, "friends/%.70s: not a fingerprint",
		    fpr);
	snprintf(rel, n, "friends/%s/" FRIEND_URLS, fpr);
	return PF_OK;
}

enum pf_err
pf_friend_urls_load(struct pf_store *st, const char *fpr, struct pf_urls *out)
{
	struct pf_buf	 b = { 0 };
	char		 rel[128], *line, *save = NULL;
	enum pf_err	 e;

	memset(out, 0, sizeof(*out));
	if ((e = friend_urls_rel(fpr, rel, sizeof(rel))) != PF_OK ||
	    (e = pf_store_read(st, rel, FRIEND_URLS_MAX, &b)) != PF_OK ||
	    (e = pf_buf_add(&b, "", 1)) != PF_OK)
		goto out;
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (pf_friend_url_valid(line))	/* a bad line is left out */
			pf_urls_add(out, line);
out:
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_friend_urls_save(struct pf_store *st, const char *fpr,
    const struct pf_urls *l)
{
	struct pf_buf	b = { 0 };
	char		rel[128];
	size_t		i;
	enum pf_err	e;

	if ((e = friend_urls_rel(fpr, rel, sizeof(rel))) != PF_OK)
		return e;
	for (i = 0; i < l->n && e == PF_OK; i++)
		e = pf_buf_printf(&b, "%s\n", l->v[i]);
	if (e == PF_OK)
		e = pf_store_write(st, rel, b.data ? b.data : "", b.len);
	pf_buf_free(&b);
	return e;
}
