/*
 * main_fetch.c: peerfeed-fetch(1), pulls every friend's feed once, or
 * with --public one node's public feed.  Exit 0 when every friend
 * succeeded, 1 when some failed (each named on stderr with the reason),
 * 2 on usage or configuration errors.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "log.h"
#include "store.h"

struct out {
	int	quiet;
	int	tty;
	size_t	done;
};

static int
usage(int error)
{
	fprintf(error ? stderr : stdout,
	    "usage: peerfeed-fetch [-d DIR] [--jobs N] [--wait] [--quiet]\n"
	    "       peerfeed-fetch [-d DIR] [--wait] [--quiet] --public URL "
	    "--fpr FPR\n\n"
	    "Pull every friend's feed once: new posts, edits and deletions\n"
	    "are verified and stored under DIR/friends/, with their image\n"
	    "attachments.  DIR defaults to $PEERFEED_HOME, else\n"
	    "%s/lib/peerfeed.\n\n"
	    "  -d DIR     the node's state directory\n"
	    "  -j, --jobs N  transfers at once (default 8)\n"
	    "  --wait     wait for a running fetcher instead of leaving it be\n"
	    "  -q, --quiet  no progress, notes or summary; failures still go\n"
	    "             to stderr\n"
	    "  --public URL --fpr FPR  read the public feed of the node at URL\n"
	    "             (not a friend yet), every post verified against the\n"
	    "             key FPR, which must be in the keyring already\n\n"
	    "Exit status: 0 all friends fetched, 1 some failed, 2 usage or\n"
	    "configuration error.  See peerfeed-fetch(1).\n", LOCALSTATEDIR);
	return error ? 2 : 0;
}

/* After each friend: failures always, progress on a terminal. */
static void
report(const struct pf_friend *fr, int ok, size_t nposts, void *arg)
{
	struct out *o = arg;

	o->done++;
	if (!ok)
		pf_log("friend %s (%s): %s", fr->fpr,
		    fr->url[0] ? fr->url : "no url", fr->result);
	else if (o->tty && !o->quiet)
		pf_log("[%zu] %s: %zu new", o->done, fr->fpr, nposts);
}

/* A note about a friend (an older post refused, an attachment failed). */
static void
note(const struct pf_friend *fr, const char *msg, void *arg)
{
	struct out *o = arg;

	if (!o->quiet)
		pf_log("note: friend %s: %s", fr->fpr, msg);
}

static void
summary(const struct pf_fetch_stats *s, int64_t ms)
{
	char skipped[64] = "";

	if (s->skipped > 0)
		snprintf(skipped, sizeof(skipped), ", %zu skipped (blocked)",
		    s->skipped);
	printf("%s: %zu friends: %zu ok (%zu idle), %zu failed%s; "
	    "%zu posts in %zu pages, %zu attachments, %zu bad signatures, "
	    "%zu bytes, %.1f s\n", pf_log_name(), s->friends, s->ok, s->idle,
	    s->failed, skipped, s->posts, s->pages, s->media, s->badsig, s->bytes,
	    (double)ms / 1000);
}

/* The command line. */
struct args {
	const char	*dir;
	const char	*url;		/* --public */
	const char	*fpr;		/* --fpr */
	int		 wait;
};

/* Parse the options into a, fo and o: -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct args *a, struct pf_fetch_opts *fo,
    struct out *o)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "wait", no_argument, NULL, 'w' },
		{ "public", required_argument, NULL, 'p' },
		{ "fpr", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	long	 jobs;
	int	 ch;

	while ((ch = getopt_long(argc, argv, "d:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': a->dir = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || jobs < 1 || jobs > 256) {
				pf_log("--jobs: a number from 1 to 256");
				return 2;
			}
			fo->jobs = (int)jobs;
			break;
		case 'q': o->quiet = 1; break;
		case 'w': a->wait = 1; break;
		case 'p': a->url = optarg; break;
		case 'f': a->fpr = optarg; break;
		case 'h': return usage(0);
		default: return usage(1);
		}
	}
	if (optind != argc || (a->url == NULL) != (a->fpr == NULL))
		return usage(1);
	return -1;
}

/* Open the node and fetch; the exit status. */
static int
run(const struct args *a, const struct pf_fetch_opts *fo, struct out *o)
{
	struct pf_fetch_stats	 st;
	struct pf_fetcher	*f = NULL;
	int64_t			 t0 = pf_now_ms();
	int			 rc;
	enum pf_err		 e;

	if ((e = pf_fetch_open(pf_store_dir(a->dir), a->wait, &f)) != PF_OK) {
		if (e == PF_ERR_LOCKED) {
			if (!o->quiet)
				pf_log("%s; leaving it be", pf_errmsg());
			return 0;
		}
		pf_log("%s", pf_errmsg());
		return 2;
	}
	e = a->url != NULL ? pf_fetch_public(f, fo, a->url, a->fpr, &st) :
	    pf_fetch_run(f, fo, &st);
	if (e != PF_OK)
		pf_log("%s", pf_errmsg());
	if (e == PF_ERR_CONFIG || e == PF_ERR_INVALID)
		rc = 2;
	else {
		rc = e != PF_OK || st.failed > 0 ? 1 : 0;
		if (!o->quiet)
			summary(&st, pf_now_ms() - t0);
	}
	pf_fetch_close(f);
	return rc;
}

int
main(int argc, char **argv)
{
	struct out		 o = { 0, isatty(2), 0 };
	struct pf_fetch_opts	 fo = { .jobs = 8, .report = report,
				    .note = note, .arg = &o };
	struct args		 a = { NULL, NULL, NULL, 0 };
	int			 rc;

	pf_log_init("peerfeed-fetch");
	if ((rc = parse_args(argc, argv, &a, &fo, &o)) != -1)
		return rc;
	pf_net_limits_default(&fo.limits, PF_FETCH_BODY_MAX);
	return run(&a, &fo, &o);
}
