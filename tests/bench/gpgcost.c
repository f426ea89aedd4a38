/*
 * gpgcost.c: the bare cost of the two OpenPGP operations a private poll
 * needs, for tests/bench/run (issue 6).  Links the built libpeerfeed.a and
 * calls the very functions the responder calls (envelope.c through gpgme),
 * with nothing else around them: no HTTP, no index, no JSON.
 *
 *   gpgcost GNUPGHOME FRIEND_FPR REQUEST.pgp RESPONSE.json N
 *
 * GNUPGHOME is the node's keyring (the owner's secret key, the friend's
 * pinned public key); REQUEST.pgp a request as the friend sent it (signed
 * by the friend, encrypted to the owner); RESPONSE.json the plaintext of
 * the owner's answer to it.  Runs N times: pf_envelope_open(REQUEST) (one
 * decrypt+verify) and pf_envelope_seal(RESPONSE) to the friend (one
 * sign+encrypt, binary as for a binary request).  Prints one line of
 * key=value pairs, times in milliseconds per operation (medians and means).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "envelope.h"
#include "keyring.h"
#include "pf.h"

static double
now_ms(void)
{
	return bench_now_us() / 1e3;
}

static void
stats(const char *name, double *v, int n)
{
	double	p50, p99, mean;

	bench_stats(v, (size_t)n, &p50, &p99, &mean);
	printf(" %s_p50_ms=%.2f %s_mean_ms=%.2f", name, p50, name, mean);
}

int
main(int argc, char **argv)
{
	struct pf_keyring	*kr;
	struct pf_buf		 plain = { 0 }, sealed = { 0 };
	char			 signer[PF_FPR_MAX], *req, *resp;
	size_t			 reqlen, resplen;
	double			*o, *s, t0, total0;
	int64_t			 sig_time;
	int			 i, n;

	if (argc != 6 || (n = atoi(argv[5])) < 1) {
		fprintf(stderr, "usage: gpgcost GNUPGHOME FRIEND_FPR REQUEST.pgp "
		    "RESPONSE.json N\n");
		return 2;
	}
	req = bench_slurp("gpgcost", argv[3], &reqlen);
	resp = bench_slurp("gpgcost", argv[4], &resplen);
	o = calloc((size_t)n, sizeof(*o));
	s = calloc((size_t)n, sizeof(*s));
	if (pf_keyring_open(argv[1], &kr) != PF_OK) {
		fprintf(stderr, "gpgcost: %s\n", pf_errmsg());
		return 1;
	}
	total0 = now_ms();
	for (i = 0; i < n; i++) {
		pf_buf_reset(&plain);
		t0 = now_ms();
		if (pf_envelope_open(kr, req, reqlen, 65536, &plain, signer,
		    &sig_time) != PF_OK) {
			fprintf(stderr, "gpgcost: open: %s\n", pf_errmsg());
			return 1;
		}
		o[i] = now_ms() - t0;
		pf_buf_reset(&sealed);
		t0 = now_ms();
		if (pf_envelope_seal(kr, argv[2], resp, resplen, 0,
		    &sealed) != PF_OK) {
			fprintf(stderr, "gpgcost: seal: %s\n", pf_errmsg());
			return 1;
		}
		s[i] = now_ms() - t0;
	}
	printf("n=%d req_bytes=%zu req_plain_bytes=%zu resp_plain_bytes=%zu "
	    "resp_bytes=%zu pair_mean_ms=%.2f", n, reqlen, plain.len, resplen,
	    sealed.len, (now_ms() - total0) / n);
	stats("open", o, n);
	stats("seal", s, n);
	printf("\n");
	pf_buf_free(&plain);
	pf_buf_free(&sealed);
	pf_keyring_close(kr);
	free(req);
	free(resp);
	free(o);
	free(s);
	return 0;
}
