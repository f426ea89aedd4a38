#!/bin/bash
# covers: src/lib/image.c src/fetch/fetch_media.c deploy/systemd/peerfeed.service.in deploy/systemd/peerfeed-fetch.service.in
# t0625-photos-mdwe: pictures under MemoryDenyWriteExecute=yes, which the
# responder's and the fetcher's units set (issue 16).  libvips links
# liborc, a JIT; here no memory may be both writable and executable, as
# under those units (tests/integration/mdwe.py: the kernel's PR_SET_MDWE,
# what systemd 254 and later use for it; systemd 252 filters the same
# calls with seccomp, which needs a systemd as PID 1, not here).  A photo
# posted with `peerfeed post --image` is cleaned and gets its thumbnail;
# the friend's peerfeed-fetch checks it (decoded to the end) and makes its
# own thumbnail, both under the restriction.  (A JIT that does need such
# memory dies under mdwe.py: `node -e 1` stops in V8's SetPermissions.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx cjpeg
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 not installed"
mdwe() { /usr/bin/python3 "$top_srcdir/tests/integration/mdwe.py" "$@"; }
mdwe true 2>/dev/null ||
    skip "this kernel has no PR_SET_MDWE (Linux 6.3 or later)"

U=$top_srcdir/deploy/systemd
grep -qx 'MemoryDenyWriteExecute=yes' "$U/peerfeed.service.in" &&
    grep -qx 'MemoryDenyWriteExecute=yes' "$U/peerfeed-fetch.service.in"
check "the responder's and the fetcher's units set MemoryDenyWriteExecute=yes"
mdwe /usr/bin/python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
p = libc.mmap(None, 4096, 7, 0x22, -1, 0)  # RWX, private, anonymous
sys.exit(0 if p in (None, 2**64 - 1) else 1)'
check "under mdwe.py a writable and executable mapping is refused"

serve_node a Alice || exit 99
serve_node b Bob || exit 99
befriend b a || exit 99
befriend a b || exit 99
python3 - "$T/photo.ppm" <<'PY' || exit 99
import sys
w, h = 2400, 1600
row = bytes((x * 7) % 256 for x in range(w) for c in range(3))
open(sys.argv[1], "wb").write(b"P6\n%d %d\n255\n" % (w, h) + row * h)
PY
cjpeg -quality 85 "$T/photo.ppm" >"$T/photo.jpg" || exit 99

ID=$(mdwe "$PEERFEED" -d "$T/a" post --image "$T/photo.jpg" "under MDWE" \
    2>"$T/post.err")
rc=$?
sed 's/^/#   /' "$T/post.err"
SHA=$(digest_of a "$ID")
desc="peerfeed post --image works under it (rc $rc)"
[ $rc -eq 0 ] && [ -n "$SHA" ] && [ -s "$T/a/media/$SHA" ] &&
    [ -s "$T/a/thumbs/$SHA" ]
check "$desc"
[ "$(head -c 12 "$T/a/thumbs/$SHA" | tail -c 4)" = WEBP ]
check "its thumbnail is a WebP"

mdwe "$PEERFEED_FETCH" -d "$T/b" >"$T/fetch.out" 2>&1
rc=$?
sed 's/^/#   /' "$T/fetch.out"
desc="the friend's peerfeed-fetch under it checks the picture and stores it (rc $rc)"
[ $rc -eq 0 ] && grep -q ", 1 attachments," "$T/fetch.out" &&
    cmp -s "$T/a/media/$SHA" "$T/b/friends/$(fpr_of a)/media/$SHA" &&
    [ -s "$T/b/thumbs/$SHA" ]
check "$desc"
done_testing
