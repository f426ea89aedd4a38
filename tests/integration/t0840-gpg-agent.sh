#!/bin/bash
# covers: src/lib/envelope.c src/lib/keyring.c src/fcgi/api_feed.c src/fetch/fetch_job.c src/cli/cli_post.c
# t0840-gpg-agent: the node's gpg-agent dies in the middle of a request.
# The agent is stopped (SIGSTOP), so the request's gpg is surely waiting
# on it, then killed (SIGKILL).  A friend's private poll then fails cleanly
# (a 5xx with a JSON error, the fetcher naming it) or is answered, within
# seconds, never hangs; a post fails with a clear error and leaves nothing
# behind.  The next request and the next post succeed (gpg starts a new
# agent), and the responder worker is the same process throughout.
# Then, deterministically, the agent cannot start at all (gpg.conf points
# gpg at an agent program that fails): the idle poll (no gpg) is still a
# 304, a full private poll is a 503 "key unavailable" with Retry-After and
# a JSON body, the fetcher names it and stores nothing, a post fails with
# a clear message and leaves nothing behind; once the line is gone, all
# works again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
. "$(dirname "$0")/lib_fetch.sh"
need nginx gpg-connect-agent

serve_node a A || exit 99
make_node f F || exit 99
pf f id --export | pf a friend add - >/dev/null || exit 99
befriend f a || exit 99
FA=$(fpr_of a)
pf a post "first" >/dev/null || exit 99
fetch f >/dev/null 2>&1 || exit 99
WORKER=$RESPONDER_PID

# agent_running: the PIDs of a's gpg-agents, none started.
agent_running() {
	for p in $(pgrep -x gpg-agent); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -q -- "--homedir $T/a/gnupg " && echo "$p"
	done
}
# agent_pid: a's gpg-agent, started if need be.
agent_pid() {
	gpg-connect-agent --homedir "$T/a/gnupg" /bye >/dev/null 2>&1
	agent_running | head -1
}
# midway CMD...: run CMD in the background while a's agent is stopped,
# kill the agent a second later; CMD's exit status, its time in $T/secs.
midway() {
	ap=$(agent_pid)
	[ -n "$ap" ] || { echo "no agent" >&2; return 99; }
	kill -STOP "$ap"
	start=$(date +%s)
	"$@" >"$T/mid.out" 2>"$T/mid.err" &
	cp=$!
	sleep 1.5
	kill -KILL "$ap"
	# Bounded: a hang shows as a kill after 60 s.
	( sleep 60; kill "$cp" 2>/dev/null ) &
	guard=$!
	wait "$cp"
	rc=$?
	kill "$guard" 2>/dev/null
	wait "$guard" 2>/dev/null
	echo $(( $(date +%s) - start )) >"$T/secs"
	return $rc
}
# no_etag: make f's next poll a full request (no If-None-Match probe).
no_etag() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["etag"]=""; json.dump(d,open(sys.argv[1],"w"))' \
	    "$T/f/friends/$FA/state.json"
}

# --- a private poll ---
NEW=$(pf a post "second") || exit 99
no_etag
midway fetch f
rc=$?
sed 's/^/# fetch: /' "$T/mid.err"
tail -3 "$T/a.log" | sed 's/^/# log: /'
if [ $rc = 0 ]; then
	stored f a | grep -qx "$NEW"
	check "the poll during the agent's death was answered in full"
else
	[ $rc = 1 ] && grep "$FA" "$T/mid.err" | grep -q "HTTP 5[0-9][0-9]"
	check "the poll during the agent's death failed with a 5xx, named ($rc)"
fi
ok "no hang: it ended in $(cat "$T/secs") s" test "$(cat "$T/secs")" -lt 30
ok "the next poll succeeds" fetch f
stored f a | grep -qx "$NEW"
check "and brings the new post"
ok "the responder worker is still the same process" kill -0 "$WORKER"
no_etag
ok "a second full poll succeeds too" fetch f

# --- posting ---
pf a list >"$T/list.before"
midway pf a post "while the agent dies"
rc=$?
sed 's/^/# post: /' "$T/mid.err"
if [ $rc = 0 ]; then
	pf a list | grep -q "while the agent dies"
	check "the post during the agent's death went through whole"
else
	[ -s "$T/mid.err" ] && ! pf a list | grep -q "while the agent dies"
	check "the post during the agent's death failed with a message, not listed"
fi
ok "no hang: it ended in $(cat "$T/secs") s" test "$(cat "$T/secs")" -lt 30
ok "check --verify is clean after it" pf a check --verify
AFTER=$(pf a post "after the agent died")
check "the next post succeeds"
pf a list | grep -q "^$AFTER "
check "and is listed"
ok "check --verify is clean" pf a check --verify

