/*
 * conf.h: peerfeed.conf, "key = value" lines checked against one table of
 * keys (type, bounds, default).  Unknown keys and bad values are errors
 * naming the file, line and rule.
 */
#ifndef PF_CONF_H
#define PF_CONF_H

#include "pf.h"

#define PF_CONF_URLS	4	/* base URLs in the url setting */
#define PF_CONF_URL_MAX	512	/* bytes of one, NUL included (PF_URL_MAX) */

struct pf_conf {
	char	name[128];		/* display name of the owner */
	char	url_list[1024];		/* the url setting: base URLs, comma-separated */
	char	url[PF_CONF_URL_MAX];		/* its first URL, e.g. https://host/peerfeed */
	char	base_path[128];		/* path prefix of the API, default /peerfeed */
	long	page_max;		/* posts per page, at most */
	long	window;			/* seconds a request timestamp may be off */
	long	body_max;		/* bytes of a private request body */
	long	plain_max;		/* bytes of a decrypted request */
	long	media_max;		/* bytes of one attachment */
	long	pgp_rate;		/* private requests opened a second, all processes */
	long	pgp_burst;		/* ... and at once after a quiet spell */
	char	dht_bootstrap[1024];	/* DHT nodes to join by, "host:port ..."; "" = no DHT */
	char	dht_listen[64];		/* "[ADDR:]PORT" of the DHT node, "" = any port */
	char	reach[64];		/* methods of peerfeed reach: "upnp", ... */
	long	reach_port;		/* local web server's port; 0: url's */
	char	upnp_url[512];		/* router's rootDesc.xml; "" = SSDP */
	char	upnp_url6[512];		/* the same over IPv6, for the pinhole */
	long	upnp_ula;		/* 1: a pinhole to a ULA gives a URL */
	char	tor_socks[64];		/* "127.0.0.1:9050": .onion through it; "" = skip */
	char	timezone[72];		/* the owner's zone, "" = the system's */
};

/* Defaults for every key. */
void		 pf_conf_defaults(struct pf_conf *);
/* Parse the text of a peerfeed.conf (file names the source in messages). */
enum pf_err	 pf_conf_parse(const char *text, size_t len, const char *file, struct pf_conf *);
/* Load DIR/peerfeed.conf into c (defaults where absent; the file may be missing). */
enum pf_err	 pf_conf_load(const char *dir, struct pf_conf *c);
/*
 * The base URLs of the url setting of a parsed c, the preferred first,
 * into urls[0..max); returns how many.
 */
size_t		 pf_conf_urls(const struct pf_conf *c,
		    char urls[][PF_CONF_URL_MAX], size_t max);
/*
 * The TCP port of the local web server for peerfeed reach: reach_port, or
 * that of the url setting's first URL (80 or 443 by its scheme when it
 * names none, 80 when there is no url).
 */
unsigned	 pf_conf_local_port(const struct pf_conf *c);
/* The text of a peerfeed.conf holding c, with a comment for every key. */
enum pf_err	 pf_conf_format(const struct pf_conf *, struct pf_buf *out);

#endif
