#!/bin/bash
# covers: src/cli/cli_status.c src/lib/nodeinfo.c src/lib/conf.c
# t0500-status: peerfeed status and doctor on a healthy node behind nginx,
# then on broken ones: each problem is named with what to do about it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need nginx

make_node a Alice || exit 99
make_node b Bob || exit 99
port=$(free_port)
sed -i "s|^url = .*|url = http://127.0.0.1:$port/peerfeed|" "$T/a/peerfeed.conf"
pf a post "public hello" >/dev/null || exit 99
pf a post --to "key:$(fpr_of b)" "just for Bob" >/dev/null || exit 99
id=$(pf a post "soon gone") || exit 99
pf a delete "$id" >/dev/null || exit 99
pf b id --export >"$T/b.asc"
pf a friend add "$T/b.asc" --group family --url http://127.0.0.1:9/peerfeed >/dev/null || exit 99
pf a post --to group:family "family only" >/dev/null || exit 99
# A last fetch result, as peerfeed-fetch records it, 2 minutes ago.
then=$(date -u -d '2 minutes ago' +%Y-%m-%dT%H:%M:%SZ)
cat >"$T/a/friends/$(fpr_of b)/state.json" <<EOS
{"url": "http://127.0.0.1:9/peerfeed", "cursor": "", "etag": "",
 "result": "HTTP 503", "time": "$then"}
EOS
start_responder a || exit 99
start_nginx a "$port" || exit 99

# status: identity, counts, friends, index, disk
pf a status >"$T/status" 2>&1
check "status runs"
grep -q "identity: *$(fpr_of a)" "$T/status"
check "status names the identity"
grep -q "3 live, 1 deleted" "$T/status"
check "status counts live posts and tombstones"
grep -q "1 public, 1 to groups, 1 to single keys" "$T/status"
check "status counts posts by audience kind"
grep -q "groups: family" "$T/status" && grep -q "last fetch: HTTP 503, 2m ago" "$T/status"
check "status shows each friend's groups and last fetch result with its age"
grep -q "index: *4 entries for 4 post files" "$T/status" && grep -q "^disk: .*MiB free" "$T/status"
check "status shows index health and free disk"
pf a status --json >"$T/status.json"
python3 - "$T/status.json" "$(fpr_of a)" "$(fpr_of b)" <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["fingerprint"] == sys.argv[2]
assert d["posts"] == {"live": 3, "tombstones": 1, "public": 1, "group": 1, "key": 1}, d["posts"]
f, = d["friends"]
assert f["fingerprint"] == sys.argv[3] and f["groups"] == "family" and not f["blocked"]
assert f["last_result"] == "HTTP 503" and 100 <= f["last_age_s"] <= 300, f
assert d["index"] == {"present": True, "entries": 4, "files": 4, "pending": False}
assert d["disk"]["free_bytes"] > 0
assert d["web_password"] is False
EOP
check "status --json holds the same, machine-readable"
grep -q "^web page: *off (no password" "$T/status" &&
    echo 'a long enough password' | pf a passwd --stdin >/dev/null &&
    pf a status | grep -q "^web page: *password set" &&
    pf a status --json | grep -q '"web_password": true'
check "status says whether the web page has a password"
pf a block "$(fpr_of b)" >/dev/null
pf a status | grep -q "1 (1 blocked)"
check "status shows blocks"

# doctor on the healthy node
pf a doctor >"$T/doc" 2>&1
check "doctor: a healthy node passes (exit 0)"
sed 's/^/#   /' "$T/doc"
! grep -q '^FAIL' "$T/doc" && grep -q "^OK   url http://127.0.0.1:$port/peerfeed/ answers with this node's fingerprint" "$T/doc"
check "doctor: the URL answers with our own fingerprint"
grep -q '^OK   gpg-agent signs with the node key' "$T/doc" && grep -q '^OK   clock 20' "$T/doc"
check "doctor: gpg-agent signs, the clock is sane"

# gnupg/ readable by others
chmod 0755 "$T/a/gnupg"
fails "doctor: gnupg mode 0755 fails" pf a doctor
pf a doctor | grep -q "^FAIL $T/a/gnupg has mode 0755: gpg wants 0700: run chmod 700 $T/a/gnupg"
check "doctor: says to chmod 700 gnupg"
chmod 0700 "$T/a/gnupg"

# the index removed
mv "$T/a/index" "$T/index.saved"
fails "doctor: a missing index fails" pf a doctor
pf a doctor | grep -q "^FAIL the index is missing: run peerfeed reindex"
check "doctor: says to reindex"
pf a status | grep -q "index: *missing (run peerfeed reindex)"
check "status: says the index is missing"
pf a reindex >/dev/null
# an index that disagrees with the files
rm "$T/a/posts/$id.json" "$T/a/posts/$id.json.sig"
pf a doctor | grep -q "^FAIL 1 difference between the index and the files: run peerfeed reindex"
check "doctor: an index out of step with the files: says to reindex"
pf a reindex >/dev/null

# the URL points to a closed port, or to another node
closed=$(free_port)
sed -i "s|^url = .*|url = http://127.0.0.1:$closed/peerfeed|" "$T/a/peerfeed.conf"
fails "doctor: URL on a closed port fails" pf a doctor
pf a doctor | grep -q "^FAIL url http://127.0.0.1:$closed/peerfeed/ does not answer"
check "doctor: names the URL that does not answer"
sed -i "s|^url = .*|url = |" "$T/a/peerfeed.conf"
pf a doctor | grep -q "^WARN no url in peerfeed.conf"
check "doctor: no URL is a warning with advice"
pf a doctor >/dev/null
check "doctor: warnings alone exit 0"
sed -i "s|^url = .*|url = http://127.0.0.1:$port/peerfeed|" "$T/b/peerfeed.conf"
sed -i "s|^url = .*|url = http://127.0.0.1:$port/peerfeed|" "$T/a/peerfeed.conf"
pf b doctor | grep -q "^FAIL url http://127.0.0.1:$port/peerfeed/ answers with fingerprint $(fpr_of a), not this node's $(fpr_of b)"
check "doctor: a URL serving another node fails"

fails "status: extra arguments are a usage error" pf a status --bogus
done_testing
