#!/bin/bash
# covers: src/fetch/fetch.c src/fetch/fetch_job.c src/fetch/fetch_media.c src/lib/net.c
# t0340-fetch-retry: peerfeed-fetch honours Retry-After (issue 13;
# doc/PROTOCOL.md "Errors"): a friend's node whose OpenPGP budget is spent
# answers 429 with Retry-After: 1; the fetcher waits that long and sends a
# freshly sealed request, up to 3 times, then gives up with the reason.
# The budget is spent for real: DIR/pgp-budget, the responder's token
# bucket, is written empty as of a time 2 s ahead (until then nothing
# refills; lib_http.sh's pgp_rate of 10000 a second refills a token 0.1 s
# later).  So the first request (sent within 2.1 s) gets 429, and the
# third retry, 3 s after it at the latest, gets through.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

serve_node a Alice || exit 99
serve_node b Bob || exit 99
befriend b a || exit 99
befriend a b || exit 99
ACCESS="$T/nginx-a/logs/access.log"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# feed_codes: the statuses of alice's POST /feed answers since the mark.
feed_codes() {
	tail -n +"$MARK" "$ACCESS" | grep '"POST /peerfeed/feed ' |
	    awk '{ print $9 }' | tr '\n' ' '
}

# spent_fetch MS: alice's budget spent until MS ms from now, then bob's
# run; rc in $rc, its output in $T/f.out and $T/f.err.
spent_fetch() {
	MARK=$(($(wc -l <"$ACCESS") + 1))
	echo "0 $(($(now_ms) + $1))" >"$T/a/pgp-budget"
	fetch b >"$T/f.out" 2>"$T/f.err"
	rc=$?
	sed 's/^/#   /' "$T/f.out" "$T/f.err"
}

pf a post "first, while the budget is spent" >/dev/null || exit 99
spent_fetch 2000
desc="bob's run while alice's budget is empty succeeds (rc $rc; alice answered: $(feed_codes))"
[ $rc -eq 0 ] && echo "$(feed_codes)" | grep -Eqx '(429 )+200 ' 
check "$desc"
grep -q "note: friend $(fpr_of a): HTTP 429: retrying in 1 s (1 of 3)" "$T/f.err"
check "a note says it waits for the Retry-After and tries again"
pf b timeline >"$T/tl"
grep -q "first, while the budget is spent" "$T/tl"
check "the post arrives"

pf a post "second, the budget stays spent" >/dev/null || exit 99
spent_fetch 3600000
codes=$(feed_codes)
# The first answer is to the probe (bob holds an ETag from the first run),
# an empty POST that never reaches the budget.
desc="when the budget stays spent the run fails after 3 retries (rc $rc; alice answered: $codes)"
[ $rc -ne 0 ] && [ "$(echo "$codes" | grep -o 429 | wc -l)" = 4 ] &&
    ! echo "$codes" | grep -q 200
check "$desc"
grep -q "(3 of 3)" "$T/f.err" && ! grep -q "(4 of 3)" "$T/f.err"
check "the notes count the retries up to 3"
pf b status >"$T/st"
grep -q "after 3 retries: HTTP 429" "$T/st"
check "peerfeed status says why: after 3 retries, HTTP 429"

rm -f "$T/a/pgp-budget"
ok "with the budget back the next run succeeds" fetch b
pf b timeline >"$T/tl"
grep -q "second, the budget stays spent" "$T/tl"
check "and brings the second post"
done_testing
