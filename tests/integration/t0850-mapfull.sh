#!/bin/bash
# covers: src/lib/index.c src/lib/index_put.c src/fcgi/api_feed.c src/fetch/fetch_store.c
# t0850-mapfull: indexes made with the smallest map PEERFEED_INDEX_MAPSIZE
# allows (64 KiB) fill up while posting (with a responder reading the same
# index), while reindexing and while the fetcher stores a friend's posts:
# MDB_MAP_FULL makes the index grow and the write carry on; nothing fails,
# every post is indexed, and the responder adopts the grown map.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx mdb_stat

SMALL=65536
export PEERFEED_INDEX_MAPSIZE=$SMALL

# mapsize NODE [ENV]: the map size of the node's index environment.
mapsize() {
	mdb_stat -e "$T/$1/${2:-index}" | sed -n 's/^ *Map size: //p'
}

serve_node a A || exit 99
ok "a's index starts at the 64 KiB map" test "$(mapsize a)" = $SMALL
# Each post takes about 1.5 KB of index (file bytes, signature, keys):
# 120 of them need several doublings.  The responder reads meanwhile.
fails=0
for i in $(seq 1 120); do
	pf a post "post number $i, $(head -c 300 /dev/zero | tr '\0' x)" \
	    >>"$T/a.ids" 2>>"$T/err" || fails=$((fails + 1))
	if [ $((i % 30)) = 0 ]; then
		code=$(http_get "$(url_of a)/feed?limit=100" "$T/feed.json")
		[ "$code" = 200 ] || fails=$((fails + 1))
	fi
done
sed 's/^/# /' "$T/err" | head -5
ok "120 posts on a 64 KiB map: none failed" test $fails = 0
ok "the map grew ($(mapsize a) bytes)" test "$(mapsize a)" -gt $SMALL
ok "every post is indexed: check is clean" pf a check
ok "list shows all 120" test "$(pf a list | wc -l)" = 120

# The responder (a reader with the old, smaller map) adopts the growth and
# serves every post.
since=""
: >"$T/seen"
for page in 1 2 3 4; do
	http_get "$(url_of a)/feed?limit=50&since=$since" "$T/feed.json" >"$T/code"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for p in d["posts"]: print(p["id"] if "id" in p else json.loads(p["json"])["id"])
open(sys.argv[2],"w").write(d["next"] if d["more"] else "")' \
	    "$T/feed.json" "$T/next" >>"$T/seen" 2>"$T/py.err" || break
	since=$(cat "$T/next")
	[ -n "$since" ] || break
done
cat "$T/py.err" | head -3
sort "$T/seen" | cmp -s - <(sort "$T/a.ids")
check "the responder serves all 120 posts after the growth"

# reindex: the new environment starts at 64 KiB again and grows while the
# batches go in.
ok "reindex into a 64 KiB map" pf a reindex
ok "the rebuilt map grew too ($(mapsize a) bytes)" test "$(mapsize a)" -gt $SMALL
ok "check is clean after the reindex" pf a check

# The fetcher: a fresh node with a small map stores a's 120 posts.
make_node me Me || exit 99
pf me reindex >/dev/null || exit 99
befriend me a || exit 99
pf me id --export | pf a friend add - >/dev/null || exit 99
ok "me's index starts small" test "$(mapsize me)" = $SMALL
ok "the fetcher stores 120 posts into a 64 KiB map" fetch me
ok "me's map grew ($(mapsize me) bytes)" test "$(mapsize me)" -gt $SMALL
ok "all 120 of a's posts are stored" test "$(stored me a | wc -l)" = 120
ok "me's check --verify is clean" pf me check --verify

done_testing
