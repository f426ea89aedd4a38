#!/bin/bash
# covers: src/fcgi/main_fcgi.c src/fcgi/http.c src/fcgi/api_feed.c src/fcgi/api_media.c src/fetch/fetch.c src/cli/main_cli.c
# t0800-valgrind: the responder loop under valgrind behind real nginx.  A
# few hundred mixed requests (node info, /key, public feed pages with and
# without since, Atom, media, 304 idle polls, private POST /feed and
# /media with valid envelopes and with every kind of bad one, built with
# plain gpg as t0210 does, malformed requests), then SIGTERM: the
# responder must leave its loop, free everything and exit 0, and valgrind
# must report no error and no definitely or indirectly lost byte.  Then
# peerfeed-fetch against that node and a few CLI commands, under valgrind
# likewise.  Not in a sanitizer build (valgrind cannot run ASan binaries).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx valgrind

if nm -D "$PEERFEED_FCGI" 2>/dev/null | grep -q __asan_init ||
    ldd "$PEERFEED_FCGI" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	echo "SKIP: sanitizer build: valgrind cannot run it"
	exit 77
fi

# vg NAME CMD...: CMD under valgrind (gpg children run natively), the
# report in $T/vg-NAME.PID.  Exit 42 on a valgrind error.
VG_OPTS="--leak-check=full --show-leak-kinds=definite,indirect
--errors-for-leak-kinds=definite,indirect --error-exitcode=42
--child-silent-after-fork=yes --trace-children=no --num-callers=30"
# VIPSHOME: libvips's optional modules (HEIF, JPEG XL, ...) stay unloaded:
# libjxl's libhwy runs rdtscp when loaded, which valgrind cannot run.
vg() {
	name=$1; shift
	# shellcheck disable=SC2086
	VIPSHOME=$T/no-vips-modules valgrind $VG_OPTS --log-file="$T/vg-$name.%p" "$@"
}

# vg_clean NAME: every report of NAME shows 0 errors and nothing lost.
vg_clean() {
	n=0
	for f in "$T"/vg-"$1".*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if ! grep -q 'ERROR SUMMARY: 0 errors' "$f" ||
		    grep -Eq '(definitely|indirectly) lost: [1-9]' "$f"; then
			grep -v '^==[0-9]*== *$' "$f" | head -60
			return 1
		fi
	done
	[ $n -ge 1 ] || { echo "no valgrind report for $1"; return 1; }
}

serve_node a Alice || exit 99
make_node f Fay || exit 99
make_node s Sam || exit 99
A=$(fpr_of a); F=$(fpr_of f); S=$(fpr_of s)
BASE=$(url_of a)
AUD="$BASE/feed"
pf f id --export | pf a friend add - --group family >/dev/null || exit 99
for n in f s; do
	pf a id --export | pgp $n --import 2>/dev/null || exit 99
done
png "$T/pub.png" 3000
png "$T/fam.png" 2000
for i in 1 2 3 4 5 6; do
	pf a post "public post $i <&>" >/dev/null || exit 99
done
pf a post --to group:family "family post" >/dev/null || exit 99
IP=$(pf a post --image "$T/pub.png" "public picture") || exit 99
IF=$(pf a post --to group:family --image "$T/fam.png" "family picture") ||
    exit 99
PUB_SHA=$(digest_of a "$IP")
FAM_SHA=$(digest_of a "$IF")

# The responder serve_node started is replaced by one under valgrind.
kill "$RESPONDER_PID"; wait "$RESPONDER_PID" 2>/dev/null
cat >"$T/vgfcgi" <<EOF
#!/bin/sh
exec valgrind $(echo $VG_OPTS) --log-file="$T/vg-fcgi.%p" "$PEERFEED_FCGI" "\$@"
EOF
chmod +x "$T/vgfcgi"
PEERFEED_FCGI_REAL=$PEERFEED_FCGI
PEERFEED_FCGI=$T/vgfcgi start_responder a || exit 99
VG_PID=$RESPONDER_PID
wait_for curl -sf -o /dev/null "$BASE/"
check "the responder answers under valgrind"


