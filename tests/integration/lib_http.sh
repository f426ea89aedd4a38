# lib_http.sh: the responder behind real web servers, for the integration
# tests (source after lib.sh).  Everything runs in $T on 127.0.0.1 and is
# stopped by PID at exit.  The web servers load the very snippets shipped
# in conf/, with the placeholders substituted.

: "${PEERFEED_FCGI:=$top_builddir/src/peerfeed.fcgi}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)

# wait_for COND...: retry COND for up to 10 s.
wait_for() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

# start_responder NODE [WORKERS]: peerfeed.fcgi for $T/NODE on the unix
# socket $T/NODE.sock (spawn-fcgi puts it on fd 0, as systemd does), its
# stderr log in $T/NODE.log.  Sets RESPONDER_PID (spawn-fcgi -n: the
# responder itself; with WORKERS > 1, spawn-fcgi forks and the workers
# are found by their parent-less command line in $T/NODE.pids).
start_responder() {
	node=$1; workers=${2:-1}
	sock="$T/$node.sock"
	rm -f "$sock"
	raise_limits "$node"
	if [ "$workers" -eq 1 ]; then
		spawn-fcgi -n -s "$sock" -M 0666 -- "$PEERFEED_FCGI" \
		    -d "$T/$node" 2>>"$T/$node.log" &
		RESPONDER_PID=$!
		track_pid $RESPONDER_PID
	else
		spawn-fcgi -s "$sock" -M 0666 -F "$workers" -P "$T/$node.spawn" \
		    -- "$PEERFEED_FCGI" -d "$T/$node" >>"$T/$node.log" 2>&1 || return 1
		# spawn-fcgi -F prints and forks; collect the workers' PIDs
		# once each has exec'd the responder (under load they come
		# one by one).
		wait_for workers_up "$node" "$workers" || return 1
		pgrep -f "^$PEERFEED_FCGI -d $T/$node\$" >"$T/$node.pids"
		for p in $(cat "$T/$node.pids"); do track_pid "$p"; done
	fi
	wait_for test -S "$sock"
}

# workers_up NODE N: N responders of $T/NODE run.
workers_up() {
	[ "$(pgrep -c -f "^$PEERFEED_FCGI -d $T/$1\$")" = "$2" ]
}

# Tests send private requests and POSTs far faster than friends do:
# unless a test sets LIMITS=shipped, the responder's budget (pgp_rate,
# pgp_burst in peerfeed.conf) and the web servers' rates per address
# (peerfeed-limits.conf and .lua, copied to the server's directory) are
# raised (the budget to 10000 a second, the web servers' rates to 100000
# a second: more than tests/bench/run's wrk sends from one address, which
# would otherwise measure 429s); the shipped files are used as they are
# otherwise.
raise_limits() {
	[ "${LIMITS:-}" = shipped ] && return 0
	[ -f "$T/$1/peerfeed.conf" ] || return 0
	sed -i -e 's/^pgp_rate = .*/pgp_rate = 10000/' \
	    -e 's/^pgp_burst = .*/pgp_burst = 100000/' "$T/$1/peerfeed.conf"
}

# limits_copy FILE OUT: a shipped rate limit file, raised as above.
limits_copy() {
	if [ "${LIMITS:-}" = shipped ]; then
		cp "$1" "$2"
	else
		sed -e 's|rate=[0-9]*r/[sm]|rate=100000r/s|' \
		    -e 's/rate = [0-9.]*/rate = 100000/' "$1" >"$2"
	fi
}

# subst FILE OUT NODE: a shipped snippet with the placeholders filled in
# (the rate limit script is in the server's directory $d).
subst() {
	sed -e "s|@PEERFEED_SOCKET@|$T/$3.sock|g" \
	    -e "s|@PEERFEED_PUBLIC@|$T/$3/public|g" \
	    -e "s|@PEERFEED_LIMITS@|$d/peerfeed-limits.lua|g" \
	    -e "s|@PEERFEED_ERRORS@|$top_srcdir/conf/lighttpd|g" \
	    "$1" >"$2"
}

