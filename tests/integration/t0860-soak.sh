#!/bin/bash
# covers: src/fcgi/main_fcgi.c src/fcgi/http.c src/fcgi/api_feed.c src/fcgi/api_key.c src/fcgi/api_info.c src/fetch/fetch.c
# t0860-soak: four responder processes behind nginx under a bounded load
# (PF_SOAK_SECONDS, default 60, after a 10 s warm-up) of public requests
# from four client threads, while the owner posts every second and a
# friend's peerfeed-fetch polls the private feed every two seconds.
# Every answer must be right (valid JSON pages whose posts are the exact
# bytes of the owner's files, 304 only for a matching ETag, the key, the
# node info), no 5xx in nginx's log, every fetch run exits 0, the four
# workers are the same processes at the end, and each one's RSS at the end
# is within 2 MiB of its RSS after the warm-up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx

SECS=${PF_SOAK_SECONDS:-60}
WARM=10
RSS_SLACK=2048	# KiB

make_node a A || exit 99
PORT=$(free_port)
echo "$PORT" >"$T/a.port"
sed -i "s|^url = .*|url = http://127.0.0.1:$PORT/peerfeed|" "$T/a/peerfeed.conf"
pf a reindex >/dev/null || exit 99
start_responder a 4 || exit 99
start_nginx a "$PORT" || exit 99
WORKERS=$(cat "$T/a.pids")
ok "four responder workers" test "$(echo $WORKERS | wc -w)" = 4
make_node f F || exit 99
pf f id --export | pf a friend add - >/dev/null || exit 99
befriend f a || exit 99
for i in $(seq 1 20); do
	pf a post "before the soak $i" >/dev/null || exit 99
done

cat >"$T/load.py" <<'EOF'
# load.py BASE SECONDS OUT: four threads of public requests; every answer
# checked; the posts seen written to OUT as "id sha256" lines.
import hashlib, http.client, json, random, sys, threading, time, urllib.parse

base, secs, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
u = urllib.parse.urlsplit(base)
end = time.time() + secs
lock = threading.Lock()
seen, bad, counts = {}, [], {}

def fail(msg):
    with lock:
        if len(bad) < 20:
            bad.append(msg)
        counts["bad"] = counts.get("bad", 0) + 1

def page(body, path):
    d = json.loads(body)
    assert set(d) >= {"posts", "next", "more"}, "page fields"
    for p in d["posts"]:
        post = json.loads(p["post"])
        assert post["id"] == p["id"], "id differs from the post's"
        assert p["sig"].startswith("-----BEGIN PGP SIGNATURE-----"), "sig"
        with lock:
            seen[p["id"]] = hashlib.sha256(p["post"].encode()).hexdigest()
    return d

def worker(n):
    rnd = random.Random(n)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    etag, since = None, ""
    while time.time() < end:
        kind = rnd.choice(["info", "key", "page", "page", "latest", "cond"])
        path, hdr = u.path + "/feed?limit=10&since=" + urllib.parse.quote(since), {}
        if kind == "info":
            path = u.path + "/"
        elif kind == "key":
            path = u.path + "/key"
        elif kind == "latest":
            path = u.path + "/feed?limit=5"
        elif kind == "cond" and etag:
            path, hdr = u.path + "/feed?limit=5", {"If-None-Match": etag}
        try:
            c.request("GET", path, headers=hdr)
            r = c.getresponse()
            body = r.read()
        except Exception as e:
            fail("%s: %r" % (path, e))
            c.close()
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            continue
        with lock:
            counts[r.status] = counts.get(r.status, 0) + 1
        try:
            if r.status == 304:
                assert hdr, "304 to an unconditional request"
                continue
            assert r.status == 200, "status %d: %.200s" % (r.status, body)
            if kind == "info":
                assert "fingerprint" in body.decode() or json.loads(body), "info"
            elif kind == "key":
                assert body.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK"), "key"
            else:
                d = page(body, path)
                if kind == "latest" or kind == "cond":
                    etag = r.getheader("ETag") or etag
                else:
                    since = d["next"] if d["more"] else ""
        except Exception as e:
            fail("%s: %s" % (path, e))

