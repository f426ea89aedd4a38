/* api_info.c: GET / -- what this node is and where its endpoints are. */
#include "config.h"

#include "api.h"
#include "http.h"
#include "urls.h"

static const struct {
	const char	*name;
	const char	*path;
} endpoints[] = {
	{ "key", "/key" },
	{ "feed", "/feed" },
	{ "atom", "/feed.atom" },
	{ "media", "/media/" },
};

/* Append "name":"<url><path>" members for every endpoint. */
static enum pf_err
add_endpoints(struct pf_buf *b, const char *url)
{
	size_t		 i;
	enum pf_err	 e = PF_OK;

	for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		struct pf_buf u = { 0 };

		if ((e = pf_buf_printf(&u, "%s%s", url, endpoints[i].path)) == PF_OK &&
		    (e = pf_buf_printf(b, "%s", i ? "," : "")) == PF_OK &&
		    (e = pf_buf_json_str(b, endpoints[i].name)) == PF_OK &&
		    (e = pf_buf_addstr(b, ":")) == PF_OK)
			e = pf_buf_json_str(b, u.data);
		pf_buf_free(&u);
		if (e != PF_OK)
			break;
	}
	return e;
}

/* ,"urls":[..] with every base URL of the node, the preferred first. */
static enum pf_err
add_urls(struct pf_buf *b, const struct pf_urls *u)
{
	size_t		i;
	enum pf_err	e;

	e = pf_buf_addstr(b, ",\"urls\":[");
	for (i = 0; i < u->n && e == PF_OK; i++)
		if ((e = pf_buf_addstr(b, i ? "," : "")) == PF_OK)
			e = pf_buf_json_str(b, u->v[i]);
	return e != PF_OK ? e : pf_buf_addstr(b, "]");
}

/*
 * {"software":"peerfeed","version":..,"fingerprint":..,"name":..,"url":..,
 *  "urls":[..],"protocol":1,"endpoints":{..}}; URLs come from peerfeed.conf
 * and reach.json (urls.h), never from the request's Host header.  With
 * Vary: Accept, as the shipped snippets answer browsers with HTML.
 */
enum pf_err
pf_api_info(struct pf_api *a, const struct pf_http_req *req, const char *param,
    struct pf_http_resp *resp)
{
	struct pf_buf	*b = &resp->body;
	struct pf_urls	 u;
	const char	*url;
	enum pf_err	 e;

	(void)req;
	(void)param;
	pf_urls_node(a->st, a->conf, &u);
	url = u.n > 0 ? u.v[0] : "";
	if ((e = pf_buf_addstr(b, "{\"software\":\"peerfeed\",\"version\":")) != PF_OK ||
	    (e = pf_buf_json_str(b, PACKAGE_VERSION)) != PF_OK ||
	    (e = pf_buf_addstr(b, ",\"protocol\":1,\"fingerprint\":")) != PF_OK ||
	    (e = pf_buf_json_str(b, a->self)) != PF_OK ||
	    (e = pf_buf_addstr(b, ",\"name\":")) != PF_OK ||
	    (e = pf_buf_json_str(b, a->conf->name)) != PF_OK ||
	    (e = pf_buf_addstr(b, ",\"url\":")) != PF_OK ||
	    (e = pf_buf_json_str(b, url)) != PF_OK ||
	    (e = add_urls(b, &u)) != PF_OK ||
	    (e = pf_buf_addstr(b, ",\"endpoints\":{")) != PF_OK ||
	    (e = add_endpoints(b, url)) != PF_OK ||
	    (e = pf_buf_addstr(b, "}}\n")) != PF_OK)
		return e;
	resp->type = "application/json";
	/* The web server gives browsers the public page here (PROTOCOL.md). */
	return pf_http_header(resp, "Vary", "Accept");
}
