#!/bin/bash
# covers: src/fcgi/main_fcgi.c src/fcgi/http.c src/fcgi/route.c src/fcgi/api_info.c src/fcgi/api_key.c src/fcgi/api_feed.c src/fcgi/api_media.c src/lib/feed.c src/lib/index_feed.c conf/nginx/peerfeed.conf conf/lighttpd/peerfeed.conf
# t0200-responder: the public endpoints of peerfeed.fcgi through real nginx
# and real lighttpd loading the shipped snippets: node info, /key, feed
# paging, the static latest page, Atom, media, and more than 100
# malformed requests that must each get a 4xx and leave the node serving.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx lighttpd xmllint

make_node a Alice || exit 99
FPR=$(fpr_of a)

# Content: public posts (two with the same millisecond is up to the
# clock; several pages either way), one private, one edited, one deleted,
# one image.
png "$T/pic.png" 2000
png "$T/secret.png" 2000
for i in 1 2 3 4 5 6 7; do
	pf a post "public post $i <&> \"quoted\"" >>"$T/ids" || exit 99
done
pf a post --to group:family "family only" >"$T/private.id" || exit 99
IMG_ID=$(pf a post --image "$T/pic.png" "a picture") || exit 99
PRIV_IMG_ID=$(pf a post --to group:family --image "$T/secret.png" "secret") || exit 99
EDIT_ID=$(sed -n 2p "$T/ids")
DEL_ID=$(sed -n 3p "$T/ids")
pf a edit "$EDIT_ID" "public post 2, edited" >/dev/null || exit 99
pf a delete "$DEL_ID" >/dev/null || exit 99
PIC_SHA=$(digest_of a "$IMG_ID")
SECRET_SHA=$(digest_of a "$PRIV_IMG_ID")

start_responder a || exit 99
NPORT=$(free_port)
start_nginx a "$NPORT" || { cat "$T/nginx-a/logs/error.log"; exit 99; }
LPORT=$(free_port)
start_lighttpd a "$LPORT" || { cat "$T/lighttpd-a/error.log"; exit 99; }

# json FILE EXPR: evaluate a python expression on the JSON in FILE (as d).
json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(r if not isinstance(r,bool) else int(r))' "$1" "$2"
}

# walk BASE LIMIT OUT: follow since= from the beginning; ids to OUT.
walk() {
	since=""; : >"$3"; pages=0
	while :; do
		code=$(http_get "$1/feed?since=$since&limit=$2" "$T/page.json")
		[ "$code" = 200 ] || { echo "page status $code"; return 1; }
		json "$T/page.json" '"\n".join(p["id"] for p in d["posts"])' | \
		    sed '/^$/d' >>"$3"
		pages=$((pages + 1))
		[ "$(json "$T/page.json" 'd["more"]')" = 1 ] || break
		since=$(json "$T/page.json" 'd["next"]')
		[ $pages -lt 100 ] || return 1
	done
	echo "$pages pages"
}

