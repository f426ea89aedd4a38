#!/bin/bash
# covers: src/fetch/fetch.c src/fetch/fetch_job.c src/fetch/fetch_page.c src/fetch/fetch_store.c src/fetch/fetch_media.c src/fetch/main_fetch.c src/lib/net.c src/lib/envelope_post.c src/lib/image.c
# t0320-fetch-hostile: one good friend and seven bad ones: a node that is
# down, one that accepts and never answers, one that sends a 2 GB body,
# one whose correctly signed page carries a post by someone else, one that
# serves a post it signed itself but attributed to someone else, one
# whose page is not JSON, one whose posts are fine but whose images are
# not (a wrong digest, more bytes than declared).  Each bad one is named
# on stderr with its reason, exit status 1, nothing of the first six is
# stored, the last one's posts are kept without the images, and the good
# friend is fetched all the same, while the others are stalling.  Then
# the image friend sends an older version of a post it edited: refused
# with a note, the newer one stays; its images are tried again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

serve_node good Good || exit 99
make_node me Me || exit 99
befriend me good || exit 99
pf good friend add - <<EOF >/dev/null || exit 99
$(pf me id --export)
EOF
GOOD_POST=$(pf good post "good news") || exit 99
FME=$(fpr_of me)

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# hostile NAME MODE [POSTS MEDIA]: a friend NAME (real key) served by
# fake_node.py MODE (POSTS: the post file, or directory, it serves).
hostile() {
	make_node "$1" "$1" || return 1
	pf "$1" friend add - <<EOF >/dev/null || return 1
$(pf me id --export)
EOF
	port=$(free_port)
	if [ "$2" != down ]; then
		# Not lib.sh's python3 function: $! must be python itself, or
		# the cleanup kills a subshell and leaves the node running.
		"$PY" "$top_srcdir/tests/integration/fake_node.py" "$2" \
		    "$port" "$T/$1/gnupg" "$FME" "${3:-$T/other.json}" ${4:+"$4"} \
		    2>"$T/$1.log" &
		track_pid $!
	fi
	pf "$1" id --export >"$T/$1.asc"
	pf me friend add "$T/$1.asc" --url "http://127.0.0.1:$port/peerfeed" \
	    >/dev/null
}
# A real post by someone who is not the hostile friend.
make_node other Other || exit 99
OID=$(pf other post "by someone else") || exit 99
cp "$T/other/posts/$OID.json" "$T/other.json"
cp "$T/other/posts/$OID.json.sig" "$T/other.json.sig"

hostile down down || exit 99
hostile hang hang || exit 99
hostile big big || exit 99
hostile foreign foreign || exit 99
hostile badjson badjson || exit 99
hostile forger posts "$T/forger.posts" || exit 99
# forger signs the other's post: the signature is the friend's, the
# attributedTo is not.
mkdir "$T/forger.posts" || exit 99
cp "$T/other.json" "$T/forger.posts/$OID.json" || exit 99
pgp forger -u "$(fpr_of forger)" --armor --detach-sign \
    -o "$T/forger.posts/$OID.json.sig" "$T/other.json" || exit 99
hostile evil posts "$T/evil.posts" "$T/evil.media" || exit 99

# evil's posts are its own and well signed; its images are not what the
# posts declare: one byte changed, 4 KB too many, and a text file whose
# digest and size the (re-signed) post declares but which is no picture.
mkdir "$T/evil.posts" "$T/evil.media" "$T/evil.old" || exit 99
png "$T/evil1.png" 3000
png "$T/evil2.png" 3000
E1=$(pf evil post --image "$T/evil1.png" "wrong digest") || exit 99
E2=$(pf evil post --image "$T/evil2.png" "too long") || exit 99
E4=$(pf evil post --image "$T/evil2.png" "not a picture") || exit 99
E3=$(pf evil post "first version") || exit 99
cp "$T/evil/posts/$E3.json" "$T/evil/posts/$E3.json.sig" "$T/evil.old/"
pf evil edit "$E3" "second version" >/dev/null || exit 99
cp "$T"/evil/posts/*.json "$T"/evil/posts/*.json.sig "$T/evil.posts/"
S1=$(digest_of evil "$E1")
S2=$(digest_of evil "$E2")
cp "$T/evil/media/$S1" "$T/evil1.png" && cp "$T/evil/media/$S2" "$T/evil2.png" ||
    exit 99
echo "a text file, named and declared as a PNG" >"$T/evil.text"
S4=$(sha256sum <"$T/evil.text" | cut -d' ' -f1)
cp "$T/evil.text" "$T/evil.media/$S4" || exit 99
sed -i -e "s/\"digest\": \"[0-9a-f]*\"/\"digest\": \"$S4\"/" \
    -e "s/\"size\": [0-9]*/\"size\": $(stat -c %s "$T/evil.text")/" \
    "$T/evil.posts/$E4.json" || exit 99
