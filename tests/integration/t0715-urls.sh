#!/bin/bash
# covers: src/lib/urls.c src/lib/conf.c src/fcgi/api_info.c src/fcgi/api_feed.c src/fcgi/req.c
# t0715-urls: a node with several base URLs (issue 15; doc/PROTOCOL.md,
# "Base URL").  peerfeed.conf's url lists two, the first one dead;
# reach.json (kept by `peerfeed reach`) adds a third.  GET / lists them
# all in "urls", "url" the first; a friend that adds the node by its
# second URL fetches private posts through it (the responder accepts an
# aud naming any of the node's URLs), and one naming a URL the node does
# not have is refused; a URL that reach.json no longer lists is refused
# again; a bad url setting is refused with the rule.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

serve_node a Alice || exit 99
A_PID=$RESPONDER_PID
serve_node b Bob || exit 99
FA=$(fpr_of a); FB=$(fpr_of b)
LIVE=$(url_of a)
DEAD=http://127.0.0.1:$(free_port)/peerfeed
THIRD=http://alice-reach.example:18080/peerfeed
# The responder reads peerfeed.conf when it starts.
sed -i "s|^url = .*|url = $DEAD, $LIVE|" "$T/a/peerfeed.conf"
kill "$A_PID"; wait "$A_PID" 2>/dev/null
start_responder a || exit 99

http_get "$LIVE/" "$T/info.json" >/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["url"]==sys.argv[2] and d["urls"]==sys.argv[2:4], d' \
    "$T/info.json" "$DEAD" "$LIVE"
check "GET / lists both URLs of the url setting in order, url the first"

printf '{"urls": ["%s"]}\n' "$THIRD" >"$T/a/reach.json"
http_get "$LIVE/" "$T/info.json" >/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["urls"]==sys.argv[2:5], d' \
    "$T/info.json" "$DEAD" "$LIVE" "$THIRD"
check "GET / adds the URL reach.json holds, after the owner's"

ok "b adds a by its second URL" pf b friend add --url "$LIVE" --fpr "$FA"
ok "a adds b" befriend a b
pf a group add family "$FB" >/dev/null || exit 99
FAM=$(pf a post --to group:family "for the family") || exit 99
fetch b >"$T/f1.out" 2>"$T/f1.err"
check "b fetches from a's second URL"
[ "$(stored b a)" = "$FAM" ]
check "the private post arrived (aud named the second URL)"

# Plain requests by hand: aud naming each URL, and one the node lacks.
A=$FA AUD=
send() {
	req "$FB" aud="$1" | seal b >"$T/req.pgp"
	curl -s -o "$T/resp" -w '%{http_code}' -X POST \
	    -H "Content-Type: application/pgp-encrypted" \
	    -H "Peerfeed-From: $FB" --data-binary "@$T/req.pgp" "$LIVE/feed"
}
[ "$(send "$THIRD/feed")" = 200 ]
check "aud naming reach.json's URL is accepted"
[ "$(send "$DEAD/feed")" = 200 ]
check "aud naming the first (dead) URL is accepted"
[ "$(send http://127.0.0.1:1/peerfeed/feed)" = 403 ] && grep -q aud "$T/resp"
check "aud naming a URL the node does not have is refused (403, aud)"
[ "$(send "$LIVE/feed/x")" = 403 ] && [ "$(send "$LIVE/fee")" = 403 ]
check "aud longer or shorter than a URL's endpoint is refused"
rm "$T/a/reach.json"
[ "$(send "$THIRD/feed")" = 403 ]
check "once reach.json no longer lists it, that URL is refused"

for bad in "$LIVE,,$DEAD" "$LIVE, ftp://x" "$LIVE," "http://a b" \
    "$LIVE,$LIVE,$LIVE,$LIVE,$LIVE"; do
	cp "$T/a/peerfeed.conf" "$T/conf.bak"
	sed -i "s|^url = .*|url = $bad|" "$T/a/peerfeed.conf"
	desc="url = $bad is refused with the rule"
	pf a status 2>"$T/err" >/dev/null; rc=$?
	cp "$T/conf.bak" "$T/a/peerfeed.conf"
	[ $rc -ne 0 ] && grep -q 'peerfeed.conf: url: ' "$T/err"
	check "$desc"
done
done_testing
