/*
 * api_feed.c: GET /feed (public pages), GET /feed.atom, and POST /feed,
 * the private exchange of doc/DESIGN.md section 5, whose envelope checks
 * POST /media (api_media.c) shares through pf_api_private_open() and
 * pf_api_private_reply().
 *
 * A private request is checked cheapest first, and nothing that depends on
 * whether the unauthenticated Peerfeed-From hint names a friend is seen
 * before a good signature by a friend has verified, so the answers for a
 * friend's, a blocked, an unknown and a random fingerprint are the same:
 *   1. Peerfeed-From: a full fingerprint, else 400 (whatever it names);
 *   2. (feed only) If-None-Match: the hint's ETag is computed for every
 *      hint alike; only a friend's current ETag (which only that friend
 *      can know) gets the bodiless 304, nothing else done;
 *   3. Content-Type application/pgp-encrypted, size <= body_max, and the
 *      body looks like an encrypted OpenPGP message (armor header, or a
 *      first packet that is a public-key encrypted session key);
 *   4. decrypt and verify (one good signature by a usable friend subkey,
 *      plaintext <= plain_max; an unknown, unpinned or blocked signer is
 *      the one 403 "not a friend"), the signer must be the hinted key,
 *      and a usable friend;
 *   5. the plaintext, field by field (req.c) as a request of the kind the
 *      endpoint serves (aud is url/feed or url/media), and then the nonce,
 *      which is remembered for twice the window only once all else passed.
 *
 * Idle polls.  A 200 answer that leaves the reader at the newest change it
 * can see (more is false and next is that change's cursor) carries
 *	ETag: "pf1-" HMAC-SHA256(node key, owner, reader, audiences, newest)
 * truncated to 128 bits.  The reader polls again with If-None-Match (and
 * may leave the body empty): while no change reaches it and its groups
 * stay the same, the value is the same and the answer is a bodiless 304.
 * Why this leaks nothing beyond "nothing changed": the 304 is given only
 * for a hint naming a friend (others go on as without the header), the tag is keyed
 * with a secret that never leaves the node (DIR/etag.key), so it reveals
 * nothing about its inputs (group names, times) and cannot be guessed or
 * forged (128 bits); someone holding a tag (the reader, or whoever saw
 * the header) learns only whether it is still current, that is whether
 * anything changed for that reader since, which the reader's own poll
 * timing already shows.  No post, count or time is in the answer.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#include <gcrypt.h>

#include "api.h"
#include "budget.h"
#include "envelope.h"
#include "feed.h"
#include "group.h"
#include "http.h"
#include "index.h"
#include "keyring.h"
#include "req.h"
#include "store.h"
#include "urls.h"

#define ETAG_FILE	"etag.key"
#define ETAG_MAX	48
#define PGP_TYPE	"application/pgp-encrypted"
#define ARMOR_HEAD	"-----BEGIN PGP MESSAGE-----"
#define NOT_FRIEND	"not a friend of this node"

/* Read the key file at path into key; -1 (errno set) unless it is whole. */
static int
etag_read(const char *path, unsigned char key[PF_ETAG_KEY_LEN])
{
	int	 fd;
	ssize_t	 n;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, key, PF_ETAG_KEY_LEN);
	close(fd);
	if (n != PF_ETAG_KEY_LEN) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Write a new random key to a temp file and link() it into place. */
