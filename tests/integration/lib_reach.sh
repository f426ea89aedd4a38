# lib_reach.sh: the home network of the reach tests (t0720, t0722), made
# when sourced after lib.sh, lib_http.sh and lib_fetch.sh.  Three network
# namespaces: "home" (node a behind nginx on $H_IP:$PORT), "router" (NAT
# in nftables, Debian's miniupnpd with UPnP-IGD and NAT-PMP, secure_mode)
# and "internet" (a's friend f, at $I_IP).  a has f's key and a private
# post for f ($PRIV).  $URL is a's URL once the router maps its port.
# IPv6 too, without NAT: unique local addresses (fd00::/8), home $H6 and
# internet $I6 routed through the router, whose firewall (the same inet
# table, forward policy drop) lets in only what miniupnpd opens (an IPv6
# pinhole); a's nginx listens on [$H6]:$PORT as well, $URL6.
# Every address is inside the test's namespaces, none routed out.

NH=pf$$h NR=pf$$r NI=pf$$i		# namespaces
N=$(( $$ % 200 + 20 ))
LAN=10.214.$N				# home - router
WAN=11.214.$N				# router - internet: not a reserved range
H_IP=$LAN.2 R_LAN=$LAN.1 R_WAN=$WAN.1 I_IP=$WAN.2
PORT=18080				# a's nginx at home, and the mapped port
LAN6=fd00:214:$N:1 WAN6=fd00:214:$N:2	# the same links, IPv6 (/64 each)
H6=$LAN6::2 R_LAN6=$LAN6::1 R_WAN6=$WAN6::1 I6=$WAN6::2

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
	    in_router sysctl -qw net.ipv4.ip_forward=1 && links6
}
# IPv6 on the same links (nodad: usable at once), routed by the router.
links6() {
	ip -n "$NH" addr add "$H6/64" dev "${NH}l" nodad &&
	    ip -n "$NR" addr add "$R_LAN6/64" dev "${NR}l" nodad &&
	    ip -n "$NR" addr add "$R_WAN6/64" dev "${NR}w" nodad &&
	    ip -n "$NI" addr add "$I6/64" dev "${NI}w" nodad &&
	    ip -n "$NH" -6 route add default via "$R_LAN6" &&
	    ip -n "$NI" -6 route add "$LAN6::/64" via "$R_WAN6" &&
	    in_router sysctl -qw net.ipv6.conf.all.forwarding=1
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
ipv6_disable=no
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
sed -i "s|^\(\t*\)listen $H_IP:$PORT;|&\n\1listen [$H6]:$PORT;|" "$d/nginx.conf"
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
URL=http://$R_WAN:$PORT/peerfeed URL6=http://[$H6]:$PORT/peerfeed
