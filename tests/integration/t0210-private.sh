#!/bin/bash
# t0210-private: the private POST /feed exchange through nginx and lighttpd,
# with the request built and the response decrypted by plain gpg and curl
# (so the wire format does not depend on our client code).  Identities: the
# owner a, friend f in group "family", friend g not in it, a blocked key b
# and a stranger s.  Each reader must get exactly its posts across pages;
# every refusal must be a 4xx with a JSON body; an idle poll must be a 304
# that runs no gpg process (strace of the responder's execve calls).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx lighttpd strace

for n in a f g b s; do
	make_node $n "Node $n" || exit 99
done
A=$(fpr_of a); F=$(fpr_of f); G=$(fpr_of g); B=$(fpr_of b); S=$(fpr_of s)
pf f id --export | pf a friend add - --group family >/dev/null || exit 99
pf g id --export | pf a friend add - >/dev/null || exit 99
pf b id --export | pf a friend add - >/dev/null || exit 99
pf a block "$B" >/dev/null || exit 99
for n in f g b s; do
	pf a id --export | pgp $n --import 2>/dev/null || exit 99
done
AUD="http://127.0.0.1/peerfeed/feed"

# Posts of a, with the readers that may see each: P public, F f, G g.
post() {
	vis=$1; shift
	id=$(pf a post "$@") || exit 99
	echo "$id $vis" >>"$T/posts"
}
: >"$T/posts"
post PFG "public one"
post F --to group:family "family one"
post F --to "key:$F" "to f only"
post G --to "key:$G" "to g only"
post "" --to group:other "nobody's"
post PFG "public two"
post F --to group:family --to "key:$G" "family and g" 
sed -i '$ s/ F$/ FG/' "$T/posts"
post PFG "public three"
post F --to group:family "family two"
EDIT=$(sed -n 2p "$T/posts" | cut -d' ' -f1)
DEL=$(sed -n 6p "$T/posts" | cut -d' ' -f1)
pf a edit "$EDIT" "family one, edited" >/dev/null || exit 99
pf a delete "$DEL" >/dev/null || exit 99

# want READER: the ids READER (F or G) must receive, sorted.
want() {
	grep " .*$1" "$T/posts" | cut -d' ' -f1 | sort
}

# req NODE FROM [ts=..] [aud=..] [to=..] [since=..] [limit=..] [nonce=..]:
# the request plaintext, as a friend's tool would write it.
req() {
	node=$1; from=$2; shift 2
	ts=$(date +%s); aud=$AUD; to=$A; since=""; limit=""
	nonce=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	for kv in "$@"; do eval "${kv%%=*}=\${kv#*=}"; done
	printf '{"v":1,"from":"%s","to":"%s","aud":"%s","ts":%s,"nonce":"%s"' \
	    "$from" "$to" "$aud" "$ts" "$nonce"
	[ -n "$since" ] && printf ',"since":"%s"' "$since"
	[ -n "$limit" ] && printf ',"limit":%s' "$limit"
	printf '}'
}

# seal NODE [GPG ARGS...]: sign with NODE's key and encrypt to a (stdin ->
# stdout), with plain gpg.
seal() {
	node=$1; shift
	pgp "$node" --trust-model always -u "$(fpr_of "$node")" -r "$A" "$@" \
	    --sign --encrypt
}

# send BASE FPR FILE [CURL ARGS]: POST FILE as FPR; status code out,
# body in $T/resp, headers in $T/resp.hdr.
send() {
	curl -s -o "$T/resp" -D "$T/resp.hdr" -w '%{http_code}' -X POST \
	    -H "Content-Type: application/pgp-encrypted" \
	    -H "Peerfeed-From: $2" --data-binary "@$3" "${@:4}" "$1/feed"
}

# open_resp NODE: decrypt $T/resp with plain gpg into $T/plain; the
# signature must be good and by a.
open_resp() {
	pgp "$1" --trust-model always --status-fd 3 --decrypt "$T/resp" \
	    3>"$T/status" >"$T/plain" 2>/dev/null &&
	    grep -q "^\[GNUPG:\] VALIDSIG .* $A\$" "$T/status"
}

json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(r if not isinstance(r,bool) else int(r))' "$1" "$2"
}

