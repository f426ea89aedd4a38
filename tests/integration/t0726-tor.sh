#!/bin/bash
# covers: src/cli/reach_onion.c src/cli/cli_reach.c src/lib/net.c
# t0726-tor: the onion service with a real tor (issue 15; doc/INSTALL.md
# "Friends on other networks"), run by `make check-tor`, not `make check`
# (bootstrapping takes 30 s to over 2 minutes here).  A private Tor network
# on 127.0.0.1 in tor's TestingTorNetwork mode: 3 directory authorities
# that are also relays, 2 more relays, the tor of node a (its torrc only
# `%include`s the onion.torrc that peerfeed reach writes, as the owner
# does), and a client tor whose SOCKS port is b's tor_socks.  peerfeed
# reach gives a's onion URL once tor made it; b adds a by that URL and
# fetches a's private post through Tor; doctor sees the URL answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx tor tor-gencert
BUDGET=${PEERFEED_TOR_BUDGET:-240}	# seconds for the network to carry a fetch

serve_node a Alice || exit 99
serve_node b Bob || exit 99
FA=$(fpr_of a); FB=$(fpr_of b)
TN=$T/tor
mkdir -p "$TN"

# A torrc common to every tor of the network (DirAuthority lines added later).
common() {
	cat <<EOF
TestingTorNetwork 1
DataDirectory $TN/$1
Nickname $1
PidFile $TN/$1/pid
Log notice file $TN/$1/notice.log
AssumeReachable 1
PathsNeededToBuildCircuits 0.25
TestingDirAuthVoteExit *
TestingDirAuthVoteHSDir *
TestingDirAuthVoteGuard *
TestingMinExitFlagThreshold 0
V3AuthNIntervalsValid 2
ShutdownWaitLength 0
%include $TN/authorities
EOF
}
relay() {	# NAME ORPORT DIRPORT
	common "$1"
	printf 'Address 127.0.0.1\nORPort 127.0.0.1:%s\nDirPort 127.0.0.1:%s\n' "$2" "$3"
	printf 'ExitRelay 0\nSocksPort 0\n'
}
authority() {	# NAME ORPORT DIRPORT
	relay "$@"
	cat <<EOF
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
ContactInfo peerfeed-test
TestingV3AuthInitialVotingInterval 20
TestingV3AuthInitialVoteDelay 4
TestingV3AuthInitialDistDelay 4
V3AuthVotingInterval 20
V3AuthVoteDelay 4
V3AuthDistDelay 4
AuthDirVoteStableGuaranteeMinUptime 0
AuthDirVoteStableGuaranteeMTBF 0
EOF
}

# Authority keys (tor-gencert) and fingerprints, then every torrc.
: >"$TN/authorities"
for i in 0 1 2; do
	n=auth$i or=$(free_port) dir=$(free_port)
	mkdir -p -m 0700 "$TN/$n/keys"
	echo "" | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 \
	    -a "127.0.0.1:$dir" -i "$TN/$n/keys/authority_identity_key" \
	    -s "$TN/$n/keys/authority_signing_key" \
	    -c "$TN/$n/keys/authority_certificate" >/dev/null 2>&1 || exit 99
	v3=$(awk '/^fingerprint/ {print $2}' "$TN/$n/keys/authority_certificate")
	fp=$(tor --ignore-missing-torrc -f "$TN/none" --orport 1 \
	    --datadirectory "$TN/$n" --list-fingerprint 2>/dev/null |
	    tail -1 | cut -d' ' -f2- | tr -d ' ')
	[ ${#fp} = 40 ] && [ ${#v3} = 40 ] || { echo "no fingerprint for $n"; exit 99; }
	echo "DirAuthority $n orport=$or no-v2 v3ident=$v3 127.0.0.1:$dir $fp" \
	    >>"$TN/authorities"
	authority "$n" "$or" "$dir" >"$TN/$n.torrc"
done
for i in 0 1; do
	relay relay$i "$(free_port)" "$(free_port)" >"$TN/relay$i.torrc"
done
SOCKS=$(free_port)
{ common client; printf 'SocksPort 127.0.0.1:%s\n' "$SOCKS"; } >"$TN/client.torrc"

# a's onion service: its tor includes what peerfeed reach writes.
echo "reach = onion" >>"$T/a/peerfeed.conf"
pf a reach >"$T/r1.out" 2>&1
[ $? = 1 ] && grep -q "tor has not created" "$T/r1.out"
check "reach before tor ran: no URL, says what to do"
{ common hs; echo "SocksPort 0"; echo "%include $T/a/onion.torrc"; } >"$TN/hs.torrc"

t0=$(date +%s)
for n in auth0 auth1 auth2 relay0 relay1 hs client; do
	mkdir -p -m 0700 "$TN/$n"
	tor -f "$TN/$n.torrc" --quiet &
	track_pid $!
done
# Wait, polling, never a fixed sleep: the budget bounds every step.
left() { echo $(( BUDGET - ($(date +%s) - t0) )); }
until grep -q "Bootstrapped 100%" "$TN/client/notice.log" 2>/dev/null; do
	[ "$(left)" -gt 0 ] || break
	sleep 1
done
grep -q "Bootstrapped 100%" "$TN/client/notice.log"
check "the private Tor network bootstraps within $BUDGET s"
echo "# client bootstrapped after $(( $(date +%s) - t0 )) s"
until [ -s "$T/a/onion/hostname" ] || [ "$(left)" -le 0 ]; do sleep 1; done
ok "reach with tor's hostname: exit 0" pf a reach
ONION=$(pf a reach --json | python3 -c 'import json,sys; print([m["url"] for m in json.load(sys.stdin)["methods"] if m["method"]=="onion"][0])')

echo "tor_socks = 127.0.0.1:$SOCKS" >>"$T/b/peerfeed.conf"
# The service's descriptor reaches the HSDirs some seconds after bootstrap.
until pf b friend add --url "$ONION" --fpr "$FA" >"$T/add.out" 2>&1; do
	[ "$(left)" -gt 0 ] || break
	sleep 2
done
pf b friend list | grep -q "$FA"
check "b adds a by its onion URL through Tor"
echo "# first answer through Tor after $(( $(date +%s) - t0 )) s"
ok "a adds b" befriend a b
pf a group add family "$FB" >/dev/null || exit 99
FAM=$(pf a post --to group:family "for the family, through Tor") || exit 99
ok "b fetches from a's onion URL through Tor" fetch b
[ "$(stored b a)" = "$FAM" ]
check "the private post arrived through Tor"
echo "tor_socks = 127.0.0.1:$SOCKS" >>"$T/a/peerfeed.conf"
pf a doctor >"$T/doc.out" 2>&1
grep -q "reach onion: $ONION answers through tor with this node's fingerprint" "$T/doc.out"
check "doctor: a's onion URL answers through Tor with a's key"

done_testing
