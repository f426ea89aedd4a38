#!/bin/bash
# covers: src/lib/mdns.c src/fetch/fetch_locate.c src/cli/cli_discover.c deploy/avahi/peerfeed.service
# t0700-mdns: friends found on the LAN by mDNS (issue 8).  Two hosts, each
# a network namespace joined by a veth pair, each with its own D-Bus system
# bus and avahi-daemon.  Host B runs node b behind nginx on port 80 and
# announces it with the shipped deploy/avahi/peerfeed.service; host A's
# node a knows b by its key only, no URL.  peerfeed-fetch on A must find b,
# fetch its posts and save the URL; a stranger announcing the same service
# type is never used; when b moves to another address it is found again.
# When b's own url (peerfeed.conf) does not answer from A (no hairpin NAT),
# A reaches b where it was found, each request still naming b's own url,
# which stays the URL saved; when that url does answer, it is used.
# Needs root (namespaces, mounts); CI runs it as root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
need ip dbus-daemon avahi-daemon avahi-publish avahi-browse nginx
[ -d /etc/avahi/services ] || skip "avahi-daemon not installed (/etc/avahi/services)"
"$PEERFEED" discover --timeout 1 >/dev/null 2>&1
[ $? -ne 2 ] || skip "this build has no mDNS support (configure --with-avahi)"

NA=pf$$a NB=pf$$b			# namespaces, also the veth ends
NET=10.213.$(( $$ % 200 + 20 ))		# a /24 inside the test's own veth
A_IP=$NET.1 B_IP=$NET.2 B_IP2=$NET.3

netns_cleanup() {
	cleanup
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
}
trap netns_cleanup EXIT

# on HOST CMD...: run CMD in host A's or B's namespace, with its bus.
on() {
	h=$1; shift
	ns=$NA; [ "$h" = B ] && ns=$NB
	ip netns exec "$ns" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/$h/bus" "$@"
}

# host H NS IFACE IP: the namespace, its end of the veth, its bus and its
# avahi-daemon (announcing what is in $T/H/services).
host() {
	h=$1; ns=$2; ifc=$3; ip=$4; d="$T/$h"
	mkdir -p "$d/services"
	ip link set "$ifc" netns "$ns" && ip -n "$ns" link set lo up &&
	    ip -n "$ns" addr add "$ip/24" dev "$ifc" &&
	    ip -n "$ns" link set "$ifc" up || return 1
	cat >"$d/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$d/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
	cat >"$d/avahi.conf" <<EOF
[server]
host-name=pfhost$h
use-ipv4=yes
use-ipv6=no
allow-interfaces=$ifc
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
EOF
	ip netns exec "$ns" dbus-daemon --config-file="$d/bus.conf" --nofork \
	    --nopidfile 2>"$d/bus.log" &
	track_pid $!
	wait_for test -S "$d/bus" || return 1
	# ip netns exec gives the daemon its own mount namespace: a private
	# /run (for /run/avahi-daemon) and our services directory.
	ip netns exec "$ns" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$d/bus" \
	    sh -c "mount -t tmpfs none /run && mkdir /run/avahi-daemon &&
	    mount --bind '$d/services' /etc/avahi/services &&
	    exec avahi-daemon -f '$d/avahi.conf' --no-drop-root --no-chroot \
	    --no-rlimits" >"$d/avahi.log" 2>&1 &
	eval "AVAHI_$h=$!"
	track_pid $!
	wait_for grep -q "Server startup complete" "$d/avahi.log" ||
	    { cat "$d/avahi.log"; return 1; }
}

# web NODE PORT: nginx in B's namespace on PORT, the shipped snippet in
# front of NODE's responder (which runs outside, on its unix socket).
web() {
	port=$2
	nginx_conf "$1" "$port" || return 1
	ip netns exec "$NB" "$NGINX" -p "$d" -c "$d/nginx.conf" \
	    -e "$d/logs/error.log" &
	track_pid $!
	wait_for on B curl -sf -o /dev/null "http://$B_IP:$port/peerfeed/"
}

# seen WORD: host A's avahi resolves a _peerfeed._tcp service whose name
# has WORD in it (avahi-browse -p writes a space as \032).
seen() {
	on A avahi-browse -rtp _peerfeed._tcp |
	    grep -q "^=;[^;]*;[^;]*;[^;]*$1[^;]*;_peerfeed._tcp;"
}

# seen_at IP: host A's avahi resolves b's service to IP.
seen_at() {
	on A avahi-browse -rtp _peerfeed._tcp | grep -q "^=.*;$1;80;"
}

state_url() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' \
	    "$T/a/friends/$(fpr_of b)/state.json"
}

