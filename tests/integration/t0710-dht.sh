#!/bin/bash
# covers: src/lib/dht.c src/lib/dht_record.c src/cli/cli_dht.c src/fetch/fetch_locate.c
# t0710-dht: discovery through the OpenDHT network.  Three real dhtnode
# processes on loopback UDP ports make a small DHT; node a (responder and
# nginx on loopback) publishes its signed record through one of them; b,
# which has a's key only, finds a's URL through another (peerfeed dht
# lookup), saves it and fetches a's posts.  A record under a's key signed
# by a stranger, or by another friend, or dated in the future, is refused
# with a message saying why; a moves to a new port and republishes, and
# b's fetcher, whose saved URL no longer connects, finds it again in the
# DHT.  Finally, in a fresh DHT holding only a's old record, b refuses
# that replay and keeps the URL it has.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx dhtnode spawn-fcgi curl
"$PEERFEED" dht key 0000000000000000000000000000000000000000 >/dev/null 2>&1
[ $? = 2 ] && skip "peerfeed was built without DHT support (libopendht-c-dev)"

# udp_port: a free UDP port (the kernel's pick, released at once).
udp_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_dht: three dhtnodes, the 2nd and 3rd joining by the 1st; sets
# DHT1..3 to their ports and DHT_PIDS.  None knows any public node.
start_dht() {
	DHT_PIDS=""
	for i in 1 2 3; do
		p=$(udp_port)
		eval "DHT$i=$p"
		boot=""
		[ $i -gt 1 ] && boot="-b 127.0.0.1:$DHT1"
		dhtnode -s -p "$p" $boot </dev/null >"$T/dht$i.log" 2>&1 &
		track_pid $!
		DHT_PIDS="$DHT_PIDS $!"
		sleep 0.3
	done
	for pid in $DHT_PIDS; do
		kill -0 "$pid" 2>/dev/null || { cat "$T"/dht*.log; return 1; }
	done
}

stop_dht() {
	for pid in $DHT_PIDS; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
}

# use_dht NODE PORT: NODE joins the DHT through the dhtnode on PORT.
use_dht() {
	sed -i "s|^dht_bootstrap = .*|dht_bootstrap = 127.0.0.1:$2|" \
	    "$T/$1/peerfeed.conf"
}

# state_url NODE FRIEND: the URL NODE fetches FRIEND from.
state_url() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' \
	    "$T/$1/friends/$(fpr_of "$2")/state.json"
}

# signed_record NODE JSON: JSON, a newline, NODE's detached signature.
signed_record() {
	printf '%s' "$2" >"$T/rec.json"
	pgp "$1" --armor --detach-sign -o - "$T/rec.json" >"$T/rec.sig" || return 1
	cat "$T/rec.json"
	echo
	cat "$T/rec.sig"
}

now_ms() {
	echo $(( $(date +%s) * 1000 ))
}

start_dht || exit 99
serve_node a Alice || exit 99
A_NGINX=$NGINX_PID A_RESPONDER=$RESPONDER_PID
make_node b Bob || exit 99
make_node c Carol || exit 99
make_node m Mallory || exit 99
FA=$(fpr_of a); FB=$(fpr_of b); FC=$(fpr_of c)
URL1=$(url_of a)

pf m dht publish >"$T/p0.out" 2>&1
[ $? = 2 ] && grep -q "dht_bootstrap is empty" "$T/p0.out"
check "publish without dht_bootstrap: exit 2, saying what to set"
sed -i "s|^dht_listen = .*|dht_listen = 127.0.0.2:4222|" "$T/m/peerfeed.conf"
use_dht m "$DHT2"
pf m dht publish >"$T/p0.out" 2>&1
[ $? = 2 ] && grep -q "dht_listen" "$T/p0.out"
check "a dht_listen address libopendht-c cannot bind alone: exit 2, named"
sed -i "s|^dht_listen = .*|dht_listen = |" "$T/m/peerfeed.conf"

use_dht a "$DHT1"; use_dht b "$DHT3"
pf a dht publish --print >"$T/r1.rec"
check "a publishes its signed record through dhtnode 1"
head -1 "$T/r1.rec" | grep -q "^{\"v\":1,\"fpr\":\"$FA\",\"urls\":\[\"$URL1\"\],\"time\":[0-9]*}$" &&
    sed -n 2p "$T/r1.rec" | grep -q "^-----BEGIN PGP SIGNATURE-----$"
check "the record: JSON line {v, fpr, urls, time}, then the armored signature"
head -1 "$T/r1.rec" | tr -d '\n' >"$T/r1.json"
sed 1d "$T/r1.rec" >"$T/r1.sig"
pgp a --verify "$T/r1.sig" "$T/r1.json" 2>/dev/null
check "gpg itself verifies the signature over the JSON line"

# b knows a's key, not its URL.
pf a id --export >"$T/a.asc" && pf b friend add "$T/a.asc" >/dev/null || exit 99
pf c id --export >"$T/c.asc" && pf b friend add "$T/c.asc" >/dev/null || exit 99
pf b id --export | pf a friend add - >/dev/null || exit 99
[ "$(state_url b a)" = "" ]
check "b has a as a friend by key only"
pf b dht lookup "$FA" >"$T/l1.out" 2>"$T/l1.err"
check "b looks a up through dhtnode 3"
[ "$(cat "$T/l1.out")" = "$URL1" ] && [ "$(state_url b a)" = "$URL1" ] &&
    grep -q "is now fetched from $URL1" "$T/l1.err"