ts = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
with open(out, "w") as f:
    for k, v in sorted(seen.items()):
        f.write("%s %s\n" % (k, v))
print("# answers:", " ".join("%s=%d" % (k, v) for k, v in sorted(counts.items(), key=str)))
for b in bad:
    print("# bad:", b)
sys.exit(1 if bad else 0)
EOF

rss() {	# rss PID: resident set in KiB
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"
}

# Warm-up, then the RSS baseline.
python3 "$T/load.py" "$(url_of a)" "$WARM" "$T/warm.seen" >"$T/warm.out" 2>&1
cat "$T/warm.out"
fetch f >/dev/null 2>&1
for p in $WORKERS; do echo "$p $(rss "$p")"; done >"$T/rss.warm"

# The soak: load, the owner posting, the friend fetching, all bounded.
python3 "$T/load.py" "$(url_of a)" "$SECS" "$T/soak.seen" >"$T/soak.out" 2>&1 &
LOAD=$!
(
	end=$(( $(date +%s) + SECS ))
	while [ "$(date +%s)" -lt $end ]; do
		pf a post "during the soak $(date +%s.%N)" >/dev/null 2>>"$T/post.err" ||
		    echo fail >>"$T/post.fails"
		sleep 1
	done
) &
POSTER=$!
(
	end=$(( $(date +%s) + SECS ))
	while [ "$(date +%s)" -lt $end ]; do
		fetch f >/dev/null 2>>"$T/fetch.err"
		echo $? >>"$T/fetch.rcs"
		sleep 2
	done
) &
FETCHER=$!
wait $LOAD
load_rc=$?
wait $POSTER $FETCHER
cat "$T/soak.out"

[ $load_rc = 0 ]
check "every answer under load was right"
ok "the owner's posts during the soak all succeeded" test ! -e "$T/post.fails"
sed 's/^/# post: /' "$T/post.err" 2>/dev/null | head -3
ok "every fetch run exited 0 ($(sort "$T/fetch.rcs" | uniq -c | paste -sd' '))" \
    sh -c "! grep -vx 0 '$T/fetch.rcs'"
sed 's/^/# fetch: /' "$T/fetch.err" 2>/dev/null | head -3
awk '$9 ~ /^5/' "$T/nginx-a/logs/access.log" >"$T/5xx"
ok "no 5xx in nginx's log ($(wc -l <"$T/nginx-a/logs/access.log") requests)" \
    test ! -s "$T/5xx"
head -3 "$T/5xx" | sed 's/^/# /'
# Each post seen is the exact bytes of the owner's file.
bad=0
while read -r id sha; do
	[ "$(sha256sum <"$T/a/posts/$id.json" | cut -d' ' -f1)" = "$sha" ] ||
	    bad=$((bad + 1))
done <"$T/soak.seen"
ok "each of the $(wc -l <"$T/soak.seen") posts served is byte for byte its file" \
    test $bad = 0
alive=0
for p in $WORKERS; do
	[ -d "/proc/$p" ] && alive=$((alive + 1))
done
ok "all four workers are alive, the same processes" test $alive = 4
grow=0
while read -r p before; do
	now=$(rss "$p")
	echo "# worker $p: RSS $before KiB after warm-up, ${now:-?} KiB at the end"
	[ -n "$now" ] && [ "$now" -le $((before + RSS_SLACK)) ] || grow=$((grow + 1))
done <"$T/rss.warm"
# ASan keeps freed memory in quarantine (up to 256 MB): flat memory is
# measured in the plain build, leaks under ASan by LeakSanitizer itself.
if ldd "$PEERFEED_FCGI" 2>/dev/null | grep -q libasan; then
	echo "# sanitizer build: the RSS bound is not checked"
else
	ok "no worker's memory grew by more than $RSS_SLACK KiB" test $grow = 0
fi
ok "a last fetch brings every post" fetch f
ok "the friend holds every post of a" \
    test "$(stored f a | wc -l)" = "$(ls "$T"/a/posts/*.json | wc -l)"
ok "a's check is clean" pf a check

done_testing