static enum pf_err
etag_create(const char *path, unsigned char key[PF_ETAG_KEY_LEN])
{
	char	 tmp[4096];
	int	 fd, rc;

	if (getrandom(key, PF_ETAG_KEY_LEN, 0) != PF_ETAG_KEY_LEN)
		return pf_err(PF_ERR_SYS, "getrandom: %s", strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", tmp, strerror(errno));
	rc = write(fd, key, PF_ETAG_KEY_LEN) == PF_ETAG_KEY_LEN && fsync(fd) == 0;
	close(fd);
	/* link() fails if another worker won the race: then use its key. */
	if (!rc || (link(tmp, path) == -1 && errno != EEXIST)) {
		unlink(tmp);
		return pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	}
	unlink(tmp);
	return PF_OK;
}

enum pf_err
pf_api_etag_init(struct pf_api *a)
{
	char		*path;
	enum pf_err	 e = PF_OK;

	pf_gcry_init();
	if ((path = pf_store_join(a->st, ETAG_FILE)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if (etag_read(path, a->etag_key) == -1 &&
	    ((e = etag_create(path, a->etag_key)) != PF_OK ||
	    etag_read(path, a->etag_key) == -1))
		e = e != PF_OK ? e : pf_err(PF_ERR_SYS, "%s: %s", path,
		    strerror(errno));
	free(path);
	return e;
}

/* The keyring's files whose change means a reload. */
static const char *const keyring_files[] = { "pubring.kbx", "trustdb.gpg",
    "gpg.conf" };
#define KEYRING_NFILES	(sizeof(keyring_files) / sizeof(keyring_files[0]))

/* Newest modification time (ns) of the keyring's files. */
static int64_t
keyring_stamp(const char *home)
{
	char		 path[4096];
	struct stat	 st;
	int64_t		 t, newest = 0;
	size_t		 i;

	for (i = 0; i < KEYRING_NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", home, keyring_files[i]);
		if (stat(path, &st) == -1)
			continue;
		t = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		if (t > newest)
			newest = t;
	}
	return newest;
}

#ifdef __linux__
/* A non-blocking inotify descriptor watching home, or -1. */
static int
keyring_watch(const char *home)
{
	int fd;

	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	if (inotify_add_watch(fd, home, IN_MODIFY | IN_ATTRIB |
	    IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
	    IN_MOVED_TO) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Drain the watch: 1 if an event names a keyring file (or events were
 * lost), 0 if none did, -1 if the watch is gone or broken.
 */
static int
keyring_events(int fd)
{
	char			 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t			 n, off;
	size_t			 i;
	int			 changed = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off + (ssize_t)sizeof(*ev) <= n;
		    off += (ssize_t)sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF |
			    IN_MOVE_SELF | IN_UNMOUNT))
				return -1;
			if (ev->mask & IN_Q_OVERFLOW)
				changed = 1;
			for (i = 0; ev->len > 0 && i < KEYRING_NFILES; i++)
				if (strcmp(ev->name, keyring_files[i]) == 0)
					changed = 1;
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		return -1;
	return changed;
}
#else
static int
keyring_watch(const char *home)
{
	(void)home;
	return -1;
}

static int
keyring_events(int fd)
{
	(void)fd;
	return -1;
}
#endif

enum pf_err
pf_api_keyring_fresh(struct pf_api *a)
{
	int64_t		 stamp;
	int		 fd;
	enum pf_err	 e;

	if (a->kr_watch == 0) {
		/* Watch first: a change after the stat below is then seen. */
		fd = keyring_watch(a->gnupghome);
		a->kr_watch = fd >= 0 ? fd + 1 : -1;
	} else if (a->kr_watch > 0) {
		switch (keyring_events(a->kr_watch - 1)) {
		case 0:
			if (a->kr_stamp != -1)
				return PF_OK;
			break;
		case -1:
			close(a->kr_watch - 1);
			a->kr_watch = -1;
			break;
		}
	}
	stamp = keyring_stamp(a->gnupghome);
	if (stamp == a->kr_stamp)
		return PF_OK;
	a->groups_ok = 0;
	if ((e = pf_keyring_reload(a->kr)) != PF_OK) {
		/* Not believed loaded: the next call tries again. */
		a->kr_stamp = -1;
		return e;
	}
	a->kr_stamp = stamp;
	return PF_OK;
}

enum pf_err
pf_api_audiences(struct pf_api *a, const char *fpr, char ***auds, size_t *n)
{
	enum pf_err e;

	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		return e;
	if (!a->groups_ok) {
		pf_group_free(a->groups, a->ngroups);
		a->groups = NULL;
		a->ngroups = 0;
		if ((e = pf_group_list(a->gnupghome, &a->groups,
		    &a->ngroups)) != PF_OK)
			return e;
		a->groups_ok = 1;
	}
	return pf_group_audiences_in(a->groups, a->ngroups, fpr, auds, n);
}

void
pf_api_close(struct pf_api *a)
{
	pf_buf_free(&a->key);
	pf_group_free(a->groups, a->ngroups);
	a->groups = NULL;
	a->ngroups = 0;
	a->groups_ok = 0;
	if (a->kr_watch > 0)
		close(a->kr_watch - 1);
	a->kr_watch = 0;
}

/*
 * The Peerfeed-From hint, normalized: 400 if missing or malformed, the same
 * for every well-formed fingerprint, so it says nothing about the keyring.
 */
static enum pf_err
hint_parse(const char *hint, char fpr[PF_FPR_MAX])
{
	if (hint == NULL || *hint == '\0')
		return pf_err(PF_ERR_INVALID, "Peerfeed-From: header missing");
	if (pf_fpr_normalize(hint, fpr) != PF_OK)
		return pf_err(PF_ERR_INVALID, "Peerfeed-From: not a full "
		    "fingerprint (40 or 64 hex digits)");
	return PF_OK;
}

/* 403 for every key that may not read: one message, so no oracle. */
static enum pf_err
friend_check(struct pf_api *a, const char *fpr)
{
	struct pf_keyinfo	 ki;
	enum pf_err		 e;

	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		return e;
	if (pf_keyring_lookup(a->kr, fpr, &ki) != PF_OK || ki.secret ||
	    ki.disabled || ki.revoked || ki.expired || ki.invalid)
		return pf_err(PF_ERR_FORBIDDEN, NOT_FRIEND);
	return PF_OK;
}

/* The ETag for reader with audiences auds whose newest change is latest. */
static enum pf_err
etag_make(struct pf_api *a, const char *reader, char *const *auds, size_t naud,
    const struct pf_cursor *latest, char out[ETAG_MAX])
{
	gcry_md_hd_t	 h;
	unsigned char	*md;
	char		 c[PF_CURSOR_MAX];
	size_t		 i;

	if (gcry_md_open(&h, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC) != 0 ||
	    gcry_md_setkey(h, a->etag_key, PF_ETAG_KEY_LEN) != 0)
		return pf_err(PF_ERR_SYS, "gcrypt: HMAC-SHA256 unavailable");
	pf_cursor_fmt(latest, c);
	gcry_md_write(h, a->self, strlen(a->self) + 1);
	gcry_md_write(h, reader, strlen(reader) + 1);
	for (i = 0; i < naud; i++)
		gcry_md_write(h, auds[i], strlen(auds[i]) + 1);
	gcry_md_write(h, "", 1);
	gcry_md_write(h, c, strlen(c) + 1);
	md = gcry_md_read(h, GCRY_MD_SHA256);
	memcpy(out, "\"pf1-", 5);
	for (i = 0; i < 16; i++)
		snprintf(out + 5 + 2 * i, 3, "%02x", md[i]);
	memcpy(out + 37, "\"", 2);
	gcry_md_close(h);
	return PF_OK;
}

/* Is tag among the entity tags of an If-None-Match value? */
static int
etag_listed(const char *header, const char *tag)
{
	const char	*p = header;
	size_t		 n, tlen = strlen(tag);

	while (*p != '\0') {
		p += strspn(p, " \t,");
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		n = strcspn(p, " \t,");
		if (n == tlen && strncmp(p, tag, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* The reader's audiences and their current ETag. */
static enum pf_err
reader_state(struct pf_api *a, const char *reader, char ***auds, size_t *naud,
    struct pf_cursor *latest, char tag[ETAG_MAX])
{
	enum pf_err e;

	if ((e = pf_api_audiences(a, reader, auds, naud)) != PF_OK)
		return e;
	if ((e = pf_index_latest(a->ix, (const char *const *)*auds, *naud,
	    latest)) != PF_OK ||
	    (e = etag_make(a, reader, *auds, *naud, latest, tag)) != PF_OK) {
		free(*auds);
		*auds = NULL;
	}
	return e;
}

/*
 * The idle poll: 1 (resp is a 304) if req carries a friend's hint and that
 * friend's current ETag; 0 to go on (every other hint, known or not, takes
 * the same path and does the same work); -1 with an error.
 */
static int
idle_poll(struct pf_api *a, const struct pf_http_req *req,
    struct pf_http_resp *resp, enum pf_err *err)
{
	char			 fpr[PF_FPR_MAX], tag[ETAG_MAX];
	char			**auds = NULL;
	size_t			 naud;
	struct pf_cursor	 latest;
	int			 hit = 0, friend;

	if (req->if_none_match == NULL || hint_parse(req->from, fpr) != PF_OK)
		return 0;
	friend = friend_check(a, fpr) == PF_OK;
	if ((*err = reader_state(a, fpr, &auds, &naud, &latest, tag)) != PF_OK)
		return -1;
	if (friend && etag_listed(req->if_none_match, tag)) {
		snprintf(resp->who, sizeof(resp->who), "%s", fpr);
		resp->status = 304;
		*err = pf_http_header(resp, "ETag", tag);
		hit = *err == PF_OK ? 1 : -1;
	}
	free(auds);
	return hit;
}

/*
 * A malformed query parameter is 400 with pf_http_query()'s message,
 * which names the parameter and the rule (given twice, bad escape, too
 * long).
 */
static enum pf_err
query_fail(void)
{
	return pf_err(PF_ERR_INVALID, "%s", pf_errmsg());
}

/* Parse the public query: since (absent: latest page) and limit. */
static enum pf_err
public_query(struct pf_api *a, const char *q, int *has_since,
    struct pf_cursor *since, size_t *limit)
{
	char		 v[PF_CURSOR_MAX];
	char		*end;
	long		 n;
	enum pf_err	 e;

	*limit = (size_t)a->conf->page_max;
	if ((e = pf_http_query(q, "limit", v, sizeof(v))) == PF_OK) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || strspn(v, "0123456789") != strlen(v) ||
		    *end != '\0' || errno != 0 || n < 1)
			return pf_err(PF_ERR_INVALID, "limit: must be a positive "
			    "integer");
		/* A larger page than ours is not an error: give page_max. */
		if (n < a->conf->page_max)
			*limit = (size_t)n;
	} else if (e != PF_ERR_NOTFOUND)
		return query_fail();
	*has_since = 0;
	if ((e = pf_http_query(q, "since", v, sizeof(v))) == PF_ERR_NOTFOUND)
		return PF_OK;
	if (e != PF_OK)
		return query_fail();
	*has_since = 1;
	return pf_cursor_parse(v, since);
}

/*
 * GET /feed?since=C&limit=N: public changes after C, oldest first; without
 * since, the latest page (feed.h), byte for byte public/feed.json when
 * limit is page_max.  A friend's idle poll may come this way too.
 */
enum pf_err
pf_api_feed_get(struct pf_api *a, const struct pf_http_req *req,
    const char *param, struct pf_http_resp *resp)
{
	static const char *const pub[] = { "public" };
	struct pf_cursor	 since;
	size_t			 limit;
	int			 has_since = 0;
	enum pf_err		 e = PF_OK;

	(void)param;
	if (req->if_none_match != NULL && req->from != NULL &&
	    idle_poll(a, req, resp, &e) == 1)
		return PF_OK;
	if ((e = public_query(a, req->query, &has_since, &since, &limit)) != PF_OK)
		return e;
	if ((e = pf_buf_addstr(&resp->body, "{")) != PF_OK ||
	    (e = has_since ? pf_feed_page(a->ix, pub, 1, &since, limit,
	    &resp->body, NULL, NULL) : pf_feed_latest(a->ix, pub, 1, limit,
	    &resp->body)) != PF_OK ||
	    (e = pf_buf_addstr(&resp->body, "}\n")) != PF_OK)
		return e;
	resp->type = "application/json";
	return pf_http_header(resp, "Cache-Control", "no-cache");
}

/* GET /feed.atom: the Atom document, as public/feed.atom holds it. */
enum pf_err
pf_api_atom(struct pf_api *a, const struct pf_http_req *req, const char *param,
    struct pf_http_resp *resp)
{
	struct pf_feed_ctx	fc;
	enum pf_err		e;

	(void)req;
	(void)param;
	pf_feed_ctx_init(&fc, a->conf, a->kr, a->self);
	if ((e = pf_feed_atom(a->ix, &fc, &resp->body)) != PF_OK)
		return e;
	resp->type = "application/atom+xml; charset=utf-8";
	return pf_http_header(resp, "Cache-Control", "no-cache");
}

/* Cheap checks on the envelope before any OpenPGP work (steps 3). */
static enum pf_err
envelope_precheck(struct pf_api *a, const struct pf_http_req *req, int *armor)
{
	const unsigned char	*b = (const unsigned char *)req->body.data;
	size_t			 tl = strlen(PGP_TYPE);
	const char		*ct = req->content_type;

	if (ct == NULL || strncasecmp(ct, PGP_TYPE, tl) != 0 ||
	    (ct[tl] != '\0' && ct[tl] != ';'))
		return pf_err(PF_ERR_INVALID, "Content-Type: must be %s", PGP_TYPE);
	if (req->body.len > (size_t)a->conf->body_max)
		return pf_err(PF_ERR_LIMIT, "request body: more than %ld bytes",
		    a->conf->body_max);
	if (req->body.len == 0)
		return pf_err(PF_ERR_INVALID, "request body: empty (send the "
		    "signed and encrypted request)");
	*armor = req->body.len >= strlen(ARMOR_HEAD) &&
	    memcmp(b, ARMOR_HEAD, strlen(ARMOR_HEAD)) == 0;
	/* RFC 4880 4.2: old (0x84-0x87) or new (0xc1) header of tag 1, PKESK. */
	if (!*armor && !((b[0] & 0xfc) == 0x84 || b[0] == 0xc1))
		return pf_err(PF_ERR_INVALID, "request body: not an OpenPGP "
		    "message encrypted to a public key");
	return PF_OK;
}

#define RETIRED_WAIT_MS	2000	/* for a reindex to swap its index in */
#define RETIRED_STEP_MS	20

/*
 * Remember the request's nonce in the index in place.  A reindex retires
 * the old index before it copies the nonces over (pf_index_retire), so a
 * nonce refused there waits for the new index, which then holds every
 * nonce the old one had.
 */
static enum pf_err
nonce_remember(struct pf_api *a, const char *nonce, int64_t now)
{
	enum pf_err	e;
	int		waited;

	for (waited = 0; ; waited += RETIRED_STEP_MS) {
		e = pf_index_nonce_add(a->ix, nonce, now, now + 2 * a->conf->window);
		if (e != PF_ERR_LOCKED || waited >= RETIRED_WAIT_MS)
			break;
		usleep(RETIRED_STEP_MS * 1000);
		if ((e = pf_index_reopen(&a->ix)) != PF_OK)
			return e;
	}
	if (e == PF_ERR_LOCKED)
		return pf_err(PF_ERR_LOCKED, "the index was replaced by a "
		    "reindex that did not finish: run peerfeed reindex");
	return e;
}

/* Steps 4 and 5: open the envelope and check the request of kind in it. */
static enum pf_err
open_request(struct pf_api *a, const struct pf_http_req *req, const char *hint,
    enum pf_req_kind kind, struct pf_req *r)
{
	struct pf_buf		 plain = { 0 }, aud = { 0 };
	struct pf_req_want	 w;
	struct pf_urls		 u;
	size_t			 i;
	char			 signer[PF_FPR_MAX];
	int64_t			 sig_time, now = pf_now_ms() / 1000;
	enum pf_err		 e;

	pf_urls_node(a->st, a->conf, &u);
	if (u.n == 0)
		return pf_err(PF_ERR_CONFIG, "url is not set in peerfeed.conf");
	/* The envelope checks the signer against the keyring: a friend added
	 * since the last request must be known to it. */
	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		goto out;
	/* Unknown, unpinned and blocked signers: one answer (PROTOCOL.md). */
	if ((e = pf_envelope_open(a->kr, req->body.data, req->body.len,
	    (size_t)a->conf->plain_max, &plain, signer, &sig_time)) != PF_OK) {
		if (e == PF_ERR_FORBIDDEN)
			e = pf_err(PF_ERR_FORBIDDEN, NOT_FRIEND);
		goto out;
	}
	if (strcmp(signer, hint) != 0) {
		e = pf_err(PF_ERR_BADSIG, "signed by a key other than Peerfeed-From");
		goto out;
	}
	if ((e = friend_check(a, signer)) != PF_OK)
		goto out;
	if (sig_time - now > a->conf->window || now - sig_time > a->conf->window) {
		e = pf_err(PF_ERR_STALE, "signature time %lld s off the server "
		    "clock (window %ld s)", (long long)(sig_time - now),
		    a->conf->window);
		goto out;
	}
	/* Any of the node's URLs (doc/PROTOCOL.md, "Base URL"), one a line. */
	for (i = 0; i < u.n; i++)
		if ((e = pf_buf_printf(&aud, "%s%s%s", i ? "\n" : "", u.v[i],
		    kind == PF_REQ_MEDIA ? "/media" : "/feed")) != PF_OK)
			goto out;
	w = (struct pf_req_want){ signer, a->self, aud.data, now,
	    a->conf->window, a->conf->page_max, kind };
	if ((e = pf_req_parse(plain.data, plain.len, &w, r)) != PF_OK)
		goto out;
	e = nonce_remember(a, r->nonce, now);
out:
	pf_buf_free(&plain);
	pf_buf_free(&aud);
	return e;
}

enum pf_err
pf_api_private_open(struct pf_api *a, const struct pf_http_req *req,
    enum pf_req_kind kind, struct pf_http_resp *resp, struct pf_req *r,
    int *armor)
{
	char		 hint[PF_FPR_MAX];
	enum pf_err	 e;

	/*
	 * Nothing here depends on whether the hint names a friend until a
	 * good signature by a friend has verified (PROTOCOL.md "Private
	 * requests"): a stranger cannot test fingerprints.
	 */
	if ((e = hint_parse(req->from, hint)) != PF_OK ||
	    (e = envelope_precheck(a, req, armor)) != PF_OK)
		return e;
	/* The OpenPGP work starts here, so does its budget (not before:
	 * the idle 304 and the cheap refusals cost none). */
	if ((e = pf_budget_take(a->st, a->conf->pgp_rate,
	    a->conf->pgp_burst)) != PF_OK)
		return e;
	if ((e = open_request(a, req, hint, kind, r)) == PF_OK)
		snprintf(resp->who, sizeof(resp->who), "%s", hint);
	return e;
}

enum pf_err
pf_api_private_reply(struct pf_api *a, const char *to, const void *plain,
    size_t len, int armor, struct pf_http_resp *resp)
{
	enum pf_err e;

	if ((e = pf_envelope_seal(a->kr, to, plain, len, armor,
	    &resp->body)) != PF_OK ||
	    (e = pf_http_header(resp, "Cache-Control", "no-store")) != PF_OK)
		return e;
	resp->type = PGP_TYPE;
	return PF_OK;
}

/* The response plaintext for request r from reader. */
static enum pf_err
build_response(struct pf_api *a, const struct pf_req *r, char *const *auds,
    size_t naud, struct pf_buf *out, struct pf_cursor *next, int *more)
{
	enum pf_err e;

	if ((e = pf_buf_addstr(out, "{\"v\":1,\"from\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, a->self)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\"to\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->from)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",\"nonce\":")) != PF_OK ||
	    (e = pf_buf_json_str(out, r->nonce)) != PF_OK ||
	    (e = pf_buf_addstr(out, ",")) != PF_OK ||
	    (e = pf_feed_page(a->ix, (const char *const *)auds, naud, &r->since,
	    r->limit, out, next, more)) != PF_OK)
		return e;
	return pf_buf_addstr(out, "}\n");
}

/* ETag header if the reader is now at its newest change. */
static enum pf_err
maybe_etag(struct pf_api *a, const char *reader, const struct pf_cursor *next,
    int more, struct pf_http_resp *resp)
{
	char			**auds = NULL, tag[ETAG_MAX];
	size_t			  naud;
	struct pf_cursor	  latest;
	enum pf_err		  e;

	if (more)
		return PF_OK;
	if ((e = reader_state(a, reader, &auds, &naud, &latest, tag)) != PF_OK)
		return e;
	if (latest.ms == next->ms && strcmp(latest.id, next->id) == 0)
		e = pf_http_header(resp, "ETag", tag);
	free(auds);
	return e;
}

/* POST /feed: the private exchange (see the comment at the top). */
enum pf_err
pf_api_feed_post(struct pf_api *a, const struct pf_http_req *req,
    const char *param, struct pf_http_resp *resp)
{
	struct pf_buf		 plain = { 0 };
	struct pf_req		 r;
	struct pf_cursor	 next;
	char			 **auds = NULL;
	size_t			 naud;
	int			 armor, more;
	enum pf_err		 e = PF_OK;

	(void)param;
	if (idle_poll(a, req, resp, &e) != 0)
		return e;
	if ((e = pf_api_private_open(a, req, PF_REQ_FEED, resp, &r,
	    &armor)) != PF_OK ||
	    (e = pf_api_audiences(a, r.from, &auds, &naud)) != PF_OK ||
	    (e = build_response(a, &r, auds, naud, &plain, &next, &more)) != PF_OK ||
	    (e = pf_api_private_reply(a, r.from, plain.data, plain.len, armor,
	    resp)) != PF_OK ||
	    (e = maybe_etag(a, r.from, &next, more, resp)) != PF_OK)
		goto out;
out:
	free(auds);
	pf_buf_free(&plain);
	return e;
}
