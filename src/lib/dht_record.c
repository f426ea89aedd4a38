/*
 * dht_record.c: building, checking and remembering location records
 * (dht_record.h), and the publish and lookup steps on top of dht.c.  The
 * cheap checks run in plain C before any gpg process is started, and at
 * most PF_DHT_VERIFY_MAX signatures are checked per lookup, so a key
 * flooded with forged values costs a bounded amount of work.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dht_record.h"
#include "digest.h"
#include "envelope.h"
#include "json.h"
#include "keyring.h"
#include "node.h"
#include "store.h"
#include "urls.h"
#ifdef HAVE_OPENDHT
#include "dht.h"
#endif

#define SIG_BEGIN	"-----BEGIN PGP SIGNATURE-----"
#define SEEN_MAX	1024	/* bytes of a dht.json */

enum pf_err
pf_dht_record_build(struct pf_keyring *kr, const char *fpr,
    const char *const *urls, size_t n, int64_t time_ms, struct pf_buf *out)
{
	struct pf_dht_record	 rec;
	struct pf_buf		 json = { 0 }, sig = { 0 };
	size_t			 i;
	enum pf_err		 e;

	if (n == 0 || n > PF_DHT_URLS_MAX)
		return pf_err(PF_ERR_INVALID, "a record lists 1 to %d URLs, not "
		    "%zu", PF_DHT_URLS_MAX, n);
	for (i = 0; i < n; i++)
		if (!pf_friend_url_valid(urls[i]))
			return pf_err(PF_ERR_INVALID, "%.80s: not an http:// or "
			    "https:// URL of at most %d bytes", urls[i],
			    PF_URL_MAX - 1);
	e = pf_buf_printf(&json, "{\"v\":1,\"fpr\":\"%s\",\"urls\":[", fpr);
	for (i = 0; i < n && e == PF_OK; i++)
		if ((e = pf_buf_addstr(&json, i ? "," : "")) == PF_OK)
			e = pf_buf_json_str(&json, urls[i]);
	if (e == PF_OK)
		e = pf_buf_printf(&json, "],\"time\":%lld}", (long long)time_ms);
	if (e == PF_OK)
		e = pf_envelope_sign(kr, json.data, json.len, &sig);
	if (e == PF_OK && json.len + 1 + sig.len > PF_DHT_RECORD_MAX)
		e = pf_err(PF_ERR_LIMIT, "the record would be larger than %d "
		    "bytes: list fewer or shorter URLs", PF_DHT_RECORD_MAX);
	if (e == PF_OK && (e = pf_buf_add(out, json.data, json.len)) == PF_OK &&
	    (e = pf_buf_add(out, "\n", 1)) == PF_OK)
		e = pf_buf_add(out, sig.data, sig.len);
	/* What we publish must pass our own checks. */
	if (e == PF_OK)
		e = pf_dht_record_parse(out->data, out->len, fpr, time_ms, &rec);
	pf_buf_free(&json);
	pf_buf_free(&sig);
	return e;
}

/* The members of the JSON object o into rec. */
static enum pf_err
parse_members(struct json_object *o, const char *expect, int64_t now_ms,
    struct pf_dht_record *rec)
{
	static const char *const members[] = { "v", "fpr", "urls", "time", NULL };
	struct json_object	*urls;
	const char		*s;
	int64_t			 v;
	size_t			 i;
	enum pf_err		 e;

