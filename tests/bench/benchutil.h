/*
 * benchutil.h: the few helpers the benchmark programs of tests/bench
 * share (gpgcost.c, indexbench.c, postmany.c); compiled with each of them
 * by tests/bench/run, not part of the library.
 */
#ifndef PF_BENCHUTIL_H
#define PF_BENCHUTIL_H

#include <stddef.h>

/* Microseconds on the monotonic clock. */
double	 bench_now_us(void);
/*
 * The whole file at path, NUL-terminated, its length in *len; on an error
 * print "prog: path: why" and exit 1.
 */
char	*bench_slurp(const char *prog, const char *path, size_t *len);
/* Sort v[0..n) (n > 0); store its median in *p50, 99th percentile in
 * *p99, mean in *mean. */
void	 bench_stats(double *v, size_t n, double *p50, double *p99,
	    double *mean);

#endif