# hit WANT CURL ARGS...: one request; a status other than WANT is noted.
NREQ=0
: >"$T/bad"
hit() {
	want=$1; shift
	NREQ=$((NREQ + 1))
	got=$(curl -s -o "$T/resp" -D "$T/resp.hdr" -w '%{http_code}' "$@")
	[ "$got" = "$want" ] || echo "$want $got: $*" >>"$T/bad"
}
post() {	# post WANT ENDPOINT FROM FILE [CURL ARGS]
	hit "$1" -X POST -H "Content-Type: application/pgp-encrypted" \
	    -H "Peerfeed-From: $3" --data-binary "@$4" "${@:5}" "$BASE/$2"
}

echo "# set up in $SECONDS s"
# Public endpoints.
for i in $(seq 1 26); do
	hit 200 "$BASE/"
	hit 200 "$BASE/key"
	hit 200 "$BASE/feed"
	hit 200 "$BASE/feed?limit=2"
	hit 200 "$BASE/feed.atom"
	hit 200 "$BASE/media/$PUB_SHA"
done
NEXT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["next"])' \
    <(curl -s "$BASE/feed?limit=2"))
for i in $(seq 1 10); do
	hit 200 "$BASE/feed?since=$NEXT&limit=3"
	hit 200 "$BASE/feed?since=2020-01-01T00:00:00Z"
	hit 404 "$BASE/media/$FAM_SHA"
	hit 200 -I "$BASE/feed"
done

echo "# public requests done at $SECONDS s"
# Private requests: valid ones (fresh nonce each), idle polls, bad ones.
for i in $(seq 1 8); do
	req "$F" limit=3 | seal f >"$T/ok.pgp"
	post 200 feed "$F" "$T/ok.pgp"
done
req "$F" | seal f >"$T/ok.pgp"
post 200 feed "$F" "$T/ok.pgp"		# the whole feed: caught up
TAG=$(sed -n 's/^ETag: *//Ip' "$T/resp.hdr" | tr -d '\r')
req "$F" aud="$BASE/media" media="$FAM_SHA" | seal f >"$T/m.pgp"
post 200 media "$F" "$T/m.pgp"
req "$F" aud="$BASE/media" media="$PUB_SHA" | seal f --armor >"$T/m2.pgp"
post 200 media "$F" "$T/m2.pgp"
[ -n "$TAG" ]
check "a caught-up private response carries an ETag"
for i in $(seq 1 15); do
	hit 304 -X POST -H "Peerfeed-From: $F" -H "If-None-Match: $TAG" \
	    "$BASE/feed"
	hit 304 -H "Peerfeed-From: $F" -H "If-None-Match: $TAG" \
	    "$BASE/feed?since=x"
done
req "$F" | seal f >"$T/once.pgp"
post 200 feed "$F" "$T/once.pgp"
for i in 1 2 3; do
	post 409 feed "$F" "$T/once.pgp"			# replay
	req "$S" | seal s >"$T/s.pgp"
	post 403 feed "$S" "$T/s.pgp"				# stranger
	post 403 feed "$F" "$T/s.pgp"				# signed by s, hint f
	req "$F" ts=$(( $(date +%s) - 3600 )) | seal f >"$T/x.pgp"
	post 400 feed "$F" "$T/x.pgp"				# stale
	req "$F" to="$S" | seal f >"$T/x.pgp"
	post 403 feed "$F" "$T/x.pgp"				# to another key
	req "$F" since=garbage | seal f >"$T/x.pgp"
	post 400 feed "$F" "$T/x.pgp"				# bad since
	req "$F" | pgp f --trust-model always -r "$A" --encrypt >"$T/x.pgp"
	post 403 feed "$F" "$T/x.pgp"				# unsigned
	req "$F" | pgp f -u "$F" --sign >"$T/x.pgp"
	post 400 feed "$F" "$T/x.pgp"				# not encrypted
	req "$F" >"$T/x.json"
	post 400 feed "$F" "$T/x.json"				# plain JSON
	{ req "$F" | head -c -1; printf ',"v":1}'; } | seal f >"$T/x.pgp"
	post 400 feed "$F" "$T/x.pgp"				# duplicate member
	req "$F" aud="$BASE/media" media=../../etc | seal f >"$T/x.pgp"
	post 400 media "$F" "$T/x.pgp"				# bad digest
	head -c 700 /dev/urandom >"$T/x.bin"
	printf '\204' | cat - "$T/x.bin" >"$T/x.pgp"
	post 400 feed "$F" "$T/x.pgp"				# garbage packet
	head -c 120 "$T/once.pgp" >"$T/x.pgp"
	post 400 feed "$F" "$T/x.pgp"				# truncated
	hit 400 -X POST -H "Peerfeed-From: $F" -H "Content-Type: text/plain" \
	    --data-binary "@$T/once.pgp" "$BASE/feed"		# Content-Type
	hit 400 -X POST -H "Peerfeed-From: $F" \
	    -H "Content-Type: application/pgp-encrypted" "$BASE/feed"	# empty
	hit 400 -X POST -H "Content-Type: application/pgp-encrypted" \
	    --data-binary "@$T/once.pgp" "$BASE/feed"		# no hint
