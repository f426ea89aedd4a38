#!/bin/bash
# covers: src/fcgi/app.c src/fcgi/app_form.c src/fcgi/app_html.c src/fcgi/app_timeline.c src/fcgi/app_session.c src/fcgi/app_write.c
# t0610-app-browser: the owner's web page in a real browser.  Debian's
# chromium, headless and with JavaScript off, driven by playwright-core
# (tests/browser/app.cjs) against a node behind real nginx on loopback:
# a stranger is refused, the owner logs in with the keyboard, posts each
# kind and sees it rendered, edits and deletes, adds a friend by URL and
# fingerprint, sees the friend's post after peerfeed-fetch, likes and
# comments on it (the like counted on the post, the comment under it),
# filters the timeline (one friend, friends only), reads the Mentions tab
# (the friend's like and comment on an own post), moves the friend between groups and blocks it.
# Screenshots at phone (390x844) and desktop (1280x800) widths are kept
# in t0610-app-browser.artifacts/ beside this test's log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx spawn-fcgi node
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "chromium not installed"
MODS=${PEERFEED_BROWSER_MODULES:-$top_srcdir/tests/browser/node_modules}
[ -d "$MODS/playwright-core" ] ||
    skip "playwright-core not installed (cd tests/browser && npm install)"

ART="$top_builddir/tests/integration/t0610-app-browser.artifacts"
rm -rf "$ART" && mkdir -p "$ART" || exit 99

serve_node a Alice || exit 99
serve_node b Bob || exit 99
FB=$(fpr_of b)
pf a post --to group:nobody "secret-owner-post" >/dev/null || exit 99
pf b post "Bob is baking bread" >/dev/null || exit 99
pf b friend add --url "$(url_of a)" --fpr "$(fpr_of a)" >/dev/null || exit 99
# Bob likes and answers a post of Alice's: her Mentions tab shows both.
FA=$(fpr_of a)
ASK=$(pf a post "Who wants soup") || exit 99
"$PEERFEED_FETCH" -q -d "$T/b" --public "$(url_of a)" --fpr "$FA" || exit 99
pf b post --like "$FA/$ASK" >/dev/null || exit 99
pf b post --to "key:$FA" --reply-to "$FA/$ASK" "Bob wants soup" >/dev/null || exit 99
printf 'browser password\n' | pf a passwd --stdin >/dev/null || exit 99
# A real 64x64 PNG, so the browser has something to decode.
python3 - "$T/red.png" <<'PY' || exit 99
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + b"\xff\0\0" * 64 for _ in range(64))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY

APP="$(url_of a)/app" PASSWORD='browser password' SECRET=secret-owner-post \
    FRIEND_URL="$(url_of b)" FRIEND_FPR="$FB" FRIEND_POST="Bob is baking bread" \
    OWN_ASKED="Who wants soup" FRIEND_ANSWER="Bob wants soup" \
    FETCH_CMD="'$PEERFEED_FETCH' -q -d '$T/a'" IMAGE="$T/red.png" \
    ARTIFACTS="$ART" CHROMIUM="$CHROMIUM" NODE_PATH="$MODS" \
    node "$top_srcdir/tests/browser/app.cjs"
check "the browser run passed every check"
for s in login timeline timeline-friend friends; do
	[ -s "$ART/$s-phone.png" ] && [ -s "$ART/$s-desktop.png" ] || false
done
check "screenshots at phone and desktop widths are kept"
done_testing
