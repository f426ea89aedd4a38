/*
 * cli_reach.c: peerfeed reach [--json] [-q], run by hand and by the timer
 * or cron entry in deploy/: does what the reach setting lists (reach.c)
 * and prints, for each method, the URL it gives or why it gives none,
 * then the node's URLs as GET / now lists them (-q: only when a listed
 * method gave no URL).  Exit 0 when every listed method gave a URL (or
 * none is listed), 1 otherwise.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "node.h"
#include "reach.h"
#include "store.h"
#include "urls.h"

static void
print_text(const struct pf_reach_result *r, const struct pf_urls *u)
{
	size_t i;

	for (i = 0; i < PF_REACH_METHODS; i++)
		if (r[i].url[0] != '\0')
			printf("%s: %s (%s)\n", r[i].method, r[i].url, r[i].why);
		else
			printf("%s: no URL: %s\n", r[i].method, r[i].why);
	for (i = 0; i < u->n; i++)
		printf("url %s\n", u->v[i]);
}

static void
print_json(const struct pf_reach_result *r, const struct pf_urls *u)
{
	struct pf_buf	b = { 0 };
	size_t		i;

	pf_buf_addstr(&b, "{\"methods\": [");
	for (i = 0; i < PF_REACH_METHODS; i++) {
		pf_buf_printf(&b, "%s\n {\"method\": \"%s\", \"listed\": %s, "
		    "\"url\": ", i ? "," : "", r[i].method,
		    r[i].listed ? "true" : "false");
		if (r[i].url[0] != '\0')
			pf_buf_json_str(&b, r[i].url);
		else
			pf_buf_addstr(&b, "null");
		pf_buf_addstr(&b, ", \"how\": ");
		if (r[i].how[0] != '\0')
			pf_buf_json_str(&b, r[i].how);
		else
			pf_buf_addstr(&b, "null");
		pf_buf_addstr(&b, ", \"detail\": ");
		pf_buf_json_str(&b, r[i].why);
		pf_buf_addstr(&b, "}");
	}
	pf_buf_addstr(&b, "],\n \"urls\": [");
	for (i = 0; i < u->n; i++) {
		pf_buf_addstr(&b, i ? ", " : "");
		pf_buf_json_str(&b, u->v[i]);
	}
	pf_buf_addstr(&b, "]}\n");
	if (b.data != NULL)
		fputs(b.data, stdout);
	pf_buf_free(&b);
}

int
cli_reach(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_reach_result	 res[PF_REACH_METHODS];
	struct pf_urls		 u;
	struct pf_node		*n = NULL;
	int			 ch, json = 0, quiet = 0, ok;

	while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1)
		if (ch == 'j')
			json = 1;
		else if (ch == 'q')
			quiet = 1;
		else
			return cli_usage(cli_find("reach"), 1);
	if (optind != argc)
		return cli_usage(cli_find("reach"), 1);
	if (pf_node_open(pf_store_dir(dir), 0, &n) != PF_OK)
		return cli_fail(dir);
	if (pf_reach_run(n, res, &ok) != PF_OK) {
		pf_node_close(n);
		return cli_fail("reach.json");
	}
	pf_urls_node(n->st, &n->conf, &u);
	if (quiet && ok)
		;
	else if (json)
		print_json(res, &u);
	else
		print_text(res, &u);
	pf_node_close(n);
	return ok ? 0 : 1;
}