done
head -c 30000000 /dev/zero | seal f -z 9 >"$T/bomb.pgp"
post 413 feed "$F" "$T/bomb.pgp"

echo "# private requests done at $SECONDS s"
# Malformed requests.
for p in "feed?limit=0" "feed?limit=-1" "feed?limit=99999999999999999999" \
    "feed?since=%00" "feed?since=x&since=y" "media/zz" \
    "media/$(printf 'a%.0s' $(seq 1 300))" "nope" "feed/" "key/x"; do
	NREQ=$((NREQ + 1))
	code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/$p")
	case $code in 4??) ;; *) echo "4xx $code: GET $p" >>"$T/bad" ;; esac
done
for m in PUT DELETE PATCH; do
	hit 405 -X $m "$BASE/feed"
done
hit 405 -X POST "$BASE/key"
hit 405 "$BASE/media"
hit 200 "$BASE/"
echo "# $NREQ requests"
[ ! -s "$T/bad" ] || sed 's/^/# unexpected: /' "$T/bad"
[ ! -s "$T/bad" ] && [ $NREQ -ge 300 ]
check "$NREQ mixed requests, each answered as expected"

# SIGTERM: the loop ends, everything is freed, exit 0.
kill -TERM "$VG_PID"
for i in $(seq 1 300); do
	kill -0 "$VG_PID" 2>/dev/null || break
	sleep 0.1
done
! kill -0 "$VG_PID" 2>/dev/null
check "SIGTERM stops the responder"
wait "$VG_PID"
rc=$?
[ $rc = 0 ] || echo "# exit status $rc"
[ $rc = 0 ]
check "the responder exited 0 after SIGTERM"
vg_clean fcgi
check "valgrind: the responder made no error and lost no byte"
grep -h 'in use at exit' "$T"/vg-fcgi.* | sed 's/^==[0-9]*== */# /'
echo "# responder done at $SECONDS s"

# peerfeed-fetch on f against a (the real responder again), and the CLI.
PEERFEED_FCGI=$PEERFEED_FCGI_REAL start_responder a || exit 99
pf f friend add --url "$BASE" --fpr "$A" >/dev/null
check "f adds a by URL"
vg fetch "$PEERFEED_FETCH" -d "$T/f" >"$T/fetch.out" 2>&1
check "peerfeed-fetch under valgrind succeeds"
[ "$(ls "$T/f/friends/$A/posts" | wc -l)" -ge 8 ]
check "f stored a's posts"
vg fetch "$PEERFEED_FETCH" -d "$T/f" >>"$T/fetch.out" 2>&1
check "an idle rerun under valgrind succeeds"
vg_clean fetch
check "valgrind: peerfeed-fetch made no error and lost no byte"
echo "# fetch done at $SECONDS s"

vg cli "$PEERFEED" -d "$T/a" post "under valgrind" >/dev/null &&
    vg cli "$PEERFEED" -d "$T/a" id >/dev/null &&
    vg cli "$PEERFEED" -d "$T/a" friend list >/dev/null &&
    vg cli "$PEERFEED" -d "$T/f" timeline >/dev/null
check "CLI commands under valgrind succeed"
vg cli "$PEERFEED" -d "$T/a" friend add "$T/nonexistent" >/dev/null 2>&1
[ $? = 1 ]
check "a failing CLI command is no valgrind error"
vg_clean cli
check "valgrind: the CLI made no error and lost no byte"

done_testing
