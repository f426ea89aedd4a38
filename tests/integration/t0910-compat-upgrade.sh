#!/bin/bash
# covers: src/lib/store.c src/cli/cli_status.c src/cli/cli_timeline.c src/fetch/fetch_store.c
# t0910-compat-upgrade: a state directory made by v0.1.0 (lib_compat.sh)
# keeps working under the current programs (doc/CHANGES.md): posts of every
# kind, friends, groups, a block, the web password, fetched friends' posts
# and cursors survive the in-place upgrade to format 2; check --verify is
# clean; the next fetch continues from the saved cursor without
# duplicates; the public page (public/index.html, which v0.1.0 did not
# write) is there after the first run of the fetcher, or the start of the
# responder, before any post.
# A kill -9 at each write point of the upgrade leaves a
# directory the next run finishes (strace, lib_crash.sh).  A directory of a
# newer format is refused, with a clear message, untouched by the CLI, the
# fetcher and the responder.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
. "$(dirname "$0")/lib_crash.sh"
. "$(dirname "$0")/lib_compat.sh"
need nginx spawn-fcgi strace

# --- a node of v0.1.0 with everything in it ---
old serve_node o "Olga Old" || exit 99
old serve_node f "Fritz Friend" || exit 99
old make_node z "Zed Blocked" || exit 99
FO=$(fpr_of o); FF=$(fpr_of f); FZ=$(fpr_of z)
old befriend o f && old befriend f o || exit 99
pgp z --export --armor >"$T/z.asc" || exit 99
old pf o friend add "$T/z.asc" >/dev/null || exit 99
old pf o block "$FZ" >/dev/null || exit 99
old pf o group add family "$FF" >/dev/null || exit 99
old pf f group add family "$FO" >/dev/null || exit 99
echo "an old secret" | old pf o passwd --stdin >/dev/null || exit 99
png "$T/pic.png" 3000
{
	old pf o post "a public note" &&
	old pf o post --to group:family "for the family" &&
	old pf o post --to "key:$FF" "just for fritz" &&
	old pf o post --image "$T/pic.png" "a picture" &&
	old pf o post --type Event --name Party --start 2026-12-01T18:00:00Z \
	    --end 2026-12-01T23:00:00Z --geo 52.5,13.4 --place "The Pub" \
	    "come along" &&
	old pf o post --link https://example.org/ "a link" &&
	old pf o post --type Arrive --geo 52.5,13.4 --place Home "home"
} >"$T/ids" || exit 99
EDI=$(old pf o post "before the edit") && old pf o edit "$EDI" "after the edit" &&
    DEL=$(old pf o post "soon deleted") && old pf o delete "$DEL" || exit 99
F1=$(old pf f post "fritz one") && F2=$(old pf f post --to group:family "fritz two") ||
    exit 99
old fetch o >/dev/null 2>&1 || exit 99
LIKE=$(old pf o post --like "$FF/$F1") || exit 99
[ ! -e "$T/o/format" ]
check "v0.1.0 writes no format marker (format 1)"
[ ! -e "$T/o/public/index.html" ]
check "v0.1.0 writes no public page"

# What a user sees of the old node, by the old programs.
seen() {	# seen RUN NODE: posts, friends, groups, timeline, password
	$1 pf "$2" list | grep -o '[0-9]\{13\}-[0-9a-f]\{4\}' | sort
	$1 pf "$2" friend list
	$1 pf "$2" group list
	# The timeline as data, not as text (whose layout may change): each
	# entry's author, its name (the key's user id) and post, every
	# member of it, one line an entry.
	$1 pf "$2" timeline --json | tl_lines
	$1 pf "$2" status | grep "web page"
}
tl_lines() {	# timeline --json on stdin: "timeline FPR ID POST" a line
	python3 -c 'import json, sys
for e in json.load(sys.stdin)["posts"]:
    print("timeline", e["author"], json.dumps(e["name"]), e["post"]["id"],
          json.dumps(e["post"], sort_keys=True))'
}
seen old o >"$T/seen.old" 2>&1 || exit 99
CURSOR=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cursor"])' \
    "$T/o/friends/$FF/state.json") || exit 99
cp -a "$T/o" "$T/pristine"

# --- kill -9 at each write point of the upgrade ---
# The first write of a new program upgrades; group add is a small one.
# finished SYSCALL N: after the kill, the next run finishes the upgrade.
finished() {
	"$PEERFEED" -d "$T/c" group add more "$FF" >/dev/null 2>"$T/err" ||
	    { echo "next run failed: $(cat "$T/err")"; return; }
	[ "$(cat "$T/c/format" 2>/dev/null)" = 2 ] || echo "format is not 2"
	"$PEERFEED" -d "$T/c" check >/dev/null 2>&1 || echo "check found problems"
	ls -a "$T/c" | grep -q '^\.tmp-' && echo "a temp file is left"
}
SYSCALLS="write fsync rename" sweep_kills "upgrade" 4 3 finished \
    "the next run finishes it" "$T/c" "$T/pristine" \
    "$PEERFEED" -d "$T/c" group add more "$FF"
