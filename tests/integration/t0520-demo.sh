#!/bin/bash
# covers: deploy/demo
# t0520-demo: deploy/demo end to end: two nodes behind nginx, bob fetches
# alice, a second start says it runs, `deploy/demo stop` stops everything
# it started and frees the ports; the image post is a real PNG, alice's
# web password is set and the page's URL printed; `deploy/demo add carol`
# adds a third node that alice fetches.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx
: "${PEERFEED_FETCH:=$top_builddir/src/peerfeed-fetch}"
for p in "$PEERFEED" "$PEERFEED_FCGI" "$PEERFEED_FETCH"; do
	[ -x "$p" ] || skip "$p not built"
done
# The demo takes the programs of this build (srcdir may differ: distcheck).
PEERFEED_BINDIR=$(dirname "$PEERFEED")
export PEERFEED_BINDIR
D=$T/demo
DEMO_DIR=$D "$top_srcdir/deploy/demo" >"$T/demo.out" 2>&1 &
track_pid $!
wait_ready() {
	i=0
	while [ ! -e "$D/ready" ]; do
		i=$((i + 1))
		[ $i -gt 1200 ] && return 1
		sleep 0.1
	done
}
wait_ready
check "the demo comes up (DEMO_DIR/ready)"
track_gnupghome "$D/alice/gnupg"
track_gnupghome "$D/bob/gnupg"
sed 's/^/#   /' "$T/demo.out"
pa=$(sed -n 's|^  alice: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/info")
pb=$(sed -n 's|^  bob: *http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/info")
[ -n "$pa" ] && [ -n "$pb" ]
check "it prints both nodes' ports"
[ "$(http_get "http://127.0.0.1:$pa/peerfeed/" "$T/info.json")" = 200 ] &&
    grep -q "$("$PEERFEED" -d "$D/alice" id --fpr)" "$T/info.json"
check "curl alice's /peerfeed/: node info with her fingerprint"
[ "$(http_get "http://127.0.0.1:$pa/peerfeed/feed" "$T/feed.json")" = 200 ] &&
    grep -q 'Hello from my own server' "$T/feed.json"
check "curl alice's /peerfeed/feed: her public posts"
ok "peerfeed-fetch for bob" "$PEERFEED_FETCH" -d "$D/bob"
"$PEERFEED" -d "$D/bob" timeline >"$T/tl"
grep -q 'Hello from my own server' "$T/tl" && grep -q 'Bob, only you can read this' "$T/tl"
check "bob's timeline holds alice's public and private posts"
grep -q "alice's web page: http://127.0.0.1:$pa/peerfeed/app/   (password: peerfeed-demo)" "$T/demo.out" &&
    [ -s "$D/alice/app/passwd" ]
check "it sets alice's web password and prints the web page's URL"
python3 - "$D"/alice/media/* <<'PY'
import struct, sys, zlib
ok = False
for f in sys.argv[1:]:
    b = open(f, "rb").read()
    if b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR":
        w, h = struct.unpack(">II", b[16:24])
        i = b.index(b"IDAT")
        n = struct.unpack(">I", b[i - 4:i])[0]
        ok = w == 96 and h == 64 and len(zlib.decompress(b[i + 4:i + 4 + n])) == h * (1 + 3 * w)
sys.exit(0 if ok else 1)
PY
check "the demo's image post carries a real 96x64 PNG (it decodes)"
DEMO_DIR=$D "$top_srcdir/deploy/demo" add carol >"$T/add.out" 2>&1
check "deploy/demo add carol"
track_gnupghome "$D/carol/gnupg"
sed 's/^/#   /' "$T/add.out"
pc=$(sed -n 's|^  carol: *http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/info")
[ -n "$pc" ] && [ "$(http_get "http://127.0.0.1:$pc/peerfeed/" "$T/c.json")" = 200 ] &&
    grep -q "$("$PEERFEED" -d "$D/carol" id --fpr)" "$T/c.json"
check "carol's node answers at the port the demo's info names"
"$PEERFEED_FETCH" -d "$D/alice" >/dev/null 2>&1
"$PEERFEED" -d "$D/alice" timeline | grep -q 'Hi, Carol here'
check "alice fetches carol, her friend, and reads her post"
DEMO_DIR=$D "$top_srcdir/deploy/demo" >"$T/again.out" 2>&1
check "a second start exits 0"
grep -q 'already running' "$T/again.out"
check "and says the demo is already running"
pids=$(echo $(cat "$D/pids"))
DEMO_DIR=$D "$top_srcdir/deploy/demo" stop >/dev/null
check "deploy/demo stop"
alive=""
for p in $pids; do
	kill -0 "$p" 2>/dev/null && alive="$alive $p"
done
[ -z "$alive" ]
check "every process it started is gone (pids:$pids; alive:$alive)"
! (exec 3<>"/dev/tcp/127.0.0.1/$pa") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$pb") 2>/dev/null
check "both ports are closed"
wait_for test ! -e "$D/ready"
check "the demo's foreground run ends too"
done_testing
