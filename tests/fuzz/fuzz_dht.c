/*
 * fuzz_dht.c: pf_dht_record_parse() on a DHT value, the checks made
 * before any gpg work.  What it accepts must hold what the record promises.
 */
#include <stdlib.h>
#include <string.h>

#include "dht_record.h"
#include "fuzz.h"

#define FPR	"0123456789ABCDEF0123456789ABCDEF01234567"
#define NOW	1790000000000LL

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pf_dht_record	 r;
	size_t			 i;

	if (pf_dht_record_parse(data, len, FPR, NOW, &r) != PF_OK)
		return 0;
	if (len > PF_DHT_RECORD_MAX || strcmp(r.fpr, FPR) != 0 ||
	    r.nurls < 1 || r.nurls > PF_DHT_URLS_MAX ||
	    r.time_ms > NOW + PF_DHT_SKEW_MS || r.json_len >= len)
		abort();
	for (i = 0; i < r.nurls; i++)
		if (strncmp(r.urls[i], "http://", 7) != 0 &&
		    strncmp(r.urls[i], "https://", 8) != 0)
			abort();
	return 0;
}
