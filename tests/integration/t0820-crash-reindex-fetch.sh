#!/bin/bash
# covers: src/lib/node.c src/lib/index.c src/lib/store.c src/fetch/fetch_store.c
# t0820-crash-reindex-fetch: kill -9 at every write point of `peerfeed
# reindex` and of peerfeed-fetch storing a friend's posts (strace injects
# SIGKILL at the Nth call of each write system call, lib_crash.sh, as in
# t0150).  After each kill:
#   fetch:   the saved cursor is never ahead of the posts on disk and in
#            the index; the rerun (the recovery path) ends with every post
#            of the friend stored byte for byte and `peerfeed check`
#            clean; the owner's own posts are all still there.
#   reindex: the old index is still whole (`check` clean at once); the
#            next writer (a post) or a rerun of reindex leaves `check`
#            clean and every acknowledged post listed.
# After either recovery no temp file is left in the state directory, and
# after the last uninterrupted runs `check --verify` is clean too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
. "$(dirname "$0")/lib_crash.sh"
need strace nginx

serve_node bob Bob || exit 99
make_node me Me || exit 99
befriend me bob || exit 99
pf me id --export | pf bob friend add - >/dev/null || exit 99
FB=$(fpr_of bob)

for i in 1 2 3; do
	pf me post "own post $i" >>"$T/own.ids" || exit 99
done
for i in 1 2 3 4; do
	pf bob post "bob's post $i" >>"$T/bob.ids" || exit 99
done
fetch me >/dev/null 2>"$T/f.err" || { cat "$T/f.err"; exit 99; }
# What the crashed runs must store: new posts, an edit, a deletion.
for i in 5 6 7 8 9; do
	pf bob post "bob's post $i" >>"$T/bob.ids" || exit 99
done
pf bob edit "$(sed -n 2p "$T/bob.ids")" "bob's post 2, edited" >/dev/null || exit 99
pf bob delete "$(sed -n 3p "$T/bob.ids")" >/dev/null || exit 99
gpgconf --homedir "$T/me/gnupg" --kill gpg-agent
cp -a "$T/me" "$T/pristine" 2>/dev/null

# cursor_behind: every change of bob up to the cursor saved in state.json
# is stored here, in that version or a newer one, file and index alike.
cursor_behind() {
	python3 - "$T/me/friends/$FB" "$T/bob/posts" <<'EOF' || return 1
import json, os, sys, datetime
mine, theirs = sys.argv[1], sys.argv[2]
def ms(p):
    t = datetime.datetime.strptime(p["updated"], "%Y-%m-%dT%H:%M:%S.%fZ")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000 + 0.5)
cur = json.load(open(os.path.join(mine, "state.json"))).get("cursor") or ""
if not cur:
    sys.exit(0)
cms, cid = cur.split(".", 1)
for f in os.listdir(theirs):
    if not f.endswith(".json"):
        continue
    p = json.load(open(os.path.join(theirs, f)))
    if (ms(p), p["id"]) > (int(cms), cid):
        continue
    path = os.path.join(mine, "posts", f)
    if not os.path.exists(path) or ms(json.load(open(path))) < ms(p):
        print("cursor %s is past %s, which is not stored" % (cur, p["id"]))
        sys.exit(1)
EOF
	# Files first: before the rerun a file may be ahead of the index, but
	# no index entry may lack its file.
	pf me check >"$T/chk" 2>&1
	! grep "file is missing" "$T/chk"
}

# no_temps: no temp file anywhere in the state directory but gnupg/.
no_temps() {
	left=$(find "$T/me" -path "$T/me/gnupg" -prune -o -name '.tmp-*' -print)
	[ -z "$left" ] || { echo "temp files left: $left"; return 1; }
}

# all_of_bob: every post file of bob is stored here, byte for byte.
all_of_bob() {
	for f in "$T"/bob/posts/*.json; do
		cmp -s "$f" "$T/me/friends/$FB/posts/${f##*/}" || return 1
	done
	[ "$(stored me bob | wc -l)" = "$(ls "$T"/bob/posts/*.json | wc -l)" ]
}

own_listed() {
	pf me list >"$T/list.out" || return 1
	while read -r id; do
		grep -q "^$id " "$T/list.out" || return 1
	done <"$T/own.ids"
}

# must WHY CMD...: run CMD; if it fails, print WHY with CMD's output.
must() {
	why=$1; shift
	"$@" >"$T/why" 2>&1 && return
	out=$(cat "$T/why")
	echo "$why${why:+${out:+: }}$out"
	return 1
}

# --- the fetcher ---
# fetch_outcome SYSCALL N: why the node is broken after a killed fetch and
# its rerun, if it is.
fetch_outcome() {
	must "cursor ahead" cursor_behind &&
	must "rerun failed" fetch me &&
	must "posts missing after the rerun" all_of_bob &&
	must "check" pf me check &&
	must "an own post is lost" own_listed &&
	must "" no_temps
}
sweep_kills fetch 200 20 fetch_outcome "cursor never ahead, rerun clean" \
    "$T/me" "$T/pristine" "$PEERFEED_FETCH" -d "$T/me"
ok "the uninterrupted fetch stores every post of bob" all_of_bob

# --- reindex, on the node with own and friend's posts ---
gpgconf --homedir "$T/me/gnupg" --kill gpg-agent
rm -rf "$T/pristine"
cp -a "$T/me" "$T/pristine" 2>/dev/null
NPOSTS=$(ls "$T"/me/posts/*.json "$T"/me/friends/*/posts/*.json | wc -l)

# reindex_outcome SYSCALL N: why the node is broken after a killed reindex
# and the recovery, if it is.  The recovery path alternates with N: the
# next writer (a post), or reindex again.
reindex_outcome() {
	must "check right after the kill" pf me check || return
	newid=""
	if [ $(($2 % 2)) = 1 ]; then
		newid=$(pf me post "after a crash" 2>"$T/why") ||
		    { echo "next post failed: $(cat "$T/why")"; return; }
	else
		must "rerun failed" pf me reindex || return
	fi
	must "check after recovery" pf me check &&
	must "an own post is lost" own_listed || return
	[ -z "$newid" ] || grep -q "^$newid " "$T/list.out" ||
	    { echo "the post made after the kill is not listed"; return; }
	must "a friend's post is lost" all_of_bob &&
	must "" no_temps
}
sweep_kills reindex 200 10 reindex_outcome "old index whole, recovery clean" \
    "$T/me" "$T/pristine" "$PEERFEED" -d "$T/me" reindex
pf me reindex >"$T/reindex.out" 2>&1
check "the uninterrupted reindex succeeds"
pf me check --verify >/dev/null 2>&1 && own_listed && all_of_bob &&
    [ "$(ls "$T"/me/posts/*.json "$T"/me/friends/*/posts/*.json | wc -l)" = "$NPOSTS" ]
check "after it every post is there and check --verify is clean"

done_testing
