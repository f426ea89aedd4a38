#!/bin/bash
# covers: src/fcgi/api_feed.c src/fcgi/api_media.c src/fcgi/req.c src/lib/envelope.c src/lib/group.c src/lib/index_feed.c src/lib/index_nonce.c
# t0210-private: the private POST /feed exchange through nginx and lighttpd,
# with the request built and the response decrypted by plain gpg and curl
# (so the wire format does not depend on our client code).  Identities: the
# owner a, friend f in group "family", friend g in group "fam" (a name
# that starts "family": neither reader may get the other group's posts), a
# blocked key b and a stranger s.  Each reader must get exactly its posts across pages;
# every refusal must be a 4xx with a JSON body; an idle poll must be a 304
# that runs no gpg process (strace of the responder's execve calls).
# POST /media, built and opened with plain gpg too: a reader gets exactly
# the images of posts it may see, byte for byte; anything else is one 404.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx lighttpd strace

for n in a f g b s; do
	make_node $n "Node $n" || exit 99
done
A=$(fpr_of a); F=$(fpr_of f); G=$(fpr_of g); B=$(fpr_of b); S=$(fpr_of s)
pf f id --export | pf a friend add - --group family >/dev/null || exit 99
pf g id --export | pf a friend add - --group fam >/dev/null || exit 99
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
post G --to group:fam "fam, not family"
# Images: one for the family, one public, one in a post deleted below.
png "$T/fam.png" 3000
png "$T/pub.png" 2000
png "$T/gone.png" 1500
head -c 1200 /dev/urandom >"$T/orphan.png"
# last: the id of the last post made.
last() { tail -1 "$T/posts" | cut -d' ' -f1; }
post F --to group:family --image "$T/fam.png" "family picture"
FAM_SHA=$(digest_of a "$(last)")
post PFG --image "$T/pub.png" "public picture"
PUB_SHA=$(digest_of a "$(last)")
post F --to group:family --image "$T/gone.png" "picture, deleted below"
GONE=$(last)
GONE_SHA=$(digest_of a "$GONE")
pf a delete "$GONE" >/dev/null || exit 99
ORPHAN_SHA=$(sha256sum "$T/orphan.png" | cut -d' ' -f1)
# A file under media/ that no post names, and a digest with no file.
cp "$T/orphan.png" "$T/a/media/$ORPHAN_SHA" || exit 99
NOFILE_SHA=$(printf nofile | sha256sum | cut -d' ' -f1)
EDIT=$(sed -n 2p "$T/posts" | cut -d' ' -f1)
DEL=$(sed -n 6p "$T/posts" | cut -d' ' -f1)
pf a edit "$EDIT" "family one, edited" >/dev/null || exit 99
pf a delete "$DEL" >/dev/null || exit 99

# want READER: the ids READER (F or G) must receive, sorted.
want() {
	grep " .*$1" "$T/posts" | cut -d' ' -f1 | sort
}

