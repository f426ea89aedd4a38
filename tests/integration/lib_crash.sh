# lib_crash.sh: kill -9 at every write point of a command (source after
# lib.sh).  strace injects SIGKILL at the Nth call of one write system call;
# a sweep does that for each call in SYSCALLS, from its first invocation to
# its last, and has the test check the outcome after each kill.

# The write points: strace counts each system call separately, so every
# call is swept on its own.
SYSCALLS="write pwrite64 pwritev fsync fdatasync msync ftruncate rename renameat renameat2 unlink unlinkat"

# crash_at NODE_DIR PRISTINE_DIR SYSCALL N CMD...: run CMD on a fresh copy
# of the node (PRISTINE_DIR copied to NODE_DIR), killed at the Nth
# invocation of SYSCALL.  Exit status 0: CMD finished before that.
crash_at() {
	dir=$1 pristine=$2 sc=$3 n=$4; shift 4
	# The agent of the last copy goes with it.
	gpgconf --homedir "$dir/gnupg" --kill gpg-agent >/dev/null 2>&1
	rm -rf "$dir"
	cp -a "$pristine" "$dir" 2>/dev/null
	# The subshell (kept by the exit) reports the kill to /dev/null.
	( strace -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" \
	    "$@" >/dev/null 2>&1; exit $? ) 2>/dev/null
}

# sweep_kills WHAT MAX MIN CHECKFN SUMMARY NODE_DIR PRISTINE_DIR CMD...:
# crash_at each N below MAX of each call in SYSCALLS until CMD finishes,
# then run CHECKFN SYSCALL N, which prints on stdout why the outcome is
# broken (nothing when it is fine).  One test line: ok when no outcome was
# broken and there were more than MIN points; "WHAT: killed at each of P
# write points, SUMMARY".  NODE_DIR is left as the last, finished run made
# it.
sweep_kills() {
	what=$1 max=$2 min=$3 checkfn=$4 summary=$5 node_dir=$6 pristine=$7
	shift 7
	bad=0
	points=0
	for sc in $SYSCALLS; do
		n=1
		while [ $n -lt "$max" ] &&
		    ! crash_at "$node_dir" "$pristine" "$sc" $n "$@"; do
			why=$("$checkfn" "$sc" $n)
			if [ -n "$why" ]; then
				echo "# $what killed at $sc #$n: $why" | head -5 |
				    sed '2,$s/^/#   /'
				bad=$((bad + 1))
			fi
			n=$((n + 1))
			points=$((points + 1))
		done
	done
	TESTNO=$((TESTNO + 1))
	if [ $bad -eq 0 ] && [ $points -gt "$min" ]; then
		echo "ok $TESTNO - $what: killed at each of $points write points, $summary"
	else
		echo "not ok $TESTNO - $what: $bad broken outcomes over $points points"
		FAILS=$((FAILS + 1))
	fi
}