ip netns add "$NA" && ip netns add "$NB" &&
    ip link add "$NA" type veth peer name "$NB" ||
    { echo "FAIL: cannot make network namespaces"; exit 99; }
host A "$NA" "$NA" "$A_IP" || { echo "FAIL: host A"; exit 99; }
host B "$NB" "$NB" "$B_IP" || { echo "FAIL: host B"; exit 99; }

# Node b on host B (port 80, as the service file says); its friend a.
make_node a "Alice" && make_node b "Bob" && make_node c "Mallory" ||
    { echo "FAIL: nodes"; exit 99; }
sed -i "s|^url = .*|url = http://$B_IP/peerfeed|" "$T/b/peerfeed.conf"
sed -i "s|^url = .*|url = http://$B_IP:8080/peerfeed|" "$T/c/peerfeed.conf"
pf a id --export >"$T/a.asc" && pf b friend add "$T/a.asc" >/dev/null
check "b befriends a"
pf b id --export >"$T/b.asc" && pf a friend add "$T/b.asc" >/dev/null
check "a adds b by its key alone, no URL"
pf b post "hello from b, public" >/dev/null &&
    pf b post --to "key:$(fpr_of a)" "hello a, privately" >/dev/null &&
    pf c post "mallory's post" >/dev/null
check "b and c post"
start_responder c || { echo "FAIL: responder c"; exit 99; }
start_responder b || { echo "FAIL: responder b"; exit 99; }
RESPONDER_B=$RESPONDER_PID
# fetch_a N WHAT: a fetches on host A, its output into $T/fN.out (shown):
# it exits 0.
fetch_a() {
	on A "$PEERFEED_FETCH" -d "$T/a" >"$T/f$1.out" 2>&1
	check "$2"
	sed 's/^/#   /' "$T/f$1.out"
}
# restart_b URL: b's responder again, calling itself URL.
restart_b() {
	sed -i "s|^url = .*|url = $1|" "$T/b/peerfeed.conf"
	kill "$RESPONDER_B"
	start_responder b
	RESPONDER_B=$RESPONDER_PID
}
web b 80 || { cat "$T/nginx-b/logs/error.log"; echo "FAIL: nginx b"; exit 99; }
web c 8080 || { echo "FAIL: nginx c"; exit 99; }

# 1. Only the stranger c announces, on b's behalf as it were.
on B avahi-publish -s "impostor" _peerfeed._tcp 8080 path=/peerfeed \
    >"$T/publish.log" 2>&1 &
track_pid $!
wait_for seen impostor
check "host A sees the stranger's announcement"
on A "$PEERFEED_FETCH" -d "$T/a" >"$T/f1.out" 2>&1
check "fetch with only a stranger on the LAN exits 0"
test -z "$(stored a b)" && [ "$(state_url)" = "" ]
check "the stranger is not taken for b: nothing stored, no URL saved"
! grep -q "POST" "$T/nginx-c/logs/access.log"
check "the stranger got no request, only GET /"
grep -q "GET /peerfeed/ " "$T/nginx-c/logs/access.log"
check "the stranger was asked who it is"

# 2. b announces itself with the shipped service file.
cp "$top_srcdir/deploy/avahi/peerfeed.service" "$T/B/services/"
kill -HUP "$AVAHI_B"
wait_for seen pfhostB
check "host A sees b's announcement (deploy/avahi/peerfeed.service)"
fetch_a 2 "fetch finds b on the LAN"
[ "$(stored a b | wc -l)" = 2 ]
check "b's public and private posts are stored on a"
grep -rq "hello a, privately" "$T/a/friends/$(fpr_of b)/posts/"
check "the private post came through"
[ "$(state_url)" = "http://$B_IP/peerfeed" ]
check "b's URL is saved in its state"
on A "$PEERFEED_FETCH" -d "$T/a" >"$T/f3.out" 2>&1 &&
    ! grep -q "found at" "$T/f3.out"
check "the next run uses the saved URL without looking"

# 3. peerfeed discover on A.
on A "$PEERFEED" -d "$T/a" discover --json >"$T/disc.json" 2>"$T/disc.err"
check "peerfeed discover exits 0"
python3 - "$T/disc.json" "$(fpr_of b)" "$(fpr_of c)" "$B_IP" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
by = {n["url"]: n for n in d}
b = by["http://%s/peerfeed" % sys.argv[4]]
c = by["http://%s:8080/peerfeed" % sys.argv[4]]
assert b["fingerprint"] == sys.argv[2] and b["relation"] == "friend", b
assert c["fingerprint"] == sys.argv[3] and c["relation"] == "stranger", c
assert b["path"] == "/peerfeed" and b["port"] == 80, b
EOF
check "discover lists b as a friend and c as a stranger"
on A "$PEERFEED" -d "$T/a" discover >"$T/disc.txt" 2>&1 &&
    grep -q "fingerprint $(fpr_of b) (friend)" "$T/disc.txt"
