#!/bin/bash
# covers: src/fcgi/budget.c src/fcgi/api_feed.c src/fcgi/app.c conf/nginx/peerfeed.conf conf/nginx/peerfeed-limits.conf conf/lighttpd/peerfeed.conf conf/lighttpd/peerfeed-limits.lua
# t0230-limits: the rate limits that are on by default (issue 13 items 3
# and 4; doc/INSTALL.md "Rate limits", PROTOCOL.md "Errors"), through the
# shipped files as they are (LIMITS=shipped: nginx's snippet and
# conf.d/peerfeed-limits.conf, lighttpd's snippet and peerfeed-limits.lua).
# - Web servers: a flood of POSTs from one client address gets 429 with
#   Retry-After after the burst (a friend's burst of 100 passes), while
#   another address, and GETs from the flooding one, still get through.
# - The responder's OpenPGP budget (pgp_rate 1, pgp_burst 3 here): a flood
#   of private requests signed by a stranger gets 429 + Retry-After; a
#   friend's idle poll (304) is not counted and passes during it; the
#   friend's full poll after Retry-After succeeds.
# - The owner logs in from another address while an attacker sends a wrong
#   password every 250 ms: the owner always gets in.
# The client address reaches the responder as REMOTE_ADDR (fastcgi_params,
# lighttpd's own): curl --interface picks 127.0.0.x.
. "$(dirname "$0")/lib.sh"
LIMITS=shipped
. "$(dirname "$0")/lib_http.sh"
need nginx lighttpd
[ -e /usr/lib/lighttpd/mod_magnet.so ] ||
    skip "lighttpd's mod_magnet (lighttpd-modules-lua) is not installed"

for n in a f s; do
	make_node $n "Node $n" || exit 99
done
A=$(fpr_of a); F=$(fpr_of f); S=$(fpr_of s)
pf f id --export | pf a friend add - >/dev/null || exit 99
for n in f s; do
	pf a id --export | pgp $n --import 2>/dev/null || exit 99
done
AUD="http://127.0.0.1/peerfeed/feed"
pf a post "public one" >/dev/null || exit 99
grep -qx 'pgp_rate = 4' "$T/a/peerfeed.conf" &&
    grep -qx 'pgp_burst = 40' "$T/a/peerfeed.conf"
check "a new node's peerfeed.conf has the budget on: pgp_rate 4, pgp_burst 40"
sed -i -e 's/^pgp_rate = .*/pgp_rate = 1/' \
    -e 's/^pgp_burst = .*/pgp_burst = 3/' "$T/a/peerfeed.conf"

start_responder a || exit 99
NPORT=$(free_port); LPORT=$(free_port)
start_nginx a "$NPORT" || { cat "$T/nginx-a/logs/error.log"; exit 99; }
start_lighttpd a "$LPORT" || { cat "$T/lighttpd-a/error.log"; exit 99; }
printf 'junk, not OpenPGP' >"$T/junk"

# flood BASE PATH FROM N: N POSTs of junk (GETs if GETS is set) from
# address FROM in one curl
# (one connection), the status codes one a line in $T/codes, the headers
# of all in $T/flood.hdr, the bodies in $T/flood.out/1..N.
flood() {
	rm -rf "$T/flood.out"; mkdir "$T/flood.out"
	for i in $(seq "$4"); do
		printf 'url = "%s%s"\noutput = "%s/%s"\n' "$1" "$2" "$T/flood.out" "$i"
	done >"$T/flood.cfg"
	if [ -n "${GETS:-}" ]; then
		curl -s -K "$T/flood.cfg" --interface "$3" -w '%{http_code}\n' \
		    >"$T/codes"
		return
	fi
	curl -s -K "$T/flood.cfg" --interface "$3" -D "$T/flood.hdr" \
	    -w '%{http_code}\n' -X POST --data-binary "@$T/junk" \
	    -H "Peerfeed-From: $F" -H "Content-Type: application/pgp-encrypted" \
	    >"$T/codes"
}

# web_limits NAME BASE: the web server's own limit on BASE.
web_limits() {
	flood "$2" /feed 127.0.0.2 160
	first=$(grep -n '^429$' "$T/codes" | head -1 | cut -d: -f1)
	n429=$(grep -c '^429$' "$T/codes")
	desc="$1: 160 POSTs from one address: the first ${first:-none}th gets 429 ($n429 in all; before: $(head -1 "$T/codes"))"
	[ -n "$first" ] && [ "$first" -gt 100 ] &&
	    ! head -n 100 "$T/codes" | grep -q 429
	check "$desc"
	grep -qi '^retry-after: 1' "$T/flood.hdr" &&
	    is_json_error "$T/flood.out/$first" &&
	    grep -q '"too many requests"' "$T/flood.out/$first"
	check "$1: the 429 is a JSON error with Retry-After: 1"
	code=$(http_status POST "$2/feed" --interface 127.0.0.3 \
	    -H "Peerfeed-From: $F" -H "Content-Type: application/pgp-encrypted" \
	    --data-binary "@$T/junk")
	desc="$1: meanwhile another address gets through to the responder ($code)"
	[ "$code" = 400 ]
	check "$desc"
	GETS=1 flood "$2" /feed 127.0.0.2 160
	desc="$1: 160 GETs of the feed from the flooding address are not limited ($(sort "$T/codes" | uniq -c | tr '\n' ' '))"
	[ "$(grep -c '^200$' "$T/codes")" = 160 ]
	check "$desc"
	flood "$2" /media 127.0.0.2 10
	desc="$1: POST /media from the flooding address is limited too ($(tr '\n' ' ' <"$T/codes"))"
	grep -q '^429$' "$T/codes"
	check "$desc"
}
web_limits nginx "http://127.0.0.1:$NPORT/peerfeed"
web_limits lighttpd "http://127.0.0.1:$LPORT/peerfeed"