# --- the agent cannot start: a deterministic failure ---
# gpg starts the program named by agent-program when no agent answers;
# /bin/false never does.  The node keeps its groups in gpg.conf too: the
# line is appended, and later removed, exactly.
GCONF="$T/a/gnupg/gpg.conf"
NOAGENT="agent-program /bin/false"
agent_off() {
	ap=$(agent_pid)
	cp -p "$GCONF" "$T/gpg.conf.orig" || return 1
	echo "$NOAGENT" >>"$GCONF"
	gpgconf --homedir "$T/a/gnupg" --kill gpg-agent
	[ -z "$ap" ] || wait_for test ! -e "/proc/$ap"
}
agent_on() {
	grep -vxF "$NOAGENT" "$GCONF" >"$T/gpg.conf.new"
	cat "$T/gpg.conf.new" >"$GCONF"
}
# f_store: f's copy of a: the ids stored, the post and media files.
f_store() {
	stored f a
	find "$T/f/friends/$FA" -path "*/posts/*" -o -path "*/media/*" |
	    sort | xargs -r sha256sum
}
# a_files: a's own posts, media, public files and temp files.
a_files() {
	find "$T/a/posts" "$T/a/media" "$T/a/public" "$T/a/tmp" -type f |
	    sort | xargs -r sha256sum
}
OFF=$(pf a post "before the agent is off") || exit 99
fetch f >/dev/null 2>&1 || exit 99
stored f a | grep -qx "$OFF" || exit 99
pf a list >"$T/list.before"
agent_off || exit 99
ok "no agent of a's runs" test -z "$(agent_running)"

# The idle poll needs no gpg: the friend's saved ETag is current.
fetch f >"$T/idle.err" 2>&1
check "the idle poll is still answered while the agent cannot start"
grep -q "(1 idle)" "$T/idle.err" && tail -1 "$T/a.log" | grep -q "POST /feed 304 $(fpr_of f) "
check "as a 304"

# A full private poll needs a's secret key: the server's fault, a 503.
no_etag
f_store >"$T/store.before"
fetch f >"$T/poll.err" 2>&1
rc=$?
sed 's/^/# fetch: /' "$T/poll.err"
tail -1 "$T/a.log" | sed 's/^/# log: /'
[ $rc = 1 ]
check "the fetcher exits 1"
grep "friend $FA " "$T/poll.err" | grep -q "HTTP 503: .*secret key cannot be used"
check "naming friend a, the HTTP 503 and the reason"
# (no signer is known before the envelope opens: the log names none, not the hint)
tail -1 "$T/a.log" | grep -q "POST /feed 503 - .* key unavailable$"
check "the responder logs the 503 as key unavailable"
f_store | cmp -s - "$T/store.before"
check "nothing of f's store changed"

# The same with curl: the status, Retry-After and the JSON error body.
A=$FA AUD="$(url_of a)/feed"
req "$(fpr_of f)" | seal f >"$T/req.pgp" || exit 99
code=$(curl -s -o "$T/resp" -D "$T/resp.hdr" -w '%{http_code}' -X POST \
    -H "Content-Type: application/pgp-encrypted" \
    -H "Peerfeed-From: $(fpr_of f)" --data-binary "@$T/req.pgp" \
    "$(url_of a)/feed")
ok "a private request by curl is a 503 ($code)" test "$code" = 503
ok "with Retry-After" grep -qi '^Retry-After: [0-9][0-9]*' "$T/resp.hdr"
ok "and a JSON error body" is_json_error "$T/resp"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"]=="key unavailable" and "gpg-agent" in d["detail"], d' "$T/resp"
check "that names the node's key as unavailable"
ok "the responder worker is still the same process" kill -0 "$WORKER"

# A post needs the key to sign: it fails, clearly, and leaves nothing.
a_files >"$T/a.before"
pf a post "while the agent cannot start" >"$T/post.out" 2>"$T/post.err"
rc=$?
sed 's/^/# post: /' "$T/post.err"
[ $rc = 1 ] && grep -q "secret key cannot be used now: gpg-agent" "$T/post.err"
check "a post fails with a message naming gpg-agent"
pf a list | cmp -s - "$T/list.before"
check "and is not listed"
a_files | cmp -s - "$T/a.before"
check "nor left in a's files"
ok "no agent of a's was started by all this" test -z "$(agent_running)"

# Back: the line goes, gpg starts the agent again.
agent_on
ok "gpg.conf is as it was" cmp "$GCONF" "$T/gpg.conf.orig"
ok "check --verify is clean" pf a check --verify
ok "the next full poll succeeds" fetch f
stored f a | grep -qx "$OFF"
check "and f still has a's posts"
BACK=$(pf a post "the agent is back")
check "the next post succeeds"
pf a list | grep -q "^$BACK "
check "and is listed"
ok "the next poll brings it" fetch f
stored f a | grep -qx "$BACK"
check "stored on f"
ok "check --verify is clean" pf a check --verify
ok "the responder worker survived it all" kill -0 "$WORKER"

done_testing
