#!/bin/bash
# covers: src/cli/cli_post.c src/lib/node.c src/lib/post.c src/lib/post_build.c src/lib/envelope.c src/lib/store.c doc/schema/post.json
# t0110-posts: every post kind, audiences, edits, deletes; every file is
# signed (plain gpg verifies it) and valid against the published schemas.
. "$(dirname "$0")/lib.sh"
need_ajv

make_node alice "Alice Example" || exit 99
make_node bob "Bob" || exit 99
FPR=$(fpr_of alice)
BOB=$(fpr_of bob)
pf bob id --export >"$T/bob.asc"
pf alice friend add "$T/bob.asc" --group family >/dev/null || exit 99
P=$T/alice/posts

png "$T/cat.png" 3000

ID_TEXT=$(pf alice post "Hello, world")
check "text status"
ID_IMG=$(pf alice post --image "$T/cat.png" "My cat")
check "text + image"
ID_LINK=$(pf alice post --link https://example.org/article --name "An article" "Worth reading")
check "text + link"
ID_GEO=$(pf alice post --geo 48.137,11.575 --place "Marienplatz" "Here now")
check "geolocation"
ID_ACT=$(pf alice post --type Listen --object "Kind of Blue" "Sunday music")
check "activity (Listen)"
ID_EVT=$(pf alice post --type Event --name "Picnic" --start 2026-12-01T12:00:00Z \
    --end 2026-12-01T15:00:00Z --geo 48.1,11.5 --place "Park" "Bring food")
check "event"
ID_COM=$(pf alice post --reply-to "$ID_TEXT" "Replying to myself")
check "comment"
ID_LIKE=$(pf alice post --like "$BOB/1764000000000-0000")
check "like"
ID_GRP=$(pf alice post --to group:family "Family only")
check "to a group"
ID_KEY=$(pf alice post --to "key:$BOB" "Just for Bob")
check "to one key"
ID_MIX=$(pf alice post --to family --to "$BOB" --to public "Everyone, really")
check "to a mix (bare group name and bare fingerprint)"
ALL="$ID_TEXT $ID_IMG $ID_LINK $ID_GEO $ID_ACT $ID_EVT $ID_COM $ID_LIKE $ID_GRP $ID_KEY $ID_MIX"

for id in $ALL; do
	ok "$id: plain gpg verifies the detached signature" \
	    pgp alice --verify "$P/$id.json.sig" "$P/$id.json"
done
ok "every post validates against the JSON Schemas" \
    schema_validate $(for id in $ALL; do echo "$P/$id.json"; done)

ok "ids are sortable in posting order" sh -c \
    "printf '%s\n' $ALL > '$T/ids'; sort -c '$T/ids'"
ok "ids are unique" sh -c "test \$(printf '%s\n' $ALL | sort -u | wc -l) -eq 11"

SHA=$(digest_of alice "$ID_IMG")
ok "the image is stored in media/ under its sha256" \
    sh -c "sha256sum <'$T/alice/media/$SHA' | grep -q ^$SHA"
ok "the post names the image by digest" grep -q "\"digest\": \"$SHA\"" "$P/$ID_IMG.json"
ok "comment points at author/id" grep -q "\"inReplyTo\": \"$FPR/$ID_TEXT\"" "$P/$ID_COM.json"
ok "like points at author/id" grep -q "\"object\": \"$BOB/1764000000000-0000\"" "$P/$ID_LIKE.json"
ok "group audience" grep -q '"group:family"' "$P/$ID_GRP.json"
ok "key audience" grep -q "\"key:$BOB\"" "$P/$ID_KEY.json"
ok "the event has its times" grep -q '"startTime": "2026-12-01T12:00:00' "$P/$ID_EVT.json"
ok "the place has coordinates" grep -q '"latitude": 48.137' "$P/$ID_GEO.json"

# Edits keep the id and move updated; deletes leave a signed tombstone.
before=$(grep '"updated"' "$P/$ID_TEXT.json")
ok "edit" pf alice edit "$ID_TEXT" "Hello again, world"
ok "edit keeps the id" grep -q "\"id\": \"$ID_TEXT\"" "$P/$ID_TEXT.json"
ok "edit changes the content" grep -q "Hello again" "$P/$ID_TEXT.json"
ok "edit moves updated" test "$(grep '"updated"' "$P/$ID_TEXT.json")" != "$before"
ok "edit keeps published" grep -q "\"published\"" "$P/$ID_TEXT.json"
ok "edited post still verifies" pgp alice --verify "$P/$ID_TEXT.json.sig" "$P/$ID_TEXT.json"
ok "edit of the audience" pf alice edit "$ID_LINK" --to group:family
ok "audience changed" grep -q '"group:family"' "$P/$ID_LINK.json"
ok "delete" pf alice delete "$ID_GEO"
ok "delete leaves a tombstone file" grep -q '"type": "Tombstone"' "$P/$ID_GEO.json"
ok "the tombstone verifies" pgp alice --verify "$P/$ID_GEO.json.sig" "$P/$ID_GEO.json"
ok "edited and deleted posts validate" schema_validate "$P/$ID_TEXT.json" \
    "$P/$ID_LINK.json" "$P/$ID_GEO.json"
fails "a deleted post cannot be edited" pf alice edit "$ID_GEO" "zombie"
fails "an unknown id is refused" pf alice edit 1764000000000-0000 "x"
fails "a malformed id is refused" pf alice delete ../../etc/passwd

# list and show.
pf alice list >"$T/list"
ok "list shows every post" test "$(wc -l <"$T/list")" -eq 11
ok "list marks the deleted one" grep -q "$ID_GEO.*(deleted)" "$T/list"
pf alice list --to group:family >"$T/fam"
ok "list --to group:family" sh -c "grep -q '$ID_GRP' '$T/fam' && grep -q '$ID_MIX' '$T/fam' && ! grep -q '$ID_KEY' '$T/fam'"
pf alice list --json >"$T/list.json"
ok "list --json is JSON holding every post" node -e \
    "const j=JSON.parse(require('fs').readFileSync('$T/list.json','utf8')); if (j.posts.length !== 11 || j.more) process.exit(1)"
pf alice list --limit 4 >"$T/page"
ok "list --limit pages and says how to go on" sh -c \
    "test \$(grep -vc '^#' '$T/page') -eq 4 && grep -q -- '--since' '$T/page'"
pf alice show "$ID_EVT" >"$T/show"
ok "show renders the event" sh -c "grep -q Picnic '$T/show' && grep -q '2026-12-01T12:00' '$T/show'"
pf alice show "$ID_IMG" >"$T/show"
ok "show renders the image path" grep -q "media/$SHA" "$T/show"

# Bad input: a clear error, and nothing written.
n=$(ls "$P" | wc -l)
fails "unknown audience form" pf alice post --to "friends!" "x"
fails "bad coordinates" pf alice post --geo 91,0 "x"
fails "bad --geo syntax" pf alice post --geo north "x"
fails "overlong content" pf alice post "$(head -c 5001 /dev/zero | tr '\0' a)"
ok "5000 multibyte characters are fine" pf alice post "$(for i in $(seq 1 500); do printf 'ääääääääää'; done)"
fails "end before start" pf alice post --type Event --name X --start 2026-12-01T12:00:00Z --end 2026-12-01T11:00:00Z
fails "a link that is not http(s)" pf alice post --link "javascript:alert(1)" "x"
fails "an image that does not exist" pf alice post --image "$T/nope.png" "x"
ok "nothing but the good post was written" test "$(ls "$P" | wc -l)" -eq $((n + 2))
pf alice post --to "friends!" x 2>"$T/err"
ok "the error names the rule" grep -q "audience" "$T/err"
ok "check is clean" pf alice check --verify

done_testing
