#!/bin/bash
# covers: src/cli/reach_onion.c src/cli/cli_reach.c src/lib/net.c src/fetch/fetch.c src/fetch/fetch_locate.c src/lib/node_friend.c src/fcgi/app.c
# t0725-onion: the onion method of peerfeed reach and the fetcher's way to
# .onion URLs (issue 15; doc/PROTOCOL.md "Base URL", doc/INSTALL.md
# "Friends on other networks").  With reach = onion, peerfeed reach writes
# DIR/onion.torrc for the system tor and, until tor has made the hostname
# file, says what to do and gives no URL; with the hostname there, it gives
# http://<name>.onion/peerfeed, which GET / then lists.  The friend b
# fetches a's private post by that URL through a SOCKS5 stand-in for tor
# (fake_socks.py, mapping the onion name to a's web server): the name goes
# to the proxy (socks5h), strace shows no DNS query (no connect to port
# 53) from the fetcher; when the onion URL fails, b falls back to a's
# next URL (as a's GET / listed them) and keeps the one that answered;
# clearnet URLs never go through the proxy.
# Without tor_socks the onion URL is skipped with a clear message; a proxy
# that hangs or answers garbage gets a bounded wait and a clear message;
# an onion name the proxy maps to another node's key is refused by
# friend add.  The owner's login page over the onion name gives no
# plain-HTTP warning.  The real-tor version is t0726 (make check-tor).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx python3 strace curl
# The background servers run by the real interpreter: a python3 on PATH
# may be a wrapper (pyenv's shim) whose PID is not the server's, so that
# stopping it by PID would leave the server running.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

serve_node a Alice || exit 99
serve_node b Bob || exit 99
serve_node c Carol || exit 99
FA=$(fpr_of a); FB=$(fpr_of b)
LIVE=$(url_of a)
APORT=$(cat "$T/a.port")
ONAME=$(python3 -c 'import random; r=random.Random(7); print("".join(r.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(55)) + "d.onion")')
ONION=http://$ONAME/peerfeed

# 1. peerfeed reach, onion: the torrc lines, then the URL once tor made it.
echo "reach = onion" >>"$T/a/peerfeed.conf"
pf a reach >"$T/r1.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "onion: no URL: tor has not created $T/a/onion/hostname" \
    "$T/r1.out" && grep -q "%include $T/a/onion.torrc" "$T/r1.out"
check "reach without tor's hostname file: exit 1, says what to include"
grep -qx "HiddenServiceDir $T/a/onion" "$T/a/onion.torrc" &&
    grep -qx "HiddenServicePort 80 127.0.0.1:$APORT" "$T/a/onion.torrc" &&
    grep -qx "HiddenServiceDirGroupReadable 1" "$T/a/onion.torrc"
check "onion.torrc: service directory in the state dir, port 80 to the web server"

mkdir -m 0750 "$T/a/onion"
echo "${ONAME%d.onion}x.onion" >"$T/a/onion/hostname"
pf a reach >"$T/r2.out" 2>&1
[ $? = 1 ] && grep -q "does not hold a version 3 onion name" "$T/r2.out"
check "a hostname file that is no v3 onion name gives no URL"

echo "$ONAME" >"$T/a/onion/hostname"
ok "reach with tor's hostname file: exit 0" pf a reach
pf a reach --json >"$T/r3.json"
http_get "$LIVE/" "$T/info.json" >/dev/null
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2]))
o=[m for m in r["methods"] if m["method"]=="onion"][0]
assert o["url"]==sys.argv[3] and o["how"]=="tor", o
assert d["urls"][-1]==sys.argv[3], d' "$T/r3.json" "$T/info.json" "$ONION"
check "reach gives the onion URL and GET / lists it"

# 2. b adds a by its onion URL through the stand-in and fetches.
SOCKS_PID=
socks() {
	[ -n "$SOCKS_PID" ] && { kill "$SOCKS_PID"; wait "$SOCKS_PID" 2>/dev/null; }
	rm -f "$T/socks.port"
	"$PY" "$top_srcdir/tests/integration/fake_socks.py" "$T/socks.port" \
	    "$T/socks.log" "$@" &
	SOCKS_PID=$!
	track_pid "$SOCKS_PID"
	wait_for test -s "$T/socks.port" || return 1
	SP=$(cat "$T/socks.port")
	sed -i '/^tor_socks/d' "$T/b/peerfeed.conf"
	echo "tor_socks = 127.0.0.1:$SP" >>"$T/b/peerfeed.conf"
}
socks map "$ONAME=127.0.0.1:$APORT" || exit 99

