#!/bin/bash
# covers: src/fcgi/api_feed.c src/fcgi/api_media.c src/lib/envelope.c src/lib/keyring.c
# t0215-private-oracle: the Peerfeed-From hint is not an oracle (issue 13
# items 1 and 2, doc/PROTOCOL.md "Private requests").  Until a good
# signature by a friend has verified, the answer to a POST /feed or POST
# /media is the same for a friend's, a blocked, an unknown and a random
# fingerprint: same status, same body bytes, same headers (but Date).
# 40 requests per kind of hint and per case, through nginx with the
# shipped snippet.  A request signed by a blocked key and one signed by a
# stranger get one answer too, whatever the hint.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx

for n in a f b s; do
	make_node $n "Node $n" || exit 99
done
A=$(fpr_of a); F=$(fpr_of f); B=$(fpr_of b); S=$(fpr_of s)
R=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
pf f id --export | pf a friend add - >/dev/null || exit 99
pf b id --export | pf a friend add - >/dev/null || exit 99
pf a block "$B" >/dev/null || exit 99
for n in f b s; do
	pf a id --export | pgp $n --import 2>/dev/null || exit 99
done
AUD="http://127.0.0.1/peerfeed/feed"
pf a post "public one" >/dev/null || exit 99

start_responder a || exit 99
NPORT=$(free_port)
start_nginx a "$NPORT" || { cat "$T/nginx-a/logs/error.log"; exit 99; }
BASE="http://127.0.0.1:$NPORT/peerfeed"

# shot OUT HINT ENDPOINT [CURL ARGS]: one POST; "status, headers but Date
# and Server, body" into OUT.
shot() {
	out=$1; hint=$2; ep=$3; shift 3
	curl -s -o "$out.body" -D "$out.hdr" -w '%{http_code}\n' -X POST \
	    -H "Peerfeed-From: $hint" "$@" "$BASE/$ep" >"$out"
	grep -vi '^\(date\|server\):' "$out.hdr" >>"$out"
	cat "$out.body" >>"$out"
}

# same_for_all NAME N ENDPOINT [CURL ARGS]: N requests per kind of hint,
# every answer byte-identical to the first.
same_for_all() {
	name=$1; n=$2; ep=$3; shift 3
	shot "$T/ref" "$F" "$ep" "$@"
	bad=0; total=0
	for i in $(seq "$n"); do
		for h in "$F" "$B" "$S" "$R"; do
			shot "$T/one" "$h" "$ep" "$@"
			cmp -s "$T/one" "$T/ref" || {
				bad=$((bad + 1)); echo "# $name, hint $h differs:"
				diff "$T/ref" "$T/one" | head -5 | sed 's/^/#   /'
			}
			total=$((total + 1))
		done
	done
	desc="$name: $total answers for friend, blocked, unknown and random hints are the same ($bad differ; $(head -1 "$T/ref"))"
	[ $bad = 0 ] && [ $total = $((4 * n)) ]
	check "$desc"
}

printf 'junk, not OpenPGP' >"$T/junk"
same_for_all "feed, junk body" 40 feed --data-binary "@$T/junk" \
    -H "Content-Type: application/pgp-encrypted"
same_for_all "feed, empty POST, bogus If-None-Match" 40 feed \
    -H 'If-None-Match: "pf1-00000000000000000000000000000000"'
same_for_all "feed, If-None-Match and a junk body" 40 feed \
    -H 'If-None-Match: "pf1-00000000000000000000000000000000"' \
    --data-binary "@$T/junk" -H "Content-Type: application/pgp-encrypted"
same_for_all "feed, no Content-Type" 10 feed --data-binary "@$T/junk"
head -c 70000 /dev/zero >"$T/big"
same_for_all "feed, body over body_max" 5 feed --data-binary "@$T/big" \
    -H "Content-Type: application/pgp-encrypted"
same_for_all "media, junk body" 40 media --data-binary "@$T/junk" \
    -H "Content-Type: application/pgp-encrypted"
# Signed by a stranger, and by a blocked key: one gpg decrypt each, so
# fewer rounds; both must be the same single 403, whatever the hint.
req "$S" | seal s >"$T/s.pgp"
req "$B" | seal b >"$T/b.pgp"
same_for_all "feed, signed by a stranger" 5 feed --data-binary "@$T/s.pgp" \
    -H "Content-Type: application/pgp-encrypted"
cp "$T/ref" "$T/ref.stranger"
same_for_all "feed, signed by a blocked key" 5 feed --data-binary "@$T/b.pgp" \
    -H "Content-Type: application/pgp-encrypted"
cmp -s "$T/ref" "$T/ref.stranger" && grep -q '^403' "$T/ref"
check "signed by a blocked key or by a stranger: the same 403"

# The friend's own ETag still makes an idle poll: a 304, and only for f.
req "$F" | seal f >"$T/f.pgp"
code=$(curl -s -o /dev/null -D "$T/f.hdr" -w '%{http_code}' -X POST \
    -H "Peerfeed-From: $F" -H "Content-Type: application/pgp-encrypted" \
    --data-binary "@$T/f.pgp" "$BASE/feed")
TAG=$(sed -n 's/^ETag: *//Ip' "$T/f.hdr" | tr -d '\r')
[ "$code" = 200 ] && [ -n "$TAG" ]
check "a friend's full poll is answered, with an ETag"
[ "$(http_status POST "$BASE/feed" -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG")" = 304 ]
check "the friend's idle poll with its ETag is a 304"
codes=""
for h in "$B" "$S" "$R"; do
	codes="$codes $(http_status POST "$BASE/feed" -H "Peerfeed-From: $h" \
	    -H "If-None-Match: $TAG")"
done
[ "$codes" = " 400 400 400" ]
check "the friend's ETag with any other hint is no 304 ($codes)"
pf a block "$F" >/dev/null || exit 99
[ "$(http_status POST "$BASE/feed" -H "Peerfeed-From: $F" \
    -H "If-None-Match: $TAG")" = 400 ]
check "once f is blocked, its ETag gets no 304 any more"

done_testing