rm -f "$T/evil.posts/$E4.json.sig"
pgp evil -u "$(fpr_of evil)" --armor --detach-sign -o "$T/evil.posts/$E4.json.sig" \
    "$T/evil.posts/$E4.json" || exit 99
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-1]^=1; open(sys.argv[2],"wb").write(b)' \
    "$T/evil1.png" "$T/evil.media/$S1"
{ cat "$T/evil2.png"; head -c 4096 /dev/zero; } >"$T/evil.media/$S2"

start=$(date +%s)
fetch me --jobs 8 >"$T/f.out" 2>"$T/f.err"
rc=$?
secs=$(( $(date +%s) - start ))
[ $rc = 1 ]
check "exit status 1 when some friends failed"
sed 's/^/# /' "$T/f.err"
[ "$(stored me good)" = "$GOOD_POST" ]
check "the good friend was fetched"
leak=""
for n in down hang big foreign badjson forger; do
	f=$(fpr_of "$n")
	[ -z "$(ls "$T/me/friends/$f/posts")" ] || leak="$leak $n"
done
[ -z "$leak" ]
check "nothing of any bad friend was stored"
! grep -rq "by someone else" "$T/me/friends"
check "the foreign post is nowhere"
grep "$(fpr_of down)" "$T/f.err" | grep -qi "connect"
check "down: named, could not connect"
grep "$(fpr_of hang)" "$T/f.err" | grep -qi "timed out\|too slow\|speed"
check "hang: named, timed out"
grep "$(fpr_of big)" "$T/f.err" | grep -qi "larger than"
check "2 GB body: named, aborted at the cap"
grep "$(fpr_of foreign)" "$T/f.err" | grep -q "attributedTo is $(fpr_of other)"
check "foreign post: named, attributedTo is someone else"
grep "$(fpr_of forger)" "$T/f.err" | grep -q "attributedTo is $(fpr_of other)"
check "a post the friend signed for someone else: named, attributedTo"
pf me timeline >"$T/timeline" && ! grep -q "by someone else" "$T/timeline" &&
    pf me check --verify >/dev/null
check "the forged post is in no timeline; check --verify is clean"
grep "$(fpr_of badjson)" "$T/f.err" | grep -qi "json"
check "invalid JSON: named, the JSON rule"
FE=$(fpr_of evil)
printf '%s\n' "$E1" "$E2" "$E3" "$E4" | sort | cmp -s - <(stored me evil) &&
    [ -z "$(ls "$T/me/friends/$FE/media")" ]
check "bad images: the posts are kept, the images are not"
grep "$FE" "$T/f.err" | grep -q "attachment $S1: the bytes' SHA-256 is"
check "wrong digest: refused, the friend and the attachment named"
desc="attachment $S2: more than the $(stat -c %s "$T/evil2.png") bytes the post declares"
grep "$FE" "$T/f.err" | grep -q "$desc"
check "oversize image: cut off at the declared size, named"
grep "$FE" "$T/f.err" | grep -q "attachment $S4: not a picture peerfeed takes"
check "an image that does not decode: refused, the friend and the attachment named"
grep "$FE" "$T/f.err" | grep -q "3 of 3 attachments failed, posts kept"
check "the image friend counts as failed, its posts kept"
grep -q "8 friends: 1 ok (0 idle), 7 failed" "$T/f.out"
check "summary: 8 friends, 1 ok, 7 failed"
[ $secs -lt 60 ]
check "the whole run is bounded by the slowest timeout ($secs s)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["result"]!="ok" and d["cursor"]==""' \
    "$T/me/friends/$(fpr_of big)/state.json"
check "a failed friend's state records the reason and keeps its cursor"

# Second run, the image friend alone: it replays the first version of the
# post it edited.  The stored edit stays; the images are tried again.
for n in down hang big foreign badjson forger; do
	rm -rf "$T/me/friends/$(fpr_of "$n")"
done
cp "$T/evil.old/$E3.json" "$T/evil.old/$E3.json.sig" "$T/evil.posts/"
fetch me >"$T/g.out" 2>"$T/g.err"
[ $? = 1 ]
check "rerun: still failing on the images"
sed 's/^/# /' "$T/g.err"
grep -q "note: friend $FE: post $E3: updated .* before the version stored here" \
    "$T/g.err" && grep -q "second version" "$T/me/friends/$FE/posts/$E3.json"
check "an older version of a post is refused with a note; the edit stays"
grep -q "attachment $S1: the bytes' SHA-256" "$T/g.err" &&
    grep -q "attachment $S2: more than" "$T/g.err" &&
    grep -q "attachment $S4: not a picture" "$T/g.err"
check "the missing images were tried again"

done_testing
