/*
 * postmany.c: many signed posts in one process, for tests/bench/run
 * (issue 6): the fetcher's "10 new posts on each of 100 friends" needs
 * 1000 and more real posts, and `peerfeed post` pays a process start, a
 * node open and a keyring listing (gpg) for each.  Links the built
 * libpeerfeed.a and calls what `peerfeed post` calls, pf_node_post(), N
 * times on one open node: the same files, signature, index and feed.
 *
 *   postmany DIR N LABEL
 *
 * Writes N public notes "Post I of LABEL: ..." on the node in DIR and
 * prints one line: posts=N seconds=S per_post_ms=MS.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "node.h"
#include "pf.h"
#include "post.h"

int
main(int argc, char **argv)
{
	static const char *const to[] = { "public" };
	struct pf_node	*n = NULL;
	struct pf_draft	 d = { 0 };
	char		 id[PF_ID_MAX], text[512];
	double		 t0;
	long		 i, count;
	char		*end;

	if (argc != 4 || (count = strtol(argv[2], &end, 10)) < 1 ||
	    *end != '\0') {
		fprintf(stderr, "usage: postmany DIR N LABEL\n");
		return 2;
	}
	t0 = bench_now_us();
	if (pf_node_open(argv[1], PF_NODE_WRITE, &n) != PF_OK) {
		fprintf(stderr, "postmany: %s\n", pf_errmsg());
		return 1;
	}
	d.to = to;
	d.nto = 1;
	d.content = text;
	for (i = 1; i <= count; i++) {
		snprintf(text, sizeof(text), "Post %ld of %s: a status of "
		    "ordinary length, about as long as what people write on a "
		    "small feed.", i, argv[3]);
		if (pf_node_post(n, &d, NULL, id) != PF_OK) {
			fprintf(stderr, "postmany: post %ld: %s\n", i, pf_errmsg());
			pf_node_close(n);
			return 1;
		}
	}
	pf_node_close(n);
	printf("posts=%ld seconds=%.2f per_post_ms=%.1f\n", count,
	    (bench_now_us() - t0) / 1e6, (bench_now_us() - t0) / 1e3 / count);
	return 0;
}
