/* cli_friend.c: friend, group, block, unblock. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "friend.h"
#include "group.h"
#include "keyring.h"
#include "log.h"
#include "node.h"
#include "node_friend.h"
#include "store.h"

static int
friend_add(struct pf_node *n, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "group", required_argument, NULL, 'g' },
		{ "fpr", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_buf		 key = { 0 };
	struct pf_keyinfo	 k;
	const char		*url = NULL, *group = NULL, *expect = NULL;
	char			 fpr[PF_FPR_MAX], want[PF_FPR_MAX];
	int			 ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': url = optarg; break;
		case 'g': group = optarg; break;
		case 'f': expect = optarg; break;
		default: return cli_usage(cli_find("friend"), 1);
		}
	}
	if (optind != argc - 1 && !(optind == argc && url != NULL &&
	    expect != NULL))
		return cli_usage(cli_find("friend"), 1);
	if (url != NULL && strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		pf_log("--url %s: must start with http:// or https://", url);
		return 2;
	}
	if (group != NULL && !pf_group_name_valid(group)) {
		pf_log("--group %s: a group name is 1 to 63 "
		    "letters, digits, '_', '.' or '-'", group);
		return 2;
	}
	if (expect != NULL && pf_fpr_normalize(expect, want) != PF_OK)
		return cli_fail("--fpr");
	if (optind < argc &&
	    cli_read(argv[optind], PF_KEY_MAX, "a key", &key) == -1)
		goto out;
	/* A key file (even an empty one) is imported; none: fetched from url. */
	if (pf_node_friend_add(n, optind < argc ? (key.data ? key.data : "") :
	    NULL, key.len, url,
	    expect, group, fpr) != PF_OK ||
	    pf_keyring_lookup(n->kr, fpr, &k) != PF_OK) {
		cli_fail(optind < argc ? argv[optind] : url);
		goto out;
	}
	printf("friend %s %s%s%s\n", fpr, k.uid, group ? " in group " : "",
	    group ? group : "");
	rc = 0;
out:
	pf_buf_free(&key);
	return rc;
}

/* The groups fpr belongs to, comma-separated, into out. */
static void
groups_of(const struct pf_group *g, size_t ng, const char *fpr, char *out, size_t n)
{
	size_t i, j, len = 0;

	out[0] = '\0';
	for (i = 0; i < ng; i++)
		for (j = 0; j < g[i].n; j++)
			if (strcmp(g[i].members[j], fpr) == 0 && len + 2 < n)
				len += (size_t)snprintf(out + len, n - len, "%s%s",
				    len ? "," : "", g[i].name);
}

static int
friend_list(struct pf_node *n, int json)
{
	struct pf_keyinfo	*v = NULL;
	struct pf_group		*g = NULL;
	struct pf_buf		 b = { 0 };
	size_t			 nv = 0, ng = 0, i;
	char			 groups[512];

	if (pf_keyring_list(n->kr, &v, &nv) != PF_OK ||
	    pf_group_list(n->gnupghome, &g, &ng) != PF_OK)
		return cli_fail(NULL);
	if (json)
		pf_buf_addstr(&b, "[");
	for (i = 0; i < nv; i++) {
		const char *state = v[i].disabled ? "blocked" : v[i].revoked ?
		    "revoked" : v[i].expired ? "expired" : "ok";
		groups_of(g, ng, v[i].fpr, groups, sizeof(groups));
		if (!json) {
			printf("%s  %-7s  %s%s%s\n", v[i].fpr, state, v[i].uid,
			    groups[0] ? "  groups: " : "", groups);
			continue;
		}
		pf_buf_printf(&b, "%s\n{\"fingerprint\": \"%s\", \"state\": \"%s\", "
		    "\"uid\": ", i ? "," : "", v[i].fpr, state);
		pf_buf_json_str(&b, v[i].uid);
		pf_buf_addstr(&b, ", \"groups\": ");
		pf_buf_json_str(&b, groups);
		pf_buf_addstr(&b, "}");
	}
	if (json) {
		pf_buf_addstr(&b, "\n]\n");
		fputs(b.data, stdout);
	}
	pf_buf_free(&b);
	pf_group_free(g, ng);
	free(v);
	return 0;
}

/* Normalize a fingerprint argument and require that the key is in the keyring. */
static int
known_key(struct pf_node *n, const char *arg, char fpr[PF_FPR_MAX])
{
	struct pf_keyinfo k;

	if (pf_fpr_normalize(arg, fpr) != PF_OK)
		return cli_fail(NULL), -1;
	if (pf_keyring_lookup(n->kr, fpr, &k) != PF_OK) {
		pf_log("%s: no such key in the keyring "
		    "(peerfeed friend list shows the friends)", fpr);
		return -1;
	}
	return 0;
}

