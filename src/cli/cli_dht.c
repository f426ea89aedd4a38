/*
 * cli_dht.c: peerfeed dht publish | lookup | key, the location record in
 * the OpenDHT network (dht_record.h).  A build without libopendht-c says
 * so and exits 2.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dht_record.h"
#include "log.h"
#include "node.h"
#include "store.h"
#ifdef HAVE_OPENDHT
#include "dht.h"
#endif

#ifndef HAVE_OPENDHT

int
cli_dht(const char *dir, int argc, char **argv)
{
	(void)dir; (void)argc; (void)argv;
	pf_log("dht: this build of peerfeed has no DHT "
	    "support (rebuild with libopendht-c-dev installed, or configure "
	    "--with-opendht)");
	return 2;
}

#else /* HAVE_OPENDHT */

/* Exit status for a failure: 2 for a setting to fix, else 1. */
static int
fail_status(enum pf_err e, const char *what)
{
	cli_fail(what);
	return e == PF_ERR_CONFIG || e == PF_ERR_USAGE ? 2 : 1;
}

/* --wait SECONDS into milliseconds; -1 if not 1..300. */
static int
wait_ms(const char *s)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 300) {
		pf_log("--wait %s: a number of seconds from 1 to 300", s);
		return -1;
	}
	return (int)v * 1000;
}

static int
dht_publish(struct pf_node *n, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "wait", required_argument, NULL, 'w' },
		{ "record", required_argument, NULL, 'r' },
		{ "print", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_buf	 rec = { 0 };
	const char	*urls[PF_DHT_URLS_MAX], *file = NULL;
	char		 key[41];
	size_t		 nurls = 0;
	int		 ch, wait = PF_DHT_WAIT_MS, print = 0, quiet = 0, rc = 1;
	enum pf_err	 e;

	while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (nurls == PF_DHT_URLS_MAX) {
				pf_log("at most %d --url", PF_DHT_URLS_MAX);
				return 2;
			}
			urls[nurls++] = optarg;
			break;
		case 'w':
			if ((wait = wait_ms(optarg)) < 0)
				return 2;
			break;
		case 'r': file = optarg; break;
		case 'p': print = 1; break;
		case 'q': quiet = 1; break;
		default: return cli_usage(cli_find("dht"), 1);
		}
	}
	if (optind != argc || (file != NULL && nurls > 0))
		return cli_usage(cli_find("dht"), 1);
	if (file != NULL) {
		if (cli_read(file, PF_DHT_RECORD_MAX, "a record", &rec) == -1)
			goto out;
		if ((e = pf_dht_record_put(n, rec.data, rec.len, wait)) != PF_OK) {
			rc = fail_status(e, file);
			goto out;
		}
		if (!quiet)
			printf("published the record in %s\n", file);
		rc = 0;
		goto out;
	}
	if ((e = pf_dht_record_publish(n, urls, nurls, wait, &rec)) != PF_OK) {
		rc = fail_status(e, "dht publish");
		goto out;
	}
	pf_dht_key(n->self, key);
	if (print)
		fwrite(rec.data, 1, rec.len, stdout);
	else if (!quiet)
		printf("published %s for %s (DHT key %s)\n",
		    nurls ? urls[0] : n->conf.url, n->self, key);
	rc = 0;
out:
	pf_buf_free(&rec);
	return rc;
}

/* A refused record: one line on stderr. */
static void
report(const char *fpr, const char *why, void *arg)
{
	(void)arg;
	pf_log("dht: refused a record for %s: %s", fpr, why);
}

static void
print_json(const struct pf_dht_record *r, int changed)
{
	struct pf_buf	b = { 0 };
	char		t[32];
	size_t		i;

	pf_time_fmt(r->time_ms, t);
	pf_buf_printf(&b, "{\"fpr\": \"%s\", \"urls\": [", r->fpr);
	for (i = 0; i < r->nurls; i++) {
		pf_buf_addstr(&b, i ? ", " : "");
		pf_buf_json_str(&b, r->urls[i]);
	}
	pf_buf_printf(&b, "], \"time\": \"%s\", \"changed\": %s}\n", t,
	    changed ? "true" : "false");
	if (b.data != NULL)
		fputs(b.data, stdout);
	pf_buf_free(&b);
}

static int
dht_lookup(struct pf_node *n, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-save", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_dht_record	 r;
	size_t			 i;
	int			 ch, wait = PF_DHT_WAIT_MS, json = 0, save = 1;
	int			 changed = 0;
	enum pf_err		 e;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if ((wait = wait_ms(optarg)) < 0)
				return 2;
			break;
		case 'j': json = 1; break;
		case 'n': save = 0; break;
		default: return cli_usage(cli_find("dht"), 1);
		}
	}
	if (optind != argc - 1)
		return cli_usage(cli_find("dht"), 1);
	if ((e = pf_dht_record_lookup(n, argv[optind], wait, report, NULL, save,
	    &r, &changed)) != PF_OK)
		return fail_status(e, "dht lookup");
	if (json) {
		print_json(&r, changed);
		return 0;
	}
	for (i = 0; i < r.nurls; i++)
		printf("%s\n", r.urls[i]);
	if (changed)
		pf_log("dht: %s is now fetched from %s", r.fpr, r.urls[0]);
	return 0;
}

static int
dht_key(int argc, char **argv)
{
	char fpr[PF_FPR_MAX], key[41];

	if (argc != 2)
		return cli_usage(cli_find("dht"), 1);
	if (pf_fpr_normalize(argv[1], fpr) != PF_OK)
		return fail_status(PF_ERR_USAGE, argv[1]);
	pf_dht_key(fpr, key);
	printf("%s\n", key);
	return 0;
}

int
cli_dht(const char *dir, int argc, char **argv)
{
	struct pf_node	*n = NULL;
	int		 rc;

	if (argc < 2)
		return cli_usage(cli_find("dht"), 1);
	if (strcmp(argv[1], "key") == 0)
		return dht_key(argc - 1, argv + 1);
	if (strcmp(argv[1], "publish") != 0 && strcmp(argv[1], "lookup") != 0)
		return cli_usage(cli_find("dht"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING, &n) != PF_OK)
		return cli_fail(NULL);
	/* getopt starts again on the subcommand's own argv. */
	optind = 0;
	if (strcmp(argv[1], "publish") == 0)
		rc = dht_publish(n, argc - 1, argv + 1);
	else
		rc = dht_lookup(n, argc - 1, argv + 1);
	pf_node_close(n);
	return rc;
}

#endif /* HAVE_OPENDHT */