# send BASE FPR FILE [CURL ARGS]: POST FILE as FPR to $BASE/$ENDPOINT
# (default feed); status code out, body in $T/resp, headers in $T/resp.hdr.
send() {
	curl -s -o "$T/resp" -D "$T/resp.hdr" -w '%{http_code}' -X POST \
	    -H "Content-Type: application/pgp-encrypted" \
	    -H "Peerfeed-From: $2" --data-binary "@$3" "${@:4}" \
	    "$1/${ENDPOINT:-feed}"
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
		req "$3" since="$since" limit="$4" | seal "$2" >"$T/req.pgp"
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

# media BASE NODE FPR SHA [REQ ARGS]: ask for an attachment as NODE; the
# status code out, the answer in $T/resp.
media() {
	req "$3" aud="${AUD%/feed}/media" media="$4" "${@:5}" |
	    seal "$2" >"$T/media.pgp"
	ENDPOINT=media send "$1" "$3" "$T/media.pgp"
}

# refused NAME CODE BASE FPR FILE: the answer is CODE with a JSON error.
refused() {
	code=$(send "$3" "$4" "$5")
	desc="$1 -> $2 with a JSON error ($code: $(head -c 160 "$T/resp"))"
	[ "$code" = "$2" ] && is_json_error "$T/resp"
	check "$desc"
}

# nothing_for NODE...: the answer in $T/resp holds no post and is nothing
# any of the NODEs can decrypt.
nothing_for() {
	! grep -q '"posts"' "$T/resp" || return 1
	for n in "$@"; do
		! pgp "$n" --trust-model always --decrypt "$T/resp" \
		    >/dev/null 2>&1 || return 1
	done
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
	check "$name: g gets exactly public + key:g + fam posts, once each"
	grep -q "^\[GNUPG:\] ENC_TO" "$T/status" &&
	    [ "$(grep -c '^\[GNUPG:\] ENC_TO' "$T/status")" = 1 ]
	check "$name: the response is encrypted to one key only"

	req "$B" | seal b >"$T/b.pgp"
	refused "$name: blocked key" 403 "$base" "$B" "$T/b.pgp"
	cp "$T/resp" "$T/resp.blocked"
	req "$S" | seal s >"$T/s.pgp"
	refused "$name: stranger" 403 "$base" "$S" "$T/s.pgp"
	cmp -s "$T/resp" "$T/resp.blocked"
	check "$name: blocked and unknown get the same 403 body"

	req "$F" | seal f >"$T/once.pgp"
	[ "$(send "$base" "$F" "$T/once.pgp")" = 200 ]
	check "$name: a fresh request is answered"
	refused "$name: the same request again (replay)" 409 "$base" "$F" "$T/once.pgp"
	req "$F" ts=$(( $(date +%s) - 3600 )) | seal f >"$T/stale.pgp"
	refused "$name: an hour-old ts" 400 "$base" "$F" "$T/stale.pgp"
	grep -q 'behind the server clock' "$T/resp"
	check "$name: the stale error names the skew"
	req "$F" aud=http://other.example/peerfeed/feed | seal f >"$T/aud.pgp"
	refused "$name: another node's aud" 403 "$base" "$F" "$T/aud.pgp"
	req "$F" to="$G" | seal f >"$T/to.pgp"
	refused "$name: to names another key" 403 "$base" "$F" "$T/to.pgp"
	req "$F" | pgp f --trust-model always -r "$A" --encrypt >"$T/unsigned.pgp"
	refused "$name: unsigned" 403 "$base" "$F" "$T/unsigned.pgp"
	req "$F" | pgp f -u "$F" --sign >"$T/unenc.pgp"
	refused "$name: signed, not encrypted" 400 "$base" "$F" "$T/unenc.pgp"
	req "$F" >"$T/plain.json"
	refused "$name: plain JSON" 400 "$base" "$F" "$T/plain.json"
	req "$F" | seal g >"$T/other.pgp"
	refused "$name: signed by g, claims to be f" 403 "$base" "$F" "$T/other.pgp"
	nothing_for g f
	check "$name: signed by g, claims to be f: nothing g or f can open"
	refused "$name: signed by g, hint g, from f" 403 "$base" "$G" "$T/other.pgp"
	nothing_for g f
	check "$name: signed by g, hint g, from f: nothing g or f can open"
	# A whole request of another friend, the blocked key or a stranger
	# (from and signature theirs) under f's Peerfeed-From: refused.
	req "$G" | seal g >"$T/ghint.pgp"
	refused "$name: g's own request, Peerfeed-From f" 403 "$base" "$F" "$T/ghint.pgp"
	nothing_for g f
	check "$name: g's own request, Peerfeed-From f: nothing g or f can open"
	req "$B" | seal b >"$T/bhint.pgp"
	refused "$name: b's own request, Peerfeed-From f" 403 "$base" "$F" "$T/bhint.pgp"
	nothing_for b f
	check "$name: b's own request, Peerfeed-From f: nothing b or f can open"
	req "$S" | seal s >"$T/shint.pgp"
	refused "$name: s's own request, Peerfeed-From f" 403 "$base" "$F" "$T/shint.pgp"
	nothing_for s f
	check "$name: s's own request, Peerfeed-From f: nothing s or f can open"
	req "$F" limit=100000 | seal f >"$T/limit.pgp"
	[ "$(send "$base" "$F" "$T/limit.pgp")" = 200 ] && open_resp f &&
	    [ "$(json "$T/plain" 'len(d["posts"])')" = "$(want F | wc -l)" ]
	check "$name: a limit past page_max gets page_max posts, not an error"
	req "$F" since=garbage | seal f >"$T/since.pgp"
	refused "$name: bad since" 400 "$base" "$F" "$T/since.pgp"
	{ req "$F" | head -c -1; printf ',"v":1}'; } | seal f >"$T/dup.pgp"
	refused "$name: duplicate key" 400 "$base" "$F" "$T/dup.pgp"
	{ head -c 30000000 /dev/zero; } | seal f -z 9 >"$T/bomb.pgp"
	refused "$name: compression bomb ($(stat -c %s "$T/bomb.pgp") bytes)" \
	    413 "$base" "$F" "$T/bomb.pgp"
	curl -s -o "$T/resp" -w '%{http_code}' -X POST -H "Peerfeed-From: $F" \
	    -H "Content-Type: text/plain" --data-binary "@$T/once.pgp" "$base/feed" \
	    >"$T/code"
	[ "$(cat "$T/code")" = 400 ] && is_json_error "$T/resp"
	check "$name: wrong Content-Type -> 400"
	req "$F" | seal f --armor >"$T/armor.pgp"
	[ "$(send "$base" "$F" "$T/armor.pgp")" = 200 ] && open_resp f
	check "$name: an armored request works too"
}

# run_media NAME BASE: POST /media for each kind of reader.
run_media() {
	name=$1; base=$2
	[ "$(media "$base" f "$F" "$FAM_SHA")" = 200 ] && open_resp f &&
	    cmp -s "$T/plain" "$T/a/media/$FAM_SHA"
	check "$name: f (family) gets the family image, byte for byte, from a"
	cp "$T/media.pgp" "$T/media.once"
	[ "$(grep -c '^\[GNUPG:\] ENC_TO' "$T/status")" = 1 ] &&
	    grep -qi '^content-type: application/pgp-encrypted' "$T/resp.hdr"
	check "$name: the image is encrypted to one key only"
	[ "$(media "$base" g "$G" "$PUB_SHA")" = 200 ] && open_resp g &&
	    cmp -s "$T/plain" "$T/a/media/$PUB_SHA"
	check "$name: g gets the public image"
	[ "$(media "$base" g "$G" "$FAM_SHA")" = 404 ] && is_json_error "$T/resp"
	check "$name: g (not in family) gets 404 for the family image"
	cp "$T/resp" "$T/resp.404"
	same=0
	for d in "$ORPHAN_SHA" "$NOFILE_SHA" "$GONE_SHA"; do
		[ "$(media "$base" f "$F" "$d")" = 404 ] &&
		    cmp -s "$T/resp" "$T/resp.404" && same=$((same + 1))
	done
	[ $same = 3 ]
	check "$name: unnamed file, no file, deleted post: the same 404 body"
	[ "$(media "$base" s "$S" "$PUB_SHA")" = 403 ] && is_json_error "$T/resp" &&
	    cmp -s "$T/resp" "$T/resp.blocked"
	check "$name: a stranger gets the usual 403"
	[ "$(media "$base" b "$B" "$PUB_SHA")" = 403 ]
	check "$name: a blocked key gets 403"
	req "$F" media="$FAM_SHA" | seal f >"$T/m.pgp"
	ENDPOINT=media refused "$name: a media request with the feed's aud" 403 "$base" "$F" "$T/m.pgp"
	ENDPOINT=media refused "$name: a feed request at /media" 403 "$base" \
	    "$F" "$T/once.pgp"
	req "$F" aud="${AUD%/feed}/media" media="$FAM_SHA" | seal f >"$T/m.pgp"
	refused "$name: a media request at /feed (unknown member)" 400 "$base" \
	    "$F" "$T/m.pgp"
	ENDPOINT=media refused "$name: the same media request twice" 409 \
	    "$base" "$F" "$T/media.once"
	[ "$(media "$base" f "$F" "$FAM_SHA" limit=3)" = 400 ] &&
	    grep -q 'unknown member' "$T/resp"
	check "$name: a media request with a feed member -> 400"
	[ "$(media "$base" f "$F" "$(echo "$FAM_SHA" | tr a-f A-F)")" = 400 ] &&
	    [ "$(media "$base" f "$F" "../../peerfeed.conf")" = 400 ]
	check "$name: a digest not in lowercase hex -> 400"
	req "$F" aud="${AUD%/feed}/media" media="$FAM_SHA" |
	    seal f --armor >"$T/m.asc"
	[ "$(ENDPOINT=media send "$base" "$F" "$T/m.asc")" = 200 ] &&
	    open_resp f && cmp -s "$T/plain" "$T/a/media/$FAM_SHA" &&
	    head -1 "$T/resp" | grep -q 'BEGIN PGP MESSAGE'
	check "$name: an armored media request gets an armored answer"
	[ "$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' "$base/media")" = 405 ] &&
	    grep -qi '^allow: POST' "$T/h"
	check "$name: GET /media is 405 with Allow: POST"
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
run_media nginx "$NBASE"
run_media lighttpd "$LBASE"

# Idle polls.  Evidence that no OpenPGP operation runs: gpgme runs every
# operation as a gpg process, so the responder's execve calls (strace -f)
# must show gpg for a full poll and none for a 304.
req "$F" | seal f >"$T/full.pgp"
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
req "$F" | seal f >"$T/full2.pgp"
[ "$(send "$NBASE" "$F" "$T/full2.pgp")" = 200 ]
n=$(untrace full)
[ "$n" -ge 1 ]
check "a full poll runs gpg ($n processes): the count is real"
[ "$(http_status POST "$NBASE/feed" -H "Peerfeed-From: $S" \
    -H "If-None-Match: $TAG")" = 400 ]
check "f's ETag with a stranger's hint is no 304: 400 as for any body-less POST"

pf a post --to "key:$G" "for g only, later" >/dev/null
[ "$(http_status POST "$NBASE/feed" -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG")" = 304 ]
check "a post f cannot see leaves f's ETag alone"
FAM_LATER=$(pf a post --to group:family "for the family, later")
[ "$(http_status POST "$NBASE/feed" -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG" -H "Content-Type: application/pgp-encrypted")" = 400 ]
check "after a post for f, the ETag no longer matches (full request needed)"
pf a group remove family "$F" >/dev/null
req "$F" since=9999999999999.~ | seal f >"$T/g2.pgp"
[ "$(send "$NBASE" "$F" "$T/g2.pgp")" = 200 ]
check "f, no longer in family, still polls"
# The responder caches gpg.conf's groups: a change counts at once.
poll "$NBASE" f "$F" 2 "$T/f2.ids" && ! grep -qx "$FAM_LATER" "$T/f2.ids" &&
    ! grep -qx "$EDIT" "$T/f2.ids"
check "at once, f's feed holds no family post any more"
pf a group add family "$F" >/dev/null
poll "$NBASE" f "$F" 2 "$T/f3.ids" && grep -qx "$FAM_LATER" "$T/f3.ids"
check "back in family, f gets the family's posts again, at once"

# media_max bounds what the responder reads: lower it below the public
# image's size (2000 bytes) and restart.
kill "$RESPONDER_PID"; wait "$RESPONDER_PID" 2>/dev/null
sed -i 's/^media_max = .*/media_max = 1500/' "$T/a/peerfeed.conf"
start_responder a || exit 99
[ "$(media "$NBASE" f "$F" "$PUB_SHA")" = 413 ] && is_json_error "$T/resp"
check "an image over media_max -> 413"

grep -q "POST /feed 200 $F" "$T/a.log" && grep -q "POST /feed 403 - " "$T/a.log" &&
    grep -q "POST /feed 304 $F" "$T/a.log"
check "the log names the requester"
! grep -q 'family one\|to f only\|public one' "$T/a.log"
check "the log holds no post contents"

done_testing
