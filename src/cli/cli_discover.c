/*
 * cli_discover.c: peerfeed discover, the peerfeed nodes announced on the
 * LAN (mdns.c), each asked its GET / (nodeinfo.c) for its fingerprint,
 * which the keyring then names: a friend, this node, a blocked key, or a
 * stranger.  What a node announces and answers is unauthenticated; only
 * the fingerprint of a key pinned in the keyring means anything.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keyring.h"
#include "log.h"
#include "mdns.h"
#include "node.h"
#include "nodeinfo.h"
#include "store.h"

#define PROBE_CONNECT_S	3

/* One found node, with its answer. */
struct found {
	const struct pf_mdns_node	*nd;
	struct pf_nodeinfo		 info;
	int				 answered;
	char				 why[256];	/* when not */
	const char			*rel;		/* to this node */
};

/* What the key fpr is to this node: friend, self, blocked, stranger. */
static const char *
relation(struct pf_node *n, const char *fpr)
{
	struct pf_keyinfo k;

	if (n == NULL || n->kr == NULL)
		return "unknown";
	if (pf_keyring_lookup(n->kr, fpr, &k) != PF_OK)
		return "stranger";
	if (k.secret)
		return "self";
	if (k.disabled)
		return "blocked";
	if (k.revoked || k.expired || k.invalid)
		return "unusable";
	return "friend";
}

static void
print_text(const struct found *v, size_t nv)
{
	size_t i;

	for (i = 0; i < nv; i++) {
		printf("%s\n  service %s on %s\n", v[i].nd->url, v[i].nd->name,
		    v[i].nd->host);
		if (!v[i].answered)
			printf("  no node info: %s\n", v[i].why);
		else
			printf("  fingerprint %s (%s)\n  name %s\n  url %s\n",
			    v[i].info.fpr, v[i].rel, v[i].info.name,
			    v[i].info.url[0] ? v[i].info.url : "-");
	}
}

/* "key": "value" (or null when v is NULL), after sep. */
static void
json_member(struct pf_buf *b, const char *sep, const char *key, const char *v)
{
	pf_buf_printf(b, "%s\"%s\": ", sep, key);
	if (v == NULL)
		pf_buf_addstr(b, "null");
	else
		pf_buf_json_str(b, v);
}

static void
print_json(const struct found *v, size_t nv)
{
	struct pf_buf	b = { 0 };
	size_t		i;
	int		a;

	pf_buf_addstr(&b, "[");
	for (i = 0; i < nv; i++) {
		a = v[i].answered;
		pf_buf_addstr(&b, i ? ",\n{" : "\n{");
		json_member(&b, "", "url", v[i].nd->url);
		json_member(&b, ", ", "service", v[i].nd->name);
		json_member(&b, ", ", "host", v[i].nd->host);
		json_member(&b, ", ", "address", v[i].nd->addr);
		pf_buf_printf(&b, ", \"port\": %u", v[i].nd->port);
		json_member(&b, ", ", "path", v[i].nd->path);
		json_member(&b, ", ", "fingerprint", a ? v[i].info.fpr : NULL);
		json_member(&b, ", ", "relation", a ? v[i].rel : NULL);
		json_member(&b, ", ", "name", a ? v[i].info.name : NULL);
		json_member(&b, ", ", "node_url", a && v[i].info.url[0] ?
		    v[i].info.url : NULL);
		json_member(&b, ", ", "error", a ? NULL : v[i].why);
		pf_buf_addstr(&b, "}");
	}
	pf_buf_addstr(&b, nv ? "\n]\n" : "]\n");
	if (b.data != NULL)
		fputs(b.data, stdout);
	pf_buf_free(&b);
}

/* Ask every node its GET / and what its key is to n. */
static void
probe_all(struct pf_node *n, const struct pf_mdns_node *nodes, struct found *v,
    size_t nv)
{
	size_t i;

	for (i = 0; i < nv; i++) {
		v[i].nd = &nodes[i];
		if (pf_nodeinfo_get(nodes[i].url, PROBE_CONNECT_S,
		    &v[i].info) != PF_OK) {
			snprintf(v[i].why, sizeof(v[i].why), "%s", pf_errmsg());
			continue;
		}
		v[i].answered = 1;
		v[i].rel = relation(n, v[i].info.fpr);
	}
}

static int
parse_opts(int argc, char **argv, long *timeout, int *json)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	int	 ch;

	while ((ch = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			*timeout = strtol(optarg, &end, 10);
			if (*end != '\0' || *timeout < 1 || *timeout > 60) {
				pf_log("discover: --timeout: "
				    "whole seconds from 1 to 60");
				return -1;
			}
			break;
		case 'j':
			*json = 1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int
cli_discover(const char *dir, int argc, char **argv)
{
	struct pf_mdns_node	*nodes = NULL;
	struct found		*v = NULL;
	struct pf_node		*n = NULL;
	size_t			 nn = 0;
	long			 timeout = 3;
	int			 json = 0, rc = 1;

	if (parse_opts(argc, argv, &timeout, &json) == -1)
		return cli_usage(cli_find("discover"), 1);
	if (!pf_mdns_available()) {
		pf_log("discover: this build has no mDNS "
		    "support (rebuild with libavahi-client-dev installed, or "
		    "configure --with-avahi)");
		return 2;
	}
	/* Without a node the list still helps; friend or not is unknown. */
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &n) != PF_OK)
		pf_log("discover: %s: which key is a friend "
		    "stays unknown", pf_errmsg());
	if (pf_mdns_browse((int)timeout * 1000, &nodes, &nn) != PF_OK) {
		rc = cli_fail("discover");
		goto out;
	}
	if (nn > 0 && (v = calloc(nn, sizeof(*v))) == NULL) {
		rc = cli_fail("discover");
		goto out;
	}
	probe_all(n, nodes, v, nn);
	if (json)
		print_json(v, nn);
	else if (nn == 0)
		pf_log("discover: no peerfeed node announced "
		    "itself on the LAN within %ld s", timeout);
	else
		print_text(v, nn);
	rc = 0;
out:
	free(v);
	free(nodes);
	pf_node_close(n);
	return rc;
}
