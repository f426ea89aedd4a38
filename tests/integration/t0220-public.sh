#!/bin/bash
# covers: src/lib/feed.c src/lib/feed_html.c src/lib/feed_page.c src/lib/qr.c src/fcgi/api_info.c src/fcgi/api_feed.c src/fcgi/api_media.c conf/nginx/peerfeed.conf conf/lighttpd/peerfeed.conf
# t0220-public: the Atom feed as a feed reader sees it (python3-feedparser:
# entry links to the post pages, images as enclosures, a link post's URL,
# a place's map link, event times, likes and activities as sentences) and
# the public page through real nginx and real lighttpd loading the shipped
# snippets: GET / with Accept: text/html is the pre-rendered page (name,
# fingerprint, a QR code that decodes to it, the public posts escaped,
# how to follow), JSON otherwise; one page per post at the URL the Atom
# entry links to; a deleted or private post has none; the pages are
# served with the responder down.  newsboat fetches the feed through nginx
# and keeps each entry's page and inline image.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx lighttpd xmllint zbarimg newsboat
python3 -c 'import feedparser' 2>/dev/null || skip "python3-feedparser missing"

make_node a Alice || exit 99
make_node b Bob || exit 99
FPR=$(fpr_of a)
BFPR=$(fpr_of b)
pf b id --export >"$T/bob.asc" && pf a friend add "$T/bob.asc" >/dev/null || exit 99
png "$T/pic.png" 64

HOSTILE=$(pf a post 'hostile <script>alert(1)</script> & "q"') || exit 99
IMG=$(pf a post --image "$T/pic.png" "a picture") || exit 99
PIC_SHA=$(digest_of a "$IMG")
PIC_SIZE=$(stat -c %s "$T/a/media/$PIC_SHA")
LINK=$(pf a post --link 'https://example.org/x?a=1&b=2' --name Example "read this") || exit 99
PLACE=$(pf a post --geo 48.8584,2.2945 --place "Eiffel Tower" "up here") || exit 99
EVENT=$(pf a post --type Event --name Party --start 2026-12-24T18:00:00Z \
    --end 2026-12-24T23:30:00Z "come along") || exit 99
LISTEN=$(pf a post --type Listen --object "the Goldberg Variations") || exit 99
LIKE=$(pf a post --like "$BFPR/1764000000123-0a1f") || exit 99
MD=$(pf a post --markdown '**loud** <b>raw</b>') || exit 99
PRIV=$(pf a post --to "key:$BFPR" "private words") || exit 99
GONE=$(pf a post "soon gone") || exit 99
pf a delete "$GONE" >/dev/null || exit 99

# The Atom feed, as written for the web server.
xmllint --noout "$T/a/public/feed.atom"
check "feed.atom is well-formed XML"
python3 - "$T/a/public/feed.atom" >"$T/atom.txt" <<'EOF'
import feedparser, sys
d = feedparser.parse(sys.argv[1])
print("bozo", int(d.bozo))
for e in d.entries:
    i = e.id.split("#")[1]
    print("entry", i, "title", e.title)
    for l in e.links:
        print("link", i, l.rel, l.get("type", "-"), l.get("length", "-"), l.href)
    print("content", i, e.content[0].value.replace("\n", " "))
EOF
check "feedparser reads feed.atom"
grep -q "^bozo 0$" "$T/atom.txt"
check "feedparser finds nothing malformed"
[ "$(grep -c '^entry ' "$T/atom.txt")" = 8 ]
check "one entry per live public post (8; no private, no deleted)"
for id in $HOSTILE $IMG $LINK $PLACE $EVENT $LISTEN $LIKE $MD; do
	grep -qx "link $id alternate text/html - http://127.0.0.1/peerfeed/post/$id.html" "$T/atom.txt"
	check "entry $id links to its page /post/$id.html"
done
grep -qx "link $IMG enclosure image/png $PIC_SIZE http://127.0.0.1/peerfeed/media/$PIC_SHA" "$T/atom.txt"
check "the image is an enclosure with type and length"
grep -q "^content $IMG .*<img [^>]*src=\"http://127.0.0.1/peerfeed/media/$PIC_SHA\"" "$T/atom.txt"
check "the image is inline in the entry"
grep -qx "link $LINK related [a-z/]* - https://example.org/x?a=1&b=2" "$T/atom.txt" &&
    grep -q "^content $LINK .*<a href=\"https://example.org/x?a=1&amp;b=2\">Example</a>" "$T/atom.txt"