check "lookup prints a's URL and saves it in b's state"
PUB=$(pf a post "hello from a") || exit 99
fetch b >"$T/f1.out" 2>&1 && [ "$(stored b a)" = "$PUB" ]
check "b fetches a's post from the URL found in the DHT"
pf b dht lookup "$FA" --json | python3 -c '
import json, sys; d = json.load(sys.stdin)
assert d["fpr"] == sys.argv[1] and d["urls"] == [sys.argv[2]], d
assert d["changed"] is False, d' "$FA" "$URL1"
check "lookup --json: the same record, nothing changed"

# A stranger's record under a's key: refused, the URL kept.
pf m dht key "$FA" | grep -qx "$(pf a dht key "$FA")" || exit 99
use_dht c "$DHT2"
T_NEW=$(( $(now_ms) + 2000 ))
signed_record m "{\"v\":1,\"fpr\":\"$FA\",\"urls\":[\"http://127.0.0.1:1/evil\"],\"time\":$T_NEW}" \
    >"$T/forged.rec" || exit 99
pf m dht publish --record "$T/forged.rec" >/dev/null
check "m puts a record claiming to be a's, signed by m's key"
pf b dht lookup "$FA" >"$T/l2.out" 2>"$T/l2.err"
check "lookup still succeeds with a's own record"
grep -q "refused a record for $FA: signed by unknown key" "$T/l2.err" &&
    [ "$(cat "$T/l2.out")" = "$URL1" ] && [ "$(state_url b a)" = "$URL1" ]
check "the stranger's record is refused, saying so; the URL stays a's"
# Signed by c, a friend of b's, but not a.
signed_record c "{\"v\":1,\"fpr\":\"$FA\",\"urls\":[\"http://127.0.0.1:2/evil\"],\"time\":$T_NEW}" \
    >"$T/forged2.rec" || exit 99
pf c dht publish --record "$T/forged2.rec" >/dev/null || exit 99
pf b dht lookup "$FA" >/dev/null 2>"$T/l3.err"
grep "refused" "$T/l3.err" | grep -v "unknown key" | grep -q "$FC" &&
    [ "$(state_url b a)" = "$URL1" ]
check "a record signed by another friend's key is refused, naming that key"
# Signed by a, but dated an hour ahead (a clock gone wrong).
signed_record a "{\"v\":1,\"fpr\":\"$FA\",\"urls\":[\"http://127.0.0.1:3/future\"],\"time\":$(( $(now_ms) + 3600000 ))}" \
    >"$T/future.rec" || exit 99
fails "publish --record refuses a record dated in the future" \
    pf m dht publish --record "$T/future.rec"
printf 'not a record' >"$T/junk.rec"
pf m dht publish --record "$T/junk.rec" >"$T/junk.out" 2>&1
[ $? = 1 ] && grep -q "no newline" "$T/junk.out"
check "publish --record refuses bytes that are not a record"
head -c 5000 /dev/zero | tr '\0' x >"$T/big.rec"
pf m dht publish --record "$T/big.rec" >"$T/big.out" 2>&1
[ $? != 0 ] && grep -q "larger than 4096 bytes" "$T/big.out"
check "publish --record refuses an oversize record before anything else"

# a moves: new port, new URL; republishes.  b's fetcher finds it.
kill "$A_NGINX" "$A_RESPONDER"; wait "$A_NGINX" "$A_RESPONDER" 2>/dev/null
port=$(free_port)
echo "$port" >"$T/a.port"
URL2=$(url_of a)
sed -i "s|^url = .*|url = $URL2|" "$T/a/peerfeed.conf"
start_responder a && start_nginx a "$port" || exit 99
sleep 1	# the record's time must move past r1's
pf a dht publish --print >"$T/r2.rec"
check "a republishes from its new URL"
MOVED=$(pf a post "after the move") || exit 99
fetch b >"$T/f2.out" 2>&1
check "b's fetcher, a's saved URL dead, finds a again (exit 0)"
[ "$(state_url b a)" = "$URL2" ] && stored b a | grep -qx "$MOVED"
check "the fetcher saved a's new URL and got the post made after the move"
grep -q "found at $URL2" "$T/f2.out"
check "the fetcher says where it found a"
python3 -c 'import json, sys
seen = json.load(open(sys.argv[1]))
rec = json.loads(open(sys.argv[2]).readline())
assert seen["time"] == rec["time"], (seen, rec)' \
    "$T/b/friends/$FA/dht.json" "$T/r2.rec"
check "it was the DHT: b remembers a's new record as the one accepted"
pf b dht lookup "$FA" >"$T/l4.out" 2>"$T/l4.err"
[ "$(cat "$T/l4.out")" = "$URL2" ] &&
    grep -q "refused as a possible replay" "$T/l4.err"
check "lookup: the new record; the old one, still in the DHT, refused as older"

# A fresh DHT that holds only a's first record, replayed by m.
stop_dht
start_dht || exit 99
use_dht a "$DHT1"; use_dht b "$DHT3"; use_dht m "$DHT2"
pf m dht publish --record "$T/r1.rec" >/dev/null
check "m replays a's first record into a fresh DHT"
pf b dht lookup "$FA" >"$T/l5.out" 2>"$T/l5.err"
rc=$?
[ $rc = 1 ] && grep -q "refused as a possible replay" "$T/l5.err" &&
    grep -q "only records older than the one accepted" "$T/l5.err" &&
    [ "$(state_url b a)" = "$URL2" ]
check "the replayed old record is refused (exit 1); b keeps a's new URL"
pf b dht lookup "$(fpr_of m)" >"$T/l6.out" 2>&1
[ $? = 1 ] && grep -q "not a friend's key" "$T/l6.out"
check "lookup of a key that is no friend's: refused before any traffic"
fetch b >"$T/f3.out" 2>&1 && [ "$(state_url b a)" = "$URL2" ]
check "b still fetches a at its new URL"
stop_dht

done_testing
