#!/bin/bash
# covers: src/fetch/main_fetch.c src/fetch/fetch.c src/fetch/fetch_job.c src/fetch/fetch_page.c src/fetch/fetch_store.c src/fetch/fetch_media.c src/lib/net.c src/lib/nodeinfo.c src/fcgi/api_feed.c src/fcgi/api_media.c src/cli/cli_friend.c
# t0300-fetch: two real nodes (own state dir, GNUPGHOME, responder, nginx
# each) talking end to end: friend add by URL, posts to public, a group
# and a key reach exactly the right node, with their images (public ones
# by GET /media, the group's by the sealed POST /media); an idle rerun
# transfers nothing and starts no gpg process; a missing image is fetched
# again by the next run; a third node reads the public feed before it is
# a friend (--public), then as a friend outside the group gets the public
# image only; edits and deletes propagate; a fetcher killed mid-run and
# rerun ends in the same state as an uninterrupted run; two runs at once
# do not collide.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx strace

serve_node a Alice || exit 99
serve_node b Bob || exit 99
FA=$(fpr_of a); FB=$(fpr_of b)

ok "b adds a by URL, the key fetched from /key and checked" befriend b a
ok "a adds b by URL" befriend a b
pgp b --list-keys "$FA" >/dev/null
check "a's key is in b's keyring"
fails "friend add --url refuses a key whose fingerprint differs" \
    pf b friend add --url "$(url_of a)" --fpr "$FB"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["url"]==sys.argv[2] and d["cursor"]==""' \
    "$T/b/friends/$FA/state.json" "$(url_of a)"
check "state.json names the URL and starts from the beginning"

pf a group add family "$FB" || exit 99
PUB=$(pf a post "hello world") || exit 99
FAM=$(pf a post --to group:family "for the family") || exit 99
OTH=$(pf a post --to group:strangers "not for b") || exit 99
KEY=$(pf a post --to "key:$FB" "just for bob") || exit 99
# Two pictures (PNGs of random pixels): one public, one for the family.
png "$T/pub.png" 6000
png "$T/fam.png" 6000
IMG_PUB=$(pf a post --image "$T/pub.png" "a public picture") || exit 99
IMG_FAM=$(pf a post --to group:family --image "$T/fam.png" \
    "a family picture") || exit 99
# What a stored: the pictures as peerfeed cleaned them.
SHA_PUB=$(digest_of a "$IMG_PUB")
SHA_FAM=$(digest_of a "$IMG_FAM")
cp "$T/a/media/$SHA_PUB" "$T/pub.png" && cp "$T/a/media/$SHA_FAM" "$T/fam.png" ||
    exit 99
EVT=$(pf a post --type Event --name Party --start 2026-12-01T18:00:00Z \
    --end 2026-12-01T23:00:00Z --geo 52.5,13.4 --place "The Pub" "come along") || exit 99
