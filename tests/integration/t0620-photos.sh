#!/bin/bash
# covers: src/lib/image.c src/cli/cli_post.c src/lib/node.c
# t0620-photos: pictures are decoded, not judged by their name
# (doc/PROTOCOL.md "Types", Images; src/image.c).  A phone photo (a JPEG
# made with cjpeg, GPS position, orientation tag, XMP and camera make
# written by exiftool) posted with `peerfeed post --image` is stored
# without any of that metadata (read back with exiftool), upright (the
# pixels that were on the left are on top) and scaled to 2048 pixels on
# the long side, with a thumbnail of 480 pixels (thumbs/); an animated
# GIF (written here) keeps its frames, and one whose frames add up to
# more than 100 million pixels is refused; a small PNG keeps its size and
# type; a text file named
# .png, a truncated JPEG and a decompression bomb (a PNG whose header
# says 100000 x 100000) are refused with a message naming why, and
# nothing is stored.  t0320 refuses a friend's picture that does not
# decode; t0600 refuses a fake upload on the web page.
. "$(dirname "$0")/lib.sh"
need exiftool cjpeg djpeg python3

make_node a Alice || exit 99

# A 3000 x 1000 photo: the left third red, the rest blue; the phone held
# upright wrote Orientation 6 (turn 90 degrees clockwise to show).
python3 - "$T/photo.ppm" <<'PY' || exit 99
import sys
w, h = 3000, 1000
row = b"\xff\0\0" * (w // 3) + b"\0\0\xff" * (w - w // 3)
open(sys.argv[1], "wb").write(b"P6\n%d %d\n255\n" % (w, h) + row * h)
PY
cjpeg -quality 90 "$T/photo.ppm" >"$T/photo.jpg" || exit 99
exiftool -q -overwrite_original -n -GPSLatitude=48.137 -GPSLatitudeRef=N \
    -GPSLongitude=11.575 -GPSLongitudeRef=E -Orientation=6 -Make=PhoneCo \
    -XMP:Creator=Alice "$T/photo.jpg" || exit 99
exiftool -s -s -s -GPSLatitude "$T/photo.jpg" | grep -q 48 || exit 99

ID=$(pf a post --image "$T/photo.jpg" "at the market")
check "a phone photo is posted"
SHA=$(digest_of a "$ID")
M=$T/a/media/$SHA
[ -n "$SHA" ] && [ -f "$M" ] && [ "$(sha256sum <"$M" | cut -d' ' -f1)" = "$SHA" ] &&
    pf a show "$ID" --json | grep -q '"mediaType": "image/jpeg"'
check "the stored copy is a JPEG named by its digest, as the post says"
exiftool -a -G1 -s "$M" >"$T/meta" || exit 99
sed 's/^/# /' "$T/meta"
! grep -v -e '^\[ExifTool\]' -e '^\[System\]' -e '^\[File\]' -e '^\[Composite\]' \
    "$T/meta" | grep -q . && ! grep -qi -e gps -e orientation -e creator -e make "$T/meta"
check "it carries no EXIF, no GPS position, no orientation, no XMP (exiftool)"
[ "$(exiftool -s -s -s -ImageSize "$M")" = 683x2048 ]
check "it is turned upright and scaled to 2048 pixels on the long side"
djpeg -pnm "$M" >"$T/stored.ppm" || exit 99
python3 - "$T/stored.ppm" <<'PY'
import sys
d = open(sys.argv[1], "rb").read().split(b"\n", 3)
w, h = map(int, d[1].split())
px = lambda x, y: d[3][(y * w + x) * 3:(y * w + x) * 3 + 3]
top, bottom = px(w // 2, 20), px(w // 2, h - 20)
print("# top", tuple(top), "bottom", tuple(bottom))
sys.exit(0 if top[0] > top[2] + 100 and bottom[2] > bottom[0] + 100 else 1)
PY
check "what was on the left is on top: the orientation tag was applied"
TH=$T/a/thumbs/$SHA
[ "$(exiftool -s -s -s -FileTypeExtension "$TH")" = webp ] &&
    [ "$(exiftool -s -s -s -ImageSize "$TH")" = 160x480 ] &&
    [ "$(stat -c %s "$TH")" -lt 20000 ] &&
    ! exiftool -a -G1 -s "$TH" | grep -qi -e gps -e make -e xmp -e icc &&
    exiftool -s -s -s -Orientation "$TH" | grep -q normal
check "its thumbnail: a WebP of 480 pixels on the long side, upright, no metadata"

# A WebP stays a WebP; libvips's WebP encoder ignores its strip option,
# so this is where a GPS position would survive.
cp "$TH" "$T/phone.webp" || exit 99
exiftool -q -overwrite_original -n -GPSLatitude=48.137 -GPSLatitudeRef=N \
    -Make=PhoneCo -XMP:Creator=Alice "$T/phone.webp" || exit 99
exiftool -s -s -s -GPSLatitude "$T/phone.webp" | grep -q 48 || exit 99
WID=$(pf a post --image "$T/phone.webp" "a webp") &&
    WM=$T/a/media/$(digest_of a "$WID") &&
    [ "$(exiftool -s -s -s -FileTypeExtension "$WM")" = webp ] &&
    ! exiftool -a -G1 -s "$WM" "$T/a/thumbs/$(digest_of a "$WID")" |
    grep -qi -e gps -e make -e creator -e xmp
check "a WebP with a GPS position: stored, and thumbnailed, without it"

# An animated GIF, written here: three 16 x 16 frames (red, green, blue),
# 0.1 s each, looping.  Its LZW data is literal codes with a clear code
# every two pixels, so the code width stays 3 bits.
# gif OUT W H FRAMES: frames of W x H pixels on a W x H screen.
gif() {
python3 - "$@" <<'PY'
import struct, sys
w, h, frames = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def lzw(px):
    codes = []
    for i in range(0, len(px), 2):
        codes += [4] + px[i:i + 2]
    bits = n = 0
    out = bytearray()
    for c in codes + [5]:
        bits |= c << n
        n += 3
        while n >= 8:
            out.append(bits & 255); bits >>= 8; n -= 8
    if n:
        out.append(bits & 255)
    return b"".join(bytes([len(out[i:i + 255])]) + out[i:i + 255]
                    for i in range(0, len(out), 255)) + b"\0"
gif = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x81, 0, 0)
gif += bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0])
gif += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\0\0\0"
for i in range(frames):
    gif += b"\x21\xf9\x04\x00" + struct.pack("<H", 10) + b"\0\0"
    fw, fh = (w, h) if w * h <= 65536 else (1, 1)
    gif += b"\x2c" + struct.pack("<HHHHB", w - fw, h - fh, fw, fh, 0) + b"\x02"
    gif += lzw([i % 3] * (fw * fh))