# Every post of a page verifies against its signature with plain gpg.
verify_page() {
	python3 - "$1" "$T/v" <<'EOF' || return 1
import json, sys, os
d = json.load(open(sys.argv[1]))
os.makedirs(sys.argv[2], exist_ok=True)
for i, p in enumerate(d["posts"]):
    open(f"{sys.argv[2]}/{i}.json", "w", newline="").write(p["post"])
    open(f"{sys.argv[2]}/{i}.sig", "w").write(p["sig"])
print(len(d["posts"]))
EOF
	for s in "$T"/v/*.sig; do
		pgp a --verify "$s" "${s%.sig}.json" 2>/dev/null || return 1
	done
	rm -rf "$T/v"
}

run_suite() {
	name=$1; base=$2
	echo "# through $name: $base"

	code=$(http_get "$base/" "$T/info.json")
	[ "$code" = 200 ] && [ "$(json "$T/info.json" 'd["fingerprint"]')" = "$FPR" ]
	check "$name: GET / gives node info with the owner's fingerprint"
	[ "$(json "$T/info.json" 'd["name"]')" = Alice ] &&
	    json "$T/info.json" 'd["endpoints"]["feed"]' | grep -q '/peerfeed/feed$'
	check "$name: node info names the endpoints"

	code=$(http_get "$base/key" "$T/key.asc")
	pf a id --export >"$T/key.cli"
	[ "$code" = 200 ] && cmp -s "$T/key.asc" "$T/key.cli"
	check "$name: GET /key is what peerfeed id --export prints"
	curl -sI "$base/key" | grep -qi '^content-type: application/pgp-keys'
	check "$name: /key is application/pgp-keys"

	code=$(http_get "$base/feed" "$T/latest.json")
	[ "$code" = 200 ] && cmp -s "$T/latest.json" "$T/a/public/feed.json"
	check "$name: GET /feed is public/feed.json"
	code=$(http_get "$base/feed?limit=100" "$T/latest2.json")
	[ "$code" = 200 ] && cmp -s "$T/latest2.json" "$T/a/public/feed.json"
	check "$name: the responder's latest page is byte for byte the static one"
	curl -sI "$base/feed" | tr -d '\r' | grep -qi '^x-content-type-options: nosniff' &&
	    curl -sI "$base/feed?limit=3" | tr -d '\r' | grep -qi '^x-content-type-options: nosniff'
	check "$name: nosniff on static and dynamic pages"
	# Every answer carries the three headers (PROTOCOL.md "Routes"), the
	# static copies too, and no public page has an ETag.
	for u in feed "feed?limit=3" feed.atom; do
		curl -s -D - -o /dev/null "$base/$u" | tr -d '\r' >"$T/h.$name"
		grep -qi "^referrer-policy: no-referrer\$" "$T/h.$name" &&
		    grep -qi "^content-security-policy: default-src 'none'; sandbox\$" "$T/h.$name" &&
		    grep -qi '^x-content-type-options: nosniff' "$T/h.$name" &&
		    ! grep -qi '^etag:' "$T/h.$name"
		check "$name: GET /$u: Referrer-Policy, Content-Security-Policy, nosniff, no ETag"
	done
	http_get "$base/feed?limit=2" "$T/l2.json" >/dev/null
	[ "$(json "$T/l2.json" 'len(d["posts"])')" = 2 ] &&
	    [ "$(json "$T/l2.json" 'd["more"]')" = 0 ] &&
	    [ "$(json "$T/l2.json" 'd["posts"][-1]["id"]')" = \
	      "$(json "$T/latest.json" 'd["posts"][-1]["id"]')" ] &&
	    [ "$(json "$T/l2.json" 'd["next"]')" = "$(json "$T/latest.json" 'd["next"]')" ]
	check "$name: latest page with limit=2 is the newest two changes"

	walk "$base" 2 "$T/walk.ids" >/dev/null
	check "$name: paging with since=next until more is false"
	sort "$T/walk.ids" >"$T/walk.sorted"
	{ cat "$T/ids"; echo "$IMG_ID"; } | sort >"$T/want.sorted"
	cmp -s "$T/walk.sorted" "$T/want.sorted"
	check "$name: every public post exactly once (edit and delete included), nothing private"
	[ "$(sed -n '$p' "$T/walk.ids")" = "$DEL_ID" ] &&
	    [ "$(tail -2 "$T/walk.ids" | head -1)" = "$EDIT_ID" ]
	check "$name: the edit and the delete come last, as the newest changes"
	http_get "$base/feed?since=&limit=100" "$T/all.json" >/dev/null
	verify_page "$T/all.json" >/dev/null
	check "$name: every post in a page verifies with plain gpg"
	json "$T/all.json" '[p for p in d["posts"] if p["id"]=="'"$DEL_ID"'"][0]["post"]' \
	    2>/dev/null | grep -q Tombstone
	check "$name: the deleted post comes as a tombstone"
	since=$(json "$T/all.json" 'd["next"]')
	http_get "$base/feed?since=$since" "$T/none.json" >/dev/null
	[ "$(json "$T/none.json" 'len(d["posts"])')" = 0 ] &&
	    [ "$(json "$T/none.json" 'd["next"]')" = "$since" ]
	check "$name: nothing after the newest cursor, and next stays"
	http_get "$base/feed?since=2000-01-01T00:00:00Z&limit=100" "$T/t.json" >/dev/null
	[ "$(json "$T/t.json" 'len(d["posts"])')" = 8 ]
	check "$name: since accepts an RFC 3339 time"

	code=$(http_get "$base/feed.atom" "$T/feed.atom")
	[ "$code" = 200 ] && xmllint --noout "$T/feed.atom"
	check "$name: /feed.atom is well-formed XML"
	[ "$(grep -c '<entry>' "$T/feed.atom")" = 7 ] &&
	    grep -q 'public post 2, edited' "$T/feed.atom" &&
	    ! grep -q 'family only' "$T/feed.atom" &&
	    grep -q '&lt;&amp;&gt;' "$T/feed.atom"
	check "$name: Atom has one entry per public live post, escaped"

	code=$(http_get "$base/media/$PIC_SHA" "$T/pic.out")
	[ "$code" = 200 ] && cmp -s "$T/pic.out" "$T/a/media/$PIC_SHA" &&
	    curl -sI "$base/media/$PIC_SHA" | grep -qi '^content-type: image/png'
	check "$name: a public image is served with its type"
	[ "$(http_status GET "$base/media/$SECRET_SHA")" = 404 ] &&
	    is_json_error "$T/body.out"
	check "$name: a private post's attachment is not served"

	# A wrong method is 405 with Allow, also where the web server serves
	# the static page for GET (nginx hands its own 405 to the responder).
	# A body, so that lighttpd does not stop a POST first (411).
	bad=0
	for m in "PUT /feed|GET, HEAD, POST" "DELETE /key|GET, HEAD" \
	    "POST /key|GET, HEAD" "GET /media|POST" \
	    "POST /media/$PIC_SHA|GET, HEAD"; do
		req=${m%|*}
		data=()
		case $req in POST*|PUT*) data=(--data-binary x) ;; esac
		code=$(curl -s -o "$T/m405" -D "$T/h405" -w '%{http_code}' \
		    "${data[@]}" -X "${req% *}" "$base${req#* }")
		[ "$code" = 405 ] && is_json_error "$T/m405" &&
		    tr -d '\r' <"$T/h405" | grep -qix "allow: ${m#*|}" ||
		    { echo "# $req -> $code"; bad=$((bad + 1)); }
	done
	[ $bad = 0 ]
	check "$name: wrong methods get 405 with an Allow header"
}

run_suite nginx "http://127.0.0.1:$NPORT/peerfeed"
run_suite lighttpd "http://127.0.0.1:$LPORT/peerfeed"

# The static files are served even with the responder down (nginx).
kill "$RESPONDER_PID"; wait "$RESPONDER_PID" 2>/dev/null
code=$(http_get "http://127.0.0.1:$NPORT/peerfeed/feed" "$T/static.json")
[ "$code" = 200 ] && cmp -s "$T/static.json" "$T/a/public/feed.json"
check "nginx serves the latest page without the responder"
code=$(http_get "http://127.0.0.1:$NPORT/peerfeed/feed.atom" "$T/static.atom")
[ "$code" = 200 ]
check "nginx serves the Atom feed without the responder"

# Several workers on one socket; one killed hard leaves the rest serving.
start_responder a 3 || exit 99
[ "$(wc -l <"$T/a.pids")" = 3 ]
check "three workers on one socket"
kill -9 "$(head -1 "$T/a.pids")"
okc=0
for i in $(seq 1 20); do
	[ "$(http_status GET "http://127.0.0.1:$NPORT/peerfeed/feed?limit=3")" = 200 ] &&
	    okc=$((okc + 1))
done
[ $okc = 20 ]
check "after kill -9 of one worker, 20 of 20 requests succeed"

# Malformed requests: each gets a 4xx; when the responder answers, the
# body is the JSON error.  Some (.., overlong URLs) nginx refuses itself.
malformed() {
	base=$1; json_count=0; total=0; bad=0
	while IFS='|' read -r method path ctype body; do
		[ -n "$method" ] || continue
		args=()
		[ -n "$ctype" ] && args+=(-H "Content-Type: $ctype")
		[ -n "$body" ] && args+=(--data-binary "$body")
		code=$(curl -s --path-as-is -o "$T/m.out" -D "$T/m.hdr" \
		    -w '%{http_code}' -X "$method" "${args[@]}" "$base$path")
		total=$((total + 1))
		case $code in
		4??) ;;
		*) echo "# $method $path -> $code"; bad=$((bad + 1)); continue ;;
		esac
		if grep -qi '^content-type: application/json' "$T/m.hdr"; then
			if is_json_error "$T/m.out"; then
				json_count=$((json_count + 1))
			else
				echo "# $method $path: bad JSON error body"
				bad=$((bad + 1))
			fi
		fi
	done <"$T/malformed.txt"
	echo "# $total malformed requests, $json_count JSON errors, $bad bad"
	[ $bad = 0 ] && [ $total -ge 100 ] && [ $json_count -ge 80 ]
}

long=$(printf 'x%.0s' $(seq 1 300))
huge=$(head -c 70000 /dev/zero | tr '\0' a)
{
	for s in abc 12 -1 .1 "1.abc" "1.17954950813960000" "1.~~" \
	    "2026-13-01T00:00:00Z" "2026-02-30T00:00:00Z" "2026-01-01" \
	    "2026-01-01T00:00:00" "1969-12-31T23:59:59Z" "%00" "%zz" "%" \
	    "99999999999999999999999" "$long" "1.%0a" "0x10" "%201" "1e3" \
	    "1.1795495081396-000g" "2026-01-01T25:00:00Z"; do
		echo "GET|/feed?since=$s||"
	done
	for l in 0 -1 abc 1.5 "" 99999999999999999999 "%00" "1%20" "+1" \
	    "10x" "0x1" "$long"; do
		echo "GET|/feed?limit=$l||"
	done
	echo "GET|/feed?since=&since=||"
	echo "GET|/feed?limit=1&limit=2||"
	for m in "" 0 abc "$PIC_SHA"x "${PIC_SHA%?}" \
	    "$(echo "$PIC_SHA" | tr a-f A-F)" "..%2f..%2fetc%2fpasswd" \
	    "%2e%2e%2f%2e%2e%2fpeerfeed.conf" "../peerfeed.conf" \
	    "..%2F..%2Fgnupg%2Fpubring.kbx" "$SECRET_SHA" \
	    "0000000000000000000000000000000000000000000000000000000000000000" \
	    "$PIC_SHA/x" "$PIC_SHA%00" "%00" "$long" "g${PIC_SHA#?}" \
	    "$PIC_SHA.png" "%20$PIC_SHA" "${PIC_SHA}%0a"; do
		echo "GET|/media/$m||"
	done
	for p in /nope /feed/ /feed.json /key/ /keys /media /media/ /FEED \
	    "/feed%00" /feed.atom/x /x/../../etc/passwd /%2e%2e/%2e%2e/etc/passwd \
	    "/$long" /feed.atomx /.well-known /index.html; do
		echo "GET|$p||"
	done
	for m in PUT DELETE PATCH OPTIONS; do
		for p in / /feed /key /feed.atom "/media/$PIC_SHA"; do
			echo "$m|$p||"
		done
	done
	echo "POST|/key||x"
	echo "POST|/||x"
	echo "POST|/feed.atom||x"
	echo "POST|/media/$PIC_SHA||x"
	for ct in "" text/plain application/json application/pgp-encrypted \
	    "application/pgp-encryptedx" multipart/form-data "application/octet-stream"; do
		for body in "" "{\"v\":1}" "garbage" "-----BEGIN PGP MESSAGE-----" \
		    "$huge"; do
			echo "POST|/feed|$ct|$body"
		done
	done
} >"$T/malformed.txt"

malformed "http://127.0.0.1:$NPORT/peerfeed"
check "nginx: every malformed request gets a 4xx"
malformed "http://127.0.0.1:$LPORT/peerfeed"
check "lighttpd: every malformed request gets a 4xx"
code=$(http_get "http://127.0.0.1:$NPORT/peerfeed/feed?limit=3" "$T/after.json")
[ "$code" = 200 ] && [ "$(json "$T/after.json" 'len(d["posts"])')" = 3 ]
check "the node still serves after the malformed requests"
! grep -q 'public post\|family only\|secret' "$T/a.log"
check "the log holds no post contents"
grep -q "GET /feed 200" "$T/a.log"
check "the log has one line per request"

done_testing
