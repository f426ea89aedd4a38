/* nodeinfo.c: GET <base>/ and what it says (nodeinfo.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "net.h"
#include "json.h"
#include "log.h"
#include "nodeinfo.h"
#include "urls.h"


int
pf_nodeinfo_lists(const struct pf_nodeinfo *info, const char *u)
{
	size_t i;

	for (i = 0; i < info->nurls; i++)
		if (pf_url_same(info->urls[i], u))
			return 1;
	return 0;
}

/* The valid http(s) URLs of "urls" (invalid ones skipped), then url. */
static void
parse_urls(struct json_object *doc, struct pf_nodeinfo *out)
{
	struct json_object	*a;
	const char		*s;
	size_t			 i;

	if (pf_json_get_arr(doc, "urls", 0, 64, &a) == PF_OK)
		for (i = 0; i < pf_json_arr_len(a) &&
		    out->nurls < PF_NODEINFO_URLS; i++)
			if (pf_json_str(pf_json_arr_at(a, i), "urls", 9,
			    PF_URL_MAX - 1, &s) == PF_OK && pf_friend_url_valid(s))
				snprintf(out->urls[out->nurls++], PF_URL_MAX,
				    "%s", s);
	if (out->url[0] != '\0' && !pf_nodeinfo_lists(out, out->url) &&
	    out->nurls < PF_NODEINFO_URLS)
		snprintf(out->urls[out->nurls++], PF_URL_MAX, "%s", out->url);
	pf_err_clear();
}

/* The members of the answer we use; the rest is ignored. */
static enum pf_err
parse(const char *u, const struct pf_buf *body, struct pf_nodeinfo *out)
{
	struct json_object	*doc = NULL;
	const char		*s;
	enum pf_err		 e;

	if ((e = pf_json_parse(body->data ? body->data : "", body->len, 4,
	    &doc)) != PF_OK)
		e = pf_err(PF_ERR_INVALID, "%s: not a peerfeed node info (%s)",
		    u, pf_errmsg());
	else if (pf_json_get_str(doc, "fingerprint", 40, 64, &s) != PF_OK ||
	    pf_fpr_normalize(s, out->fpr) != PF_OK)
		e = pf_err(PF_ERR_INVALID, "%s: no valid fingerprint in the "
		    "node info", u);
	else {
		if (pf_json_get_str(doc, "name", 0, 100, &s) == PF_OK)
			pf_log_sanitize(s, out->name, sizeof(out->name));
		if (pf_json_get_str(doc, "url", 1, PF_URL_MAX - 1, &s) == PF_OK &&
		    pf_friend_url_valid(s))
			snprintf(out->url, sizeof(out->url), "%s", s);
		parse_urls(doc, out);
	}
	pf_json_free(doc);
	return e;
}

enum pf_err
pf_nodeinfo_get(const char *base, long connect_s, struct pf_nodeinfo *out)
{
	struct pf_net_limits	lim;
	struct pf_xfer		x = { 0 };
	char			u[PF_URL_MAX + 8];
	enum pf_err		e;

	memset(out, 0, sizeof(*out));
	if ((size_t)snprintf(u, sizeof(u), "%s/", base) >= sizeof(u))
		return pf_err(PF_ERR_LIMIT, "%.80s...: URL too long", base);
	pf_net_limits_default(&lim, PF_NODEINFO_MAX);
	lim.connect_timeout = connect_s;
	lim.timeout = 2 * connect_s;
	lim.low_speed_time = connect_s;
	lim.max_redirs = 0;
	x.url = u;
	if ((e = pf_net_run_one(&lim, &x)) != PF_OK)
		goto out;
	if (x.status != 200)
		e = pf_err(PF_ERR_NETWORK, "%s: HTTP %ld", u, x.status);
	else
		e = parse(u, &x.resp, out);
out:
	pf_xfer_free(&x);
	return e;
}