open(sys.argv[1], "wb").write(gif + b"\x3b")
PY
}
gif "$T/anim.gif" 16 16 3 || exit 99
[ "$(exiftool -s -s -s -FrameCount "$T/anim.gif")" = 3 ] || exit 99
GID=$(pf a post --image "$T/anim.gif" "it moves") &&
    GM=$T/a/media/$(digest_of a "$GID") &&
    pf a show "$GID" --json | grep -q '"mediaType": "image/gif"' &&
    [ "$(exiftool -s -s -s -FrameCount "$GM")" = 3 ] &&
    [ "$(exiftool -s -s -s -ImageSize "$GM")" = 16x16 ]
check "an animated GIF stays a GIF with its three frames"
GT=$T/a/thumbs/$(digest_of a "$GID")
exiftool -s -s -s -WebP_Flags "$GT" | grep -q Animation
check "and its thumbnail is animated too"

png "$T/small.png" 3000
SID=$(pf a post --image "$T/small.png" "a small one") &&
    SM=$T/a/media/$(digest_of a "$SID") &&
    [ "$(exiftool -s -s -s -ImageSize "$SM")" = 31x31 ] &&
    [ "$(exiftool -s -s -s -FileType "$SM")" = PNG ]
check "a small PNG stays a PNG of its size"

# refused FILE WHY DESC: posting FILE fails naming WHY, and stores nothing.
refused() {
	n=$(ls "$T/a/media" | wc -l); p=$(ls "$T/a/posts" | wc -l)
	pf a post --image "$1" "x" 2>"$T/err"
	[ $? -ne 0 ] && grep -q "$2" "$T/err" &&
	    [ "$(ls "$T/a/media" | wc -l)" = "$n" ] &&
	    [ "$(ls "$T/a/posts" | wc -l)" = "$p" ]
}
echo "just some text" >"$T/fake.png"
refused "$T/fake.png" "fake.png: not a picture peerfeed takes"
check "a text file named .png is refused: not a picture"
head -c 20000 "$T/photo.jpg" >"$T/cut.jpg"
refused "$T/cut.jpg" "cut.jpg: the picture does not decode"
check "a truncated JPEG is refused: it does not decode"
python3 - "$T/bomb.png" <<'PY' || exit 99
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
n = 100000
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\0" * (3 * n + 1) * 20)) + chunk(b"IEND", b""))
PY
start=$(date +%s)
refused "$T/bomb.png" "100000 x 100000 pixels, more than 100 million"
check "a decompression bomb (100000 x 100000 PNG) is refused before decoding"
[ $(( $(date +%s) - start )) -lt 30 ]
check "and at once, not after decoding 30 GB of pixels"
# 5 frames of a 5000 x 5000 screen (each frame 1 pixel of data): 125
# million pixels decoded, though each frame is 25 million.
gif "$T/frames.gif" 5000 5000 5 || exit 99
refused "$T/frames.gif" "more than 100 million"
check "an animation is held to 100 million pixels, all its frames together"
cat "$T/err" | sed 's/^/# /'
done_testing