LNK=$(pf a post --link https://example.org/ "a link") || exit 99
OWN_B=$(pf b post "bob's own") || exit 99

fetch b >"$T/f1.out" 2>"$T/f1.err"
check "first fetch exits 0"
printf '%s\n' "$PUB" "$FAM" "$KEY" "$EVT" "$LNK" "$IMG_PUB" "$IMG_FAM" |
    sort >"$T/want"
stored b a >"$T/got"
cmp -s "$T/want" "$T/got"
check "b got public, family and key:b posts, nothing else"
cmp "$T/pub.png" "$T/b/friends/$FA/media/$SHA_PUB" &&
    cmp "$T/fam.png" "$T/b/friends/$FA/media/$SHA_FAM" &&
    [ "$(sha256sum <"$T/b/friends/$FA/media/$SHA_FAM" | cut -d' ' -f1)" = \
      "$SHA_FAM" ] && [ "$(ls "$T/b/friends/$FA/media" | wc -l)" = 2 ]
check "both images arrived byte for byte (public by GET, family's sealed)"
[ "$(head -c 12 "$T/b/thumbs/$SHA_FAM" | tail -c 4)" = WEBP ] &&
    [ -s "$T/b/thumbs/$SHA_PUB" ] && [ ! -e "$T/b/friends/$FA/thumbs" ]
check "each checked image got its thumbnail, a WebP in thumbs/ (a local cache)"
! grep -rq "not for b" "$T/b/friends"
check "the post for another group is nowhere on b"
for id in $(cat "$T/want"); do
	pgp b --verify "$T/b/friends/$FA/posts/$id.json.sig" \
	    "$T/b/friends/$FA/posts/$id.json" 2>/dev/null || exit 1
done
check "every stored post verifies against its stored signature"
pf b check --verify >"$T/chk.out" 2>&1
check "peerfeed check --verify on b finds no problem"
grep -q "1 friends: 1 ok (0 idle), 0 failed; 7 posts in 1 pages, 2 attachments" \
    "$T/f1.out"
check "summary line counts 7 posts and 2 attachments"

pf b timeline >"$T/tl.out"
grep -q "^Alice" "$T/tl.out" && grep -q "just for bob" "$T/tl.out" &&
    grep -q "The Pub" "$T/tl.out" && grep -q "https://example.org/" "$T/tl.out" &&
    ! grep -q "bob's own" "$T/tl.out"
check "timeline shows a's posts with name, place and link, not b's own"
grep -q "image: $T/b/friends/$FA/media/$SHA_FAM (image/png" "$T/tl.out"
check "timeline shows the local path of an image"
[ "$(sed -n 1p "$T/tl.out" | grep -c Alice)" = 1 ] &&
    grep -A8 "^Alice" "$T/tl.out" | head -9 | grep -q "a link"
check "timeline is newest first"
pf b timeline --json --limit 2 | python3 -c '
import json,sys; d=json.load(sys.stdin); assert len(d["posts"])==2, d
assert all(p["name"].startswith("Alice") for p in d["posts"])'
check "timeline --json --limit 2"

# Idle: one cheap round trip, no gpg process anywhere in the fetcher.
strace -f -qq -e trace=execve -o "$T/idle.trace" \
    "$PEERFEED_FETCH" -d "$T/b" >"$T/f2.out" 2>&1
check "idle rerun exits 0"
[ "$(gpg_execs "$T/idle.trace")" = 0 ]
check "idle rerun starts no gpg process"
grep -q "1 ok (1 idle), 0 failed; 0 posts in 0 pages" "$T/f2.out"
check "idle rerun: 304, nothing transferred"
stored b a | cmp -s - "$T/want"
check "idle rerun changed nothing"

# A missing image is fetched again by the next run, even an idle one.
rm "$T/b/friends/$FA/media/$SHA_PUB"
pf b timeline | grep -q "image: $SHA_PUB (image/png, $(stat -c %s "$T/pub.png") bytes), not fetched yet"
check "timeline says an image is not fetched yet"
fetch b >"$T/f2b.out" 2>&1 && grep -q "(1 idle).*, 1 attachments" "$T/f2b.out" &&
    cmp "$T/pub.png" "$T/b/friends/$FA/media/$SHA_PUB"
check "the next (idle) run fetched the missing image again"

# c has a's key but is no friend of a's: it reads a's public feed.
make_node c Carol || exit 99
pf a id --export >"$T/a.asc" && pf c friend add "$T/a.asc" >/dev/null || exit 99
fetch c --public "$(url_of a)" --fpr "$FB" >"$T/p0.out" 2>&1
[ $? = 2 ] && grep -q "$FB: no such key in the keyring" "$T/p0.out"
check "--public refuses a key that is not in the keyring, saying so"
fetch c --public "$(url_of a)" --fpr "$FA" >"$T/p1.out" 2>&1
check "--public reads a's public feed"
printf '%s\n' "$PUB" "$EVT" "$LNK" "$IMG_PUB" | sort >"$T/want.pub"
stored c a | cmp -s - "$T/want.pub" &&
    cmp "$T/pub.png" "$T/c/friends/$FA/media/$SHA_PUB" &&
    [ ! -e "$T/c/friends/$FA/media/$SHA_FAM" ] &&
    grep -q "4 posts in 1 pages, 1 attachments" "$T/p1.out"
check "--public stored exactly the public posts and the public image"
pf c check --verify >/dev/null 2>&1 && pf c timeline | grep -q "a public picture"
check "the public posts verify and show in c's timeline"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["url"]==""' \
    "$T/c/friends/$FA/state.json" && fetch c >"$T/p2.out" 2>&1 &&
    grep -q "0 friends" "$T/p2.out"
check "--public made a not a friend with a URL: a plain run leaves it be"
fetch c --public "$(url_of a)" --fpr "$FA" >"$T/p3.out" 2>&1 &&
    grep -q "0 posts in 1 pages, 0 attachments" "$T/p3.out"
check "a second --public run starts from its saved cursor"
# Now friends, c outside the family: the public image, never the family's.
pf c id --export | pf a friend add - >/dev/null && befriend c a || exit 99
fetch c >"$T/p4.out" 2>&1 && stored c a | cmp -s - "$T/want.pub" &&
    [ "$(ls "$T/c/friends/$FA/media")" = "$SHA_PUB" ]
check "a friend outside the group gets the public image only"

# Edits and deletes.
pf a edit "$PUB" "hello world, edited" >/dev/null || exit 99
pf a delete "$KEY" >/dev/null || exit 99
fetch b >"$T/f3.out" 2>&1
check "fetch after edit and delete"
grep -q "hello world, edited" "$T/b/friends/$FA/posts/$PUB.json"
check "the edit replaced the stored post"
grep -q Tombstone "$T/b/friends/$FA/posts/$KEY.json" &&
    ! grep -q "just for bob" "$T/b/friends/$FA/posts/$KEY.json"
check "the delete replaced the stored post by its tombstone"
! pf b timeline | grep -q "just for bob"
check "the deleted post left the timeline"
pf b check --verify >/dev/null 2>&1
check "check --verify still clean"

# Many posts: several pages, then kills at various points.
for i in $(seq 1 120); do
	pf a post "bulk $i" >/dev/null || exit 99
done
cp -a "$T/b" "$T/base" || exit 99
rm -f "$T"/base/gnupg/S.* 
fetch b >"$T/f4.out" 2>&1
check "fetch of 120 new posts"
grep -q "120 posts in 3 pages" "$T/f4.out"
check "120 posts came in 3 pages of at most 50"

# snapshot NODE: what the fetch left: post files, signatures, cursor.
snapshot() {
	(cd "$T/$1/friends/$FA/posts" && sha256sum -- * | sort)
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cursor"])' \
	    "$T/$1/friends/$FA/state.json"
}
snapshot b >"$T/ref.snap"
for n in 1 5 40 120 200; do
	rm -rf "$T/k$n"
	cp -a "$T/base" "$T/k$n"
	track_gnupghome "$T/k$n/gnupg"
	strace -qq -o /dev/null -e trace=rename \
	    -e inject=rename:signal=KILL:when=$n \
	    "$PEERFEED_FETCH" -d "$T/k$n" >/dev/null 2>&1
	"$PEERFEED_FETCH" -d "$T/k$n" >"$T/k$n.out" 2>&1 || {
		echo "# rerun after kill at rename $n failed"; cat "$T/k$n.out"; }
	snapshot "k$n" >"$T/k$n.snap"
	cmp -s "$T/ref.snap" "$T/k$n.snap" &&
	    pf "k$n" check --verify >/dev/null 2>&1 &&
	    [ "$(pf "k$n" timeline --limit 1000 | grep -c '^Alice')" = \
	      "$(pf b timeline --limit 1000 | grep -c '^Alice')" ]
	check "killed at rename $n, rerun: same files, cursor, index as uninterrupted"
done

# Two runs at once: the second leaves cleanly, nothing is corrupted.
pf a post "race" >/dev/null
fetch b -q & P1=$!
fetch b -q & P2=$!
wait $P1; r1=$?; wait $P2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ]
check "two runs at once both exit 0"
fetch b --wait >"$T/f5.out" 2>&1 && pf b check --verify >/dev/null 2>&1 &&
    [ "$(stored b a | wc -l)" = 128 ]
check "after concurrent runs the store is whole"

done_testing
