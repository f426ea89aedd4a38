/*
 * indexbench.c: the index at scale, for tests/bench/run (issue 6).  Links
 * the built libpeerfeed.a; not part of `make check`.
 *
 *   indexbench files DIR N FPR SIGFILE
 *	write N own public posts as DIR/posts/<id>.json, each with a copy of
 *	SIGFILE as its .sig (a real armored signature, but over another file:
 *	these posts do not verify, which reindex does not check), for timing
 *	`peerfeed reindex` on a node whose key is FPR.
 *   indexbench gen DIR N FPR SIGFILE
 *	the same N posts straight into DIR/index (pf_index_put, 1000 per
 *	transaction, no post files), then the pre-rendered feed as the node
 *	writes it (pf_feed_publish_static, which stores the latest-page hint).
 *   indexbench pages DIR N Q LIMIT
 *	Q public pages of LIMIT posts after random cursors (pf_feed_page,
 *	the responder's since= path, JSON output included), then Q latest
 *	pages (pf_feed_latest, the responder's no-since path).
 *
 * Output: one line of key=value pairs; times in microseconds; maxrss_kb
 * from getrusage (the LMDB map pages the process touched count as RSS).
 * Post i has updated = BASE_MS + 1000 * i and id "<ms>-<i % 65536, hex>",
 * so a cursor is computed, not read.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "conf.h"
#include "feed.h"
#include "index.h"
#include "pf.h"
#include "post.h"
#include "store.h"

#define BASE_MS		1600000000000LL
#define TXN_POSTS	1000

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
die(const char *what)
{
	fprintf(stderr, "indexbench: %s: %s\n", what, pf_errmsg());
	exit(1);
}

static void
post_id(size_t i, char id[PF_ID_MAX], int64_t *ms)
{
	*ms = BASE_MS + 1000 * (int64_t)i;
	snprintf(id, PF_ID_MAX, "%013lld-%04x", (long long)*ms,
	    (unsigned)(i & 0xffff));
}

/* Post i in the canonical layout, about 400 bytes like a short status. */
static int
post_json(size_t i, const char *fpr, char *out, size_t n)
{
	char	 id[PF_ID_MAX], t[32];
	int64_t	 ms;

	post_id(i, id, &ms);
	pf_time_fmt(ms, t);
	return snprintf(out, n,
	    "{\n  \"@context\": \"https://www.w3.org/ns/activitystreams\",\n"
	    "  \"id\": \"%s\",\n  \"type\": \"Note\",\n"
	    "  \"attributedTo\": \"%s\",\n  \"published\": \"%s\",\n"
	    "  \"updated\": \"%s\",\n  \"to\": [\n    \"public\"\n  ],\n"
	    "  \"content\": \"Benchmark post %zu: a short status of about the "
	    "length people write, with some words in it to fill the line.\"\n}\n",
	    id, fpr, t, t, i);
}

static void
stats(const char *name, double *v, size_t n)
{
	double	p50, p99, mean;

	bench_stats(v, n, &p50, &p99, &mean);
	printf(" %s_p50_us=%.1f %s_p99_us=%.1f %s_mean_us=%.1f", name, p50,
	    name, p99, name, mean);
}

static int
cmd_files(const char *dir, size_t n, const char *fpr, const char *sigfile)
{
	char	 path[4096], json[2048], id[PF_ID_MAX];
	char	*sig;
	size_t	 siglen, i;
	int64_t	 ms;
	int	 len;
	FILE	*f;
	double	 t0 = bench_now_us();

	sig = bench_slurp("indexbench", sigfile, &siglen);
	snprintf(path, sizeof(path), "%s/posts", dir);
	mkdir(path, 0700);
	for (i = 0; i < n; i++) {
		post_id(i, id, &ms);
		len = post_json(i, fpr, json, sizeof(json));
		snprintf(path, sizeof(path), "%s/posts/%s.json", dir, id);
		if ((f = fopen(path, "wb")) == NULL ||
		    fwrite(json, 1, (size_t)len, f) != (size_t)len || fclose(f))
			return perror(path), 1;
		snprintf(path, sizeof(path), "%s/posts/%s.json.sig", dir, id);
		if ((f = fopen(path, "wb")) == NULL ||
		    fwrite(sig, 1, siglen, f) != siglen || fclose(f))
			return perror(path), 1;
	}
	printf("files=%zu write_s=%.2f\n", n, (bench_now_us() - t0) / 1e6);
	free(sig);
	return 0;
}

