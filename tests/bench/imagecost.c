/*
 * imagecost.c: what a posted photo costs (issue 16), built and run by
 * hand against an optimized build: pf_image_prepare() (image.c: decode, turn upright,
 * scale to 2048 pixels, strip the metadata, encode again), the call
 * pf_node_post() makes for `peerfeed post --image`, pf_image_thumb() on
 * the stored picture (the thumbnail pf_node_post() keeps beside it), and
 * pf_image_check() (decode to the end, thumbnail included), the call the
 * fetcher makes for a friend's picture, with nothing around them.
 *
 *   imagecost FILE N
 *
 * Runs each N times on the bytes of FILE and prints one line of key=value
 * pairs: the median and 99th percentile milliseconds of each, and the
 * sizes of what is stored (the picture, its thumbnail).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "image.h"
#include "pf.h"

int
main(int argc, char **argv)
{
	struct pf_buf	 out = { 0 }, thumb = { 0 };
	const char	*type;
	char		*data;
	size_t		 len;
	double		*prep, *check, *th, t0, p50, p99, mean, c50, c99, t50, t99;
	long		 n, i;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: imagecost FILE N\n");
		return 2;
	}
	data = bench_slurp("imagecost", argv[1], &len);
	if ((prep = calloc((size_t)n, sizeof(*prep))) == NULL ||
	    (check = calloc((size_t)n, sizeof(*check))) == NULL ||
	    (th = calloc((size_t)n, sizeof(*th))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		t0 = bench_now_us();
		if (pf_image_prepare(data, len, &out, &type) != PF_OK)
			goto fail;
		prep[i] = (bench_now_us() - t0) / 1e3;
		t0 = bench_now_us();
		if (pf_image_thumb(out.data, out.len, &thumb) != PF_OK)
			goto fail;
		th[i] = (bench_now_us() - t0) / 1e3;
		t0 = bench_now_us();
		if (pf_image_check(out.data, out.len, type, &thumb) != PF_OK)
			goto fail;
		check[i] = (bench_now_us() - t0) / 1e3;
	}
	bench_stats(prep, (size_t)n, &p50, &p99, &mean);
	bench_stats(check, (size_t)n, &c50, &c99, &mean);
	bench_stats(th, (size_t)n, &t50, &t99, &mean);
	printf("prepare_p50_ms=%.1f prepare_p99_ms=%.1f thumb_p50_ms=%.1f "
	    "thumb_p99_ms=%.1f check_p50_ms=%.1f check_p99_ms=%.1f "
	    "in_bytes=%zu out_bytes=%zu thumb_bytes=%zu\n",
	    p50, p99, t50, t99, c50, c99, len, out.len, thumb.len);
	return 0;
fail:
	fprintf(stderr, "imagecost: %s\n", pf_errmsg());
	return 1;
}
