#!/bin/bash
# covers: src/cli/cli_admin.c src/cli/cli_status.c src/lib/node.c src/lib/index.c src/lib/index_nonce.c src/fcgi/main_fcgi.c src/fcgi/api_feed.c
# t0145-reindex-serving: `peerfeed reindex` while four responder processes
# (spawn-fcgi -F 4 behind nginx) serve a friend's concurrent polls: every
# poll is answered, new posts, edits and deletions made after the reindex
# reach the friend without a restart, a request accepted before the
# reindex is refused as a replay after it and after a restart (nonces are
# carried over), and `peerfeed doctor` names the responders that still
# hold the replaced index (doc/PROTOCOL.md "Private requests").
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx pgrep

make_node a "Alice" || exit 99
make_node f "Friend" || exit 99
PORT=$(free_port)
echo "$PORT" >"$T/a.port"
sed -i "s|^url = .*|url = http://127.0.0.1:$PORT/peerfeed|" "$T/a/peerfeed.conf"
A=$(fpr_of a); F=$(fpr_of f)
AUD="$(url_of a)/feed"
pf f id --export | pf a friend add - >/dev/null || exit 99
pf a id --export | pgp f --import 2>/dev/null || exit 99
P1=$(pf a post --to "key:$F" "one, for f") || exit 99
P2=$(pf a post "two, public") || exit 99
start_responder a 4 || exit 99
start_nginx a "$PORT" || exit 99
befriend f a || exit 99
[ "$(wc -l <"$T/a.pids")" -eq 4 ]
check "four responder processes serve the node"

fetch f >/dev/null 2>&1 && stored f a | grep -qx "$P1"
check "the friend fetched the first posts"

# poll OUT: one full private feed request by f, sealed with plain gpg;
# its sealed body stays in OUT.pgp and its status is printed.
poll() {
	req "$F" | seal f >"$1.pgp" 2>/dev/null || return 1
	curl -s -o "$1.out" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/pgp-encrypted' \
	    -H "Peerfeed-From: $F" --data-binary "@$1.pgp" "$AUD"
}
# replay IN: send IN.pgp again, print the status.
replay() {
	curl -s -o "$T/replay.out" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/pgp-encrypted' \
	    -H "Peerfeed-From: $F" --data-binary "@$1.pgp" "$AUD"
}
[ "$(poll "$T/r1")" = 200 ]
check "a private request before the reindex is answered"

# Four pollers, each one request after another, while the node reindexes.
: >"$T/statuses"
for k in 1 2 3 4; do
	( while [ ! -e "$T/stop" ]; do
		echo "$(poll "$T/p$k")" >>"$T/statuses"
	  done ) &
	track_pid $!
	echo $! >>"$T/pollers"
done
# at_least N: wait (up to 60 s) until N polls were answered.
at_least() {
	i=0
	while [ "$(wc -l <"$T/statuses")" -lt "$1" ] && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
at_least 4
pf a reindex >/dev/null 2>"$T/reindex.err"
check "reindex while four responders answer concurrent polls"
n0=$(wc -l <"$T/statuses")
at_least $((n0 + 8))
touch "$T/stop"
for p in $(cat "$T/pollers"); do wait "$p"; done
cp "$T/p1.pgp" "$T/r2.pgp"
total=$(wc -l <"$T/statuses")
other=$(grep -cvx 200 "$T/statuses")
[ "$total" -ge 12 ] && [ "$other" = 0 ]
check "all $total polls around the reindex answered 200 (not 200: $other)"

desc="a request accepted before the reindex is a replay after it (409)"
[ "$(replay "$T/r1")" = 409 ]
check "$desc"
[ "$(replay "$T/r2")" = 409 ]
check "so is one accepted while the reindex ran"

# A second reindex with the responders idle: each still holds the old
# index until its next request, and doctor says so.
pf a reindex >/dev/null || exit 99
pf a doctor >"$T/doctor.out" 2>&1
grep -q "^WARN 4 processes (pid .*) still hold the index a reindex replaced" \
    "$T/doctor.out"
check "doctor names the four responders still holding the replaced index"

# Changes after the reindex reach the friend without a restart.
P3=$(pf a post --to "key:$F" "three, after the reindex") || exit 99
pf a edit "$P1" "one, edited after the reindex" >/dev/null || exit 99
pf a delete "$P2" >/dev/null || exit 99
fetch f >"$T/fetch.out" 2>&1
check "the friend fetches after the reindex"
stored f a | grep -qx "$P3"
check "a post made after the reindex reached the friend"
grep -q "edited after the reindex" "$T/f/friends/$A/posts/$P1.json"
check "an edit made after the reindex reached the friend"
grep -q '"type": "Tombstone"' "$T/f/friends/$A/posts/$P2.json"
check "a deletion made after the reindex reached the friend"

# After a restart of the responders, the replays are still refused.
for p in $(cat "$T/a.pids"); do kill "$p"; done
for p in $(cat "$T/a.pids"); do
	wait_for sh -c "! kill -0 $p" || exit 99
done
start_responder a 4 || exit 99
[ "$(replay "$T/r1")" = 409 ] && [ "$(replay "$T/r2")" = 409 ]
check "after a restart, both replays are still refused (409)"
[ "$(poll "$T/r3")" = 200 ]
check "and a new request is answered"

done_testing
