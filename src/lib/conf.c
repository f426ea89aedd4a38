/* conf.c: peerfeed.conf, checked against one table of keys. */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "when.h"

#define CONF_FILE_MAX	65536

enum conf_type { CONF_STR, CONF_NUM };

static const struct conf_key {
	const char	*key;
	enum conf_type	 type;
	size_t		 off;
	size_t		 size;		/* CONF_STR: buffer size */
	long		 min, max;	/* CONF_NUM: bounds */
	const char	*def;
	const char	*help;
} keys[] = {
	{ "name", CONF_STR, offsetof(struct pf_conf, name),
	    sizeof(((struct pf_conf *)0)->name), 0, 0, "",
	    "display name of the node's owner" },
	{ "url", CONF_STR, offsetof(struct pf_conf, url_list),
	    sizeof(((struct pf_conf *)0)->url_list), 0, 0, "",
	    "public base URLs of this node's API, the preferred first, separated "
	    "by commas, e.g. https://example.org/peerfeed" },
	{ "base_path", CONF_STR, offsetof(struct pf_conf, base_path),
	    sizeof(((struct pf_conf *)0)->base_path), 0, 0, "/peerfeed",
	    "path under which the web server passes requests to peerfeed.fcgi" },
	{ "page_max", CONF_NUM, offsetof(struct pf_conf, page_max), 0,
	    1, 1000, "100", "most posts in one feed page" },
	{ "window", CONF_NUM, offsetof(struct pf_conf, window), 0,
	    30, 86400, "300", "seconds a private request's timestamp may be off" },
	{ "body_max", CONF_NUM, offsetof(struct pf_conf, body_max), 0,
	    1024, 1048576, "65536", "bytes of a private request body, at most" },
	{ "plain_max", CONF_NUM, offsetof(struct pf_conf, plain_max), 0,
	    1024, 1048576, "65536", "bytes of a decrypted private request, at most" },
	{ "media_max", CONF_NUM, offsetof(struct pf_conf, media_max), 0,
	    1024, 1073741824, "10485760", "bytes of one attachment, at most" },
	{ "pgp_rate", CONF_NUM, offsetof(struct pf_conf, pgp_rate), 0,
	    1, 10000, "4", "private requests (one OpenPGP decrypt and one "
	    "signed answer each) the responder opens a second, across all its "
	    "processes; beyond it: 429 with Retry-After" },
	{ "pgp_burst", CONF_NUM, offsetof(struct pf_conf, pgp_burst), 0,
	    1, 100000, "40", "private requests the responder opens at once "
	    "after a quiet spell, before pgp_rate holds" },
	{ "dht_bootstrap", CONF_STR, offsetof(struct pf_conf, dht_bootstrap),
	    sizeof(((struct pf_conf *)0)->dht_bootstrap), 0, 0, "",
	    "OpenDHT nodes to join by, host:port separated by commas; empty: no "
	    "DHT (public: bootstrap.jami.net:4222)" },
	{ "dht_listen", CONF_STR, offsetof(struct pf_conf, dht_listen),
	    sizeof(((struct pf_conf *)0)->dht_listen), 0, 0, "",
	    "UDP port of peerfeed's DHT node, as PORT or *:PORT; empty: any free port" },
	{ "reach", CONF_STR, offsetof(struct pf_conf, reach),
	    sizeof(((struct pf_conf *)0)->reach), 0, 0, "",
	    "how peerfeed reach makes this node reachable from other networks: "
	    "upnp (a port mapping on the home router), onion (a Tor onion "
	    "service); empty: nothing exposed" },
	{ "reach_port", CONF_NUM, offsetof(struct pf_conf, reach_port), 0,
	    0, 65535, "0", "TCP port of the local web server that peerfeed reach "
	    "maps; 0: the port of the first url" },
	{ "upnp_url", CONF_STR, offsetof(struct pf_conf, upnp_url),
	    sizeof(((struct pf_conf *)0)->upnp_url), 0, 0, "",
	    "the home router's UPnP description (http://ROUTER:PORT/rootDesc.xml); "
	    "empty: find it by SSDP" },
	{ "upnp_url6", CONF_STR, offsetof(struct pf_conf, upnp_url6),
	    sizeof(((struct pf_conf *)0)->upnp_url6), 0, 0, "",
	    "the home router's UPnP description over IPv6 "
	    "(http://[ROUTER]:PORT/rootDesc.xml), for the IPv6 pinhole; "
	    "empty: find it by SSDP over IPv6" },
	{ "upnp_ula", CONF_NUM, offsetof(struct pf_conf, upnp_ula), 0,
	    0, 1, "0", "1: an IPv6 pinhole to a unique local address "
	    "(fc00::/7) gives a URL, for a network that routes those (a VPN "
	    "between homes, a test network); 0: only a global address does" },
	{ "tor_socks", CONF_STR, offsetof(struct pf_conf, tor_socks),
	    sizeof(((struct pf_conf *)0)->tor_socks), 0, 0, "",
	    "tor's SOCKS port, as IPV4:PORT or [IPV6]:PORT (e.g. 127.0.0.1:9050), "
	    "through which .onion URLs are fetched; empty: they are skipped" },
	{ "timezone", CONF_STR, offsetof(struct pf_conf, timezone),
	    sizeof(((struct pf_conf *)0)->timezone), 0, 0, "",
	    "time zone the owner reads and types times in, e.g. Europe/Berlin; "
	    "empty: the system's" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static enum pf_err
set(struct pf_conf *c, const struct conf_key *k, const char *v,
    const char *file, int line)
{
	char	*end;
	long	 n;

	if (k->type == CONF_STR) {
		if (strlen(v) >= k->size)
			return pf_err(PF_ERR_CONFIG, "%s:%d: %s: longer than %zu "
			    "characters", file, line, k->key, k->size - 1);
		memcpy((char *)c + k->off, v, strlen(v) + 1);
		return PF_OK;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < k->min || n > k->max)
		return pf_err(PF_ERR_CONFIG, "%s:%d: %s: must be an integer from "
		    "%ld to %ld, not \"%.40s\"", file, line, k->key, k->min,
		    k->max, v);
	*(long *)(void *)((char *)c + k->off) = n;
	return PF_OK;
}

void
pf_conf_defaults(struct pf_conf *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		(void)set(c, &keys[i], keys[i].def, "defaults", 0);
}

/* Trim spaces at both ends of s in place; returns the new start. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static enum pf_err
parse_line(char *s, const char *file, int line, struct pf_conf *c)
{
	char	*eq, *k, *v;
	size_t	 i;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return PF_OK;
	if ((eq = strchr(s, '=')) == NULL)
		return pf_err(PF_ERR_CONFIG, "%s:%d: expected \"key = value\"",
		    file, line);
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].key, k) == 0)
			return set(c, &keys[i], v, file, line);
	return pf_err(PF_ERR_CONFIG, "%s:%d: unknown key \"%.40s\"", file, line, k);
}

/*
 * One entry of the url setting, from p to the next comma (spaces around
 * it trimmed) into out; the end of the entry into *end.  0 for an empty
 * entry, one with a space inside, or one too long.
 */
static int
url_entry(const char *p, char *out, size_t size, const char **end)
{
	size_t	len;

	p += strspn(p, " \t");
	*end = p + strcspn(p, ",");
	len = strcspn(p, ", \t");
	if (len == 0 || len >= size || p + len + strspn(p + len, " \t") != *end)
		return 0;
	memcpy(out, p, len);
	out[len] = '\0';
	return 1;
}

/*
 * The url setting: at most PF_CONF_URLS http(s) base URLs separated by
 * commas; the first into c->url.
 */
static enum pf_err
check_urls(struct pf_conf *c, const char *file)
{
	char		 u[sizeof(c->url)];
	const char	*p = c->url_list, *end;
	size_t		 n = 0;

	c->url[0] = '\0';
	if (*p == '\0')
		return PF_OK;
	for (;; p = end + 1) {
		if (!url_entry(p, u, sizeof(u), &end) ||
		    (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
			return pf_err(PF_ERR_CONFIG, "%s: url: entry %zu: each URL "
			    "must start with http:// or https://, hold no space "
			    "and have at most %zu bytes", file, n + 1, sizeof(u) - 1);
		if (++n > PF_CONF_URLS)
			return pf_err(PF_ERR_CONFIG, "%s: url: at most %d URLs",
			    file, PF_CONF_URLS);
		if (n == 1)
			memcpy(c->url, u, sizeof(u));
		if (*end == '\0')
			return PF_OK;
	}
}

/* The reach setting: known methods, separated by commas or spaces. */
static enum pf_err
check_reach(const char *s, const char *file)
{
	static const char *const methods[] = { "upnp", "onion", NULL };
	size_t	len, i;

	for (s += strspn(s, ", \t"); *s != '\0'; s += strspn(s, ", \t")) {
		len = strcspn(s, ", \t");
		for (i = 0; methods[i] != NULL; i++)
			if (strlen(methods[i]) == len &&
			    strncmp(methods[i], s, len) == 0)
				break;
		if (methods[i] == NULL)
			return pf_err(PF_ERR_CONFIG, "%s: reach: unknown method "
			    "\"%.*s\" (known: upnp, onion)", file, (int)len, s);
		s += len;
	}
	return PF_OK;
}

/* tor_socks: "" or a numeric address and a port, so no name is looked up. */
static enum pf_err
check_socks(const char *s, const char *file)
{
	char		 a[64];
	const char	*p;
	unsigned char	 bin[16];
	size_t		 n;
	long		 port;
	char		*end;

	if (*s == '\0')
		return PF_OK;
	if ((p = strrchr(s, ':')) == NULL || (n = (size_t)(p - s)) >= sizeof(a))
		goto bad;
	memcpy(a, s, n);
	a[n] = '\0';
	errno = 0;
	port = strtol(p + 1, &end, 10);
	if (p[1] == '\0' || *end != '\0' || errno != 0 || port < 1 ||
	    port > 65535)
		goto bad;
	if (inet_pton(AF_INET, a, bin) == 1)
		return PF_OK;
	if (n > 2 && a[0] == '[' && a[n - 1] == ']') {
		a[n - 1] = '\0';
		if (inet_pton(AF_INET6, a + 1, bin) == 1)
			return PF_OK;
	}
bad:
	return pf_err(PF_ERR_CONFIG, "%s: tor_socks must be IPV4:PORT or "
	    "[IPV6]:PORT, a numeric address (e.g. 127.0.0.1:9050)", file);
}

static enum pf_err
check(struct pf_conf *c, const char *file)
{
	enum pf_err e;

	if (c->base_path[0] != '/' || strstr(c->base_path, "..") != NULL)
		return pf_err(PF_ERR_CONFIG, "%s: base_path must start with '/'", file);
	if (c->upnp_url[0] != '\0' && strncmp(c->upnp_url, "http://", 7) != 0)
		return pf_err(PF_ERR_CONFIG, "%s: upnp_url must start with "
		    "http://", file);
	if (c->upnp_url6[0] != '\0' && strncmp(c->upnp_url6, "http://[", 8) != 0)
		return pf_err(PF_ERR_CONFIG, "%s: upnp_url6 must start with "
		    "http://[ (an IPv6 address)", file);
	if ((e = check_reach(c->reach, file)) != PF_OK ||
	    (e = check_socks(c->tor_socks, file)) != PF_OK)
		return e;
	if (!pf_when_zone_valid(c->timezone))
		return pf_err(PF_ERR_CONFIG, "%s: timezone: \"%s\" is not a "
		    "time zone (e.g. Europe/Berlin, as in /usr/share/zoneinfo)",
		    file, c->timezone);
	return check_urls(c, file);
}

unsigned
pf_conf_local_port(const struct pf_conf *c)
{
	const char	*h;
	size_t		 n;
	unsigned long	 port;

	if (c->reach_port != 0)
		return (unsigned)c->reach_port;
	if (c->url[0] == '\0')
		return 80;
	h = strstr(c->url, "://") + 3;
	n = strcspn(h, "/");
	/* The port follows the last ':' of the authority, after any "]". */
	while (n > 0 && isdigit((unsigned char)h[n - 1]))
		n--;
	if (n > 0 && h[n - 1] == ':' && (port = strtoul(h + n, NULL, 10)) > 0 &&
	    port <= 65535)
		return (unsigned)port;
	return strncmp(c->url, "https:", 6) == 0 ? 443 : 80;
}

size_t
pf_conf_urls(const struct pf_conf *c, char urls[][PF_CONF_URL_MAX], size_t max)
{
	const char	*p = c->url_list, *end;
	size_t		 n = 0;

	if (*p == '\0')
		return 0;
	for (; n < max && url_entry(p, urls[n], PF_CONF_URL_MAX, &end); p = end + 1) {
		n++;
		if (*end == '\0')
			break;
	}
	return n;
}

enum pf_err
pf_conf_parse(const char *text, size_t len, const char *file, struct pf_conf *c)
{
	char		 line[1024];
	size_t		 i = 0, n;
	int		 lineno = 0;
	enum pf_err	 e;

	pf_conf_defaults(c);
	while (i < len) {
		lineno++;
		for (n = 0; i + n < len && text[i + n] != '\n'; n++)
			if (text[i + n] == '\0')
				return pf_err(PF_ERR_CONFIG, "%s:%d: NUL byte",
				    file, lineno);
		if (n >= sizeof(line))
			return pf_err(PF_ERR_CONFIG, "%s:%d: line longer than %zu "
			    "bytes", file, lineno, sizeof(line) - 1);
		memcpy(line, text + i, n);
		line[n] = '\0';
		i += n + 1;
		if ((e = parse_line(line, file, lineno, c)) != PF_OK)
			return e;
	}
	return check(c, file);
}

enum pf_err
pf_conf_load(const char *dir, struct pf_conf *c)
{
	struct pf_buf	 b = { 0 };
	char		 path[4096], chunk[4096];
	FILE		*f;
	size_t		 n;
	enum pf_err	 e = PF_OK;

	snprintf(path, sizeof(path), "%s/peerfeed.conf", dir);
	if ((f = fopen(path, "r")) == NULL) {
		int saved = errno;

		pf_conf_defaults(c);
		if (saved == ENOENT)
			return PF_OK;
		return pf_err(PF_ERR_CONFIG, "%s: %s", path, strerror(saved));
	}
	b.limit = CONF_FILE_MAX;
	while (e == PF_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((e = pf_buf_add(&b, chunk, n)) != PF_OK)
			e = pf_err(PF_ERR_CONFIG, "%s: larger than %d bytes",
			    path, CONF_FILE_MAX);
	fclose(f);
	if (e == PF_OK)
		e = pf_conf_parse(b.data ? b.data : "", b.len, path, c);
	pf_buf_free(&b);
	return e;
}

enum pf_err
pf_conf_format(const struct pf_conf *c, struct pf_buf *out)
{
	size_t		 i;
	enum pf_err	 e = PF_OK;

	e = pf_buf_addstr(out, "# peerfeed.conf: see peerfeed.conf(5).\n");
	for (i = 0; i < NKEYS && e == PF_OK; i++) {
		const struct conf_key *k = &keys[i];
		if (k->type == CONF_STR)
			e = pf_buf_printf(out, "\n# %s\n%s = %s\n", k->help,
			    k->key, (const char *)c + k->off);
		else
			e = pf_buf_printf(out, "\n# %s (%ld..%ld)\n%s = %ld\n",
			    k->help, k->min, k->max, k->key,
			    *(const long *)(const void *)((const char *)c + k->off));
	}
	return e;
}