gpgconf --homedir "$T/c/gnupg" --kill gpg-agent >/dev/null 2>&1

# --- the upgrade itself, by the current programs ---
"$PEERFEED" -d "$T/o" doctor >"$T/doctor1" 2>&1
grep -q "state directory format 1 (an older peerfeed's): the next write upgrades it to 2" \
    "$T/doctor1" && [ ! -e "$T/o/format" ]
check "doctor names format 1; reading writes nothing"
F3=$(old pf f post "fritz three") && F4=$(old pf f post "fritz four") || exit 99
fetch o >"$T/fetch.out" 2>&1
check "the current fetcher runs on the old directory"
grep -q 'Olga Old' "$T/o/public/index.html" &&
    grep -q 'a public note' "$T/o/public/index.html" &&
    ! grep -q 'for the family' "$T/o/public/index.html"
check "its first run wrote the public page, public posts only, before any post"
[ "$(cat "$T/o/format")" = 2 ]
check "its first write upgraded the directory to format 2"
grep -q "1 ok (0 idle), 0 failed; 2 posts in 1 pages" "$T/fetch.out"
check "the fetch continued from the saved cursor: only the 2 new posts"
desc="the cursor moved on from the old one ($CURSOR)"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cursor"]; assert c and c!=sys.argv[2]' \
    "$T/o/friends/$FF/state.json" "$CURSOR"
check "$desc"
printf '%s\n' "$F1" "$F2" "$F3" "$F4" | sort >"$T/want"
stored o f >"$T/got"
diff "$T/want" "$T/got"
check "every friend's post is there once"
pf o timeline >"$T/tl"
[ "$(grep -c "fritz" "$T/tl")" = 4 ]
check "the timeline shows each of the friend's posts once"
pf o check --verify >"$T/chk" 2>&1
check "check --verify is clean after the upgrade"
# The same, but for the two posts fetched since (timeline lines).
seen "" o >"$T/seen.all" 2>&1
grep -v -e " $F3 {" -e " $F4 {" "$T/seen.all" >"$T/seen.new"
[ "$(grep -c "^timeline $FF " "$T/seen.old")" = 2 ] && diff "$T/seen.old" "$T/seen.new"
check "posts, friends, the block, groups, timeline and password as before"
NEW=$(pf o post "written after the upgrade") && pf o edit "$EDI" "edited again" &&
    pf o list | grep -q "$LIKE"
check "the upgraded node posts and edits"
"$PEERFEED" -d "$T/o" doctor >"$T/doctor2" 2>&1
grep -q "^OK   state directory format 2$" "$T/doctor2"
check "doctor names format 2"
start_responder o && wait_for test -S "$T/o.sock" && old fetch f >"$T/ff.out" 2>&1 &&
    grep -q "edited again" "$T/f/friends/$FO/posts/$EDI.json" &&
    [ -e "$T/f/friends/$FO/posts/$NEW.json" ]
check "the old friend fetches the upgraded node's new post and edit"

# --- the public page after an upgrade, with only the responder running ---
# (socket-activated on the first request; no post, no fetch yet).
cp -a "$T/pristine" "$T/p"
start_responder p && wait_for test -s "$T/p/public/index.html"
check "the responder's start wrote the public page the old node lacked"
PPORT=$(free_port)
start_nginx p "$PPORT" &&
    [ "$(curl -s -o "$T/page" -w '%{http_code}' -H 'Accept: text/html' \
    "http://127.0.0.1:$PPORT/peerfeed/")" = 200 ] &&
    grep -q 'Olga Old' "$T/page" && grep -q 'a public note' "$T/page" &&
    ! grep -q 'for the family' "$T/page"
check "a browser gets it through the snippet: the owner and the public posts only"

# --- a directory from the future is refused untouched ---
cp -a "$T/pristine" "$T/future"
echo 3 >"$T/future/format"
tree_sum() {
	(cd "$T/future" && find . -printf '%p %y %m %s %T@\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort) | sha256sum
}
BEFORE=$(tree_sum)
"$PEERFEED" -d "$T/future" post "from the past" 2>"$T/fut.cli"
fails "the CLI refuses it" test $? = 0
"$PEERFEED" -d "$T/future" list 2>"$T/fut.list" >/dev/null
fails "the CLI refuses to read it" test $? = 0
fetch future >/dev/null 2>"$T/fut.fetch"
fails "the fetcher refuses it" test $? = 0
timeout 10 "$PEERFEED_FCGI" -d "$T/future" </dev/null >/dev/null 2>"$T/fut.fcgi"
fails "the responder refuses to start on it" test $? = 0
said=0
for f in cli list fetch fcgi; do
	grep -q "format 3, made by a newer peerfeed; this one knows formats up to 2 and leaves it untouched" \
	    "$T/fut.$f" && said=$((said + 1))
done
[ $said = 4 ]
check "each says why: the format is newer than it knows"
[ "$(tree_sum)" = "$BEFORE" ]
check "the directory is byte for byte untouched"

done_testing
