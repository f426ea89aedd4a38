#!/bin/bash
# covers: src/lib/store.c src/lib/index_put.c src/lib/node.c src/fetch/fetch_store.c src/fcgi/api_feed.c
# t0830-diskfull: a whole node (state dir, keyring, index) on a small tmpfs
# that is then filled up.  post, edit, delete, peerfeed-fetch and reindex
# each fail with an error naming the full disk, change no file, leave no
# temp file or half-built index; the node still answers public and private
# requests; once space is freed every one of them works again and `check
# --verify` is clean.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx mount umount

[ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
MNT=$(mktemp -d /tmp/pf-full.XXXXXX) || exit 99
mount -t tmpfs -o size=8m,mode=0755 tmpfs "$MNT" || {
	rmdir "$MNT"
	skip "cannot mount a tmpfs"
}
# lib.sh's cleanup stops the responder, nginx and the agents first, so
# nothing holds the mount any more.
trap 'cleanup; umount "$MNT" || umount -l "$MNT"; rmdir "$MNT"' EXIT

serve_node bob Bob || exit 99
mkdir "$MNT/n" && ln -s "$MNT/n" "$T/n" || exit 99
serve_node n N || exit 99
befriend n bob || exit 99
befriend bob n || exit 99
pf n id --export | pf bob friend add - >/dev/null || exit 99
pf bob id --export | pf n friend add - >/dev/null || exit 99
FB=$(fpr_of bob)
for i in 1 2; do
	pf n post "n's post $i" >>"$T/n.ids" || exit 99
	pf bob post "bob's post $i" >/dev/null || exit 99
done
fetch n >/dev/null 2>&1 || exit 99
fetch bob >/dev/null 2>&1 || exit 99
for i in 3 4 5; do
	pf bob post "bob's post $i" >/dev/null || exit 99
done
ID=$(head -1 "$T/n.ids")

# state: every file of the node but the keyring, the locks and the index
# (LMDB may reuse its free pages), with its digest.
state() {
	(cd "$MNT/n" && find . -path ./gnupg -prune -o -path ./index -prune \
	    -o -type f ! -name lock ! -name '*.lock' -print | sort |
	    xargs sha256sum)
}
no_litter() {
	left=$(find "$MNT/n" -name '.tmp-*' -o -name index.new)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}
# refused WHAT CMD...: CMD fails, says the disk is full, changes nothing.
refused() {
	what=$1; shift
	state >"$T/before"
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	sed 's/^/#   /' "$T/err" | head -3
	[ $rc != 0 ]
	check "$what fails on the full disk (exit $rc)"
	grep -qi "disk full\|no space left on device" "$T/err"
	check "$what: the error names the full disk"
	state | cmp -s - "$T/before" && no_litter
	check "$what: no file changed, no temp file or half index left"
}

# Fill the filesystem to the last block.
dd if=/dev/zero of="$MNT/fill" bs=64k >/dev/null 2>&1
[ "$(df --output=avail "$MNT" | tail -1)" -lt 64 ] || exit 99

refused "post" pf n post "on a full disk"
refused "edit" pf n edit "$ID" "edited on a full disk"
refused "delete" pf n delete "$ID"
cp "$T/n/friends/$FB/state.json" "$T/state.before"
refused "fetch" fetch n
grep "$FB" "$T/err" | grep -qi "disk full\|no space"
check "fetch: the friend is named with the reason"
cmp -s "$T/n/friends/$FB/state.json" "$T/state.before"
check "fetch: the cursor did not move"
refused "reindex" pf n reindex
ok "check is clean on the full disk" pf n check

# The node still serves: its feed through nginx and a friend's private poll.
ok "GET /feed?limit=10 is answered from the full disk" \
    test "$(http_get "$(url_of n)/feed?limit=10" "$T/feed.json")" = 200
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["posts"])==2' \
    "$T/feed.json"
check "the feed holds n's posts"
ok "GET / is answered" test "$(http_get "$(url_of n)/" "$T/info.json")" = 200
# Without its ETag, bob's fetcher sends a full request, which costs n a
# nonce write.
FN=$(fpr_of n)
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["etag"]=""; json.dump(d,open(sys.argv[1],"w"))' \
    "$T/bob/friends/$FN/state.json" || exit 99
fetch bob >"$T/b.out" 2>"$T/b.err"
rc=$?
sed 's/^/#   /' "$T/b.err" | head -3
ok "bob's private poll of the full node is answered" test $rc = 0
tail -2 "$T/n.log" | sed 's/^/#   log: /'

# Space again: everything works and catches up.
rm -f "$MNT/fill"
NEW=$(pf n post "after the disk was freed")
check "post works once space is freed"
echo "$NEW" >>"$T/n.ids"
ok "edit works again" pf n edit "$ID" "edited after the disk was freed"
ok "fetch works again" fetch n
ok "fetch stored all five of bob's posts" test "$(stored n bob | wc -l)" = 5
ok "reindex works again" pf n reindex
ok "check --verify is clean" pf n check --verify
pf n list >"$T/list"
while read -r id; do grep -q "^$id " "$T/list" || exit 1; done <"$T/n.ids"
check "every acknowledged post is listed"
ok "no temp file or half index anywhere" no_litter
ok "bob fetches n's new posts" fetch bob
ok "bob has every post of n" test "$(stored bob n | wc -l)" = "$(wc -l <"$T/n.ids")"

done_testing
