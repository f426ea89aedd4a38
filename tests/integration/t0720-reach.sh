#!/bin/bash
# covers: src/cli/cli_reach.c src/cli/reach.c src/cli/reach_upnp.c src/cli/reach_natpmp.c src/cli/cli_status.c
# t0720-reach: peerfeed reach with a real home router (issue 15).  Three
# network namespaces: "home" (node a behind nginx), "router" (NAT in
# nftables, Debian's miniupnpd with UPnP-IGD and NAT-PMP, secure_mode) and
# "internet" (a's friend f).  With reach = upnp, peerfeed reach maps a's
# web server port on the router and gives the URL of the router's external
# address; f adds a by that URL and fetches a's private post through the
# router; doctor says the mapping exists; removing upnp from reach removes
# the mapping (connection refused from the internet).  NAT-PMP alone also
# works.  A router with UPnP and NAT-PMP off, one whose external address
# is in a reserved range (miniupnpd refuses it: carrier-grade NAT looks
# the same), and lying routers (fake_igd.py: an external address that is
# not an address, or in 100.64/10, a mapping to another host, no answer at
# all) each give a clear reason, no URL, exit 1, within a bounded time.
# Every address is inside the test's namespaces, none routed out.
# Needs root (namespaces, nftables).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
need ip nft miniupnpd nginx python3 curl
"$PEERFEED" reach --help >/dev/null 2>&1 ||
    skip "this peerfeed has no reach command"
. "$(dirname "$0")/lib_reach.sh"

# 1. Nothing listed: nothing exposed.
reach && grep -q "^upnp: no URL: not in reach" "$T/reach.out" &&
    [ ! -e "$T/a/reach.json" ]
check "reach empty: exit 0, nothing mapped, no reach.json"
in_net curl -s -o /dev/null --max-time 5 "$URL/"
[ $? = 7 ]
check "from the internet, the router's port is closed (refused)"

# 2. upnp, the router pinned by upnp_url.
set_conf reach upnp
set_conf upnp_url "http://$R_LAN:5000/rootDesc.xml"
reach --json
check "reach = upnp: exit 0"
sed 's/^/#   /' "$T/reach.out"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = [m for m in d["methods"] if m["method"] == "upnp"][0]
assert u["url"] == sys.argv[2] and u["how"] == "igd", u
assert d["urls"] == [sys.argv[3], sys.argv[2]], d["urls"]' \
    "$T/reach.out" "$URL" "http://$H_IP:$PORT/peerfeed"
check "upnp gives the router's external address, the port and the path"
in_net curl -sf --max-time 10 "$URL/" -o "$T/info.json" &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["fingerprint"]==sys.argv[2] and sys.argv[3] in d["urls"]' \
    "$T/info.json" "$FA" "$URL"
check "from the internet, GET / through the router answers, listing the URL"

# 3. The friend on the internet adds a by that URL and fetches through it.
in_net "$PEERFEED" -d "$T/f" friend add --url "$URL" --fpr "$FA" >/dev/null
check "f adds a by the mapped URL (key fetched through the router)"
in_net "$PEERFEED_FETCH" -d "$T/f" >"$T/fetch.out" 2>&1
check "f's fetch through the router exits 0"
[ "$(stored f a)" = "$PRIV" ]
check "a's private post for f arrived through the router"

# 4. The next run renews; doctor sees the mapping.
reach && grep -q "^upnp: $URL " "$T/reach.out"
check "a second run renews the mapping, same URL"
in_home "$PEERFEED" -d "$T/a" doctor >"$T/doctor.out" 2>&1
grep -q "^OK .*reach upnp: the router maps TCP port $PORT to this host" \
    "$T/doctor.out"
check "doctor: the mapping exists on the router now"
grep reach "$T/doctor.out" | sed 's/^/#   /'

# 5. upnp no longer listed: the mapping goes, and the URL with it.
set_conf reach ""
reach && grep -q "^upnp: no URL: not in reach: the mapping of TCP port $PORT is removed" \
    "$T/reach.out"
check "reach without upnp removes the mapping"
in_net curl -s -o /dev/null --max-time 5 "$URL/"
[ $? = 7 ]
check "from the internet, the URL is refused again"
[ ! -e "$T/a/reach.json" ] &&
    ! in_home curl -s "http://$H_IP:$PORT/peerfeed/" | grep -q "$R_WAN"
