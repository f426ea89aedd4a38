/*
 * api.h: the responder's endpoints (doc/DESIGN.md section 5), one file per
 * resource: api_info.c (GET /), api_key.c (GET /key), api_feed.c (GET and
 * POST /feed, GET /feed.atom), api_media.c (GET /media/<sha256>, POST
 * /media).
 * Handlers take param, the captured path segment (media) or NULL.
 * They fill a struct pf_http_resp and return PF_OK, or return an error
 * that pf_route_dispatch() turns into a 4xx/5xx with a JSON body; they
 * never write to the connection themselves.
 */
#ifndef PF_API_H
#define PF_API_H

#include "conf.h"
#include "pf.h"
#include "req.h"

struct pf_store;
struct pf_index;
struct pf_keyring;
struct pf_group;
struct pf_http_req;
struct pf_http_resp;
struct pf_cursor;

#define PF_ETAG_KEY_LEN	32	/* bytes of the node-local ETag key */

/* Everything a handler may use; borrowed from main_fcgi.c for the process. */
struct pf_api {
	struct pf_store		*st;
	const struct pf_conf	*conf;
	struct pf_index		*ix;
	struct pf_keyring	*kr;
	const char		*gnupghome;
	char			 self[PF_FPR_MAX];	/* the owner */
	unsigned char		 etag_key[PF_ETAG_KEY_LEN];
	struct pf_buf		 key;		/* cached armored public key */
	int64_t			 key_ms;	/* when it was exported */
	int64_t			 kr_stamp;	/* keyring files' newest mtime, ns;
						   -1 after a failed reload */
	int			 kr_watch;	/* inotify fd + 1; 0 not yet, -1 none */
	struct pf_group		*groups;	/* gpg.conf's groups, if loaded */
	size_t			 ngroups;
	int			 groups_ok;	/* groups is current */
};

/* api_feed.c */

/*
 * Open and check a private request of kind (api_feed.c, steps 1 and 3-5):
 * the Peerfeed-From hint names a usable friend key (resp->who is set to
 * it), the envelope passes the cheap checks, it decrypts with one good
 * signature by that key, and the plaintext passes pf_req_parse() with aud
 * url/feed or url/media; the nonce is then remembered.  *armor tells
 * whether the request was armored, so the reply can be too.
 * Errors: those of the steps; unknown and blocked keys share one 403.
 */
enum pf_err	 pf_api_private_open(struct pf_api *, const struct pf_http_req *,
		    enum pf_req_kind kind, struct pf_http_resp *resp,
		    struct pf_req *r, int *armor);
/*
 * Answer with plain[0..len) signed by the owner and encrypted to the
 * pinned key to only (Content-Type application/pgp-encrypted, no-store).
 */
enum pf_err	 pf_api_private_reply(struct pf_api *, const char *to,
		    const void *plain, size_t len, int armor,
		    struct pf_http_resp *resp);

enum pf_err	 pf_api_feed_get(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);
enum pf_err	 pf_api_feed_post(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);
enum pf_err	 pf_api_atom(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);

/* api_info.c */
enum pf_err	 pf_api_info(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);

/* api_key.c */
enum pf_err	 pf_api_key(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);

/* api_media.c */
enum pf_err	 pf_api_media(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);
enum pf_err	 pf_api_media_post(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);

/* api_state.c */
/* Free what the handlers cached in a (key, groups, the keyring watch). */
void		 pf_api_close(struct pf_api *);

/*
 * Reload the keyring's key cache if its files (pubring.kbx, trustdb.gpg,
 * where gpg keeps the disabled flag) changed since the last look, so a
 * friend added or blocked with the CLI counts at once.  An inotify watch
 * on the keyring directory makes a call one read(2) while nothing changed
 * there; the files are stat(2)ed only after an event (or on every call
 * where inotify is missing); gpg runs only after a change.
 */
enum pf_err	 pf_api_keyring_fresh(struct pf_api *);

/*
 * The audiences of the reader holding key fpr, as pf_group_audiences()
 * gives them, from a copy of gpg.conf's groups read once and again only
 * after pf_api_keyring_fresh() saw the keyring directory change.
 */
enum pf_err	 pf_api_audiences(struct pf_api *, const char *fpr,
		    char ***auds, size_t *n);

/*
 * Load the node-local secret that keys private ETags from DIR/etag.key,
 * creating it (random, mode 0600, exclusively, so every worker process
 * ends up with the same key) if it does not exist.
 */
enum pf_err	 pf_api_etag_init(struct pf_api *);

/* A private ETag: "pf1-" and 128 bits of HMAC-SHA256 under the key above
 * over the owner, reader, its audiences and latest (api_feed.c). */
#define PF_API_ETAG_MAX	48
enum pf_err	 pf_api_etag(struct pf_api *, const char *reader,
		    char *const *auds, size_t naud,
		    const struct pf_cursor *latest, char out[PF_API_ETAG_MAX]);

/* app.c */
/* The owner's web page under /app (app.h has the rest). */
enum pf_err	 pf_app(struct pf_api *, const struct pf_http_req *,
		    const char *param, struct pf_http_resp *);
/*
 * pf_http_body_gate()'s test (arg: the struct pf_api): true for a request
 * under /app/ with an open session, the only one whose form may carry an
 * image.  Everyone else's body is held to body_max (64 KB by default),
 * which the login form fits.
 */
int		 pf_app_may_upload(const struct pf_http_req *, void *arg);

#endif
