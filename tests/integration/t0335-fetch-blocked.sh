#!/bin/bash
# covers: src/fetch/fetch.c src/fetch/main_fetch.c src/cli/cli_friend.c src/cli/cli_status.c
# t0335-fetch-blocked: a blocked friend is skipped by peerfeed-fetch (issue
# 16): the run exits 0 with a note and a "skipped" count instead of failing
# every cron run, `peerfeed status` shows why, and unblocking fetches again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

serve_node a Alice || exit 99
serve_node b Bob || exit 99
FA=$(fpr_of a)
befriend b a || exit 99
befriend a b || exit 99
pf a post "before the block" >/dev/null || exit 99
ok "a first run fetches alice" fetch b
pf a post "after the block" >/dev/null || exit 99
pf b block "$FA" >/dev/null || exit 99

fetch b >"$T/f.out" 2>"$T/f.err"
rc=$?
sed 's/^/#   /' "$T/f.out" "$T/f.err"
desc="a run with alice blocked exits 0 (rc $rc)"
[ $rc -eq 0 ]
check "$desc"
grep -q "0 failed, 1 skipped (blocked);" "$T/f.out"
check "its summary counts her as skipped, not failed"
grep -q "note: friend $FA: skipped: the key is blocked (peerfeed unblock $FA" "$T/f.err"
check "and a note names her and how to unblock"
pf b timeline >"$T/tl"
! grep -q "after the block" "$T/tl"
check "nothing of hers is fetched while she is blocked"
pf b status >"$T/st"
grep -q "skipped: the key is blocked" "$T/st"
check "peerfeed status shows why she was skipped"

pf b unblock "$FA" >/dev/null || exit 99
ok "after unblock the run succeeds" fetch b
pf b timeline >"$T/tl"
grep -q "after the block" "$T/tl"
check "and fetches her new post"
done_testing