check "a link post's URL is a related link and a link in the content"
grep -q "^content $PLACE .*href=\"https://www.openstreetmap.org/?mlat=48.858400&amp;mlon=2.294500#map=15/48.858400/2.294500\">Eiffel Tower" "$T/atom.txt"
check "a place links to the map"
grep -q "^content $EVENT .*Starts .*2026-12-24 18:00 UTC.*, ends .*2026-12-24 23:30 UTC" "$T/atom.txt"
check "an event shows its start and end"
grep -qx "entry $LISTEN title Alice listened to the Goldberg Variations." "$T/atom.txt"
check "an activity is a sentence"
grep -qx "entry $LIKE title Alice likes Bob's post." "$T/atom.txt"
check "a like is a sentence naming the friend"
grep -q "^content $MD <p><strong>loud</strong>" "$T/atom.txt" &&
    ! grep -q "^content $MD .*<b>" "$T/atom.txt"
check "a markdown post is rendered, its raw HTML dropped"
grep -q "^content $HOSTILE <p>hostile &lt;script&gt;" "$T/atom.txt"
check "the hostile text stays text in Atom"

CSP="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
HTML='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

# page BASE NAME: the public page checks through one web server.
page() {
	base=$1; name=$2
	code=$(curl -s -w "%{http_code}" -D "$T/h" -o "$T/index.$name" -H "Accept: $HTML" "$base/")
	tr -d '\r' <"$T/h" >"$T/hdr"
	[ "$code" = 200 ] && grep -qi '^content-type: text/html' "$T/hdr"
	check "$name: a browser's GET / is HTML"
	cmp -s "$T/index.$name" "$T/a/public/index.html"
	check "$name: it is public/index.html"
	grep -qix "content-security-policy: $CSP" "$T/hdr" &&
	    grep -qi '^x-content-type-options: nosniff' "$T/hdr" &&
	    grep -qi '^vary: accept' "$T/hdr"
	check "$name: the web page's CSP, nosniff, Vary: Accept"
	grep -q '<h1><a href="/peerfeed/">Alice</a></h1>' "$T/index.$name" &&
	    grep -q "<span class=\"fpr\">$FPR</span>" "$T/index.$name"
	check "$name: the page names the owner and the fingerprint"
	python3 "$top_srcdir/tests/integration/qr_svg.py" "$T/index.$name" "$T/qr.pbm" &&
	    [ "$(zbarimg -q --raw "$T/qr.pbm" 2>/dev/null)" = "openpgp4fpr:$FPR" ]
	check "$name: the QR code decodes to the fingerprint"
	grep -q "peerfeed friend add - --url http://127.0.0.1/peerfeed --fpr $FPR" "$T/index.$name" &&
	    grep -q 'href="/peerfeed/feed.atom"' "$T/index.$name"
	check "$name: the page says how to follow (peerfeed, Atom)"
	grep -q 'hostile &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;' "$T/index.$name" &&
	    ! grep -qi '<script' "$T/index.$name"
	check "$name: the hostile text is escaped, no script element"
	[ "$(grep -c '<article' "$T/index.$name")" = 8 ] &&
	    ! grep -q 'private words\|soon gone' "$T/index.$name"
	check "$name: the public posts, nothing private or deleted"

	code=$(curl -s -L -w "%{http_code}" -o "$T/bare.$name" -H "Accept: $HTML" "$base")
	[ "$code" = 200 ] && cmp -s "$T/bare.$name" "$T/a/public/index.html"
	check "$name: the node's URL without the final slash leads to the page too"

	code=$(curl -s -w "%{http_code}" -o "$T/info.$name" -H 'Accept: application/json' "$base/")
	[ "$code" = 200 ] && grep -q "\"fingerprint\":\"$FPR\"" "$T/info.$name" &&
	    curl -s -D - -o /dev/null -H 'Accept: application/json' "$base/" |
	    tr -d '\r' | grep -qi '^vary: accept$'
	check "$name: Accept: application/json gets node info as before, Vary: Accept"
	code=$(curl -s -w "%{http_code}" -o "$T/info2.$name" "$base/")
	[ "$code" = 200 ] && grep -q "\"fingerprint\":\"$FPR\"" "$T/info2.$name"
	check "$name: no Accept (curl's */*) gets node info"

	for id in $HOSTILE $IMG $EVENT; do
		code=$(curl -s -w "%{http_code}" -D "$T/h" -o "$T/post.$name" "$base/post/$id.html")
		[ "$code" = 200 ] && cmp -s "$T/post.$name" "$T/a/public/post/$id.html" &&
		    grep -q "<article id=\"p$id\">" "$T/post.$name" &&
		    tr -d '\r' <"$T/h" | grep -qix "content-security-policy: $CSP"
		check "$name: the page of post $id, with the CSP"
	done
	grep -q "<img src=\"/peerfeed/media/$PIC_SHA\"" "$T/a/public/post/$IMG.html" &&
	    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/media/$PIC_SHA")" = 200 ]
	check "$name: the image on the post page loads from the node"
	for id in $GONE $PRIV 1764000000123-0a1f x; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$base/post/$id.html")
		[ "$code" = 404 ]
		check "$name: no page for $id (deleted, private, unknown, malformed)"
	done
}