ok "b adds a by its onion URL (key fetched through the proxy)" \
    pf b friend add --url "$ONION" --fpr "$FA"
ok "a adds b" befriend a b
pf a group add family "$FB" >/dev/null || exit 99
FAM=$(pf a post --to group:family "for the family, over tor") || exit 99
strace -f -qq -e trace=connect -o "$T/strace.out" \
    "$PEERFEED_FETCH" -d "$T/b" >"$T/f1.out" 2>&1
check "b fetches from a's onion URL"
[ "$(stored b a)" = "$FAM" ]
check "the private post arrived through the proxy (aud named the onion URL)"
grep -qx "domain $ONAME 80" "$T/socks.log" && ! grep -q "^ipv" "$T/socks.log"
check "the onion name went to the proxy unresolved (socks5h)"
! grep -q 'htons(53)' "$T/strace.out" && grep -q "htons($SP)" "$T/strace.out"
check "strace: the fetcher connected to the proxy and asked no DNS server"
# The detector works: a lookup of a name does connect to port 53.
strace -f -qq -e trace=connect -o "$T/strace-ctl.out" \
    curl -s -m 3 http://peerfeed-test.invalid/ >/dev/null 2>&1
grep -q 'htons(53)' "$T/strace-ctl.out"
check "control: strace sees a DNS query when curl looks a name up"

# doctor: the node's own onion URL through the proxy, then without it.
echo "tor_socks = 127.0.0.1:$SP" >>"$T/a/peerfeed.conf"
pf a doctor >"$T/doc1.out" 2>&1
grep -q "reach onion: $ONION answers through tor with this node's fingerprint" "$T/doc1.out"
check "doctor: the onion URL answers through tor with this node's key"
sed -i '/^tor_socks/d' "$T/a/peerfeed.conf"
pf a doctor >"$T/doc2.out" 2>&1
grep -q "FAIL.*reach onion: tor made $ONION, but without tor_socks" "$T/doc2.out"
check "doctor without tor_socks: says to set it"

# The owner's web page over the onion name (as Tor Browser asks for it):
# no "plain HTTP" warning, since Tor Browser keeps the Secure cookie there.
st=$(curl -s -o "$T/login.html" -w '%{http_code}' \
    --socks5-hostname "127.0.0.1:$SP" "$ONION/app/login")
[ "$st" = 200 ] && grep -q 'type="password"' "$T/login.html" &&
    ! grep -q "plain HTTP" "$T/login.html"
check "the login page over the onion name raises no plain-HTTP warning"
st=$(curl -s -o "$T/login2.html" -w '%{http_code}' -H "Host: raspberrypi.local" \
    "$LIVE/app/login")
[ "$st" = 200 ] && grep -q "came over plain HTTP" "$T/login2.html"
check "control: the same page under a LAN name warns"

# 3. Fallback: the onion URL fails (the proxy no longer knows the name);
# b tries a's other URLs in the order a's GET / listed them when b added
# it, finds LIVE answering for a's key, fetches there and keeps it; LIVE
# never goes through the proxy.
[ "$(cat "$T/b/friends/$FA/urls")" = "$(printf '%s\n' "$LIVE" "$ONION")" ]
check "friend add kept a's URLs in a's order"
socks map || exit 99
: >"$T/socks.log"
FAM2=$(pf a post --to group:family "second, over the clearnet") || exit 99
fetch b >"$T/f5.out" 2>&1
check "b fetches although the onion URL fails"
stored b a | grep -qx "$FAM2" && grep -q "did not connect, found at $LIVE" "$T/f5.out" &&
    grep -q "\"url\": \"$LIVE\"" "$T/b/friends/$FA/state.json"
check "fallback to a's second known URL: the post arrived, that URL is kept"
grep -qx "domain $ONAME 80" "$T/socks.log" && ! grep -q 127.0.0.1 "$T/socks.log"
check "the clearnet fetch did not go through the proxy"
socks map "$ONAME=127.0.0.1:$APORT" || exit 99
: >"$T/socks.log"

