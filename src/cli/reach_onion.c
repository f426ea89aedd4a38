/*
 * reach_onion.c: the onion method of peerfeed reach (reach.h).  peerfeed
 * starts no Tor of its own.  It writes DIR/onion.torrc, the lines the
 * system tor needs for an onion service whose directory is DIR/onion and
 * whose port 80 goes to the local web server, and the owner includes that
 * file in tor's configuration once (doc/INSTALL.md, "Friends on other
 * networks").  When tor has created DIR/onion/hostname, the method gives
 * http://<56 characters>.onion<base_path>.  tor owns DIR/onion (it refuses
 * a service directory it does not own); HiddenServiceDirGroupReadable lets
 * the owner's group read the hostname file, never the service's key.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "reach.h"
#include "store.h"
#include "urls.h"

#define ONION_DIR	"onion"
#define ONION_TORRC	"onion.torrc"
#define ONION_HOST_MAX	128	/* bytes of a hostname file, at most */

int
pf_onion_name_valid(const char *h, size_t len)
{
	size_t i;

	/* 56 base32 characters of key, checksum and version 3 ("d"). */
	if (len != 56 + 6 || strncmp(h + 56, ".onion", 6) != 0 || h[55] != 'd')
		return 0;
	for (i = 0; i < 56; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '2' && h[i] <= '7')))
			return 0;
	return 1;
}

/* True if path can stand in a torrc line as it is. */
static int
torrc_safe(const char *path)
{
	return path[0] == '/' && strspn(path, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == strlen(path);
}

/* http://host<base_path> into url (size bytes); returns url. */
static const char *
http_url(const char *host, const struct pf_node *n, char *url, size_t size)
{
	snprintf(url, size, "http://%s%s", host, n->conf.base_path);
	return url;
}

/* Write DIR/onion.torrc for the service of dir on the local port. */
static enum pf_err
write_torrc(struct pf_store *st, const char *dir, unsigned port)
{
	struct pf_buf	b = { 0 };
	enum pf_err	e;

	pf_buf_printf(&b, "# Written by peerfeed reach (reach = onion).  Include "
	    "it in tor's configuration\n# once, with this line in /etc/tor/torrc:"
	    "\n#   %%include %s/" ONION_TORRC "\n# then: systemctl reload tor.  "
	    "tor must own %s (doc/INSTALL.md).\nHiddenServiceDir %s\n"
	    "HiddenServiceDirGroupReadable 1\nHiddenServicePort 80 "
	    "127.0.0.1:%u\n", pf_store_path(st), dir, dir, port);
	if (b.data == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	e = pf_store_write(st, ONION_TORRC, b.data, b.len);
	pf_buf_free(&b);
	return e;
}

/* The name of the state directory's group ("GROUP" if unknown).  Static. */
static const char *
dir_group(struct pf_store *st)
{
	struct stat	 sb;
	struct group	*g;

	if (stat(pf_store_path(st), &sb) == -1 || (g = getgrgid(sb.st_gid)) == NULL)
		return "GROUP";
	return g->gr_name;
}

/* The onion name in DIR/onion/hostname into host, or why not into r. */
static int
read_host(struct pf_store *st, const char *dir, char *host, size_t size,
    struct pf_reach_result *r)
{
	struct pf_buf	b = { 0 };
	size_t		len;
	enum pf_err	e;
	int		rc = 0, err;

	e = pf_store_read(st, ONION_DIR "/hostname", ONION_HOST_MAX, &b);
	err = errno;
	if (e == PF_ERR_NOTFOUND)
		snprintf(r->why, sizeof(r->why), "tor has not created %s/hostname "
		    "yet: put \"%%include %s/" ONION_TORRC "\" in /etc/tor/torrc, "
		    "make %s tor's (install -d -o debian-tor -g %s -m 0750 %s), "
		    "reload tor, then run peerfeed reach again", dir,
		    pf_store_path(st), dir, dir_group(st), dir);
	else if (e != PF_OK)
		snprintf(r->why, sizeof(r->why), "%s/hostname: %s%s", dir,
		    pf_errmsg(), err == EACCES ? " (is the torrc line "
		    "HiddenServiceDirGroupReadable 1 in use?)" : "");
	else {
		len = b.len;
		while (len > 0 && (b.data[len - 1] == '\n' || b.data[len - 1] == '\r'))
			len--;
		if (!pf_onion_name_valid(b.data, len))
			snprintf(r->why, sizeof(r->why), "%s/hostname does not hold "
			    "a version 3 onion name (56 letters and digits 2-7, "
			    "then .onion)", dir);
		else {
			snprintf(host, size, "%.*s", (int)len, b.data);
			rc = 1;
		}
	}
	pf_buf_free(&b);
	return rc;
}

void
pf_reach_onion_on(struct pf_node *n, struct pf_reach_state *s,
    struct pf_reach_result *r)
{
	char	*dir;
	char	 host[ONION_HOST_MAX];

	if ((dir = pf_store_join(n->st, ONION_DIR)) == NULL) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return;
	}
	if (!torrc_safe(dir))
		snprintf(r->why, sizeof(r->why), "the state directory's path "
		    "cannot stand in a torrc line (only letters, digits and "
		    "/._-+): move it");
	else if (write_torrc(n->st, dir, pf_conf_local_port(&n->conf)) != PF_OK)
		snprintf(r->why, sizeof(r->why), "%s", pf_errmsg());
	else if (read_host(n->st, dir, host, sizeof(host), r)) {
		(void)http_url(host, n, r->url, sizeof(r->url));
		snprintf(r->how, sizeof(r->how), "tor");
		snprintf(r->why, sizeof(r->why), "tor's onion service of %s, "
		    "port 80 to 127.0.0.1:%u", dir, pf_conf_local_port(&n->conf));
		pf_urls_add(&s->urls, r->url);
	}
	free(dir);
}

int
pf_reach_onion_url(struct pf_node *n, char *url, size_t size, char *why,
    size_t why_size)
{
	struct pf_reach_result	 r = { 0 };
	char			*dir, host[ONION_HOST_MAX];
	int			 rc;

	if ((dir = pf_store_join(n->st, ONION_DIR)) == NULL) {
		snprintf(why, why_size, "out of memory");
		return 0;
	}
	if ((rc = read_host(n->st, dir, host, sizeof(host), &r)))
		(void)http_url(host, n, url, size);
	else
		snprintf(why, why_size, "%s", r.why);
	free(dir);
	return rc;
}

void
pf_reach_onion_off(struct pf_node *n, struct pf_reach_result *r)
{
	static const char none[] = "# Written by peerfeed reach: onion is not "
	    "in reach, so no onion service.\n";

	if (!pf_store_exists(n->st, ONION_TORRC)) {
		snprintf(r->why, sizeof(r->why), "not in reach");
		return;
	}
	if (pf_store_write(n->st, ONION_TORRC, none, sizeof(none) - 1) != PF_OK)
		snprintf(r->why, sizeof(r->why), "not in reach, but %s: %s",
		    ONION_TORRC, pf_errmsg());
	else
		snprintf(r->why, sizeof(r->why), "not in reach: %s/%s lists no "
		    "service now; reload tor (systemctl reload tor) to stop it",
		    pf_store_path(n->st), ONION_TORRC);
}