	if ((e = pf_json_only_members(o, members, "record")) != PF_OK ||
	    (e = pf_json_get_int(o, "v", 1, 1, &v)) != PF_OK ||
	    (e = pf_json_get_str(o, "fpr", 40, 64, &s)) != PF_OK)
		return e;
	if (!pf_fpr_valid(s))
		return pf_err(PF_ERR_INVALID, "fpr: not 40 or 64 uppercase hex "
		    "digits");
	if (expect != NULL && strcmp(s, expect) != 0)
		return pf_err(PF_ERR_INVALID, "fpr: the record is about %s, not "
		    "%s", s, expect);
	memcpy(rec->fpr, s, strlen(s) + 1);
	if ((e = pf_json_get_arr(o, "urls", 1, PF_DHT_URLS_MAX, &urls)) != PF_OK)
		return e;
	rec->nurls = pf_json_arr_len(urls);
	for (i = 0; i < rec->nurls; i++) {
		if ((e = pf_json_str(pf_json_arr_at(urls, i), "urls",
		    9, PF_URL_MAX - 1, &s)) != PF_OK)
			return e;
		if (!pf_friend_url_valid(s))
			return pf_err(PF_ERR_INVALID, "urls: \"%.80s\" is not an "
			    "http:// or https:// URL", s);
		memcpy(rec->urls[i], s, strlen(s) + 1);
	}
	if ((e = pf_json_get_int(o, "time", 1, PF_JSON_INT_MAX, &rec->time_ms)) != PF_OK)
		return e;
	if (rec->time_ms > now_ms + PF_DHT_SKEW_MS)
		return pf_err(PF_ERR_STALE, "time: %lld s in the future (at most "
		    "%d s of clock skew)", (long long)(rec->time_ms - now_ms) / 1000,
		    PF_DHT_SKEW_MS / 1000);
	return PF_OK;
}

enum pf_err
pf_dht_record_parse(const void *buf, size_t len, const char *expect,
    int64_t now_ms, struct pf_dht_record *out)
{
	struct pf_dht_record	 rec;
	struct json_object	*o = NULL;
	const char		*p = buf, *nl;
	enum pf_err		 e;

	if (len > PF_DHT_RECORD_MAX)
		return pf_err(PF_ERR_LIMIT, "record: larger than %d bytes",
		    PF_DHT_RECORD_MAX);
	if ((nl = memchr(p, '\n', len)) == NULL)
		return pf_err(PF_ERR_INVALID, "record: no newline between the "
		    "JSON and the signature");
	memset(&rec, 0, sizeof(rec));
	rec.json_len = (size_t)(nl - p);
	if (len - rec.json_len - 1 < sizeof(SIG_BEGIN) - 1 ||
	    memcmp(nl + 1, SIG_BEGIN, sizeof(SIG_BEGIN) - 1) != 0)
		return pf_err(PF_ERR_INVALID, "record: the JSON line is not "
		    "followed by an armored OpenPGP signature");
	if ((e = pf_json_parse(p, rec.json_len, 2, &o)) != PF_OK)
		return e;
	e = parse_members(o, expect, now_ms, &rec);
	pf_json_free(o);
	if (e != PF_OK)
		return e;
	pf_sha256_hex(buf, len, rec.sha);
	*out = rec;
	return PF_OK;
}

enum pf_err
pf_dht_record_verify(struct pf_keyring *kr, const void *buf, size_t len,
    const struct pf_dht_record *rec)
{
	const char		*p = buf;
	struct pf_keyinfo	 k;

	if (pf_keyring_lookup(kr, rec->fpr, &k) != PF_OK || k.secret)
		return pf_err(PF_ERR_FORBIDDEN, "%s is not a friend's key",
		    rec->fpr);
	if (k.disabled)
		return pf_err(PF_ERR_FORBIDDEN, "%s is blocked", rec->fpr);
	return pf_envelope_verify(kr, p, rec->json_len, p + rec->json_len + 1,
	    len - rec->json_len - 1, rec->fpr);
}

/* "friends/<fpr>/dht.json" into rel. */
static void
seen_rel(char *rel, size_t n, const char *fpr)
{
	snprintf(rel, n, "friends/%s/dht.json", fpr);
}

enum pf_err
pf_dht_record_seen_load(struct pf_store *st, const char *fpr,
    struct pf_dht_seen *out)
{
	static const char *const members[] = { "time", "sha256", NULL };
	struct json_object	*o = NULL;
	struct pf_buf		 b = { 0 };
	const char		*sha;
	char			 rel[128];
	enum pf_err		 e;

