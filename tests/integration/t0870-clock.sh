#!/bin/bash
# covers: src/fcgi/req.c src/fcgi/api_feed.c src/lib/node.c src/lib/index_feed.c src/fetch/main_fetch.c
# t0870-clock: clocks that are off.
#  - A friend's private request whose ts is more than the window (300 s)
#    off the owner's clock gets a 400 whose JSON error names the skew, its
#    direction and the window; 240 s off is still answered.  (The exact
#    boundary is test_http's, with a fixed clock: here sealing a request
#    takes a gpg run, seconds under load, so the offsets keep a margin.)
#    A friend whose whole clock is 10 minutes fast (peerfeed-fetch under
#    libfaketime) is told the same.
#  - The owner's clock steps back an hour between posts (libfaketime on the
#    CLI, and on the gpg it runs): ids stay unique and sorted in the order
#    of the posts, `list` keeps that order, and a reader polling the public
#    feed across the step, like a friend's fetcher polling the private one,
#    receives every post and edit exactly once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx faketime

# The monotonic clock stays real: gpgme and curl time out on it.
export FAKETIME_DONT_FAKE_MONOTONIC=1

# --- a friend's clock ---
serve_node a A || exit 99
make_node f F || exit 99
A=$(fpr_of a); F=$(fpr_of f)
pf f id --export | pf a friend add - >/dev/null || exit 99
pf a id --export | pgp f --import 2>/dev/null || exit 99
pf a post "hello" >/dev/null || exit 99
AUD="$(url_of a)/feed"

# send FILE: POST it; status out, body in $T/resp.
send() {
	curl -s -o "$T/resp" -w '%{http_code}' -X POST \
	    -H "Content-Type: application/pgp-encrypted" -H "Peerfeed-From: $F" \
	    --data-binary "@$1" "$AUD"
}
detail() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1],"rb")); assert set(d)=={"error","detail"}; print(d["detail"])' "$T/resp" 2>/dev/null ||
	    echo "(not a JSON error)"
}
for off in -330 330 -240 240; do
	req "$F" ts=$(( $(date +%s) + off )) | seal f >"$T/req.pgp" || exit 99
	code=$(send "$T/req.pgp")
	case $off in
	-330|330)
		d=$(detail)
		[ "$code" = 400 ]
		check "ts off by $off s: 400 ($code: $d)"
		case $off in -*) dir="behind" ;; *) dir="ahead of" ;; esac
		echo "$d" | grep -q "$dir the server clock" &&
		    echo "$d" | grep -Eq "(3[0-9][0-9]) s" &&
		    echo "$d" | grep -q "window 300 s"
		check "ts off by $off s: the error names the skew, its direction and the window"
		;;
	*)
		[ "$code" = 200 ]
		check "ts off by $off s: inside the window, answered ($code)"
		;;
	esac
done
befriend f a || exit 99
faketime -f "+600s" "$PEERFEED_FETCH" -d "$T/f" >"$T/f.out" 2>"$T/f.err"
rc=$?
sed 's/^/# /' "$T/f.err"
[ $rc = 1 ] && grep "$A" "$T/f.err" | grep -Eq "(59[0-9]|60[0-9]) s (off|ahead of) the server clock" &&
    grep -q "window 300 s" "$T/f.err"
check "a fetcher 10 minutes fast: fails, naming a's skew and window"
ok "with its clock right it fetches" fetch f

# --- the owner's clock steps back ---
# The owner's key must predate the stepped-back clock (gpg refuses to sign
# with a key from the future), so the node is made two hours "ago".
REAL_PEERFEED=$PEERFEED
cat >"$T/pf-fake" <<EOF
#!/bin/sh
exec faketime -f "\$PF_FAKE" "$REAL_PEERFEED" "\$@"
EOF
chmod +x "$T/pf-fake"
PEERFEED=$T/pf-fake PF_FAKE=-2h serve_node o O || exit 99
gpgconf --homedir "$T/o/gnupg" --kill gpg-agent
PEERFEED=$REAL_PEERFEED
make_node r R || exit 99
pf r id --export | pf o friend add - >/dev/null || exit 99
befriend r o || exit 99

