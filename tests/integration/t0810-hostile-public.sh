#!/bin/bash
# t0810-hostile-public: the public endpoints (GET /, /key, /feed with query
# strings, /feed.atom, /media/<sha256>) against the hostile-input corpus in
# tests/hostile/public/, at least 100 cases each, sent as raw bytes through
# the shipped nginx snippet.  Each must get its expected status, never a
# 5xx; a 4xx from the responder has the JSON error body.  Afterwards the
# responder is the same process, still answers, and the store is byte for
# byte what it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$top_srcdir/tests/hostile/lib_hostile.sh"
need nginx
[ -x "$PEERFEED_FCGI" ] || skip "peerfeed.fcgi not built"

hostile_node || exit 99
store_sum a >"$T/before.sum"

for ep in info key feed atom media; do
	n=$(ls "$HOSTILE_DIR/public/$ep" | grep -c '\.case$')
	[ "$n" -ge 100 ]
	check "public/$ep: $n cases (at least 100)"
	python3 "$HOSTILE_DIR/hostile.py" public "$T/vars.json" \
	    "$HOSTILE_DIR/public/$ep" >"$T/$ep.tap"
	rc=$?
	grep -v '^ok ' "$T/$ep.tap"
	[ $rc = 0 ]
	check "public/$ep: every case gets its expected answer"
done

kill -0 "$RESPONDER_PID" 2>/dev/null
check "the responder is still the same process"
good_request
check "the node still answers good requests"
store_sum a >"$T/after.sum"
diff "$T/before.sum" "$T/after.sum"
check "the store is unchanged"

done_testing
