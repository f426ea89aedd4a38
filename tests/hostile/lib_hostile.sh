# lib_hostile.sh: the node the hostile-input runners attack (source after
# lib.sh and lib_http.sh).  One owner node a behind nginx, and one gpg home
# $T/w that holds the secret keys of every requester, so that a private
# request of any kind is one gpg call (no gpg home per case):
#   f  friend in group family       f2  a second key of f's, not pinned
#   g  friend, in no group          b   friend, then blocked
#   r  friend, then revoked         s   stranger (a holds no key of it)
#   a  the owner's own key (imported secret, to sign as the owner)
# Posts of a: public ones, a family one with an image, a public image, an
# image of a post deleted since, one for key:g with an image, and an
# orphan file under media/.  hostile_vars writes the placeholders of
# tests/hostile/README into $T/vars.json.

HOSTILE_DIR="$top_srcdir/tests/hostile"
export HOSTILE_DIR

# wkey NAME: make key NAME in $T/w; its fingerprint goes to $T/NAME.fpr.
# Made a day ago, so that a signature an hour old is one the key could
# have made (only the node's time window refuses it).
wkey() {
	gpg --homedir "$T/w" --batch --no-tty --passphrase '' \
	    --faked-system-time "$(( $(date +%s) - 86400 ))!" \
	    --quick-gen-key "$1 <$1@example.org>" future-default default never \
	    2>/dev/null || return 1
	gpg --homedir "$T/w" --batch --with-colons --list-keys "$1@example.org" |
	    awk -F: '$1=="fpr"{print $10; exit}' >"$T/$1.fpr"
}

# hostile_keys: the requester keys, pinned (or not) on node a as above.
hostile_keys() {
	mkdir -m 700 "$T/w" || return 1
	track_gnupghome "$T/w"
	for k in f f2 g b r s; do
		wkey $k || return 1
	done
	wx() { gpg --homedir "$T/w" --batch --armor --export "$(cat "$T/$1.fpr")"; }
	wx f | pf a friend add - --group family >/dev/null || return 1
	for k in g b r; do
		wx $k | pf a friend add - >/dev/null || return 1
	done
	pf a block "$(cat "$T/b.fpr")" >/dev/null || return 1
	sed 's/^:-----/-----/' "$T/w/openpgp-revocs.d/$(cat "$T/r.fpr").rev" |
	    pgp a --import 2>/dev/null || return 1
	pf a id --export | gpg --homedir "$T/w" --batch --import 2>/dev/null ||
	    return 1
	pgp a --export-secret-keys "$(fpr_of a)" |
	    gpg --homedir "$T/w" --batch --import 2>/dev/null
}

# hostile_posts: node a's posts and media (see the top).
hostile_posts() {
	png "$T/pub.png" 300
	png "$T/fam.gif" 300
	png "$T/gone.gif" 300
	png "$T/g.gif" 300
	printf 'orphan bytes' >"$T/orphan.bin"
	for i in 1 2 3; do
		pf a post "public post $i" >/dev/null || return 1
	done
	pf a post --to group:family "family post" >/dev/null || return 1
	# Each file is then replaced by the copy a stored (cleaned, image.c).
	id=$(pf a post --image "$T/pub.png" "public picture") &&
	    cp "$T/a/media/$(digest_of a "$id")" "$T/pub.png" || return 1
	id=$(pf a post --to group:family --image "$T/fam.gif" "family picture") &&
	    cp "$T/a/media/$(digest_of a "$id")" "$T/fam.gif" || return 1
	id=$(pf a post --to "key:$(cat "$T/g.fpr")" --image "$T/g.gif" "for g") &&
	    cp "$T/a/media/$(digest_of a "$id")" "$T/g.gif" || return 1
	gone=$(pf a post --image "$T/gone.gif" "deleted below") &&
	    cp "$T/a/media/$(digest_of a "$gone")" "$T/gone.gif" || return 1
	pf a delete "$gone" >/dev/null || return 1
	cp "$T/orphan.bin" "$T/a/media/$(sha256sum <"$T/orphan.bin" | cut -d' ' -f1)"
}

# hostile_node: node a with keys and posts, its responder and nginx up;
# sets NPORT and BASE, writes $T/vars.json and the store's checksums, to
# compare with at the end, to $T/before.sum.  Skips without nginx.
hostile_node() {
	need nginx
	[ -x "$PEERFEED_FCGI" ] || skip "peerfeed.fcgi not built"
	make_node a Alice || return 1
	NPORT=$(free_port)
	sed -i "s|^url = .*|url = http://127.0.0.1:$NPORT/peerfeed|" \
	    "$T/a/peerfeed.conf"
	hostile_keys || return 1
	hostile_posts || return 1
	start_responder a || return 1
	start_nginx a "$NPORT" || { cat "$T/nginx-a/logs/error.log"; return 1; }
	BASE="http://127.0.0.1:$NPORT/peerfeed"
	hostile_vars || return 1
	store_sum a >"$T/before.sum"
}

hostile_vars() {
	sha() { sha256sum <"$1" | cut -d' ' -f1; }
	python3 - "$T/vars.json" <<EOF
import json, sys
keys = {k: open("$T/%s.fpr" % k).read().strip()
        for k in ("f", "f2", "g", "b", "r", "s")}
keys["a"] = "$(fpr_of a)"
v = {"HOST": "127.0.0.1", "PORT": $NPORT, "BASE": "/peerfeed",
     "URL": "http://127.0.0.1:$NPORT/peerfeed", "W": "$T/w", "KEYS": keys,
     "PUB_SHA": "$(sha "$T/pub.png")", "FAM_SHA": "$(sha "$T/fam.gif")",
     "GONE_SHA": "$(sha "$T/gone.gif")", "PRIV_G_SHA": "$(sha "$T/g.gif")",
     "ORPHAN_SHA": "$(sha "$T/orphan.bin")",
     "NOFILE_SHA": "$(printf nofile | sha256sum | cut -d' ' -f1)",
     "OTHER": "0123456789ABCDEF0123456789ABCDEF01234567"}
for k, f in keys.items():
    v[k.upper()] = f
json.dump(v, open(sys.argv[1], "w"), indent=1)
EOF
}

# store_sum NODE: one checksum line per file of the node's store, then the
# index as the CLI sees it (list --json, check).  Two calls must match.
store_sum() {
	(cd "$T/$1" && find posts media friends public -type f -print0 2>/dev/null |
	    sort -z | xargs -0 -r sha256sum)
	pf "$1" list --json --limit 1000 2>&1
	pf "$1" check 2>&1
	echo "check: $?"
}

# good_request: node a still answers a public page and its node info.
good_request() {
	[ "$(http_status GET "$BASE/feed?limit=2")" = 200 ] &&
	    [ "$(http_status GET "$BASE/")" = 200 ]
}

# replay KIND EP: run every case of KIND/EP against the node, one check.
replay() {
	python3 "$HOSTILE_DIR/hostile.py" "$1" "$T/vars.json" \
	    "$HOSTILE_DIR/$1/$2" >"$T/$2.tap"
	rc=$?
	grep -v '^ok ' "$T/$2.tap"
	[ $rc = 0 ]
	check "$1/$2: every case gets its expected answer"
}

# node_unharmed: after the cases, the same responder still serves good
# requests and the store is what store_sum saw in $T/before.sum.
node_unharmed() {
	kill -0 "$RESPONDER_PID" 2>/dev/null
	check "the responder is still the same process"
	good_request
	check "the node still answers good requests"
	store_sum a >"$T/after.sum"
	diff "$T/before.sum" "$T/after.sum"
	check "the store is unchanged"
}
