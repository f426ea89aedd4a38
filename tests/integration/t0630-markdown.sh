#!/bin/bash
# covers: src/lib/markdown.c src/fcgi/app_timeline.c src/fcgi/app_write.c src/cli/cli_post.c
# t0630-markdown: markdown posts (doc/PROTOCOL.md "Types", Note
# mediaType).  `peerfeed post --markdown` and the web page's Markdown
# checkbox store the text with mediaType text/markdown; the owner's web
# page, behind real nginx, renders an own and a friend's (fetched)
# markdown post to HTML without raw HTML: a <script>, an <img onerror>
# and a javascript: link come out harmless, a remote image is a link.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx curl spawn-fcgi

serve_node a Alice || exit 99
serve_node b Bob || exit 99
APP="$(url_of a)/app"
MD='# Menu

*soft* **bold** <script>alert(1)</script> <img src=x onerror=alert(2)>
[click](javascript:alert(3)) ![pixel](https://tracker.example/p.gif)'

ID=$(pf a post --markdown "$MD")
check "post --markdown is accepted"
pf a show "$ID" --json | grep -q '"mediaType": "text/markdown"'
check "the post declares mediaType text/markdown"
pf a post "plain *text*" >/dev/null || exit 99
fails "--markdown on an event is refused" \
    pf a post --type Event --name x --start 2026-12-24T18:00:00Z --markdown x
pf b post --markdown 'friend says **hello** <script>alert(4)</script>' >/dev/null || exit 99
befriend a b && befriend b a || exit 99
fetch a -q || exit 99

# Log in: the login form's token and cookie, then the password.
printf 'markdown password\n' | pf a passwd --stdin >/dev/null || exit 99
curl -s -c "$T/jar" -o "$T/body" "$APP/login" || exit 99
tok=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/body")
curl -s -b "$T/jar" -c "$T/jar" -o /dev/null --data-urlencode \
    'password=markdown password' --data "csrf=$tok" "$APP/login" || exit 99
curl -s -b "$T/jar" -o "$T/page" "$APP/" || exit 99
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]\{64\}\)".*/\1/p' "$T/page" | head -1)

grep -q 'name="markdown"' "$T/page"
check "the compose form has a Markdown checkbox"
status=$(curl -s -b "$T/jar" -o /dev/null -w '%{http_code}' -F "csrf=$CSRF" \
    -F 'content=from the **page**' -F markdown=1 "$APP/post")
[ "$status" = 303 ] && pf a list --json | grep -B2 -A2 'from the \*\*page' |
    grep -q '"mediaType": "text/markdown"'
check "the checkbox stores mediaType text/markdown ($status)"

curl -s -b "$T/jar" -o "$T/page" "$APP/" || exit 99
grep -q '<h1>Menu</h1>' "$T/page" && grep -q '<em>soft</em>' "$T/page" &&
    grep -q '<strong>bold</strong>' "$T/page" &&
    grep -q 'from the <strong>page</strong>' "$T/page"
check "own markdown posts are rendered"
grep -q 'friend says <strong>hello</strong>' "$T/page"
check "a friend's markdown post is rendered"
grep -q 'plain \*text\*' "$T/page"
check "a plain post stays plain text"
! grep -q -i -e '<script' -e 'onerror' -e 'javascript:' -e '<img src="x' "$T/page"
check "no raw HTML and no javascript: link reach the page"
grep -q '<a href="https://tracker.example/p.gif">pixel</a>' "$T/page" &&
    ! grep -q '<img src="https://tracker' "$T/page"
check "a remote image in markdown is a link, never loaded"
grep -q '<a href="">click</a>' "$T/page" && grep -q 'raw HTML omitted' "$T/page"
check "the javascript: link has no target and the raw HTML is omitted"
done_testing
