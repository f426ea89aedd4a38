#!/bin/bash
# covers: src/fcgi/http.c src/fcgi/route.c src/fcgi/api_info.c src/fcgi/api_key.c src/fcgi/api_feed.c src/fcgi/api_media.c conf/nginx/peerfeed.conf
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
hostile_node || exit 99

for ep in info key feed atom media; do
	n=$(ls "$HOSTILE_DIR/public/$ep" | grep -c '\.case$')
	[ "$n" -ge 100 ]
	check "public/$ep: $n cases (at least 100)"
	replay public "$ep"
done
node_unharmed

done_testing