start_responder a || exit 99
NPORT=$(free_port)
start_nginx a "$NPORT" || { cat "$T/nginx-a/logs/error.log"; exit 99; }
LPORT=$(free_port)
start_lighttpd a "$LPORT" || { cat "$T/lighttpd-a/error.log"; exit 99; }
page "http://127.0.0.1:$NPORT/peerfeed" nginx
page "http://127.0.0.1:$LPORT/peerfeed" lighttpd

# newsboat, a terminal feed reader, through nginx: its cache (SQLite)
# holds what it shows.  It takes images inline, not as enclosures (it keeps
# only audio and video ones, for podcasts).
echo "http://127.0.0.1:$NPORT/peerfeed/feed.atom" >"$T/urls"
mkdir -p "$T/nb" && : >"$T/nb/config"
HOME=$T/nb timeout 120 newsboat -u "$T/urls" -c "$T/nb/cache.db" \
    -C "$T/nb/config" -x reload >/dev/null 2>&1
check "newsboat reloads the feed"
python3 - "$T/nb/cache.db" >"$T/nb.txt" <<'EOF'
import sqlite3, sys
for t, u, c in sqlite3.connect(sys.argv[1]).execute(
        "select title, url, content from rss_item"):
    print(u, " ".join(c.split()))
EOF
[ "$(wc -l <"$T/nb.txt")" = 8 ] &&
    grep -q "^http://127.0.0.1/peerfeed/post/$IMG.html .*<img src=\"http://127.0.0.1/peerfeed/media/$PIC_SHA\"" "$T/nb.txt" &&
    grep -q "^http://127.0.0.1/peerfeed/post/$LINK.html .*https://example.org/x" "$T/nb.txt"
check "newsboat shows 8 items, each at its page, the image inline, the link"

# The pages are files: they are served with the responder down.
kill "$RESPONDER_PID"
wait "$RESPONDER_PID" 2>/dev/null
for base in "http://127.0.0.1:$NPORT/peerfeed" "http://127.0.0.1:$LPORT/peerfeed"; do
	code=$(curl -s -w "%{http_code}" -o "$T/down" -H "Accept: $HTML" "$base/")
	[ "$code" = 200 ] && cmp -s "$T/down" "$T/a/public/index.html" &&
	    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/post/$IMG.html")" = 200 ]
	check "$base: the public page and a post page without the responder"
done

# An edit rewrites the post's page; a delete removes it.
pf a edit "$HOSTILE" "now friendly" >/dev/null
grep -q "now friendly" "$T/a/public/post/$HOSTILE.html" &&
    grep -q "now friendly" "$T/a/public/index.html"
check "an edit rewrites the post's page and the public page"
pf a edit "$EVENT" --to "key:$BFPR" >/dev/null
[ ! -e "$T/a/public/post/$EVENT.html" ] && ! grep -q "$EVENT" "$T/a/public/index.html"
check "an edit that makes a post private removes its page"
pf a delete "$IMG" >/dev/null
[ ! -e "$T/a/public/post/$IMG.html" ] && ! grep -q "$IMG" "$T/a/public/index.html"
check "a delete removes the post's page"

done_testing
