/*
 * main_fetch.c: peerfeed-fetch(1), pulls every friend's feed once.
 * Exit 0 when every friend succeeded, 1 when some failed (each named on
 * stderr with the reason), 2 on usage or configuration errors.
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
	    "usage: peerfeed-fetch [-d DIR] [--jobs N] [--wait] [--quiet]\n\n"
	    "Pull every friend's feed once: new posts, edits and deletions\n"
	    "are verified and stored under DIR/friends/.  DIR defaults to\n"
	    "$PEERFEED_HOME, else %s/lib/peerfeed.\n\n"
	    "  -d DIR     the node's state directory\n"
	    "  -j, --jobs N  transfers at once (default 8)\n"
	    "  --wait     wait for a running fetcher instead of leaving it be\n"
	    "  -q, --quiet  no progress and no summary; failures still go to\n"
	    "             stderr\n\n"
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
		fprintf(stderr, "peerfeed-fetch: friend %s (%s): %s\n", fr->fpr,
		    fr->url[0] ? fr->url : "no url", fr->result);
	else if (o->tty && !o->quiet)
		fprintf(stderr, "peerfeed-fetch: [%zu] %s: %zu new\n", o->done,
		    fr->fpr, nposts);
}

static void
summary(const struct pf_fetch_stats *s, int64_t ms)
{
	printf("peerfeed-fetch: %zu friends: %zu ok (%zu idle), %zu failed; "
	    "%zu posts in %zu pages, %zu bytes, %.1f s\n", s->friends, s->ok,
	    s->idle, s->failed, s->posts, s->pages, s->bytes, (double)ms / 1000);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "wait", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_fetch_opts	 fo = { 8, { 0 }, report, NULL };
	struct pf_fetch_stats	 st;
	struct pf_fetcher	*f = NULL;
	struct out		 o = { 0, isatty(2), 0 };
	const char		*dir = NULL;
	char			*end;
	long			 jobs;
	int			 ch, wait = 0, rc;
	int64_t			 t0 = pf_now_ms();
	enum pf_err		 e;

	pf_log_init("peerfeed-fetch");
	while ((ch = getopt_long(argc, argv, "d:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || jobs < 1 || jobs > 256) {
				fprintf(stderr, "peerfeed-fetch: --jobs: a number "
				    "from 1 to 256\n");
				return 2;
			}
			fo.jobs = (int)jobs;
			break;
		case 'q': o.quiet = 1; break;
		case 'w': wait = 1; break;
		case 'h': return usage(0);
		default: return usage(1);
		}
	}
	if (optind != argc)
		return usage(1);
	fo.arg = &o;
	pf_net_limits_default(&fo.limits, PF_FETCH_BODY_MAX);
	if ((e = pf_fetch_open(pf_store_dir(dir), wait, &f)) != PF_OK) {
		if (e == PF_ERR_LOCKED) {
			if (!o.quiet)
				fprintf(stderr, "peerfeed-fetch: %s; leaving it "
				    "be\n", pf_errmsg());
			return 0;
		}
		fprintf(stderr, "peerfeed-fetch: %s\n", pf_errmsg());
		return 2;
	}
	if ((e = pf_fetch_run(f, &fo, &st)) != PF_OK)
		fprintf(stderr, "peerfeed-fetch: %s\n", pf_errmsg());
	rc = e != PF_OK || st.failed > 0 ? 1 : 0;
	if (!o.quiet)
		summary(&st, pf_now_ms() - t0);
	pf_fetch_close(f);
	return rc;
}
