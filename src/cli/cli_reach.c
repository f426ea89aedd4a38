/*
 * cli_reach.c: peerfeed reach [--json] [-q], run by hand and by the timer
 * or cron entry in deploy/: does what the reach setting lists (reach.c)
 * and prints, for each method, the URL it gives or why it gives none,
 * then the node's URLs as GET / now lists them, then publishes the node's
 * record in the DHT when dht_bootstrap is set (dht_record.h; -q: print
 * only when something failed).  Exit 0 when every listed method gave a
 * URL (or none is listed) and the record, if due, went out; 1 otherwise.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dht_record.h"
#include "node.h"
#include "reach.h"
#include "store.h"
#include "urls.h"

#ifdef HAVE_OPENDHT
#define DHT_BUILT	1
#else
#define DHT_BUILT	0
#endif

/* What the DHT step did: published, and one line saying what. */
struct dht_step {
	int	published;
	char	why[PF_REACH_WHY_MAX];
};

/*
 * Publish the node's record, now listing the URLs reach holds, in the DHT
 * of its settings, as peerfeed dht publish does.  0 if that failed.
 */
static int
publish(const char *dir, const struct pf_conf *c, struct dht_step *d)
{
	struct pf_node	*k = NULL;
	enum pf_err	 e;

	d->published = 0;
	if (c->dht_bootstrap[0] == '\0') {
		snprintf(d->why, sizeof(d->why), "not published (no "
		    "dht_bootstrap in peerfeed.conf)");
		return 1;
	}
	if (!DHT_BUILT) {
		snprintf(d->why, sizeof(d->why), "not published: this build "
		    "of peerfeed has no DHT support (rebuild with "
		    "libopendht-c-dev)");
		return 1;
	}
	if ((e = pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &k)) ==
	    PF_OK)
		e = pf_dht_record_publish(k, NULL, 0, PF_DHT_WAIT_MS, NULL);
	pf_node_close(k);
	if (e != PF_OK) {
		snprintf(d->why, sizeof(d->why), "not published: %s",
		    pf_errmsg());
		return 0;
	}
	d->published = 1;
	snprintf(d->why, sizeof(d->why), "published its record (the URLs "
	    "above, the first 4 at most)");
	return 1;
}

static void
print_text(const struct pf_reach_result *r, const struct pf_urls *u,
    const struct dht_step *d)
{
	size_t i;

	for (i = 0; i < PF_REACH_METHODS; i++)
		if (r[i].url[0] != '\0')
			printf("%s: %s (%s)\n", r[i].method, r[i].url, r[i].why);
		else
			printf("%s: no URL: %s\n", r[i].method, r[i].why);
	for (i = 0; i < u->n; i++)
		printf("url %s\n", u->v[i]);
	printf("dht: %s\n", d->why);
}

static void
print_json(const struct pf_reach_result *r, const struct pf_urls *u,
    const struct dht_step *d)
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
	pf_buf_printf(&b, "],\n \"dht\": {\"published\": %s, \"detail\": ",
	    d->published ? "true" : "false");
	pf_buf_json_str(&b, d->why);
	pf_buf_addstr(&b, "}}\n");
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
	struct dht_step		 d;
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
	if (!publish(dir, &n->conf, &d))
		ok = 0;
	if (quiet && ok)
		;
	else if (json)
		print_json(res, &u, &d);
	else
		print_text(res, &u, &d);
	pf_node_close(n);
	return ok ? 0 : 1;
}