check "discover's text output names b's fingerprint as a friend's"

# 4. b moves to another address: found again, the new URL saved.
ip -n "$NB" addr del "$B_IP/24" dev "$NB" &&
    ip -n "$NB" addr add "$B_IP2/24" dev "$NB"
restart_b "http://$B_IP2/peerfeed"
pf b post "b has moved" >/dev/null
wait_for seen_at "$B_IP2"
check "host A sees b's announcement at the new address"
fetch_a 4 "fetch after the move exits 0"
grep -q "found at http://$B_IP2/peerfeed" "$T/f4.out"
check "the old URL failed and b was found at its new address"
[ "$(stored a b | wc -l)" = 3 ] && [ "$(state_url)" = "http://$B_IP2/peerfeed" ]
check "b's new post is stored and its new URL saved"

# mark FILE: its line count now; since FILE N: its lines after the Nth.
mark() { wc -l <"$1"; }
since() { tail -n "+$(( $2 + 1 ))" "$1"; }

# 5. b calls itself by a URL host A cannot reach (its public name, a router
# without hairpin NAT), and a knows b by that URL: a finds b on the LAN and
# reaches it there, each request naming b's own URL (b's responder checks
# that), and the URL saved stays b's own.
OWN=http://bob.invalid/peerfeed
MEDIA=$T/a/friends/$(fpr_of b)/media
restart_b "$OWN"
png "$T/pub.png" 3000
png "$T/priv.png" 3000
IP=$(pf b post --image "$T/pub.png" "b's picture") &&
    IV=$(pf b post --to "key:$(fpr_of a)" --image "$T/priv.png" \
    "a picture for a only") &&
    SHA_PUB=$(digest_of b "$IP") && SHA_PRIV=$(digest_of b "$IV") &&
    cp "$T/b/media/$SHA_PUB" "$T/pub.png" && cp "$T/b/media/$SHA_PRIV" "$T/priv.png"
check "b posts two pictures, one for a only"
pf a friend add --url "$OWN" "$T/b.asc" >/dev/null && [ "$(state_url)" = "$OWN" ]
check "a knows b by b's own URL"
! on A curl -s -o /dev/null --connect-timeout 3 "$OWN/"
check "b's own URL does not answer from host A"
n=$(mark "$T/nginx-b/logs/access.log")
fetch_a 5 "fetch of b, its own URL unreachable, exits 0"
grep -q "$OWN did not connect, reached on the LAN at http://$B_IP2/peerfeed" \
    "$T/f5.out"
check "the note says b's URL did not connect and where b was reached"
[ "$(stored a b | wc -l)" = 5 ] && cmp -s "$T/pub.png" "$MEDIA/$SHA_PUB" &&
    cmp -s "$T/priv.png" "$MEDIA/$SHA_PRIV"
check "b's new posts and both pictures (public by GET, a's sealed) arrived"
since "$T/nginx-b/logs/access.log" "$n" >"$T/access5.log"
grep -q '"POST /peerfeed/feed HTTP/1.1" 200 ' "$T/access5.log" &&
    grep -q '"POST /peerfeed/media HTTP/1.1" 200 ' "$T/access5.log" &&
    grep -q "\"GET /peerfeed/media/$SHA_PUB HTTP/1.1\" 200 " "$T/access5.log" &&
    ! grep -Eq '" (4|5)[0-9][0-9] ' "$T/access5.log"
check "b's responder accepted every request (aud: its own URL), refused none"
[ "$(state_url)" = "$OWN" ]
check "b's saved URL is still its own, not the address it was reached at"
on A "$PEERFEED_FETCH" -d "$T/a" >"$T/f6.out" 2>&1 &&
    grep -q "reached on the LAN at http://$B_IP2/peerfeed" "$T/f6.out" &&
    [ "$(state_url)" = "$OWN" ] && [ "$(stored a b | wc -l)" = 5 ]
check "the next run reaches b on the LAN again, its saved URL unchanged"

# 6. b calls itself by a URL that does answer from A (its address, the port
# spelled out): a, whose saved URL is dead, finds b and uses that URL.
OWN2=http://$B_IP2:80/peerfeed
restart_b "$OWN2"
pf b post "b, by a URL that answers" >/dev/null
fetch_a 7 "fetch of b, its own URL answering, exits 0"
grep -q "$OWN did not connect, found at $OWN2\$" "$T/f7.out"
check "the fetcher went to b's own URL, not through the address found"
[ "$(stored a b | wc -l)" = 6 ] && [ "$(state_url)" = "$OWN2" ]
check "b's new post is stored and its own URL saved"

done_testing
