#!/bin/bash
# covers: src/fcgi/api_feed.c src/lib/index_feed.c src/lib/index_put.c src/lib/feed.c
# t0205-same-ms: two changes of one millisecond, split by a page border,
# through the real responder behind nginx.  The node never gives two of its
# own changes one millisecond (each is after the last), so the tie is made
# as it happens in use: a copy of the state directory (a second device, a
# restored backup) posts at the very millisecond the original edits a post,
# under a frozen clock (libfaketime), and the copy's post is brought home
# and reindexed.  Every page size must then give each post exactly once
# (doc/PROTOCOL.md: the cursor is <ms>.<id>, ties are ordered by id).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx faketime

make_node a Alice || exit 99
pf a post "before" >"$T/ids" || exit 99
# Two frozen times a minute and two ahead: gpg signs with no key from the
# future.  X is posted at T0; the copy b posts Y at T1 while a edits X at
# T1: X (id from T0) and Y (id from T1) both change at T1.
T0=$(TZ=UTC date -d '+1 min' '+%Y-%m-%d %H:%M:%S')
T1=$(TZ=UTC date -d '+2 min' '+%Y-%m-%d %H:%M:%S')
export FAKETIME_DONT_FAKE_MONOTONIC=1
at() {
	when=$1; node=$2; shift 2
	TZ=UTC faketime -f "$when" "$PEERFEED" -d "$T/$node" "$@"
}
X=$(at "$T0" a post "tie one") || exit 99
cp -a "$T/a" "$T/b" || exit 99
rm -f "$T"/b/gnupg/S.* || exit 99
track_gnupghome "$T/b/gnupg"
Y=$(at "$T1" b post "tie two") || exit 99
at "$T1" a edit "$X" "tie one, edited" >/dev/null || exit 99
cp "$T/b/posts/$Y.json" "$T/b/posts/$Y.json.sig" "$T/a/posts/" || exit 99
echo "$X" >>"$T/ids"
echo "$Y" >>"$T/ids"
ok "reindex with the copy's post" pf a reindex
pf a post "after" >>"$T/ids" || exit 99
ok "check --verify passes" pf a check --verify

start_responder a || exit 99
PORT=$(free_port)
start_nginx a "$PORT" || { cat "$T/nginx-a/logs/error.log"; exit 99; }
BASE="http://127.0.0.1:$PORT/peerfeed"

# walk LIMIT OUT: follow next= from the beginning; "ms id" lines to OUT.
walk() {
	since=""; : >"$2"; pages=0
	while :; do
		code=$(http_get "$BASE/feed?since=$since&limit=$1" "$T/page.json")
		[ "$code" = 200 ] || { echo "page status $code"; return 1; }
		python3 - "$T/page.json" "$2" <<'EOF' || return 1
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2], "a") as out:
    for p in d["posts"]:
        out.write("%s %s\n" % (json.loads(p["post"])["updated"], p["id"]))
with open(sys.argv[1] + ".next", "w") as f:
    f.write("%d %s" % (d["more"], d["next"]))
EOF
		read -r more since <"$T/page.json.next"
		pages=$((pages + 1))
		[ "$more" = 1 ] || break
		[ $pages -lt 20 ] || return 1
	done
}

walk 10 "$T/all" &&
    [ "$(wc -l <"$T/all")" = 4 ] &&
    [ "$(sed -n 2p "$T/all" | cut -d' ' -f1)" = "$(sed -n 3p "$T/all" | cut -d' ' -f1)" ]
check "the two middle posts have the same updated time"
sort "$T/ids" >"$T/want"
for limit in 1 2 3; do
	walk $limit "$T/got.$limit"
	cut -d' ' -f2 "$T/got.$limit" | sort | cmp -s - "$T/want" &&
	    cmp -s "$T/got.$limit" "$T/all"
	check "limit=$limit: each of the four posts once, in order"
done

done_testing
