#!/bin/bash
# t0320-fetch-hostile: one good friend and five bad ones: a node that is
# down, one that accepts and never answers, one that sends a 2 GB body,
# one whose correctly signed page carries a post by someone else, one
# whose page is not JSON.  Each bad one is named on stderr with its
# reason, exit status 1, nothing of theirs is stored, and the good friend
# is fetched all the same, while the others are stalling.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

serve_node good Good || exit 99
make_node me Me || exit 99
befriend me good || exit 99
pf good friend add - <<EOF >/dev/null || exit 99
$(pf me id --export)
EOF
GOOD_POST=$(pf good post "good news") || exit 99
FME=$(fpr_of me)

# hostile NAME MODE: a friend NAME (real key) served by fake_node.py MODE.
hostile() {
	make_node "$1" "$1" || return 1
	pf "$1" friend add - <<EOF >/dev/null || return 1
$(pf me id --export)
EOF
	port=$(free_port)
	if [ "$2" != down ]; then
		python3 "$top_srcdir/tests/integration/fake_node.py" "$2" \
		    "$port" "$T/$1/gnupg" "$FME" "$T/other.json" 2>"$T/$1.log" &
		track_pid $!
	fi
	pf "$1" id --export >"$T/$1.asc"
	pf me friend add "$T/$1.asc" --url "http://127.0.0.1:$port/peerfeed" \
	    >/dev/null
}
# A real post by someone who is not the hostile friend.
make_node other Other || exit 99
OID=$(pf other post "by someone else") || exit 99
cp "$T/other/posts/$OID.json" "$T/other.json"
cp "$T/other/posts/$OID.json.sig" "$T/other.json.sig"

hostile down down || exit 99
hostile hang hang || exit 99
hostile big big || exit 99
hostile foreign foreign || exit 99
hostile badjson badjson || exit 99

start=$(date +%s)
fetch me --jobs 8 >"$T/f.out" 2>"$T/f.err"
rc=$?
secs=$(( $(date +%s) - start ))
[ $rc = 1 ]
check "exit status 1 when some friends failed"
sed 's/^/# /' "$T/f.err"
[ "$(stored me good)" = "$GOOD_POST" ]
check "the good friend was fetched"
for n in down hang big foreign badjson; do
	f=$(fpr_of "$n")
	[ -z "$(ls "$T/me/friends/$f/posts")" ] || exit 1
done
check "nothing of any bad friend was stored"
! grep -rq "by someone else" "$T/me/friends"
check "the foreign post is nowhere"
grep "$(fpr_of down)" "$T/f.err" | grep -qi "connect"
check "down: named, could not connect"
grep "$(fpr_of hang)" "$T/f.err" | grep -qi "timed out\|too slow\|speed"
check "hang: named, timed out"
grep "$(fpr_of big)" "$T/f.err" | grep -qi "larger than"
check "2 GB body: named, aborted at the cap"
grep "$(fpr_of foreign)" "$T/f.err" | grep -q "attributedTo is $(fpr_of other)"
check "foreign post: named, attributedTo is someone else"
grep "$(fpr_of badjson)" "$T/f.err" | grep -qi "json"
check "invalid JSON: named, the JSON rule"
grep -q "6 friends: 1 ok (0 idle), 5 failed" "$T/f.out"
check "summary: 6 friends, 1 ok, 5 failed"
[ $secs -lt 60 ]
check "the whole run is bounded by the slowest timeout ($secs s)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["result"]!="ok" and d["cursor"]==""' \
    "$T/me/friends/$(fpr_of big)/state.json"
check "a failed friend's state records the reason and keeps its cursor"

done_testing
