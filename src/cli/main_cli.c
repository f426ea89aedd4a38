/* main_cli.c: peerfeed(1), the owner's command line. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "pf.h"

static const struct cli_cmd cmds[] = {
	{ "init", cli_init, "init --name NAME [--email EMAIL] [--url URL]",
	    "create the node: state directory and OpenPGP identity" },
	{ "id", cli_id, "id [--fpr | --export | --qr | --json]",
	    "show this node's identity (fingerprint, URL, openpgp4fpr: URI)" },
	{ "post", cli_post, "post [--to AUD]... [--type T] [--image FILE] "
	    "[--link URL] [--geo LAT,LON] [--place NAME] [--name NAME]\n"
	    "          [--start TIME --end TIME] [--reply-to REF] [--like REF] "
	    "[--object X] [--target X] [--markdown] TEXT|-",
	    "write a new signed post" },
	{ "edit", cli_edit, "edit ID [post options] [TEXT|-]",
	    "change a post; its id stays, its updated time moves" },
	{ "delete", cli_delete, "delete ID",
	    "replace a post by a tombstone, so friends delete it too" },
	{ "list", cli_list, "list [--since CURSOR|TIME] [--limit N] [--to AUD] [--json]",
	    "list own posts, oldest change first" },
	{ "show", cli_show, "show ID|FPR/ID [--json]", "show one post" },
	{ "reindex", cli_reindex, "reindex",
	    "rebuild the index from the post files" },
	{ "check", cli_check, "check [--verify]",
	    "list every difference between files and index; exit 1 if any" },
	{ "timeline", cli_timeline, "timeline [--limit N] [--friend FPR | --group G] [--all]\n"
	    "       [--mentions] [--long] [--json]",
	    "friends' posts, newest first, with their likes and comments" },
	{ "friend", cli_friend, "friend add FILE|- [--url URL] [--group G] [--fpr FPR]\n"
	    "       friend add --url URL --fpr FPR [--group G]\n"
	    "       friend list [--json]\n       friend remove FPR",
	    "manage friends (public keys pinned in the node's keyring)" },
	{ "group", cli_group, "group add G FPR...\n       group remove G [FPR...]\n"
	    "       group list", "manage groups (gpg.conf group lines)" },
	{ "block", cli_block, "block FPR", "block a key (gpg's disabled flag)" },
	{ "unblock", cli_unblock, "unblock FPR", "unblock a key" },
	{ "passwd", cli_passwd, "passwd [--stdin]",
	    "set the password of the web page (BASE/app/)" },
	{ "status", cli_status, "status [--json]",
	    "identity, post counts, friends with their last fetch, index, disk" },
	{ "doctor", cli_doctor, "doctor",
	    "check the node and say what to do about each problem; exit 1 if any" },
	{ "export", cli_export, "export FILE",
	    "write the whole node, keys included, into one archive" },
	{ "import", cli_import, "import FILE",
	    "restore a node from an archive into a new or empty directory" },
	{ "dht", cli_dht, "dht publish [--url URL]... [--wait S] [--print] [-q]\n"
	    "       dht publish --record FILE [--wait S]\n"
	    "       dht lookup FPR [--wait S] [--json] [--no-save]\n       dht key FPR",
	    "publish this node's signed URL in the OpenDHT network, find a friend's" },
	{ "discover", cli_discover, "discover [--timeout S] [--json]",
	    "list the peerfeed nodes on the LAN (mDNS) and which are friends" },
	{ "reach", cli_reach, "reach [--json] [-q]",
	    "make this node reachable from other networks as reach in "
	    "peerfeed.conf says (upnp: a port mapping on the home router)" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const struct cli_cmd *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

int
cli_usage(const struct cli_cmd *c, int error)
{
	FILE *f = error ? stderr : stdout;

	fprintf(f, "usage: peerfeed [-d DIR] %s\n", c->usage);
	if (!error)
		fprintf(f, "\n%s.\nSee peerfeed(1) for details.\n", c->help);
	return error ? 2 : 0;
}

int
cli_fail(const char *what)
{
	if (what != NULL)
		pf_log("%s: %s", what, pf_errmsg());
	else
		pf_log("%s", pf_errmsg());
	return 1;
}

int
cli_read(const char *path, size_t max, const char *what, struct pf_buf *b)
{
	char	 chunk[4096];
	size_t	 n;
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	int	 rc = 0;

	if (f == NULL) {
		pf_log_errno("%s", path);
		return -1;
	}
	b->limit = max;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (pf_buf_add(b, chunk, n) != PF_OK) {
			pf_log("%s: larger than %zu bytes: "
			    "not %s", path, max, what);
			rc = -1;
		}
	if (rc == 0 && ferror(f)) {
		pf_log_errno("%s", path);
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

int
cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

static int
usage(int error)
{
	FILE	*f = error ? stderr : stdout;
	size_t	 i;

	fprintf(f, "usage: peerfeed [-d DIR] COMMAND [ARGS]\n\n"
	    "The owner's command line of a peerfeed node.  DIR is the state\n"
	    "directory (default: $PEERFEED_HOME, else %s/lib/peerfeed).\n\n"
	    "Commands:\n", LOCALSTATEDIR);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'peerfeed COMMAND --help' describes one command.\n");
	return error ? 2 : 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd	*c;
	const char		*dir = NULL;
	int			 ch;

	pf_log_init("peerfeed");
	while ((ch = getopt_long(argc, argv, "+d:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'h':
			return usage(0);
		case 'V':
			printf("peerfeed %s\n", PACKAGE_VERSION);
			return 0;
		default:
			return usage(1);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return usage(1);
	if (strcmp(argv[0], "help") == 0) {
		if (argc > 1 && (c = cli_find(argv[1])) != NULL)
			return cli_usage(c, 0);
		return usage(0);
	}
	if ((c = cli_find(argv[0])) == NULL) {
		pf_log("unknown command \"%s\"", argv[0]);
		return usage(1);
	}
	if (cli_wants_help(argc, argv))
		return cli_usage(c, 0);
	/* Each command parses its own options from its own argv. */
	optind = 0;
	return c->fn(dir, argc, argv);
}