check "reach.json is gone and GET / no longer lists the URL"

# 6. NAT-PMP only, the router found as the default gateway.
stop_upnpd
upnpd pmp no yes || { cat "$T/pmp.log"; exit 99; }
set_conf reach upnp
set_conf upnp_url ""
reach && grep -q "^upnp: $URL (NAT-PMP" "$T/reach.out"
check "a router with NAT-PMP only: the URL through NAT-PMP"
sed 's/^/#   /' "$T/reach.out" "$T/pmp.log"
in_net curl -sf --max-time 10 -o /dev/null "$URL/"
check "from the internet, GET / answers through the NAT-PMP mapping"
set_conf reach ""
reach && in_net curl -s -o /dev/null --max-time 5 "$URL/"
[ $? = 7 ]
check "the NAT-PMP mapping is removed when upnp leaves reach"

# 7. A router with UPnP and NAT-PMP off (no miniupnpd: it refuses to run
# with both off): a clear reason, no URL, exit 1.
stop_upnpd
set_conf reach upnp
s=$SECONDS
reach
[ $? = 1 ] && grep -q "^upnp: no URL: UPnP-IGD: no UPnP device answered .*; NAT-PMP: the gateway does not speak NAT-PMP" \
    "$T/reach.out" && [ ! -e "$T/a/reach.json" ]
check "UPnP and NAT-PMP off on the router: the reason, no URL, exit 1"
took=$((SECONDS - s))
desc="... within 15 s (took $took s)"
[ "$took" -le 15 ]
check "$desc"
sed 's/^/#   /' "$T/reach.out"

# 8. An external address in a reserved range: miniupnpd maps nothing.
ip -n "$NR" addr del "$R_WAN/24" dev "${NR}w" &&
    ip -n "$NR" addr add "100.64.$N.1/24" dev "${NR}w" || exit 99
upnpd cgnat yes yes || { cat "$T/cgnat.log"; exit 99; }
set_conf upnp_url "http://$R_LAN:5000/rootDesc.xml"
reach
[ $? = 1 ] && grep -q "^upnp: no URL: .*carrier-grade NAT" "$T/reach.out" &&
    [ ! -e "$T/a/reach.json" ]
check "a router behind carrier-grade NAT (100.64/10): a reason, no URL, exit 1"
sed 's/^/#   /' "$T/reach.out"
stop_upnpd
ip -n "$NR" addr del "100.64.$N.1/24" dev "${NR}w"
ip -n "$NR" addr add "$R_WAN/24" dev "${NR}w"

# 9. Routers that lie (fake_igd.py on $R_LAN:5001); NAT-PMP is silent.
liar() {
	bg_in "$NR" "liar-$1" python3 "$top_srcdir/tests/integration/fake_igd.py" \
	    "$1" "$R_LAN" 5001 || return 1
	LIAR=$BG_PID
	# (One that hangs is up once it accepts connections.)
	wait_for in_home curl -s -o /dev/null --max-time 1 \
	    "http://$R_LAN:5001/rootDesc.xml" || [ "$1" = hang ]
}
set_conf upnp_url "http://$R_LAN:5001/rootDesc.xml"
for c in "notaddr|\"not-an-address\" is not an IPv4 address" \
    "cgnat|100.64.3.4 is in 100.64.0.0/10 (shared: carrier-grade NAT)" \
    "other|goes to 10.99.99.99:$PORT, not to this host" \
    "hang|UPnP-IGD: no UPnP-IGD router answers at"; do
	mode=${c%%|*}; want=${c#*|}
	liar "$mode" || { echo "FAIL: fake_igd $mode"; exit 99; }
	s=$SECONDS
	reach
	rc=$?
	took=$((SECONDS - s))
	desc="a router that lies ($mode): no URL, exit 1, says: $want"
	grep -qF "$want" "$T/reach.out" && [ $rc = 1 ] && [ ! -e "$T/a/reach.json" ]
	check "$desc"
	sed 's/^/#   /' "$T/reach.out"
	desc="... within 30 s ($mode took $took s)"
	[ "$took" -le 30 ]
	check "$desc"
	kill "$LIAR"
	wait_for sh -c "! kill -0 $LIAR 2>/dev/null"
done
done_testing