static int
friend_remove(struct pf_node *n, const char *arg)
{
	struct pf_group	*g = NULL;
	size_t		 ng = 0, i;
	char		 fpr[PF_FPR_MAX];
	const char	*members[1] = { fpr };

	if (known_key(n, arg, fpr) == -1)
		return 1;
	if (pf_keyring_delete(n->kr, fpr) != PF_OK ||
	    pf_group_list(n->gnupghome, &g, &ng) != PF_OK)
		return cli_fail(fpr);
	for (i = 0; i < ng; i++) {
		char in[PF_GROUP_MAX + 2];
		groups_of(&g[i], 1, fpr, in, sizeof(in));
		if (in[0] != '\0' &&
		    pf_group_remove(n->gnupghome, g[i].name, members, 1) != PF_OK) {
			pf_group_free(g, ng);
			return cli_fail(fpr);
		}
	}
	pf_group_free(g, ng);
	printf("removed %s (posts already received stay in friends/%s)\n", fpr, fpr);
	return 0;
}

/* Run fn on a writer node for dir, then close it. */
static int
with_node(const char *dir, int (*fn)(struct pf_node *, int, char **), int argc,
    char **argv)
{
	struct pf_node	*n = NULL;
	int		 rc;

	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &n) != PF_OK)
		return cli_fail(NULL);
	if (pf_store_lock(n->st, 1) != PF_OK)
		rc = cli_fail(NULL);
	else
		rc = fn(n, argc, argv);
	pf_node_close(n);
	return rc;
}

static int
friend_cmd(struct pf_node *n, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return friend_add(n, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return friend_list(n, 0);
	if (argc == 3 && strcmp(argv[1], "list") == 0 && strcmp(argv[2], "--json") == 0)
		return friend_list(n, 1);
	if (argc == 3 && strcmp(argv[1], "remove") == 0)
		return friend_remove(n, argv[2]);
	return cli_usage(cli_find("friend"), 1);
}

int
cli_friend(const char *dir, int argc, char **argv)
{
	return with_node(dir, friend_cmd, argc, argv);
}

static int
group_list(struct pf_node *n)
{
	struct pf_group	*g = NULL;
	size_t		 ng = 0, i, j;

	if (pf_group_list(n->gnupghome, &g, &ng) != PF_OK)
		return cli_fail(NULL);
	for (i = 0; i < ng; i++) {
		printf("%s:", g[i].name);
		for (j = 0; j < g[i].n; j++)
			printf(" %s", g[i].members[j]);
		putchar('\n');
	}
	pf_group_free(g, ng);
	return 0;
}

static int
group_cmd(struct pf_node *n, int argc, char **argv)
{
	char	 (*fprs)[PF_FPR_MAX] = NULL;
	const char **ptrs = NULL;
	int	   i, add, rc = 1;
	enum pf_err e;

	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return group_list(n);
	if (argc < 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "remove")) ||
	    (argc == 3 && strcmp(argv[1], "add") == 0))
		return cli_usage(cli_find("group"), 1);
	add = strcmp(argv[1], "add") == 0;
	if (!pf_group_name_valid(argv[2])) {
		pf_log("%s: a group name is 1 to 63 letters, "
		    "digits, '_', '.' or '-'", argv[2]);
		return 2;
	}
	if ((fprs = calloc((size_t)argc, sizeof(*fprs))) == NULL ||
	    (ptrs = calloc((size_t)argc, sizeof(*ptrs))) == NULL)
		goto out;
	for (i = 3; i < argc; i++) {
		if (add ? known_key(n, argv[i], fprs[i - 3]) == -1 :
		    pf_fpr_normalize(argv[i], fprs[i - 3]) != PF_OK) {
			if (!add)
				cli_fail(NULL);
			goto out;
		}
		ptrs[i - 3] = fprs[i - 3];
	}
	e = add ? pf_group_add(n->gnupghome, argv[2], ptrs, (size_t)argc - 3) :
	    pf_group_remove(n->gnupghome, argv[2], ptrs, (size_t)argc - 3);
	rc = e == PF_OK ? 0 : cli_fail(argv[2]);
out:
	free(fprs);
	free(ptrs);
	return rc;
}

int
cli_group(const char *dir, int argc, char **argv)
{
	return with_node(dir, group_cmd, argc, argv);
}

static int
block_cmd(struct pf_node *n, int argc, char **argv)
{
	char	fpr[PF_FPR_MAX];
	int	block = strcmp(argv[0], "block") == 0;

	if (argc != 2)
		return cli_usage(cli_find(argv[0]), 1);
	if (known_key(n, argv[1], fpr) == -1)
		return 1;
	if (strcmp(fpr, n->self) == 0) {
		pf_log("%s is this node's own key", fpr);
		return 1;
	}
	if (pf_keyring_set_disabled(n->kr, fpr, block) != PF_OK)
		return cli_fail(fpr);
	printf("%s %s\n", block ? "blocked" : "unblocked", fpr);
	return 0;
}

int
cli_block(const char *dir, int argc, char **argv)
{
	return with_node(dir, block_cmd, argc, argv);
}

int
cli_unblock(const char *dir, int argc, char **argv)
{
	return with_node(dir, block_cmd, argc, argv);
}