# poll BASE NODE FPR LIMIT OUT: every page from the beginning; ids to OUT.
poll() {
	since=""; : >"$5"; pages=0
	while :; do
		req "$2" "$3" since="$since" limit="$4" | seal "$2" >"$T/req.pgp"
		code=$(send "$1" "$3" "$T/req.pgp")
		[ "$code" = 200 ] || { echo "status $code: $(cat "$T/resp")"; return 1; }
		open_resp "$2" || { echo "bad response signature"; return 1; }
		[ "$(json "$T/plain" 'd["from"]+d["to"]')" = "$A$3" ] || return 1
		json "$T/plain" '"\n".join(p["id"] for p in d["posts"])' |
		    sed '/^$/d' >>"$5"
		pages=$((pages + 1))
		[ "$(json "$T/plain" 'd["more"]')" = 1 ] || break
		since=$(json "$T/plain" 'd["next"]')
		[ $pages -lt 50 ] || return 1
	done
	[ $pages -gt 2 ] || { echo "only $pages pages"; return 1; }
}

# refused NAME CODE BASE FPR FILE: the answer is CODE with a JSON error.
refused() {
	code=$(send "$3" "$4" "$5")
	[ "$code" = "$2" ] && is_json_error "$T/resp"
	check "$1 -> $2 with a JSON error ($code: $(head -c 160 "$T/resp"))"
}

run_private() {
	name=$1; base=$2
	echo "# through $name: $base"
	poll "$base" f "$F" 2 "$T/f.ids"
	check "$name: f polls several pages"
	sort "$T/f.ids" | cmp -s - <(want F)
	check "$name: f gets exactly public + family + key:f posts, once each"
	poll "$base" g "$G" 2 "$T/g.ids"
	check "$name: g polls several pages"
	sort "$T/g.ids" | cmp -s - <(want G)
	check "$name: g gets exactly public + key:g posts, once each"
	grep -q "^\[GNUPG:\] ENC_TO" "$T/status" &&
	    [ "$(grep -c '^\[GNUPG:\] ENC_TO' "$T/status")" = 1 ]
	check "$name: the response is encrypted to one key only"

	req g "$B" | seal b >"$T/b.pgp"
	refused "$name: blocked key" 403 "$base" "$B" "$T/b.pgp"
	cp "$T/resp" "$T/resp.blocked"
	req s "$S" | seal s >"$T/s.pgp"
	refused "$name: stranger" 403 "$base" "$S" "$T/s.pgp"
	cmp -s "$T/resp" "$T/resp.blocked"
	check "$name: blocked and unknown get the same 403 body"

	req f "$F" | seal f >"$T/once.pgp"
	[ "$(send "$base" "$F" "$T/once.pgp")" = 200 ]
	check "$name: a fresh request is answered"
	refused "$name: the same request again (replay)" 409 "$base" "$F" "$T/once.pgp"
	req f "$F" ts=$(( $(date +%s) - 3600 )) | seal f >"$T/stale.pgp"
	refused "$name: an hour-old ts" 400 "$base" "$F" "$T/stale.pgp"
	grep -q 'behind the server clock' "$T/resp"
	check "$name: the stale error names the skew"
	req f "$F" aud=http://other.example/peerfeed/feed | seal f >"$T/aud.pgp"
	refused "$name: another node's aud" 403 "$base" "$F" "$T/aud.pgp"
	req f "$F" to="$G" | seal f >"$T/to.pgp"
	refused "$name: to names another key" 403 "$base" "$F" "$T/to.pgp"
	req f "$F" | pgp f --trust-model always -r "$A" --encrypt >"$T/unsigned.pgp"
	refused "$name: unsigned" 403 "$base" "$F" "$T/unsigned.pgp"
	req f "$F" | pgp f -u "$F" --sign >"$T/unenc.pgp"
	refused "$name: signed, not encrypted" 400 "$base" "$F" "$T/unenc.pgp"
	req f "$F" >"$T/plain.json"
	refused "$name: plain JSON" 400 "$base" "$F" "$T/plain.json"
	req g "$F" | seal g >"$T/other.pgp"
	refused "$name: signed by g, claims to be f" 403 "$base" "$F" "$T/other.pgp"
	refused "$name: signed by g, hint g, from f" 403 "$base" "$G" "$T/other.pgp"
	req f "$F" limit=100000 | seal f >"$T/limit.pgp"
	refused "$name: limit past page_max" 400 "$base" "$F" "$T/limit.pgp"
	req f "$F" since=garbage | seal f >"$T/since.pgp"
	refused "$name: bad since" 400 "$base" "$F" "$T/since.pgp"
	{ req f "$F" | head -c -1; printf ',"v":1}'; } | seal f >"$T/dup.pgp"
	refused "$name: duplicate key" 400 "$base" "$F" "$T/dup.pgp"
	{ head -c 30000000 /dev/zero; } | seal f -z 9 >"$T/bomb.pgp"
	refused "$name: compression bomb ($(stat -c %s "$T/bomb.pgp") bytes)" \
	    413 "$base" "$F" "$T/bomb.pgp"
	curl -s -o "$T/resp" -w '%{http_code}' -X POST -H "Peerfeed-From: $F" \
	    -H "Content-Type: text/plain" --data-binary "@$T/once.pgp" "$base/feed" \
	    >"$T/code"
	[ "$(cat "$T/code")" = 400 ] && is_json_error "$T/resp"
	check "$name: wrong Content-Type -> 400"
	req f "$F" | seal f --armor >"$T/armor.pgp"
	[ "$(send "$base" "$F" "$T/armor.pgp")" = 200 ] && open_resp f
	check "$name: an armored request works too"
}

