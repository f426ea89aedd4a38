/*
 * verifycost.c: the bare cost of verifying one post's detached signature,
 * for tests/bench/run (section "verify", issue 13), both ways: the call
 * the fetcher makes for every post it stores, pf_envelope_verify_post()
 * (envelope_post.c: libgcrypt in the process), and pf_envelope_verify()
 * (envelope.c through gpgme: one gpg process per call), with nothing
 * around them.
 *
 *   verifycost GNUPGHOME AUTHOR_FPR POST.json POST.json.sig N
 *
 * GNUPGHOME is the fetcher's keyring (the author's key pinned in it).
 * Verifies N times each way and prints one line of key=value pairs: the
 * median and mean milliseconds per verification and the verifications per
 * second, post_* in the process, gpg_* through gpg.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "envelope.h"
#include "keyring.h"
#include "pf.h"

typedef enum pf_err (*verify_fn)(struct pf_keyring *, const void *, size_t,
    const void *, size_t, const char *);

/* Time n calls of fn; print name_p50_ms, name_mean_ms, name_per_s. */
static int
measure(const char *name, verify_fn fn, struct pf_keyring *kr, char **argv,
    long n)
{
	char	*post, *sig;
	size_t	 postlen, siglen;
	double	*v, t0, p50, p99, mean;
	long	 i;

	post = bench_slurp("verifycost", argv[3], &postlen);
	sig = bench_slurp("verifycost", argv[4], &siglen);
	if ((v = calloc((size_t)n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		t0 = bench_now_us();
		if (fn(kr, post, postlen, sig, siglen, argv[2]) != PF_OK) {
			fprintf(stderr, "verifycost: %s: %s\n", name, pf_errmsg());
			return -1;
		}
		v[i] = (bench_now_us() - t0) / 1e3;
	}
	bench_stats(v, (size_t)n, &p50, &p99, &mean);
	printf(" %s_p50_ms=%.3f %s_mean_ms=%.3f %s_per_s=%.1f", name, p50, name,
	    mean, name, 1e3 / mean);
	free(post);
	free(sig);
	free(v);
	return 0;
}

int
main(int argc, char **argv)
{
	struct pf_keyring	*kr;
	char			*end;
	long			 n;

	if (argc != 6 || (n = strtol(argv[5], &end, 10)) < 1 || *end != '\0') {
		fprintf(stderr, "usage: verifycost GNUPGHOME AUTHOR_FPR POST.json "
		    "POST.json.sig N\n");
		return 2;
	}
	if (pf_keyring_open(argv[1], &kr) != PF_OK) {
		fprintf(stderr, "verifycost: %s\n", pf_errmsg());
		return 1;
	}
	printf("n=%ld", n);
	if (measure("post", pf_envelope_verify_post, kr, argv, n * 10) == -1 ||
	    measure("gpg", pf_envelope_verify, kr, argv, n) == -1)
		return 1;
	printf("\n");
	pf_keyring_close(kr);
	return 0;
}
