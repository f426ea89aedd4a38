#!/bin/bash
# covers: src/cli/reach.c src/cli/cli_dht.c src/lib/dht_record.c src/fetch/fetch_locate.c
# t0722-reach-dht: a node behind a home router found through the DHT
# (issue 15).  The home network of t0720 (lib_reach.sh) and a real
# dhtnode in the "internet" namespace.  One peerfeed reach maps a's port
# on the router and, as a sets dht_bootstrap, puts a's signed record, which
# now lists the mapped URL, into the DHT through the router's NAT (no
# separate peerfeed dht publish).  The friend
# f on the internet knows a's key only, no URL: its fetcher finds a's
# record through the dhtnode, skips the home URL it cannot reach, and
# fetches a's private post through the router.  Needs root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
need ip nft miniupnpd nginx python3 curl dhtnode
"$PEERFEED" reach --help >/dev/null 2>&1 ||
    skip "this peerfeed has no reach command"
"$PEERFEED" dht key 0000000000000000000000000000000000000000 >/dev/null 2>&1
[ $? = 2 ] && skip "peerfeed was built without DHT support (libopendht-c-dev)"
. "$(dirname "$0")/lib_reach.sh"

# The dhtnode on the internet; a and f both join the DHT by it (the
# namespace is the test's own: the port is free).
DHT=$I_IP:4222
bg_in "$NI" dhtnode dhtnode -s -p 4222 </dev/null >"$T/dhtnode.log" 2>&1 ||
    { echo "FAIL: dhtnode"; exit 99; }
set_conf dht_bootstrap "$DHT"
sed -i "s|^dht_bootstrap = .*|dht_bootstrap = $DHT|" "$T/f/peerfeed.conf"

# f has a's key, no URL.
pf a id --export >"$T/a.asc" && pf f friend add "$T/a.asc" >/dev/null ||
    exit 99
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["url"] == ""' \
    "$T/f/friends/$FA/state.json"
check "f has a as a friend by key only"

set_conf reach upnp
set_conf upnp_url "http://$R_LAN:5000/rootDesc.xml"
reach --json
check "reach exits 0: the port is mapped and the record published"
sed 's/^/#   /' "$T/reach.out"
python3 -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert d["methods"][0]["url"] == sys.argv[2] and sys.argv[2] in d["urls"], d
assert d["dht"]["published"] is True, d' "$T/reach.out" "$URL"
check "reach maps a's port and publishes its record itself, from home"
in_net "$PEERFEED" -d "$T/f" dht lookup --no-save "$FA" >"$T/lookup.out" 2>&1 &&
    grep -qxF "$URL" "$T/lookup.out"
check "f's lookup finds the record, listing the router's mapped URL"
sed 's/^/#   /' "$T/lookup.out"

in_net "$PEERFEED_FETCH" -d "$T/f" >"$T/fetch.out" 2>&1
check "f's fetch exits 0"
sed 's/^/#   /' "$T/fetch.out"
grep -qF "no url, found at $URL" "$T/fetch.out" &&
    [ "$(stored f a)" = "$PRIV" ]
check "f found a's mapped URL through the DHT, got the private post through it"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["url"] == sys.argv[2]' \
    "$T/f/friends/$FA/state.json" "$URL"
check "f now fetches a from the mapped URL"
done_testing
