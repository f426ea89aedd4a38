#!/bin/bash
# covers: src/cli/reach.c src/cli/reach_upnp.c src/cli/cli_reach.c src/cli/cli_status.c src/lib/urls.c src/lib/conf.c
# t0723-reach-v6: the IPv6 pinhole of reach = upnp (issue 15).  The home
# network of t0720 (lib_reach.sh) with IPv6 on its links: no NAT, the
# router's firewall drops what comes in from the internet unless
# Debian's miniupnpd (UPnP-IGD 2, WANIPv6FirewallControl) opens a pinhole.
# The addresses are unique local ones (fd00::/8, inside the namespaces
# only), not global: reach refuses them by default, says why and removes
# the pinhole; with upnp_ula = 1 (documented for networks that route
# ULAs) it opens one to a's web server port, gives http://[H6]:PORT/...,
# keeps the pinhole id in reach.json, renews the same pinhole on the next
# run; the friend f on the internet adds a by that URL and fetches a's
# private post through the pinhole; doctor asks the router whether it
# still holds it; removing upnp from reach removes it.
# Needs root (namespaces, nftables).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
need ip nft miniupnpd nginx python3 curl
"$PEERFEED" reach --help >/dev/null 2>&1 ||
    skip "this peerfeed has no reach command"
. "$(dirname "$0")/lib_reach.sh"

# pinholes: how many IPv6 pinholes (rules matching the destination address)
# miniupnpd's chain in the router holds for a's port.
pinholes() {
	in_router nft list chain inet filter miniupnpd |
	    grep "@nh,192,128" | grep -c "dport $PORT"
}
# pin_id: the pinhole id reach.json keeps ("" when none).
pin_id() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("pinhole", {}).get("id", ""))' \
	    "$T/a/reach.json" 2>/dev/null
}

in_net curl -s -o /dev/null --max-time 3 "$URL6/"
[ $? = 28 ]
check "from the internet, a's IPv6 address is closed by the router (dropped)"

# 1. A ULA without upnp_ula: no URL, and no pinhole left open.
set_conf reach upnp
set_conf upnp_url "http://$R_LAN:5000/rootDesc.xml"
set_conf upnp_url6 "http://[$R_LAN6]:5000/rootDesc.xml"
reach
check "reach = upnp: exit 0 (the IPv4 mapping is enough)"
sed 's/^/#   /' "$T/reach.out"
grep -q "^upnp6: no URL: .*$H6.* fc00::/7 (unique local" "$T/reach.out" &&
    ! grep -qF "[$H6]" "$T/a/reach.json" && [ "$(pinholes)" = 0 ]
check "a ULA is refused by default: no URL, the pinhole removed again"

# 2. upnp_ula = 1: the pinhole and its URL.
set_conf upnp_ula 1
reach --json
check "reach with upnp_ula = 1: exit 0"
sed 's/^/#   /' "$T/reach.out"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = [m for m in d["methods"] if m["method"] == "upnp6"][0]
assert u["url"] == sys.argv[2] and sys.argv[2] in d["urls"], d' \
    "$T/reach.out" "$URL6"
check "upnp6 gives http://[address]:port/peerfeed among the node's URLs"
ID=$(pin_id)
[ -n "$ID" ] && [ "$(pinholes)" = 1 ]
check "reach.json keeps the pinhole id; the router holds one pinhole"
in_net curl -sf --max-time 10 "$URL6/" -o "$T/info.json" &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["fingerprint"]==sys.argv[2] and sys.argv[3] in d["urls"], d' \
    "$T/info.json" "$FA" "$URL6"
check "from the internet, GET / through the pinhole answers, listing the URL"

# 3. f adds a by the IPv6 URL and fetches the private post through it.
in_net "$PEERFEED" -d "$T/f" friend add --url "$URL6" --fpr "$FA" >/dev/null
check "f adds a by the IPv6 URL"
in_net "$PEERFEED_FETCH" -d "$T/f" >"$T/fetch.out" 2>&1 &&
    [ "$(stored f a)" = "$PRIV" ]
check "f fetches a's private post through the pinhole"
sed 's/^/#   /' "$T/fetch.out"

# 4. The next run renews the same pinhole.
reach
sed 's/^/#   /' "$T/reach.out"
[ "$(pin_id)" = "$ID" ] && [ "$(pinholes)" = 1 ] &&
    grep -qF "upnp6: $URL6 (UPnP-IGD: IPv6 pinhole $ID " "$T/reach.out"
check "the next run renews the same pinhole (id $ID), opens no second one"

# 5. doctor asks the router for the pinhole; when the router loses it (a
# restart), doctor fails, naming it, and the next reach opens a new one.
in_home "$PEERFEED" -d "$T/a" doctor >"$T/doctor.out" 2>&1
grep reach "$T/doctor.out" | sed 's/^/#   /'
grep -qF "reach upnp6: the router holds IPv6 pinhole $ID to TCP port $PORT of [$H6]" \
    "$T/doctor.out"
check "doctor: the router holds the pinhole now"
# The router restarts: miniupnpd stops, the firewall comes up empty.
stop_upnpd
in_router nft flush chain inet filter miniupnpd || exit 99
upnpd igd yes yes || { cat "$T/igd.log"; exit 99; }
in_home "$PEERFEED" -d "$T/a" doctor >"$T/doctor.out" 2>&1
rc=$?
grep reach "$T/doctor.out" | sed 's/^/#   /'
desc="doctor: the router lost the pinhole: it fails (rc $rc) and says so"
[ $rc -ne 0 ] && grep -q "reach upnp6: the router has no IPv6 pinhole $ID " \
    "$T/doctor.out"
check "$desc"
reach
sed 's/^/#   /' "$T/reach.out"
ID=$(pin_id)
[ -n "$ID" ] && [ "$(pinholes)" = 1 ] &&
    grep -qF "upnp6: $URL6 (UPnP-IGD: IPv6 pinhole $ID " "$T/reach.out"
check "the next reach opens a new pinhole (id $ID)"

# 6. upnp leaves reach: the pinhole goes.
set_conf reach ""
reach && grep -q "^upnp6: no URL: not in reach: IPv6 pinhole $ID is removed" \
    "$T/reach.out" && [ "$(pinholes)" = 0 ] && [ ! -e "$T/a/reach.json" ]
check "reach without upnp removes the pinhole and the URL"
in_net curl -s -o /dev/null --max-time 3 "$URL6/"
[ $? = 28 ]
check "from the internet, a's IPv6 address is closed again"
done_testing
