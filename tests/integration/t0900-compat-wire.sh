#!/bin/bash
# covers: src/fcgi/api_feed.c src/fcgi/api_media.c src/fetch/fetch.c src/fetch/fetch_page.c src/lib/post.c
# t0900-compat-wire: mixed versions keep talking (doc/PROTOCOL.md,
# "Compatibility").  v0.1.0, built from the repository's history
# (lib_compat.sh), and the current programs exchange posts both ways
# through the real responder behind nginx: old owner and new reader, new
# owner and old reader: a public post, a group post, a private (key:)
# post, an edit and a delete arrive, verify and show; an idle poll is a
# 304 with no new posts.  A post with extension members, as a newer node
# may write it, shows on a current reader.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
. "$(dirname "$0")/lib_compat.sh"
need nginx spawn-fcgi

old serve_node o "Olga Old" || exit 99
serve_node n "Nina New" || exit 99
NPID=$RESPONDER_PID
FO=$(fpr_of o); FN=$(fpr_of n)
# (the new node's fingerprint read by the new CLI: its peerfeed.conf has
# settings v0.1.0 does not know)
ok "the old node adds the new one by URL" \
    old pf o friend add --url "$(url_of n)" --fpr "$FN"
[ ! -e "$T/o/format" ] && [ "$(cat "$T/n/format")" = 2 ]
check "the old node is v0.1.0's (no format marker), the new one is format 2"
ok "the new node adds the old one by URL" befriend n o

# exchange WHO OWNER READER FPR_READER RUN_OWNER RUN_READER: the owner
# posts, edits and deletes with its version's CLI; the reader fetches with
# its version's fetcher and must hold exactly the posts meant for it.
exchange() {
	who=$1 owner=$2 reader=$3 fr=$4 ro=$5 rr=$6
	$ro pf "$owner" group add family "$fr" >/dev/null || exit 99
	pub=$($ro pf "$owner" post "public from $owner") || exit 99
	fam=$($ro pf "$owner" post --to group:family "family from $owner") || exit 99
	key=$($ro pf "$owner" post --to "key:$fr" "just for $reader") || exit 99
	oth=$($ro pf "$owner" post --to group:others "not for $reader" 2>/dev/null) ||
	    exit 99
	edi=$($ro pf "$owner" post "before the edit") || exit 99
	del=$($ro pf "$owner" post --to group:family "soon deleted") || exit 99
	$ro pf "$owner" edit "$edi" "after the edit" || exit 99
	$ro pf "$owner" delete "$del" || exit 99

	$rr fetch "$reader" >"$T/$who.f1" 2>"$T/$who.e1"
	check "$who: the fetch exits 0"
	sed 's/^/# /' "$T/$who.e1"
	printf '%s\n' "$pub" "$fam" "$key" "$edi" "$del" | sort >"$T/want"
	stored "$reader" "$owner" >"$T/got"
	diff "$T/want" "$T/got"
	check "$who: public, group and key posts arrived, not the other group's"
	$rr pf "$reader" timeline >"$T/$who.tl"
	grep -q "public from $owner" "$T/$who.tl" &&
	    grep -q "family from $owner" "$T/$who.tl" &&
	    grep -q "just for $reader" "$T/$who.tl" &&
	    grep -q "after the edit" "$T/$who.tl" &&
	    ! grep -q "before the edit" "$T/$who.tl" &&
	    ! grep -q "soon deleted" "$T/$who.tl"
	check "$who: the timeline shows the posts, the edit, not the deleted one"
	grep -q '"type": "Tombstone"' "$T/$reader/friends/$ofpr/posts/$del.json"
	check "$who: the delete arrived as a tombstone"
	$rr pf "$reader" check --verify >"$T/$who.chk" 2>&1
	check "$who: check --verify on the reader is clean"
	$rr fetch "$reader" >"$T/$who.f2" 2>&1 &&
	    grep -q "1 ok (1 idle), 0 failed; 0 posts in 0 pages" "$T/$who.f2"
	check "$who: the idle poll is a 304: no new posts"
}

ofpr=$FO
exchange "old owner, new reader" o n "$FN" old ""
ofpr=$FN
exchange "new owner, old reader" n o "$FO" "" old

# A newer node's post: extension members at the top level and in the
# location (doc/PROTOCOL.md "Compatibility"), hand-made, signed by plain
# gpg, indexed by reindex; n's responder restarts to see the new index.
EXT="$(date +%s%3N)-0e0e"
NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
cat >"$T/n/posts/$EXT.json" <<EOF
{"@context":"https://www.w3.org/ns/activitystreams","id":"$EXT",
 "type":"Note","attributedTo":"$FN","published":"$NOW","updated":"$NOW",
 "to":["public"],"content":"from a newer node","peerfeed:mood":{"level":3},
 "location":{"type":"Place","latitude":1.5,"longitude":2.5,"geo:alt":12}}
EOF
pgp n --armor --detach-sign -o "$T/n/posts/$EXT.json.sig" "$T/n/posts/$EXT.json" &&
    pf n reindex >/dev/null || exit 99
kill "$NPID"; wait "$NPID" 2>/dev/null
start_responder n || exit 99
make_node c "Carl Current" || exit 99
pf c id --export >"$T/c.asc" && pf n friend add "$T/c.asc" >/dev/null &&
    befriend c n || exit 99
fetch c >"$T/c.f1" 2>&1
check "a current reader fetches the newer node's feed"
[ -e "$T/c/friends/$FN/posts/$EXT.json" ] &&
    pf c timeline | grep -q "from a newer node" && pf c check --verify >/dev/null
check "the post with extension members is stored, verifies and shows"

done_testing
