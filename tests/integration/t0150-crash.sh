#!/bin/bash
# t0150-crash: kill -9 at every write point of post, edit and delete (strace
# injects SIGKILL at the Nth fsync/rename/unlink/write of the CLI itself);
# after the next writer's recovery the store is clean and the post is
# either entirely old or entirely new, signed and indexed.
. "$(dirname "$0")/lib.sh"
need strace

make_node alice "Alice" || exit 99
ID=$(pf alice post "the original") || exit 99
cp -a "$T/alice" "$T/pristine"
# The write points: strace counts each system call separately, so every
# call is swept on its own, from its first invocation to its last.
SYSCALLS="write pwrite64 pwritev fsync fdatasync msync ftruncate rename renameat renameat2 unlink unlinkat"

# crash_at SYSCALL N CMD...: run CMD on a fresh copy of the node, killed at
# the Nth invocation of SYSCALL.  Exit status 0: CMD finished before that.
crash_at() {
	sc=$1 n=$2; shift 2
	rm -rf "$T/alice"
	cp -a "$T/pristine" "$T/alice"
	# The subshell keeps bash from reporting each kill.
	( strace -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" \
	    "$PEERFEED" -d "$T/alice" "$@" >/dev/null 2>&1 ) 2>/dev/null
}

# state: "old", "new" or "broken: why", after recovery by the next writer.
state() {
	old=$1 new=$2
	pf alice post "recovery trigger" >/dev/null 2>"$T/err" ||
	    { echo "broken: next writer failed: $(cat "$T/err")"; return; }
	pf alice check --verify >/dev/null 2>"$T/err" ||
	    { echo "broken: check: $(cat "$T/err")"; return; }
	# check --verify has compared the index with the file and its signature.
	if grep -q "$new" "$T/alice/posts/$ID.json" 2>/dev/null; then
		echo new
	elif grep -q "$old" "$T/alice/posts/$ID.json" 2>/dev/null; then
		echo old
	else
		echo "broken: neither version in file and index"
	fi
}

# sweep WHAT OLD NEW CMD...: crash at every point, check each outcome.
sweep() {
	what=$1 old=$2 new=$3; shift 3
	bad=0
	points=0
	for sc in $SYSCALLS; do
		n=1
		while [ $n -lt 100 ] && ! crash_at $sc $n "$@"; do
			s=$(state "$old" "$new")
			case $s in
			old|new) ;;
			*) echo "# $what killed at $sc #$n: $s"; bad=$((bad + 1)) ;;
			esac
			n=$((n + 1))
			points=$((points + 1))
		done
	done
	TESTNO=$((TESTNO + 1))
	if [ $bad -eq 0 ] && [ $points -gt 10 ]; then
		echo "ok $TESTNO - $what: killed at each of $points write points, always old or new"
	else
		echo "not ok $TESTNO - $what: $bad broken outcomes over $points points"
		FAILS=$((FAILS + 1))
	fi
	ok "$what: the uninterrupted run ends in the new state" \
	    test "$(state "$old" "$new")" = new
}

sweep "edit" "the original" "the edited text" edit "$ID" "the edited text"
sweep "delete" "the original" "Tombstone" delete "$ID"

# A new post: either absent (and no orphan left) or present and complete.
bad=0
points=0
for sc in $SYSCALLS; do
	n=1
	while [ $n -lt 100 ] && ! crash_at $sc $n post "a brand new post"; do
		pf alice post "recovery trigger" >/dev/null 2>&1 || bad=$((bad + 1))
		pf alice check --verify >/dev/null 2>&1 || bad=$((bad + 1))
		count=$(grep -l "a brand new post" "$T/alice/posts/"*.json 2>/dev/null | wc -l)
		listed=$(pf alice list | grep -c "a brand new post")
		[ "$count" = "$listed" ] && [ "$count" -le 1 ] || bad=$((bad + 1))
		n=$((n + 1))
		points=$((points + 1))
	done
done
TESTNO=$((TESTNO + 1))
if [ $bad -eq 0 ] && [ $points -gt 10 ]; then
	echo "ok $TESTNO - post: killed at each of $points write points, never half-written"
else
	echo "not ok $TESTNO - post: $bad problems over $points points"
	FAILS=$((FAILS + 1))
fi

done_testing