: >"$T/order"
post() {	# post [FAKE] TEXT: a post, remembered in posting order
	if [ $# = 2 ]; then
		id=$(PF_FAKE=$1 "$T/pf-fake" -d "$T/o" post "$2") || return 1
	else
		id=$(pf o post "$1") || return 1
	fi
	echo "$id" >>"$T/order"
	echo "$id"
}
# poll SINCE: every change after SINCE through GET /feed, ids to $T/got;
# prints the last cursor.
poll() {
	since=$1
	for i in $(seq 1 20); do
		http_get "$(url_of o)/feed?limit=2&since=$since" "$T/page.json" >/dev/null
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for p in d["posts"]: print(p["id"])
open(sys.argv[2],"w").write(("M " if d["more"] else "D ") + d["next"])' \
		    "$T/page.json" "$T/next" >>"$T/got" || return 1
		set -- $(cat "$T/next")
		since=${2:-$since}
		[ "$1" = M ] || break
	done
	echo "$since"
}
: >"$T/got"
P1=$(post "one, real time") || exit 99
P2=$(post "two, real time") || exit 99
P3=$(post "three, real time") || exit 99
pf o edit "$P1" "one, edited in real time" >/dev/null || exit 99
C=$(poll "")
fetch r >/dev/null 2>&1 || exit 99
# The clock steps back an hour.
P4=$(post -1h "four, clock an hour back") || exit 99
P5=$(post -1h "five, clock an hour back") || exit 99
C=$(poll "$C")
PF_FAKE=-1h "$T/pf-fake" -d "$T/o" edit "$P2" "two, edited an hour back" >/dev/null || exit 99
PF_FAKE=-1h "$T/pf-fake" -d "$T/o" delete "$P3" >/dev/null || exit 99
P6=$(post -1h "six, clock an hour back") || exit 99
fetch r >/dev/null 2>"$T/r.err" || { cat "$T/r.err"; exit 99; }
# And the clock is right again.
P7=$(post "seven, real time") || exit 99
C=$(poll "$C")
fetch r >/dev/null 2>"$T/r.err" || { cat "$T/r.err"; exit 99; }

ok "seven posts, seven different ids" test "$(sort -u "$T/order" | wc -l)" = 7
desc="ids sort in posting order across the step ($(paste -sd' ' "$T/order"))"
sort "$T/order" | cmp -s - "$T/order"
check "$desc"
# list: oldest change first; the edits and the deletion moved their posts.
printf '%s\n' "$P1" "$P4" "$P5" "$P2" "$P3" "$P6" "$P7" >"$T/want"
pf o list | cut -d' ' -f1 >"$T/list"
grep -vxF "$P3" "$T/want" >"$T/want.live"
desc="list keeps the order of the changes ($(paste -sd' ' "$T/list"))"
cmp -s "$T/list" "$T/want" || cmp -s "$T/list" "$T/want.live"
check "$desc"
# The reader saw: P1 P2 P3 then P1 (edit); P4 P5; P2 P3 P6 P7.
printf '%s\n' "$P2" "$P3" "$P1" "$P4" "$P5" "$P2" "$P3" "$P6" "$P7" >"$T/want.got"
desc="the public reader got every change exactly once, in order ($(paste -sd' ' "$T/got"))"
cmp -s "$T/got" "$T/want.got"
check "$desc"
ok "the private fetcher across the step has all seven" \
    test "$(stored r o | paste -sd' ')" = "$(sort "$T/order" | paste -sd' ')"
for f in "$T"/o/posts/*.json; do
	cmp -s "$f" "$T/r/friends/$(fpr_of o)/posts/${f##*/}" || exit 1
done
check "the fetcher holds the latest version of each, edits and deletion included"
ok "o's check --verify is clean" pf o check --verify
ok "r's check --verify is clean" pf r check --verify

done_testing
