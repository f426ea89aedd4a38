/* api_key.c: GET /key -- the owner's armored public key. */
#include "config.h"

#include "api.h"
#include "http.h"
#include "keyring.h"

/* Export again after this long, so a rotated subkey shows up. */
#define KEY_CACHE_MS	(5 * 60 * 1000)

/*
 * The key is exported once and kept (a gpg export spawns a process); it is
 * refreshed after KEY_CACHE_MS or when the keyring files change.
 */
enum pf_err
pf_api_key(struct pf_api *a, const struct pf_http_req *req, const char *param,
    struct pf_http_resp *resp)
{
	int64_t		 now = pf_now_ms();
	int64_t		 stamp = a->kr_stamp;
	enum pf_err	 e;

	(void)req;
	(void)param;
	if ((e = pf_api_keyring_fresh(a)) != PF_OK)
		return e;
	if (a->key.len == 0 || now - a->key_ms > KEY_CACHE_MS ||
	    stamp != a->kr_stamp) {
		pf_buf_reset(&a->key);
		if ((e = pf_keyring_export(a->kr, a->self, &a->key)) != PF_OK)
			return e;
		a->key_ms = now;
	}
	if ((e = pf_buf_add(&resp->body, a->key.data, a->key.len)) != PF_OK)
		return e;
	resp->type = "application/pgp-keys";
	return pf_http_header(resp, "Cache-Control", "public, max-age=300");
}
