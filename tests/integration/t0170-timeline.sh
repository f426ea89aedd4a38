#!/bin/bash
# covers: src/cli/cli_timeline.c src/lib/timeline.c src/lib/when.c
# t0170-timeline: peerfeed timeline as people read it (issue 16), three
# nodes through nginx: a post takes a header line (author, relative time,
# audience) and its content; likes are counted on the post they like
# ("2 likes: Bob, Carol"); comments are shown under the post they answer;
# a comment whose post is not at hand says whose post it was about;
# --mentions shows who liked and answered the owner's posts; --friend,
# --group and the default (friends only) filter; event times are humanized
# in the reader's timezone; --long prints every field.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

serve_node a Alice || exit 99
serve_node b Bob || exit 99
serve_node c Carol || exit 99
FA=$(fpr_of a); FB=$(fpr_of b); FC=$(fpr_of c)
for p in "a b" "b a" "a c" "c a"; do
	befriend $p || exit 99
done
echo "timezone = Europe/Berlin" >>"$T/a/peerfeed.conf"
echo "timezone = America/New_York" >>"$T/b/peerfeed.conf"

P1=$(pf a post "Hello from Alice") || exit 99
pf a post --type event --name "Winter party" --start "2026-12-24 18:00" \
    --end "2026-12-24 23:00" "Bring cookies" >/dev/null || exit 99
fetch b >/dev/null 2>&1 && fetch c >/dev/null 2>&1 || exit 99
pf b post --like "$FA/$P1" >/dev/null || exit 99
pf b post --to "key:$FA" --reply-to "$FA/$P1" "Nice one, Alice" >/dev/null || exit 99
pf b post --to "key:$FA" --reply-to "$FA/$P1" "And one more thing" >/dev/null || exit 99
pf b post "Just one line from Bob" >/dev/null || exit 99
pf b post --to "key:$FA" --reply-to "$FC/1796000000000-0000" \
    "About Carol's post" >/dev/null || exit 99
pf c post --like "$FA/$P1" >/dev/null || exit 99
pf c post --to "key:$FA" --reply-to "$FA/$P1" "Agreed" >/dev/null || exit 99
fetch a >/dev/null 2>&1 || exit 99

pf a timeline >"$T/tl"
sed 's/^/#   /' "$T/tl"
# A thread is separated from the next by an empty line.
awk -v RS= '/^Bob  just now  public\n  Just one line from Bob$/ { n++ } END { exit n != 1 }' "$T/tl"
check "a one-line post takes two lines: header (author, relative time, audience), content"
grep -q '^you  just now  public$' "$T/tl" && grep -q '^  2 likes: Bob, Carol$' "$T/tl"
check "the likes are counted on Alice's post they like: 2 likes: Bob, Carol"
[ "$(grep -c 'likes a post' "$T/tl")" = 0 ]
check "no like is shown as an entry of its own"
awk -v RS= '/Hello from Alice\n  2 likes: Bob, Carol\n/ && /\n  > Bob  just now  only you\n    Nice one, Alice\n/ &&
    /\n  > Carol  just now  only you\n    Agreed/ && /\n    And one more thing\n/ { n++ } END { exit n != 1 }' "$T/tl"
check "the three comments are shown under the post they answer, indented"
grep -B1 -A1 'comments on a post by Carol (not at hand)' "$T/tl" | grep -q "About Carol's post"
check "a comment whose post is not here says whose post it was about"

pf b timeline >"$T/tlb"
grep -q '^  Event: Winter party, Thu 24 Dec 2026, 12:00-17:00 EST$' "$T/tlb"
check "Bob (America/New_York) reads Alice's Berlin 18:00-23:00 party as 12:00-17:00 EST"
pf a timeline --long >"$T/long"
grep -q '^  id: ' "$T/long" && grep -q '^  published: ' "$T/long"
check "--long prints every field of each post"

pf a timeline --mentions >"$T/men"
sed 's/^/#   /' "$T/men"
grep -q '^you  just now  public$' "$T/men" && grep -q '^  2 likes: Bob, Carol$' "$T/men" &&
    grep -q '^    Agreed$' "$T/men" && grep -q '^    Nice one, Alice$' "$T/men" &&
    ! grep -q 'Just one line from Bob' "$T/men" && ! grep -q 'not at hand' "$T/men"
check "--mentions: who liked and who answered Alice's post, nothing else"

pf a timeline --friend "$FB" >"$T/fb"
grep -q 'Just one line from Bob' "$T/fb" && ! grep -q '^  Agreed' "$T/fb"
check "--friend Bob: Bob's posts, not Carol's"
pf a group add pals "$FC" >/dev/null || exit 99
pf a timeline --group pals >"$T/gp"
grep -q '^    Agreed$' "$T/gp" && ! grep -q 'Just one line from Bob' "$T/gp"
check "--group pals (Carol): Carol's posts, not Bob's"
! grep -q 'Winter party' "$T/tl" && pf a timeline --all | grep -q 'Winter party'
check "the default shows friends' posts; --all the owner's too"
fails "--group of no such group" pf a timeline --group nobody
done_testing
