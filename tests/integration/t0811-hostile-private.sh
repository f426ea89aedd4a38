#!/bin/bash
# covers: src/fcgi/api_feed.c src/fcgi/api_media.c src/fcgi/req.c src/lib/envelope.c src/lib/index_nonce.c
# t0811-hostile-private: POST /feed and POST /media against the hostile
# corpus in tests/hostile/private/ (at least 250 cases): each request is
# built from its recipe with plain gpg (one home holding every requester's
# key, see tests/hostile/lib_hostile.sh) and sent through nginx.  Each
# must get its expected status with the JSON error body, never a 5xx; the
# cases meant to pass must get a response sealed by the owner that echoes
# the nonce.  Afterwards the responder still runs and answers, and the
# store (posts, media, friends, public, index as the CLI lists it) is
# unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$top_srcdir/tests/hostile/lib_hostile.sh"
hostile_node || exit 99

n=$(cat "$HOSTILE_DIR"/private/*/*.case | grep -c '^# ')
[ "$n" -ge 250 ]
check "private: $n cases (at least 250)"
for ep in feed media; do
	replay private "$ep"
done
node_unharmed

done_testing