# --- the responder's budget, behind nginx, from addresses nginx lets by ---
BASE="http://127.0.0.1:$NPORT/peerfeed"
# send FILE FROM FPR: a private request; status out, body in $T/resp,
# headers in $T/resp.hdr.
send() {
	curl -s -o "$T/resp" -D "$T/resp.hdr" -w '%{http_code}' -X POST \
	    -H "Content-Type: application/pgp-encrypted" --interface "$2" \
	    -H "Peerfeed-From: $3" --data-binary "@$1" "$BASE/feed"
}
req "$F" | seal f >"$T/f1.pgp" || exit 99
code=$(send "$T/f1.pgp" 127.0.0.4 "$F")
TAG=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\([^[:space:]]*\).*/\1/p' "$T/resp.hdr")
desc="the friend's first poll: 200 with an ETag ($code, $TAG)"
[ "$code" = 200 ] && [ -n "$TAG" ]
check "$desc"
# Sealed beforehand, sent at once: 12 requests by a stranger, one each
# from 127.0.0.10 to .21 (so nginx's limit per address is not what stops
# them).
for i in $(seq 10 21); do
	req "$S" | seal s >"$T/s$i.pgp" || exit 99
done
pids=""
for i in $(seq 10 21); do
	curl -s -o "$T/s$i.resp" -D "$T/s$i.hdr" -w '%{http_code}\n' -X POST \
	    -H "Content-Type: application/pgp-encrypted" --interface "127.0.0.$i" \
	    -H "Peerfeed-From: $S" --data-binary "@$T/s$i.pgp" "$BASE/feed" \
	    >"$T/s$i.code" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
cat "$T"/s*.code | sort | uniq -c | sed 's/^/# /'
n429=$(cat "$T"/s*.code | grep -c 429)
n403=$(cat "$T"/s*.code | grep -c 403)
desc="12 stranger requests at once: $n429 get 429, $n403 the 403 of a stranger"
[ "$n429" -ge 3 ] && [ $((n429 + n403)) = 12 ]
check "$desc"
ok429() {
	for i in $(seq 10 21); do
		[ "$(cat "$T/s$i.code")" = 429 ] || continue
		grep -qi '^retry-after: 1' "$T/s$i.hdr" &&
		    grep -q '"too many requests"' "$T/s$i.resp" || return 1
	done
}
ok "each 429 carries Retry-After: 1 and the error \"too many requests\"" ok429
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --interface 127.0.0.4 \
    -H "Peerfeed-From: $F" -H "If-None-Match: $TAG" "$BASE/feed")
desc="meanwhile the friend's idle poll is a 304: no OpenPGP work, not counted ($code)"
[ "$code" = 304 ]
check "$desc"
sleep 2
req "$F" | seal f >"$T/f2.pgp" || exit 99
code=$(send "$T/f2.pgp" 127.0.0.4 "$F")
desc="after Retry-After the friend's poll succeeds ($code)"
[ "$code" = 200 ]
check "$desc"

# --- the login: an attacker every 250 ms, the owner from another address ---
printf 'correct horse battery\n' | pf a passwd --stdin >/dev/null || exit 99
APP="$BASE/app"
# login FROM PASSWORD JAR: fetch the form, post it; the status out.
login() {
	rm -f "$3"
	curl -s -o "$3.body" --interface "$1" -c "$3" "$APP/login" || return 1
	tok=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$3.body")
	curl -s -o "$3.body" -w '%{http_code}' --interface "$1" -b "$3" -c "$3" \
	    --data-urlencode "password=$2" --data "csrf=$tok" "$APP/login"
}
( while :; do login 127.0.0.30 'wrong password' "$T/evil" >>"$T/evil.codes"
	echo >>"$T/evil.codes"; sleep 0.25; done ) &
EVIL=$!
track_pid $EVIL
sleep 1
: >"$T/owner.codes"
for i in $(seq 8); do
	c=$(login 127.0.0.1 'correct horse battery' "$T/owner")
	grep -q pfsid "$T/owner" || c="$c-nocookie"
	echo "$c" >>"$T/owner.codes"
	sleep 0.5
done
kill "$EVIL"; wait "$EVIL" 2>/dev/null
echo "# attacker: $(sort "$T/evil.codes" | uniq -c | tr '\n' ' ')"
desc="the owner logs in 8 times of 8 during the attack ($(tr '\n' ' ' <"$T/owner.codes"))"
[ "$(grep -c '^303$' "$T/owner.codes")" = 8 ]
check "$desc"
desc="the attacker's guesses get 401, or 429 while it waits"
[ "$(grep -c '^401$' "$T/evil.codes")" -ge 1 ] &&
    ! grep -qv '^\(401\|429\|\)$' "$T/evil.codes"
check "$desc"
done_testing
