/* cli_admin.c: init, id, reindex, check. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keyring.h"
#include "node.h"
#include "qr.h"
#include "store.h"

int
cli_init(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*name = NULL, *email = NULL, *url = NULL;
	char		 fpr[PF_FPR_MAX];
	int		 ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'e': email = optarg; break;
		case 'u': url = optarg; break;
		default: return cli_usage(cli_find("init"), 1);
		}
	}
	if (name == NULL || *name == '\0' || optind != argc)
		return cli_usage(cli_find("init"), 1);
	dir = pf_store_dir(dir);
	if (pf_node_init(dir, name, email, url, fpr) != PF_OK)
		return cli_fail(NULL);
	printf("Created the node in %s\nfingerprint: %s\n", dir, fpr);
	return 0;
}

/* Print the identity: fingerprint, name, URL and the openpgp4fpr: URI. */
static void
print_id(const struct pf_node *n, const struct pf_keyinfo *k, int json)
{
	struct pf_buf b = { 0 };

	if (!json) {
		printf("fingerprint: %s\nuser id:     %s\nname:        %s\n"
		    "url:         %s\nuri:         openpgp4fpr:%s\n", k->fpr,
		    k->uid, n->conf.name, n->conf.url[0] ? n->conf.url :
		    "(none: set url in peerfeed.conf)", k->fpr);
		return;
	}
	pf_buf_printf(&b, "{\"fingerprint\": \"%s\", \"uid\": ", k->fpr);
	pf_buf_json_str(&b, k->uid);
	pf_buf_addstr(&b, ", \"name\": ");
	pf_buf_json_str(&b, n->conf.name);
	pf_buf_addstr(&b, ", \"url\": ");
	pf_buf_json_str(&b, n->conf.url);
	pf_buf_printf(&b, ", \"uri\": \"openpgp4fpr:%s\"}\n", k->fpr);
	if (b.data != NULL)
		fputs(b.data, stdout);
	pf_buf_free(&b);
}

int
cli_id(const char *dir, int argc, char **argv)
{
	struct pf_node		*n = NULL;
	struct pf_keyinfo	 k;
	struct pf_buf		 out = { 0 };
	char			 uri[PF_FPR_MAX + 16];
	const char		*mode = argc == 2 ? argv[1] : "";
	int			 rc = 1;

	if (argc > 2 || (argc == 2 && strcmp(mode, "--fpr") && strcmp(mode,
	    "--export") && strcmp(mode, "--qr") && strcmp(mode, "--json")))
		return cli_usage(cli_find("id"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &n) != PF_OK ||
	    pf_keyring_self(n->kr, &k) != PF_OK) {
		rc = cli_fail(NULL);
		goto out;
	}
	snprintf(uri, sizeof(uri), "openpgp4fpr:%s", k.fpr);
	if (strcmp(mode, "--fpr") == 0)
		printf("%s\n", k.fpr);
	else if (strcmp(mode, "--export") == 0) {
		if (pf_keyring_export(n->kr, k.fpr, &out) != PF_OK)
			goto fail;
		fwrite(out.data, 1, out.len, stdout);
	} else if (strcmp(mode, "--qr") == 0) {
		if (pf_qr_render(uri, &out) != PF_OK)
			goto fail;
		fputs(out.data, stdout);
		printf("%s\n", uri);
	} else
		print_id(n, &k, strcmp(mode, "--json") == 0);
	rc = 0;
	goto out;
fail:
	rc = cli_fail(NULL);
out:
	pf_buf_free(&out);
	pf_node_close(n);
	return rc;
}

static void
print_problem(const char *file, const char *problem, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", file, problem);
}

int
cli_reindex(const char *dir, int argc, char **argv)
{
	struct pf_node	*n = NULL;
	size_t		 count = 0;
	int		 rc = 0;

	(void)argv;
	if (argc != 1)
		return cli_usage(cli_find("reindex"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &n) != PF_OK ||
	    pf_store_lock(n->st, 1) != PF_OK)
		rc = cli_fail(NULL);
	else if (pf_node_reindex(n, print_problem, NULL, &count) != PF_OK)
		rc = cli_fail("reindex");
	else
		printf("indexed %zu posts\n", count);
	pf_node_close(n);
	return rc;
}

int
cli_check(const char *dir, int argc, char **argv)
{
	struct pf_node	*n = NULL;
	size_t		 problems = 0;
	int		 verify = 0, rc = 0;

	if (argc == 2 && strcmp(argv[1], "--verify") == 0)
		verify = 1;
	else if (argc != 1)
		return cli_usage(cli_find("check"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING | PF_NODE_INDEX,
	    &n) != PF_OK)
		rc = cli_fail(NULL);
	else if (pf_node_check(n, verify, print_problem, NULL, &problems) != PF_OK)
		rc = cli_fail("check");
	else if (problems > 0) {
		fprintf(stderr, "%zu problem%s found\n", problems,
		    problems == 1 ? "" : "s");
		rc = 1;
	} else
		printf("ok: files and index agree%s\n",
		    verify ? ", every signature verifies" : "");
	pf_node_close(n);
	return rc;
}
