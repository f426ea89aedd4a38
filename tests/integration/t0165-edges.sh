#!/bin/bash
# covers: src/cli/cli_post.c src/cli/main_cli.c src/lib/when.c src/lib/post_build.c
# t0165-edges: the CLI's friendly edges (issue 16): `post --type event`
# takes the type in any case and an unknown one is told the types; event
# times typed as "2026-12-24 18:00" are the owner's time zone (timezone in
# peerfeed.conf); show, edit and delete of an id that does not exist say
# "no post ID" and nothing else; edit and delete say what they did; a post
# to a blocked friend's key says it is blocked.
. "$(dirname "$0")/lib.sh"

make_node a Alice || exit 99
make_node b Bob || exit 99
FB=$(fpr_of b)
pf b id --export >"$T/b.asc" || exit 99
pf a friend add "$T/b.asc" >/dev/null 2>&1 || exit 99
echo "timezone = Europe/Berlin" >>"$T/a/peerfeed.conf"

ID=$(pf a post --type event --name Party --start "2026-12-24 18:00" \
    --end "2026-12-24 23:30" "Come by")
check "post --type event (lower case) is taken"
pf a show "$ID" >"$T/ev"
grep -qx 'type: Event' "$T/ev"
check "it is stored as an Event"
grep -qx 'starts: 2026-12-24T17:00:00Z' "$T/ev" &&
    grep -qx 'ends: 2026-12-24T22:30:00Z' "$T/ev"
check "18:00 and 23:30 in Europe/Berlin are 17:00 and 22:30 UTC"
pf a post --type evnt --name x "y" 2>"$T/err"
[ $? -ne 0 ] && grep -q 'unknown post type "evnt" (the types: Note, Event' "$T/err"
check "an unknown type is refused with the types' spelling"
pf a post --type event --name x --start "next week" y 2>"$T/err"
[ $? -ne 0 ] && grep -q -- '--start: "next week" is not a date and time (2026-12-24 18:00' "$T/err"
check "a start time that is not one is refused with an example"
sed -i 's|^timezone = Europe/Berlin|timezone = Mars/Olympus|' "$T/a/peerfeed.conf"
pf a list 2>"$T/err"
[ $? -ne 0 ] && grep -q 'timezone: "Mars/Olympus" is not a time zone' "$T/err"
check "an unknown timezone setting is a configuration error"
sed -i 's|^timezone = Mars/Olympus|timezone = Europe/Berlin|' "$T/a/peerfeed.conf"

NOID=1796000000000-0000
for cmd in show edit delete; do
	if [ $cmd = edit ]; then set -- "$NOID" text; else set -- "$NOID"; fi
	pf a $cmd "$@" >"$T/out" 2>"$T/err"
	rc=$?
	desc="$cmd of an id that does not exist: exit 1, only \"no post $NOID\" (rc $rc)"
	[ $rc -eq 1 ] && [ ! -s "$T/out" ] &&
	    [ "$(cat "$T/err")" = "peerfeed: no post $NOID" ]
	check "$desc"
done

[ "$(pf a edit "$ID" "Come by at six")" = "edited $ID" ]
check "edit says what it did"
[ "$(pf a delete "$ID")" = "deleted $ID" ]
check "delete says what it did"

pf a block "$FB" >/dev/null || exit 99
pf a post --to "key:$FB" "hello Bob" >/dev/null 2>"$T/err"
check "a post to a blocked key is still made"
grep -q "key:$FB is blocked: they cannot read this post until you unblock" "$T/err"
check "and says the key is blocked"
done_testing
