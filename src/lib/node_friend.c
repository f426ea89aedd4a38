/*
 * node_friend.c: adding a friend and moving one between groups, for every
 * front end (peerfeed friend add, the web page).  The caller holds the
 * store's writer lock (a node opened with PF_NODE_WRITE, or pf_store_lock).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "net.h"
#include "friend.h"
#include "group.h"
#include "keyring.h"
#include "node.h"
#include "node_friend.h"
#include "nodeinfo.h"
#include "urls.h"

enum pf_err
pf_node_friend_fetch_key(const char *url, struct pf_buf *out)
{
	struct pf_net_limits	 lim;
	struct pf_xfer		 x = { 0 };
	char			 u[PF_URL_MAX + 8];
	enum pf_err		 e;

	if (!pf_friend_url_valid(url))
		return pf_err(PF_ERR_USAGE, "%.80s: a node URL starts with "
		    "http:// or https://", url);
	pf_net_limits_default(&lim, PF_KEY_MAX);
	lim.timeout = 30;
	snprintf(u, sizeof(u), "%s/key", url);
	x.url = u;
	if ((e = pf_net_run_one(&lim, &x)) == PF_OK) {
		if (x.status != 200)
			e = pf_err(PF_ERR_NETWORK, "%s: HTTP %ld", u, x.status);
		else
			e = pf_buf_add(out, x.resp.data, x.resp.len);
	}
	pf_xfer_free(&x);
	return e;
}

/*
 * Keep the URLs the friend fpr's GET / at url lists, for the fetcher to
 * try in order when the saved one does not connect.  Best effort: a node
 * that does not answer, or answers for another key, leaves none.
 */
static void
remember_urls(struct pf_node *n, const char *fpr, const char *url)
{
	struct pf_nodeinfo	info;
	struct pf_urls		l = { .n = 0 };
	size_t			i;

	if (pf_nodeinfo_get(url, pf_url_onion(url) ? 30 : 5, &info) != PF_OK ||
	    strcmp(info.fpr, fpr) != 0) {
		pf_err_clear();
		return;
	}
	for (i = 0; i < info.nurls; i++)
		pf_urls_add(&l, info.urls[i]);
	if (pf_friend_urls_save(n->st, fpr, &l) != PF_OK)
		pf_err_clear();
}

enum pf_err
pf_node_friend_add(struct pf_node *n, const void *key, size_t len,
    const char *url, const char *expect, const char *group,
    char fpr[PF_FPR_MAX])
{
	struct pf_buf	 fetched = { 0 };
	char		 want[PF_FPR_MAX], got[PF_FPR_MAX];
	const char	*members[1] = { got };
	enum pf_err	 e;

	if (url != NULL && !pf_friend_url_valid(url))
		return pf_err(PF_ERR_USAGE, "%.80s: a node URL starts with "
		    "http:// or https://", url);
	if (group != NULL && !pf_group_name_valid(group))
		return pf_err(PF_ERR_USAGE, "%.70s: a group name is 1 to 63 "
		    "letters, digits, '_', '.' or '-'", group);
	if (expect != NULL && (e = pf_fpr_normalize(expect, want)) != PF_OK)
		return e;
	if (key == NULL) {
		if (url == NULL || expect == NULL)
			return pf_err(PF_ERR_USAGE, "a friend is added from a "
			    "key file, or from a URL and a fingerprint");
		if ((e = pf_node_friend_fetch_key(url, &fetched)) != PF_OK)
			goto out;
		key = fetched.data;
		len = fetched.len;
	}
	if ((e = pf_keyring_import(n->kr, key, len, expect ? want : NULL,
	    got)) != PF_OK ||
	    (e = pf_friend_create(n->st, got, url)) != PF_OK ||
	    (group != NULL && (e = pf_group_add(n->gnupghome, group, members,
	    1)) != PF_OK))
		goto out;
	if (url != NULL)
		remember_urls(n, got, url);
	memcpy(fpr, got, PF_FPR_MAX);
out:
	pf_buf_free(&fetched);
	return e;
}

enum pf_err
pf_node_friend_group(struct pf_node *n, const char *fpr, const char *group)
{
	struct pf_keyinfo	 k;
	struct pf_group		*g = NULL;
	const char		*members[1] = { fpr };
	size_t			 ng = 0, i, j;
	enum pf_err		 e;

	if (group != NULL && !pf_group_name_valid(group))
		return pf_err(PF_ERR_USAGE, "%.70s: a group name is 1 to 63 "
		    "letters, digits, '_', '.' or '-'", group);
	if ((e = pf_keyring_lookup(n->kr, fpr, &k)) != PF_OK)
		return pf_err(PF_ERR_NOTFOUND, "%s: no such key in the keyring",
		    fpr);
	if (k.secret)
		return pf_err(PF_ERR_USAGE, "%s is this node's own key", fpr);
	if ((e = pf_group_list(n->gnupghome, &g, &ng)) != PF_OK)
		return e;
	for (i = 0; i < ng && e == PF_OK; i++) {
		if (group != NULL && strcmp(g[i].name, group) == 0)
			continue;
		for (j = 0; j < g[i].n; j++)
			if (strcmp(g[i].members[j], fpr) == 0)
				break;
		if (j < g[i].n)
			e = pf_group_remove(n->gnupghome, g[i].name, members, 1);
	}
	pf_group_free(g, ng);
	if (e == PF_OK && group != NULL)
		e = pf_group_add(n->gnupghome, group, members, 1);
	return e;
}