start_responder a || exit 99
NPORT=$(free_port)
start_nginx a "$NPORT" || { cat "$T/nginx-a/logs/error.log"; exit 99; }
LPORT=$(free_port)
start_lighttpd a "$LPORT" || { cat "$T/lighttpd-a/error.log"; exit 99; }
NBASE="http://127.0.0.1:$NPORT/peerfeed"
LBASE="http://127.0.0.1:$LPORT/peerfeed"
run_private nginx "$NBASE"
run_private lighttpd "$LBASE"

# Idle polls.  Evidence that no OpenPGP operation runs: gpgme runs every
# operation as a gpg process, so the responder's execve calls (strace -f)
# must show gpg for a full poll and none for a 304.
req f "$F" | seal f >"$T/full.pgp"
[ "$(send "$NBASE" "$F" "$T/full.pgp")" = 200 ]
TAG=$(sed -n 's/^ETag: *//Ip' "$T/resp.hdr" | tr -d '\r')
[ -n "$TAG" ]
check "a caught-up private response carries an ETag"

trace() {
	strace -f -qq -e trace=execve -o "$T/strace.$1" -p "$RESPONDER_PID" &
	STRACE_PID=$!
	sleep 0.5
}
untrace() {
	kill "$STRACE_PID"; wait "$STRACE_PID" 2>/dev/null
	grep -c 'execve(.*gpg' "$T/strace.$1"
}
trace idle
for i in 1 2 3 4 5; do
	code=$(curl -s -o "$T/resp" -w '%{http_code}' -X POST \
	    -H "Peerfeed-From: $F" -H "If-None-Match: $TAG" "$NBASE/feed")
	[ "$code" = 304 ] || echo "# idle poll $i: $code"
done >"$T/idle.out"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG" "$NBASE/feed?since=x")
echo "$code" >>"$T/idle.out"
n=$(untrace idle)
[ "$(cat "$T/idle.out")" = 304 ] && [ "$n" = 0 ]
check "five POST and one GET idle polls: 304, and $n gpg processes"
trace full
req f "$F" | seal f >"$T/full2.pgp"
[ "$(send "$NBASE" "$F" "$T/full2.pgp")" = 200 ]
n=$(untrace full)
[ "$n" -ge 1 ]
check "a full poll runs gpg ($n processes): the count is real"
[ "$(http_status POST "$NBASE/feed" -H "Peerfeed-From: $S" \
    -H "If-None-Match: $TAG")" = 403 ]
check "an idle poll with a stranger's hint is still 403"

pf a post --to "key:$G" "for g only, later" >/dev/null
[ "$(http_status POST "$NBASE/feed" -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG")" = 304 ]
check "a post f cannot see leaves f's ETag alone"
pf a post --to group:family "for the family, later" >/dev/null
[ "$(http_status POST "$NBASE/feed" -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG" -H "Content-Type: application/pgp-encrypted")" = 400 ]
check "after a post for f, the ETag no longer matches (full request needed)"
pf a group remove family "$F" >/dev/null
req f "$F" since=9999999999999.~ | seal f >"$T/g2.pgp"
[ "$(send "$NBASE" "$F" "$T/g2.pgp")" = 200 ]
check "f, no longer in family, still polls"

grep -q "POST /feed 200 $F" "$T/a.log" && grep -q "POST /feed 403 - " "$T/a.log" &&
    grep -q "POST /feed 304 $F" "$T/a.log"
check "the log names the requester"
! grep -q 'family one\|to f only\|public one' "$T/a.log"
check "the log holds no post contents"

done_testing
