# lib_fetch.sh: nodes that talk to each other, for the fetcher tests
# (source after lib.sh and lib_http.sh).  Each node NODE gets its own
# state dir $T/NODE, GNUPGHOME, responder and nginx on its own loopback
# port; its URL is $(url_of NODE).

: "${PEERFEED_FETCH:=$top_builddir/src/peerfeed-fetch}"
[ -x "$PEERFEED_FETCH" ] || skip "peerfeed-fetch not built"
[ -x "$PEERFEED_FCGI" ] || skip "peerfeed.fcgi not built"

# serve_node NODE NAME: make the node, point its URL at a free port, and
# start its responder and nginx there.
serve_node() {
	make_node "$1" "$2" || return 1
	port=$(free_port)
	echo "$port" >"$T/$1.port"
	sed -i "s|^url = .*|url = http://127.0.0.1:$port/peerfeed|" \
	    "$T/$1/peerfeed.conf"
	# The responder refuses to start without an index, which a node gets
	# with its first write: build it now.
	pf "$1" reindex >/dev/null || return 1
	start_responder "$1" || return 1
	start_nginx "$1" "$port" || { cat "$T/nginx-$1/logs/error.log"; return 1; }
}

# url_of NODE: the node's base URL.
url_of() {
	echo "http://127.0.0.1:$(cat "$T/$1.port")/peerfeed"
}

# befriend A B: A adds B by URL and fingerprint (the key comes from B's /key).
befriend() {
	pf "$1" friend add --url "$(url_of "$2")" --fpr "$(fpr_of "$2")" >/dev/null
}

# fetch NODE [ARGS...]: run peerfeed-fetch on the node.
fetch() {
	node=$1; shift
	"$PEERFEED_FETCH" -d "$T/$node" "$@"
}

# stored NODE FRIEND: ids of FRIEND's posts stored on NODE, sorted.
stored() {
	ls "$T/$1/friends/$(fpr_of "$2")/posts" 2>/dev/null | \
	    sed -n 's/\.json$//p' | sort
}

# gpg_execs FILE: number of gpg processes an strace -e execve log shows.
gpg_execs() {
	grep -c 'execve("[^"]*/gpg[^"]*"' "$1"
}