static int
cmd_gen(const char *dir, size_t n, const char *fpr, const char *sigfile)
{
	struct pf_index_item	*items;
	struct pf_post		**posts;
	struct pf_store		*st;
	struct pf_index		*ix;
	struct pf_conf		 conf;
	struct pf_feed_ctx	 fc;
	char			 path[4096], *json, *sig;
	size_t			 siglen, i, k, b;
	int			 len;
	double			 t0 = bench_now_us(), t1;

	sig = bench_slurp("indexbench", sigfile, &siglen);
	if (pf_store_open(dir, 1, &st) != PF_OK)
		die("store");
	pf_conf_defaults(&conf);
	snprintf(path, sizeof(path), "%s/index", dir);
	if (pf_index_open(path, PF_INDEX_CREATE, &ix) != PF_OK)
		die("index open");
	items = calloc(TXN_POSTS, sizeof(*items));
	posts = calloc(TXN_POSTS, sizeof(*posts));
	json = malloc((size_t)TXN_POSTS * 2048);
	for (i = 0; i < n; i += b) {
		b = n - i < TXN_POSTS ? n - i : TXN_POSTS;
		for (k = 0; k < b; k++) {
			char *j = json + k * 2048;

			len = post_json(i + k, fpr, j, 2048);
			if (pf_post_parse(j, (size_t)len, &posts[k]) != PF_OK)
				die("post parse");
			items[k] = (struct pf_index_item){ posts[k], j,
			    (size_t)len, sig, siglen, 1 };
		}
		if (pf_index_put(ix, items, b) != PF_OK)
			die("index put");
		for (k = 0; k < b; k++)
			pf_post_free(posts[k]);
	}
	t1 = bench_now_us();
	pf_feed_ctx_init(&fc, &conf, NULL, fpr);
	if (pf_feed_publish_static(st, ix, &fc) != PF_OK)
		die("publish");
	printf("posts=%zu put_s=%.2f publish_s=%.3f maxrss_kb=%ld\n", n,
	    (t1 - t0) / 1e6, (bench_now_us() - t1) / 1e6, maxrss_kb());
	pf_index_close(ix);
	pf_store_close(st);
	free(json);
	free(items);
	free(posts);
	free(sig);
	return 0;
}

static int
cmd_pages(const char *dir, size_t n, size_t q, size_t limit)
{
	static const char *const pub[] = { "public" };
	struct pf_index		*ix;
	struct pf_cursor	 since, next;
	struct pf_buf		 out = { 0 };
	char			 path[4096];
	double			*v, t0, bytes = 0;
	size_t			 i, span = n > limit ? n - limit : 1;
	int			 more;

	snprintf(path, sizeof(path), "%s/index", dir);
	if (pf_index_open(path, PF_INDEX_RDONLY, &ix) != PF_OK)
		die("index open");
	v = calloc(q, sizeof(*v));
	srandom(42);
	for (i = 0; i < q; i++) {
		post_id((size_t)random() % span, since.id, &since.ms);
		pf_buf_reset(&out);
		t0 = bench_now_us();
		if (pf_feed_page(ix, pub, 1, &since, limit, &out, &next,
		    &more) != PF_OK)
			die("page");
		v[i] = bench_now_us() - t0;
		bytes += out.len;
	}
	printf("posts=%zu pages=%zu limit=%zu page_bytes=%.0f", n, q, limit,
	    bytes / q);
	stats("since", v, q);
	for (i = 0; i < q; i++) {
		pf_buf_reset(&out);
		t0 = bench_now_us();
		if (pf_feed_latest(ix, pub, 1, limit, &out) != PF_OK)
			die("latest");
		v[i] = bench_now_us() - t0;
	}
	stats("latest", v, q);
	printf(" maxrss_kb=%ld\n", maxrss_kb());
	pf_buf_free(&out);
	free(v);
	pf_index_close(ix);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "files") == 0)
		return cmd_files(argv[2], strtoul(argv[3], NULL, 10), argv[4],
		    argv[5]);
	if (argc == 6 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argv[2], strtoul(argv[3], NULL, 10), argv[4],
		    argv[5]);
	if (argc == 6 && strcmp(argv[1], "pages") == 0)
		return cmd_pages(argv[2], strtoul(argv[3], NULL, 10),
		    strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
	fprintf(stderr, "usage: indexbench files|gen DIR N FPR SIGFILE\n"
	    "       indexbench pages DIR N QUERIES LIMIT\n");
	return 2;
}
