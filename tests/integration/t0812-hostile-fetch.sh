#!/bin/bash
# covers: src/fetch/fetch_job.c src/fetch/fetch_page.c src/fetch/fetch_store.c src/fetch/fetch_media.c src/lib/net.c src/lib/envelope.c src/lib/envelope_post.c
# t0812-hostile-fetch: the fetcher's view of hostile friends, one case of
# tests/hostile/fetch/ per friend (at least 100 cases): huge, slow and
# broken answers, redirect loops, wrong content types, forged and extra
# signatures, replayed answers, posts by someone else, ids with ../ or
# NUL, ...  All hostile friends are served by one fake_node.py (mode
# corpus) from one gpg home holding their keys; SLOTS friends at a time,
# beside a real good friend whose new post each run must fetch.  Per case:
# the friend is named on stderr with the expected reason, nothing of it is
# stored unless the case says the post is valid; after all runs every
# stored post verifies with gpg, the summaries counted the bad signatures,
# the node's own store is unchanged and its index agrees with its files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
. "$top_srcdir/tests/hostile/lib_hostile.sh"
need nginx
SLOTS=12

serve_node good Good || exit 99
make_node me Me || exit 99
befriend me good || exit 99
pf me id --export | pf good friend add - >/dev/null || exit 99
ME=$(fpr_of me)

# The hostile friends' keys, and "other" (forged signatures), in $T/w,
# with me's key (its secret too: an answer signed by the requester).
mkdir -m 700 "$T/w" || exit 99
track_gnupghome "$T/w"
mkdir "$T/slots" || exit 99
FPORT=$(free_port)
for k in $(seq 0 $((SLOTS - 1))) other; do
	wkey "s$k" || exit 99
	cp "$T/s$k.fpr" "$T/slots/s$k.fpr"
	[ "$k" = other ] && continue
	gpg --homedir "$T/w" --batch --armor --export "$(cat "$T/s$k.fpr")" \
	    >"$T/s$k.asc"
	pf me friend add "$T/s$k.asc" \
	    --url "http://127.0.0.1:$FPORT/s$k/peerfeed" >/dev/null || exit 99
done
mv "$T/slots/sother.fpr" "$T/slots/other.fpr"
pgp me --export-secret-keys "$ME" | gpg --homedir "$T/w" --batch --import \
    2>/dev/null || exit 99
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" "$top_srcdir/tests/integration/fake_node.py" corpus "$FPORT" "$T/w" \
    "$ME" "$T/slots" 2>"$T/fake.log" &
track_pid $!
wait_for bash -c "exec 3<>/dev/tcp/127.0.0.1/$FPORT" || exit 99

own_sum() {
	(cd "$T/me" && find posts media public -type f -print0 | sort -z |
	    xargs -0 -r sha256sum)
}
own_sum >"$T/own.before"

# The cases, slow ones first so they share one run.
{ grep -l '^slow: yes' "$HOSTILE_DIR"/fetch/*.case
  grep -L '^slow: yes' "$HOSTILE_DIR"/fetch/*.case; } >"$T/cases"
n=$(wc -l <"$T/cases")
[ "$n" -ge 100 ]
check "fetch: $n cases (at least 100)"

run=0; bad=0
while :; do
	sed -n "$((run * SLOTS + 1)),$(((run + 1) * SLOTS))p" "$T/cases" >"$T/batch"
	[ -s "$T/batch" ] || break
	run=$((run + 1))
	nb=$(wc -l <"$T/batch")
	: >"$T/slotmap"
	k=0
	while read -r c; do
		cp "$c" "$T/slots/s$k.case"
		echo "$(cat "$T/s$k.fpr") $c" >>"$T/slotmap"
		k=$((k + 1))
	done <"$T/batch"
	# Slots without a case this time answer like a good friend.
	while [ $k -lt $SLOTS ]; do
		printf '# idle slot\npost: good\nstored: 1\n' >"$T/slots/s$k.case"
		k=$((k + 1))
	done
	gid=$(pf good post "good news $run") || exit 99
	find "$T/me/friends" -type f | sort >"$T/before"
	fetch me --jobs 16 >"$T/f$run.out" 2>"$T/f$run.err"
	rc=$?
	find "$T/me/friends" -type f | sort >"$T/after"
	"$PY" "$HOSTILE_DIR/hostile.py" fetch-check "$T/slotmap" "$T/f$run.err" \
	    "$T/before" "$T/after" >"$T/f$run.tap"
	fails=$?
	grep -av '^ok \|^#   said' "$T/f$run.tap"
	[ $rc = 1 ] && [ $fails = 0 ] && stored me good | grep -qx "$gid" &&
	    ! grep -a "$(fpr_of good)" "$T/f$run.err" | grep -q .
	check "run $run: $nb hostile friends each refused as expected, the good friend fetched"
done

# Every post stored from a friend verifies with plain gpg, and the bad
# signatures refused were counted in the runs' summaries.
: >"$T/verify.err"
for sig in "$T"/me/friends/*/posts/*.json.sig; do
	pgp me --verify "$sig" "${sig%.sig}" 2>>"$T/verify.err" ||
	    echo "BAD: $sig" >>"$T/verify.err"
done
! grep -q '^BAD: ' "$T/verify.err" && grep -q 'Good signature' "$T/verify.err"
check "gpg --verify says good on every stored post of every friend"
nbad=$(cat "$T"/f*.out | sed -n 's/.* \([0-9]*\) bad signatures,.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
[ "$nbad" -ge 2 ]
check "the runs' summaries count the posts refused for a bad signature"

own_sum | cmp -s - "$T/own.before"
check "the node's own posts, media and public files are unchanged"
pf me check >"$T/check.out" 2>&1
check "the index agrees with the files (peerfeed check)"
! grep -q 'Traceback' "$T/fake.log"
check "the fake node itself worked"

done_testing
