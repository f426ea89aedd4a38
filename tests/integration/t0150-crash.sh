#!/bin/bash
# covers: src/cli/cli_post.c src/lib/node.c src/lib/store.c src/lib/index_put.c
# t0150-crash: kill -9 at every write point of post, edit and delete (strace
# injects SIGKILL at the Nth fsync/rename/unlink/write of the CLI itself,
# lib_crash.sh); after the next writer's recovery the store is clean and
# the post is either entirely old or entirely new, signed and indexed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_crash.sh"
need strace

make_node alice "Alice" || exit 99
ID=$(pf alice post "the original") || exit 99
cp -a "$T/alice" "$T/pristine"

# recovered: the next writer succeeds and check --verify is clean after
# it; if not, print why and fail.
recovered() {
	pf alice post "recovery trigger" >/dev/null 2>"$T/err" ||
	    { echo "next writer failed: $(cat "$T/err")"; return 1; }
	pf alice check --verify >/dev/null 2>"$T/err" ||
	    { echo "check: $(cat "$T/err")"; return 1; }
}

# state: "old", "new" or "broken: why", after recovery by the next writer.
state() {
	old=$1 new=$2
	why=$(recovered) || { echo "broken: $why"; return; }
	# check --verify has compared the index with the file and its signature.
	if grep -q "$new" "$T/alice/posts/$ID.json" 2>/dev/null; then
		echo new
	elif grep -q "$old" "$T/alice/posts/$ID.json" 2>/dev/null; then
		echo old
	else
		echo "broken: neither version in file and index"
	fi
}

# old_or_new SYSCALL N: the state after a kill, unless it is old or new.
old_or_new() {
	s=$(state "$OLD" "$NEW")
	case $s in
	old|new) ;;
	*) echo "$s" ;;
	esac
}

# sweep WHAT OLD NEW ARGS...: crash the CLI running ARGS at every point,
# check each outcome, then the uninterrupted run.
sweep() {
	what=$1 OLD=$2 NEW=$3; shift 3
	sweep_kills "$what" 100 10 old_or_new "always old or new" \
	    "$T/alice" "$T/pristine" "$PEERFEED" -d "$T/alice" "$@"
	ok "$what: the uninterrupted run ends in the new state" \
	    test "$(state "$OLD" "$NEW")" = new
}

sweep "edit" "the original" "the edited text" edit "$ID" "the edited text"
sweep "delete" "the original" "Tombstone" delete "$ID"

# A new post: either absent (and no orphan left) or present and complete.
whole_or_absent() {
	recovered || return
	count=$(grep -l "a brand new post" "$T/alice/posts/"*.json 2>/dev/null | wc -l)
	listed=$(pf alice list | grep -c "a brand new post")
	[ "$count" = "$listed" ] && [ "$count" -le 1 ] ||
	    echo "$count files have it, $listed listed"
}
sweep_kills "post" 100 10 whole_or_absent "never half-written" \
    "$T/alice" "$T/pristine" "$PEERFEED" -d "$T/alice" post "a brand new post"

done_testing
