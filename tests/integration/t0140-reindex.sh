#!/bin/bash
# covers: src/cli/cli_admin.c src/lib/node.c src/lib/index.c src/lib/index_put.c src/lib/index_feed.c
# t0140-reindex: the index is a cache of the files: deleting it and running
# reindex gives the same answers; hand-made files are picked up, broken ones
# named and kept; check finds every difference; 10,000 posts page correctly.
. "$(dirname "$0")/lib.sh"
need node

make_node alice "Alice" || exit 99
make_node bob "Bob" || exit 99
FPR=$(fpr_of alice)
BOB=$(fpr_of bob)
pf bob id --export >"$T/bob.asc"
pf alice friend add "$T/bob.asc" --group family >/dev/null || exit 99

for i in $(seq 1 12); do
	case $((i % 3)) in
	0) to="--to public" ;;
	1) to="--to group:family" ;;
	2) to="--to key:$BOB --to public" ;;
	esac
	pf alice post $to "post $i" >>"$T/ids" || exit 99
done
pf alice edit "$(sed -n 2p "$T/ids")" "post 2, edited" || exit 99
pf alice delete "$(sed -n 5p "$T/ids")" || exit 99

# Answers of the index: every listing, whole and paged, per audience.
snapshot() {
	for aud in "" "--to public" "--to group:family" "--to key:$BOB"; do
		pf alice list $aud --json
		cursor=""
		while :; do
			pf alice list $aud --limit 3 ${cursor:+--since "$cursor"} --json >"$T/page"
			cat "$T/page"
			more=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$T/page','utf8')).more)")
			cursor=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$T/page','utf8')).next)")
			[ "$more" = true ] || break
		done
	done
	pf alice show "$(sed -n 2p "$T/ids")"
}
snapshot >"$T/before" || exit 99
ok "check is clean" pf alice check --verify
rm -rf "$T/alice/index"
fails "with the index gone, reading says to reindex" pf alice list
pf alice list 2>"$T/err"
ok "and the message says so" grep -q "reindex" "$T/err"
ok "reindex" pf alice reindex
snapshot >"$T/after"
ok "reindex reproduces identical query results" cmp "$T/before" "$T/after"
ok "check is clean after reindex" pf alice check

# A post file dropped in by hand is picked up; a broken one is named, kept.
src=$(sed -n 1p "$T/ids")
new=1999999999999-0000
sed -e "s/$src/$new/" -e 's/post 1/dropped in by hand/' \
    "$T/alice/posts/$src.json" >"$T/alice/posts/$new.json"
printf '{"id": "1999999999999-0001", "type": "Note"' >"$T/alice/posts/1999999999999-0001.json"
cp "$T/alice/posts/$src.json" "$T/alice/posts/1999999999999-0002.json"
pf alice reindex >"$T/out" 2>"$T/err"
ok "reindex picks up the hand-made post" sh -c "'$PEERFEED' -d '$T/alice' list | grep -q 'dropped in by hand'"
ok "reindex names the malformed file" grep -q "1999999999999-0001.json" "$T/err"
ok "reindex names a file whose name is not its id" grep -q "1999999999999-0002.json: file name" "$T/err"
ok "reindex says the hand-made post has no signature" grep -q "$new.json.sig: no signature" "$T/err"
ok "the malformed file is kept" test -f "$T/alice/posts/1999999999999-0001.json"
fails "check reports the problems" pf alice check
pf alice check 2>"$T/err"
ok "check names the malformed file" grep -q "1999999999999-0001.json" "$T/err"
ok "check names the missing signature" grep -q "$new.json.sig: missing signature" "$T/err"
rm "$T/alice/posts/1999999999999-000"[012].json

# check lists every difference between files and index.
victim=$(sed -n 3p "$T/ids")
rm "$T/alice/posts/$victim.json"
pf alice check 2>"$T/err"
ok "check exits non-zero and names a file gone from disk" \
    grep -q "$victim.json: in the index but the file is missing" "$T/err"
sed -i 's/post 4/post 4 tampered/' "$T/alice/posts/$(sed -n 4p "$T/ids").json"
pf alice check --verify 2>"$T/err"
ok "check names an index that differs from the file" grep -q "index differs" "$T/err"
ok "check --verify names a signature that no longer verifies" grep -q "does not verify" "$T/err"

# 10,000 posts (hand-made, unsigned: signing is measured elsewhere) index
# and page correctly: every post exactly once, in order, across pages that
# split runs of equal timestamps.
make_node big "Big" || exit 99
BIG=$(fpr_of big)
awk -v fpr="$BIG" -v dir="$T/big/posts" 'BEGIN {
	for (i = 0; i < 10000; i++) {
		ms = 1795000000000 + int(i / 7) * 1000;	# runs of 7 equal times
		id = sprintf("%013.0f-0000", 1795000000000 + i);
		t = strftime("%Y-%m-%dT%H:%M:%S", int(ms / 1000), 1) ".000Z";
		f = dir "/" id ".json";
		printf "{\n  \"@context\": \"https://www.w3.org/ns/activitystreams\",\n  \"id\": \"%s\",\n  \"type\": \"Note\",\n  \"attributedTo\": \"%s\",\n  \"published\": \"%s\",\n  \"updated\": \"%s\",\n  \"to\": [\n    \"public\"\n  ],\n  \"content\": \"post %d\"\n}\n", id, fpr, t, t, i > f;
		close(f);
	}
}'
ok "reindex of 10,000 posts" sh -c "'$PEERFEED' -d '$T/big' reindex 2>/dev/null | grep -q 'indexed 10000 posts'"
cursor=""
: >"$T/seen"
pages=0
while :; do
	pf big list --to public --limit 333 ${cursor:+--since "$cursor"} --json >"$T/page" || break
	node -e "const j=JSON.parse(require('fs').readFileSync('$T/page','utf8')); for (const p of j.posts) console.log(p.id); console.error(j.next + ' ' + j.more)" \
	    >>"$T/seen" 2>"$T/state"
	read -r cursor more <"$T/state"
	pages=$((pages + 1))
	[ "$more" = true ] || break
	[ $pages -gt 100 ] && break
done
ok "paging visits 31 pages" test $pages -eq 31
ok "every one of the 10,000 posts exactly once" test "$(sort -u "$T/seen" | wc -l)" -eq 10000
ok "and nothing twice" test "$(wc -l <"$T/seen")" -eq 10000
ok "oldest first" sort -c "$T/seen"

done_testing
