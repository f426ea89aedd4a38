#!/bin/bash
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

NH=pf$$h NR=pf$$r NI=pf$$i		# namespaces
N=$(( $$ % 200 + 20 ))
LAN=10.214.$N				# home - router
WAN=11.214.$N				# router - internet: not a reserved range
H_IP=$LAN.2 R_LAN=$LAN.1 R_WAN=$WAN.1 I_IP=$WAN.2
PORT=18080				# a's nginx at home, and the mapped port

netns_cleanup() {
	cleanup
	for ns in "$NH" "$NR" "$NI"; do ip netns del "$ns" 2>/dev/null; done
}
trap netns_cleanup EXIT

# bg_in NS NAME CMD...: CMD in the background in namespace NS (ip netns
# exec may fork: the PID comes from the shell that execs CMD).  Sets BG_PID.
bg_in() {
	ns=$1; pidf="$T/$2.bgpid"; shift 2
	rm -f "$pidf"
	ip netns exec "$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" &
	wait_for test -s "$pidf" || return 1
	BG_PID=$(cat "$pidf")
	track_pid "$BG_PID"
}
in_home() { ip netns exec "$NH" "$@"; }
in_router() { ip netns exec "$NR" "$@"; }
in_net() { ip netns exec "$NI" "$@"; }

# The links: home <-> router (LAN), router <-> internet (WAN).
links() {
	for ns in "$NH" "$NR" "$NI"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	ip link add "${NH}l" type veth peer name "${NR}l" &&
	    ip link add "${NR}w" type veth peer name "${NI}w" &&
	    ip link set "${NH}l" netns "$NH" && ip link set "${NR}l" netns "$NR" &&
	    ip link set "${NR}w" netns "$NR" && ip link set "${NI}w" netns "$NI" &&
	    ip -n "$NH" addr add "$H_IP/24" dev "${NH}l" &&
	    ip -n "$NR" addr add "$R_LAN/24" dev "${NR}l" &&
	    ip -n "$NR" addr add "$R_WAN/24" dev "${NR}w" &&
	    ip -n "$NI" addr add "$I_IP/24" dev "${NI}w" || return 1
	for l in "$NH ${NH}l" "$NR ${NR}l" "$NR ${NR}w" "$NI ${NI}w"; do
		set -- $l
		ip -n "$1" link set "$2" up || return 1
	done
	ip -n "$NH" route add default via "$R_LAN" &&
	    in_router sysctl -qw net.ipv4.ip_forward=1
}

# The router's NAT: the tables and chains miniupnpd's nftables backend
# expects to find (Debian's nft_init.sh does not work: it is not used).
nat() {
	in_router nft -f - <<EOF
table inet filter {
	chain miniupnpd { }
	chain prerouting_miniupnpd { }
	chain postrouting_miniupnpd { }
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "${NR}l" oifname "${NR}w" accept
		jump miniupnpd
	}
	chain prerouting {
		type nat hook prerouting priority -100; policy accept;
		jump prerouting_miniupnpd
	}
	chain postrouting {
		type nat hook postrouting priority 100; policy accept;
		jump postrouting_miniupnpd
		oifname "${NR}w" masquerade
	}
}
EOF
}

# upnpd NAME UPNP NATPMP: miniupnpd in the router, in the foreground, with
# its own config and pid file (-P: the default one is shared by all
# namespaces).  Sets UPNPD_PID.
upnpd() {
	c="$T/$1.conf"
	cat >"$c" <<EOF
ext_ifname=${NR}w
listening_ip=${NR}l
port=5000
enable_upnp=$2
enable_natpmp=$3
secure_mode=yes
ipv6_disable=yes
system_uptime=yes
uuid=8a4f2c1e-0d3b-4c5a-9e7f-21b3c4d5e6f7
allow 1024-65535 $LAN.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
	bg_in "$NR" "$1" miniupnpd -f "$c" -d -P "$T/$1.pid" >"$T/$1.log" 2>&1 ||
	    return 1
	UPNPD_PID=$BG_PID
	wait_for test -s "$T/$1.pid"
}
# stop_upnpd: stop it (it removes its mappings) and wait until it is gone.
stop_upnpd() {
	kill "$UPNPD_PID"
	wait_for sh -c "! kill -0 $UPNPD_PID 2>/dev/null"
}

links || { echo "FAIL: cannot make the namespaces"; exit 99; }
nat || { echo "FAIL: nftables in the router"; exit 99; }
upnpd igd yes yes || { cat "$T/igd.log"; echo "FAIL: miniupnpd"; exit 99; }

# Node a at home behind nginx on $H_IP:$PORT; friend f on the internet.
make_node a Alice && make_node f Frank || exit 99
sed -i "s|^url = .*|url = http://$H_IP:$PORT/peerfeed|" "$T/a/peerfeed.conf"
pf a reindex >/dev/null && start_responder a || exit 99
nginx_conf a "$H_IP:$PORT" || exit 99
bg_in "$NH" nginx "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" &&
    wait_for in_home curl -sf -o /dev/null "http://$H_IP:$PORT/peerfeed/" ||
    { echo "FAIL: nginx at home"; exit 99; }
FA=$(fpr_of a); FF=$(fpr_of f)
pf f id --export >"$T/f.asc" && pf a friend add "$T/f.asc" >/dev/null &&
    PRIV=$(pf a post --to "key:$FF" "for frank, through the router") ||
    exit 99

# reach ARGS...: peerfeed reach on a, at home; output in $T/reach.out.
reach() {
	in_home "$PEERFEED" -d "$T/a" reach "$@" >"$T/reach.out" 2>&1
}
# set_conf KEY VALUE: in a's peerfeed.conf.
set_conf() {
	sed -i "/^$1 = /d" "$T/a/peerfeed.conf"
	echo "$1 = $2" >>"$T/a/peerfeed.conf"
}
URL=http://$R_WAN:$PORT/peerfeed

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
