#!/bin/bash
# t0840-gpg-agent: the node's gpg-agent dies in the middle of a request.
# The agent is stopped (SIGSTOP), so the request's gpg is surely waiting
# on it, then killed (SIGKILL).  A friend's private poll then fails cleanly
# (a 5xx with a JSON error, the fetcher naming it) or is answered, within
# seconds, never hangs; a post fails with a clear error and leaves nothing
# behind.  The next request and the next post succeed (gpg starts a new
# agent), and the responder worker is the same process throughout.
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

# agent_pid: a's gpg-agent, started if need be.
agent_pid() {
	gpg-connect-agent --homedir "$T/a/gnupg" /bye >/dev/null 2>&1
	for p in $(pgrep -x gpg-agent); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -q -- "--homedir $T/a/gnupg " && echo "$p"
	done | head -1
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
ok "the responder worker survived it all" kill -0 "$WORKER"

done_testing