	memset(out, 0, sizeof(*out));
	if (!pf_fpr_valid(fpr))
		return pf_err(PF_ERR_INVALID, "%.70s: not a fingerprint", fpr);
	seen_rel(rel, sizeof(rel), fpr);
	if ((e = pf_store_read(st, rel, SEEN_MAX, &b)) == PF_ERR_NOTFOUND) {
		pf_err_clear();
		e = PF_OK;
		goto out;
	}
	if (e != PF_OK || (e = pf_json_parse(b.data, b.len, 1, &o)) != PF_OK ||
	    (e = pf_json_only_members(o, members, rel)) != PF_OK ||
	    (e = pf_json_get_int(o, "time", 0, PF_JSON_INT_MAX,
	    &out->time_ms)) != PF_OK ||
	    (e = pf_json_get_str(o, "sha256", 64, 64, &sha)) != PF_OK)
		goto out;
	if (!pf_hex_lower(sha, 64)) {
		e = pf_err(PF_ERR_INVALID, "%s: sha256: not 64 lowercase hex "
		    "digits", rel);
		goto out;
	}
	memcpy(out->sha, sha, PF_SHA256_HEX);
out:
	if (e != PF_OK)
		memset(out, 0, sizeof(*out));
	pf_json_free(o);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_dht_record_seen_save(struct pf_store *st, const char *fpr,
    const struct pf_dht_seen *s)
{
	char	text[160], rel[128];
	int	n;

	seen_rel(rel, sizeof(rel), fpr);
	n = snprintf(text, sizeof(text), "{\"time\": %lld, \"sha256\": \"%s\"}\n",
	    (long long)s->time_ms, s->sha);
	return pf_store_write(st, rel, text, (size_t)n);
}

#ifndef HAVE_OPENDHT

static enum pf_err
no_dht(void)
{
	return pf_err(PF_ERR_CONFIG, "this build of peerfeed has no DHT "
	    "support (configure --with-opendht, with libopendht-c-dev)");
}

enum pf_err
pf_dht_record_publish(struct pf_node *n, const char *const *urls, size_t nurls,
    int wait_ms, struct pf_buf *rec)
{
	(void)n; (void)urls; (void)nurls; (void)wait_ms; (void)rec;
	return no_dht();
}

enum pf_err
pf_dht_record_put(struct pf_node *n, const void *buf, size_t len, int wait_ms)
{
	(void)n; (void)buf; (void)len; (void)wait_ms;
	return no_dht();
}

enum pf_err
pf_dht_record_lookup(struct pf_node *n, const char *fpr, int wait_ms,
    pf_dht_report_fn report, void *arg, int save_url, struct pf_dht_record *out,
    int *changed)
{
	(void)n; (void)fpr; (void)wait_ms; (void)report; (void)arg; (void)out;
	(void)save_url; (void)changed;
	return no_dht();
}

#else /* HAVE_OPENDHT */

/* Start a DHT node with the node's settings, store buf under fpr, stop. */
static enum pf_err
put_bytes(struct pf_node *n, const char *fpr, const void *buf, size_t len,
    int wait_ms)
{
	struct pf_dht	*d;
	enum pf_err	 e;

	if ((e = pf_dht_open(n->conf.dht_listen, n->conf.dht_bootstrap, &d)) != PF_OK)
		return e;
	e = pf_dht_put(d, fpr, buf, len, wait_ms);
	pf_dht_close(d);
	return e;
}

enum pf_err
pf_dht_record_publish(struct pf_node *n, const char *const *urls, size_t nurls,
    int wait_ms, struct pf_buf *rec)
{
	struct pf_buf	 b = { 0 };
	struct pf_urls	 u;
	const char	*own[PF_DHT_URLS_MAX];
	unsigned	 port;
	enum pf_err	 e;

	if (n->kr == NULL || n->self[0] == '\0')
		return pf_err(PF_ERR_CONFIG, "%s has no identity: run peerfeed "
		    "init", pf_store_path(n->st));
	if (nurls == 0) {
		/* The node's URLs, the preferred first, as many as fit. */
		pf_urls_node(n->st, &n->conf, &u);
		if (u.n == 0)
			return pf_err(PF_ERR_CONFIG, "no URL to publish: set url in "
			    "peerfeed.conf or give --url");
		for (; nurls < u.n && nurls < PF_DHT_URLS_MAX; nurls++)
			own[nurls] = u.v[nurls];
		urls = own;
	}
	/* Settings first: no signature for a record that cannot go out. */
	if ((e = pf_dht_check_conf(n->conf.dht_listen, n->conf.dht_bootstrap,
	    &port)) != PF_OK)
		return e;
	while ((e = pf_dht_record_build(n->kr, n->self, urls, nurls,
	    pf_now_ms(), &b)) == PF_ERR_LIMIT && urls == own && nurls > 1) {
		pf_buf_free(&b);
		nurls--;
	}
	if (e == PF_OK &&
	    (e = put_bytes(n, n->self, b.data, b.len, wait_ms)) == PF_OK &&
	    rec != NULL)
		e = pf_buf_add(rec, b.data, b.len);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_dht_record_put(struct pf_node *n, const void *buf, size_t len, int wait_ms)
{
	struct pf_dht_record	rec;
	enum pf_err		e;

	if ((e = pf_dht_record_parse(buf, len, NULL, pf_now_ms(), &rec)) != PF_OK)
		return e;
	return put_bytes(n, rec.fpr, buf, len, wait_ms);
}

/* What one lookup found: the values, parsed where they parse. */
struct found {
	struct pf_dht_value	*vals;
	size_t			 n;
	struct pf_dht_record	*recs;
	int			*ok;		/* 1: parsed, a candidate */
};

static void
refuse(pf_dht_report_fn report, void *arg, const char *fpr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
refuse(pf_dht_report_fn report, void *arg, const char *fpr, const char *fmt, ...)
{
	char	why[512];
	va_list	ap;

	if (report == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	report(fpr, why, arg);
}

/* Read fpr's values from the DHT of the node's settings. */
static enum pf_err
get_values(struct pf_node *n, const char *fpr, int wait_ms, struct found *f)
{
	struct pf_dht	*d;
	size_t		 dropped;
	enum pf_err	 e;

	if ((e = pf_dht_open(n->conf.dht_listen, n->conf.dht_bootstrap, &d)) != PF_OK)
		return e;
	e = pf_dht_get(d, fpr, PF_DHT_RECORD_MAX, PF_DHT_VALUES_MAX, wait_ms,
	    &f->vals, &f->n, &dropped);
	pf_dht_close(d);
	if (e != PF_OK)
		return e;
	if ((f->recs = calloc(f->n ? f->n : 1, sizeof(*f->recs))) == NULL ||
	    (f->ok = calloc(f->n ? f->n : 1, sizeof(*f->ok))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	return PF_OK;
}

static void
found_free(struct found *f)
{
	pf_dht_values_free(f->vals, f->n);
	free(f->recs);
	free(f->ok);
}

/*
 * The plain-C pass over every value: f->ok[i] set for the candidates,
 * newer than seen; *current gets the index of the record accepted
 * before, if it is still published (-1 if not).  Returns how many were
 * refused, and how many of those as older than the accepted one.
 */
static size_t
sift(struct found *f, const char *fpr, const struct pf_dht_seen *seen,
    pf_dht_report_fn report, void *arg, long *current, size_t *stale)
{
	char	t1[32], t2[32];
	size_t	i, refused = 0;

	*current = -1;
	for (i = 0; i < f->n; i++) {
		if (pf_dht_record_parse(f->vals[i].data, f->vals[i].len, fpr,
		    pf_now_ms(), &f->recs[i]) != PF_OK) {
			refuse(report, arg, fpr, "%s", pf_errmsg());
			refused++;
		} else if (f->recs[i].time_ms > seen->time_ms) {
			f->ok[i] = 1;
		} else if (strcmp(f->recs[i].sha, seen->sha) == 0) {
			*current = (long)i;
		} else {
			pf_time_fmt(f->recs[i].time_ms, t1);
			pf_time_fmt(seen->time_ms, t2);
			refuse(report, arg, fpr, "record of %s is not newer than "
			    "the one accepted (%s): refused as a possible replay",
			    t1, t2);
			refused++;
			(*stale)++;
		}
	}
	return refused;
}

/* The candidate with the highest time not tried yet, or -1. */
static long
newest(const struct found *f)
{
	long	best = -1;
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (f->ok[i] && (best < 0 ||
		    f->recs[i].time_ms > f->recs[best].time_ms))
			best = (long)i;
	return best;
}

/*
 * Under the store's lock: remember rec as accepted (seen), and with
 * save_url make its first URL the friend's (*changed set when it was not).
 */
static enum pf_err
accept_record(struct pf_node *n, const struct pf_dht_record *rec, int seen,
    int save_url, int *changed)
{
	struct pf_dht_seen	 s;
	struct pf_friend	 fr;
	enum pf_err		 e = PF_OK;

	if (!seen && !save_url)
		return PF_OK;
	if ((e = pf_store_lock(n->st, 1)) != PF_OK)
		return e;
	if (seen) {
		s.time_ms = rec->time_ms;
		memcpy(s.sha, rec->sha, sizeof(s.sha));
		if ((e = pf_dht_record_seen_save(n->st, rec->fpr, &s)) != PF_OK)
			goto out;
	}
	if (!save_url)
		goto out;
	if ((e = pf_friend_load(n->st, rec->fpr, &fr)) == PF_ERR_NOTFOUND) {
		e = pf_friend_create(n->st, rec->fpr, rec->urls[0]);
		*changed = 1;
	} else if (e == PF_OK && strcmp(fr.url, rec->urls[0]) != 0) {
		/* The same node elsewhere: its cursor still holds. */
		memcpy(fr.url, rec->urls[0], sizeof(fr.url));
		fr.etag[0] = '\0';
		e = pf_friend_save(n->st, &fr);
		*changed = 1;
	}
out:
	pf_store_unlock(n->st);
	return e;
}

/* fpr must be a usable friend's key. */
static enum pf_err
friend_key(struct pf_node *n, const char *fpr)
{
	struct pf_keyinfo k;

	if (n->kr == NULL)
		return pf_err(PF_ERR_CONFIG, "the keyring is not open");
	if (pf_keyring_lookup(n->kr, fpr, &k) != PF_OK || k.secret)
		return pf_err(PF_ERR_FORBIDDEN, "%s: not a friend's key: add it "
		    "first (peerfeed friend add KEYFILE)", fpr);
	if (k.disabled)
		return pf_err(PF_ERR_FORBIDDEN, "%s: the key is blocked", fpr);
	return PF_OK;
}

enum pf_err
pf_dht_record_lookup(struct pf_node *n, const char *fpr_in, int wait_ms,
    pf_dht_report_fn report, void *arg, int save_url, struct pf_dht_record *out,
    int *changed)
{
	struct pf_dht_seen	 seen;
	struct found		 f;
	char			 fpr[PF_FPR_MAX];
	size_t			 refused, stale = 0, tried = 0;
	long			 cur, i;
	enum pf_err		 e;

	memset(&f, 0, sizeof(f));
	*changed = 0;
	if ((e = pf_fpr_normalize(fpr_in, fpr)) != PF_OK ||
	    (e = friend_key(n, fpr)) != PF_OK ||
	    (e = pf_dht_record_seen_load(n->st, fpr, &seen)) != PF_OK ||
	    (e = get_values(n, fpr, wait_ms, &f)) != PF_OK)
		goto out;
	refused = sift(&f, fpr, &seen, report, arg, &cur, &stale);
	while ((i = newest(&f)) >= 0 && tried < PF_DHT_VERIFY_MAX) {
		f.ok[i] = 0;
		tried++;
		if (pf_dht_record_verify(n->kr, f.vals[i].data, f.vals[i].len,
		    &f.recs[i]) == PF_OK) {
			if ((e = accept_record(n, &f.recs[i], 1, save_url,
			    changed)) == PF_OK)
				*out = f.recs[i];
			goto out;
		}
		refuse(report, arg, fpr, "%s", pf_errmsg());
		refused++;
	}
	if (cur >= 0) {
		if ((e = accept_record(n, &f.recs[cur], 0, save_url,
		    changed)) == PF_OK)
			*out = f.recs[cur];
	} else if (f.n == 0)
		e = pf_err(PF_ERR_NOTFOUND, "%s: no record in the DHT", fpr);
	else if (stale == refused)
		e = pf_err(PF_ERR_STALE, "%s: only records older than the one "
		    "accepted before (%zu refused)", fpr, refused);
	else
		e = pf_err(PF_ERR_NOTFOUND, "%s: no acceptable record in the DHT "
		    "(%zu found, %zu refused)", fpr, f.n, refused);
out:
	found_free(&f);
	return e;
}

#endif /* HAVE_OPENDHT */
