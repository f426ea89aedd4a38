#!/bin/bash
# covers: src/fetch/fetch.c src/fetch/fetch_store.c src/fcgi/api_feed.c src/lib/group.c
# t0310-fetch-five: five real nodes, everyone a friend of everyone.  Each
# posts to public, to a group holding some of the others, and to one key;
# after every node fetched, each post is on exactly the nodes it names.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

NODES="n1 n2 n3 n4 n5"
for n in $NODES; do
	serve_node "$n" "User $n" || exit 99
	fpr_of "$n" >"$T/$n.fpr"
done
F() { cat "$T/$1.fpr"; }
for a in $NODES; do
	for b in $NODES; do
		[ "$a" = "$b" ] || befriend "$a" "$b" || exit 99
	done
done
ok "every node befriended the four others" true

# Node i: group "near" = the next two nodes (mod 5); key post to the third.
: >"$T/expect"
set -- $NODES
i=0
for a in $NODES; do
	n1=$(( (i + 1) % 5 + 1 )); n2=$(( (i + 2) % 5 + 1 ))
	n3=$(( (i + 3) % 5 + 1 ))
	pf "$a" group add near "$(F "n$n1")" "$(F "n$n2")" >/dev/null || exit 99
	pub=$(pf "$a" post "public from $a") || exit 99
	grp=$(pf "$a" post --to group:near "near $a") || exit 99
	key=$(pf "$a" post --to "key:$(F "n$n3")" "for n$n3 from $a") || exit 99
	for b in $NODES; do
		[ "$a" = "$b" ] && continue
		echo "$b $a $pub" >>"$T/expect"
		case "$b" in
		"n$n1"|"n$n2") echo "$b $a $grp" >>"$T/expect" ;;
		esac
		[ "$b" = "n$n3" ] && echo "$b $a $key" >>"$T/expect"
	done
	i=$((i + 1))
done
sort -o "$T/expect" "$T/expect"

for b in $NODES; do
	fetch "$b" --jobs 4 >"$T/$b.fetch" 2>&1 || { cat "$T/$b.fetch"; exit 1; }
done
ok "every node fetched its four friends" true

: >"$T/got"
for b in $NODES; do
	for a in $NODES; do
		[ "$a" = "$b" ] && continue
		stored "$b" "$a" | sed "s/^/$b $a /" >>"$T/got"
	done
done
sort -o "$T/got" "$T/got"
desc="each post is on exactly the nodes its audience names ($(wc -l <"$T/expect") deliveries)"
diff "$T/expect" "$T/got" >"$T/diff"
check "$desc"
[ -s "$T/diff" ] && sed 's/^/# /' "$T/diff"

for b in $NODES; do
	pf "$b" check --verify >/dev/null 2>&1 || exit 1
done
check "check --verify is clean on every node"
for b in $NODES; do
	fetch "$b" >"$T/$b.idle" 2>&1 &&
	    grep -q "4 ok (4 idle), 0 failed; 0 posts" "$T/$b.idle" || exit 1
done
check "a second round is idle everywhere"

done_testing