# nginx_conf NODE LISTEN: write $T/nginx-NODE/nginx.conf, an nginx that
# listens on LISTEN (PORT or ADDR:PORT) in front of NODE's responder, with
# conf/nginx/peerfeed.conf included.  Sets d to that directory.
nginx_conf() {
	node=$1; d="$T/nginx-$node"
	mkdir -p "$d/logs" "$d/tmp" "$d/root"
	subst "$top_srcdir/conf/nginx/peerfeed.conf" "$d/peerfeed.conf" "$node"
	limits_copy "$top_srcdir/conf/nginx/peerfeed-limits.conf" \
	    "$d/peerfeed-limits.conf"
	# The snippet includes fastcgi_params relative to the config, as in
	# /etc/nginx: use the system's copy.
	cp /etc/nginx/fastcgi_params "$d/" || return 1
	user=""
	[ "$(id -u)" = 0 ] && user="user root;"
	cat >"$d/nginx.conf" <<EOC
$user
worker_processes 1;
daemon off;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 256; }
http {
	include $d/peerfeed-limits.conf;
	access_log $d/logs/access.log;
	client_body_temp_path $d/tmp/body;
	fastcgi_temp_path $d/tmp/fastcgi;
	proxy_temp_path $d/tmp/proxy;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	server {
		listen $2;
		root $d/root;
		include $d/peerfeed.conf;
	}
}
EOC
}

# start_nginx NODE PORT: nginx on 127.0.0.1:PORT in front of NODE's
# responder, with conf/nginx/peerfeed.conf included.  Sets NGINX_PID.
start_nginx() {
	port=$2
	nginx_conf "$1" "127.0.0.1:$port" || return 1
	"$NGINX" -t -q -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" || return 1
	"$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" &
	NGINX_PID=$!
	track_pid $NGINX_PID
	wait_for curl -s -o /dev/null "http://127.0.0.1:$port/"
}

# start_lighttpd NODE PORT: lighttpd likewise, with conf/lighttpd/peerfeed.conf.
start_lighttpd() {
	node=$1; port=$2; d="$T/lighttpd-$node"
	mkdir -p "$d/root"
	subst "$top_srcdir/conf/lighttpd/peerfeed.conf" "$d/peerfeed.conf" "$node"
	limits_copy "$top_srcdir/conf/lighttpd/peerfeed-limits.lua" \
	    "$d/peerfeed-limits.lua"
	cat >"$d/lighttpd.conf" <<EOC
server.document-root = "$d/root"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$d/error.log"
server.pid-file = "$d/lighttpd.pid"
include "$d/peerfeed.conf"
EOC
	"$LIGHTTPD" -tt -f "$d/lighttpd.conf" >/dev/null || return 1
	"$LIGHTTPD" -D -f "$d/lighttpd.conf" &
	LIGHTTPD_PID=$!
	track_pid $LIGHTTPD_PID
	wait_for curl -s -o /dev/null "http://127.0.0.1:$port/"
}

# http_get URL OUT: GET into OUT, print the status code.
http_get() {
	curl -s -o "$2" -w '%{http_code}' "$1"
}

# http_status METHOD URL [CURL ARGS...]: the status code only.
http_status() {
	m=$1; u=$2; shift 2
	curl -s -o "$T/body.out" -w '%{http_code}' -X "$m" "$@" "$u"
}

# is_json_error FILE: FILE is {"error":..,"detail":..}.
is_json_error() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert set(d)=={"error","detail"}' "$1"
}

need spawn-fcgi curl python3

# req FROM [ts=..] [aud=..] [to=..] [since=..] [limit=..] [nonce=..]
# [media=..]: a private request's plaintext, as a friend's tool would
# write it, to the node whose fingerprint is $A at $AUD.
req() {
	from=$1; shift
	ts=$(date +%s); aud=$AUD; to=$A; since=""; limit=""; media=""
	nonce=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	for kv in "$@"; do eval "${kv%%=*}=\${kv#*=}"; done
	printf '{"v":1,"from":"%s","to":"%s","aud":"%s","ts":%s,"nonce":"%s"' \
	    "$from" "$to" "$aud" "$ts" "$nonce"
	[ -n "$since" ] && printf ',"since":"%s"' "$since"
	[ -n "$limit" ] && printf ',"limit":%s' "$limit"
	[ -n "$media" ] && printf ',"media":"%s"' "$media"
	printf '}'
}

# seal NODE [GPG ARGS...]: sign with NODE's key and encrypt to $A (stdin
# -> stdout), with plain gpg.
seal() {
	node=$1; shift
	pgp "$node" --trust-model always -u "$(fpr_of "$node")" -r "$A" "$@" \
	    --sign --encrypt
}