# A clearnet URL that redirects to the onion URL: the name is not looked up.
"$PY" -c 'import http.server,sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(s):
        s.send_response(302); s.send_header("Location", sys.argv[2] + "/key"); s.end_headers()
    def log_message(s, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(srv.server_address[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1]); srv.serve_forever()' \
    "$T/redir.port" "$ONION" &
track_pid $!
wait_for test -s "$T/redir.port" || exit 99
REDIR=http://127.0.0.1:$(cat "$T/redir.port")/peerfeed
strace -f -qq -e trace=connect -o "$T/strace3.out" \
    "$PEERFEED" -d "$T/b" friend add --url "$REDIR" --fpr "$FA" >"$T/redir.out" 2>&1
[ $? != 0 ] && ! grep -q 'htons(53)' "$T/strace3.out" &&
    grep -q "never looked up in DNS" "$T/redir.out" && [ ! -s "$T/socks.log" ]
check "a clearnet redirect to an onion URL: refused, no DNS query, no proxy"

# 4. Without tor_socks: skipped with a clear message, no DNS, no proxy.
ok "b back to the onion URL" pf b friend add --url "$ONION" --fpr "$FA"
sed -i '/^tor_socks/d' "$T/b/peerfeed.conf"
: >"$T/socks.log"
strace -f -qq -e trace=connect -o "$T/strace2.out" \
    "$PEERFEED_FETCH" -d "$T/b" >"$T/f2.out" 2>&1
[ $? = 1 ] && grep -q "an .onion URL, skipped: no tor_socks" "$T/f2.out" &&
    ! grep -q 'htons(53)' "$T/strace2.out" && [ ! -s "$T/socks.log" ]
check "no tor_socks: the onion URL is skipped with a message, no DNS query"

# 5. A proxy that hangs, one that answers garbage: bounded, clear (with
# no other URL of a's known, so that the failure shows).
rm "$T/b/friends/$FA/urls"
socks hang || exit 99
t0=$(date +%s)
fetch b >"$T/f3.out" 2>&1
rc=$? t=$(( $(date +%s) - t0 ))
[ $rc = 1 ] && [ $t -le 40 ] && grep -q "through tor's SOCKS port 127.0.0.1:$SP" "$T/f3.out"
check "a hanging proxy: fetch fails within the connect timeout and says so"
echo "# hanging proxy: $t s"
socks garbage || exit 99
fetch b >"$T/f4.out" 2>&1
[ $? = 1 ] && grep -q "through tor's SOCKS port" "$T/f4.out"
check "a proxy answering garbage: fetch fails and says so"
cat "$T/f3.out" "$T/f4.out" | sed 's/^/# /'

# 6. An onion name that leads to another node's key is refused, by friend
# add and by the fetcher, which asks an onion URL's GET / before any
# private request (the proxy, not DNS, decides where the name leads).
socks map "$ONAME=127.0.0.1:$(cat "$T/c.port")" || exit 99
fails "friend add: the onion URL answers with another key" \
    pf b friend add --url "$ONION" --fpr "$FA"
FC=$(fpr_of c)
: >"$T/nginx-c/logs/access.log"
fetch b >"$T/f5.out" 2>&1
[ $? = 1 ] && grep -q "answers for $FC, not for this friend's key: no private request sent" \
    "$T/f5.out" && grep -q "GET /peerfeed/ " "$T/nginx-c/logs/access.log" &&
    ! grep -q "POST" "$T/nginx-c/logs/access.log"
check "fetch: the saved onion URL answers GET / for another key: no private request sent to it"
sed 's/^/# /' "$T/f5.out"
echo "tor_socks = 127.0.0.1:$SP" >>"$T/a/peerfeed.conf"
pf a doctor >"$T/doc3.out" 2>&1
grep -q "FAIL.*reach onion: $ONION answers through tor for $(fpr_of c), not this node" "$T/doc3.out"
check "doctor: an onion URL that answers for another key is a failure"
socks hang || exit 99
sed -i '/^tor_socks/d' "$T/a/peerfeed.conf"
echo "tor_socks = 127.0.0.1:$SP" >>"$T/a/peerfeed.conf"
pf a doctor >"$T/doc4.out" 2>&1
grep -q "FAIL.*reach onion: $ONION does not answer through tor.*is tor running" "$T/doc4.out"
check "doctor: no answer through tor says to look at tor"

# 7. reach no longer lists onion: the torrc lists no service, the URL goes.
sed -i '/^reach/d' "$T/a/peerfeed.conf"
pf a reach >"$T/r4.out" 2>&1
grep -q "onion: no URL: not in reach: $T/a/onion.torrc lists no service" "$T/r4.out" &&
    ! grep -q HiddenServiceDir "$T/a/onion.torrc"
check "onion out of reach: onion.torrc emptied, the owner told to reload tor"
http_get "$LIVE/" "$T/info.json" >/dev/null
! grep -q onion "$T/info.json"
check "GET / no longer lists the onion URL"

done_testing
