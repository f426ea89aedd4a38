#!/bin/bash
# covers: src/cli/cli_archive.c src/cli/archive.c src/cli/keyring_backup.c src/cli/tar.c src/lib/index_nonce.c
# t0510-archive: peerfeed export / import.  A node restored from its archive
# onto a fresh directory is the same node; hostile archives are refused with
# a clear error and leave nothing behind.  The nonces of private requests
# the node still remembers go along: a request answered before the export
# is refused as a replay by the imported node (through nginx).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_http.sh"
need python3 nginx

make_node a Alice || exit 99
make_node b Bob || exit 99
make_node c Carol || exit 99
png "$T/cat.png" 300
pf a post "hello" >/dev/null || exit 99
pf a post --image "$T/cat.png" "our cat" >/dev/null || exit 99
id=$(pf a post "gone soon") && pf a delete "$id" >/dev/null || exit 99
pf b id --export >"$T/b.asc"
pf c id --export >"$T/c.asc"
pf a friend add "$T/b.asc" --group family --url http://127.0.0.1:9/peerfeed >/dev/null || exit 99
pf a friend add "$T/c.asc" --group work >/dev/null || exit 99
pf a group add family "$(fpr_of c)" >/dev/null || exit 99
pf a block "$(fpr_of c)" >/dev/null || exit 99
pf a post --to group:family "family only" >/dev/null || exit 99
# A friend's post as the fetcher stores it: Bob's files under friends/.
bid=$(pf b post "Bob says hi") || exit 99
mkdir -p "$T/a/friends/$(fpr_of b)/posts"
cp "$T/b/posts/$bid.json" "$T/b/posts/$bid.json.sig" "$T/a/friends/$(fpr_of b)/posts/"
pf a reindex >/dev/null || exit 99

ok "export writes the archive" pf a export "$T/a.tar"
[ "$(stat -c %a "$T/a.tar")" = 600 ]
check "the archive is mode 0600 (it holds the secret key)"
tar tf "$T/a.tar" >"$T/list"
check "the archive is a tar file tar(1) reads"
grep -q '^keys/secret.pgp$' "$T/list" && grep -q "^friends/$(fpr_of b)/posts/$bid.json.sig$" "$T/list" &&
    grep -q '^media/' "$T/list" && ! grep -q '^index\|^tmp\|S.gpg-agent\|^public' "$T/list"
check "it holds keys, posts, media, friends, and not the index, tmp, public or sockets"

ok "import into a new directory" pf r import "$T/a.tar"
track_gnupghome "$T/r/gnupg"
[ ! -e "$T/r.tmp" ] && [ ! -e "$T/r/gnupg/S.gpg-agent" ]
check "no r.tmp and no agent socket left behind"
[ "$(fpr_of r)" = "$(fpr_of a)" ]
check "same fingerprint"
pf a list --json >"$T/a.list" && pf r list --json >"$T/r.list" && cmp -s "$T/a.list" "$T/r.list"
check "peerfeed list --json identical"
pf a timeline --json >"$T/a.tl" && pf r timeline --json >"$T/r.tl" && cmp -s "$T/a.tl" "$T/r.tl"
check "timeline (friends' posts) identical"
pf a friend list >"$T/a.fr" && pf r friend list >"$T/r.fr" && cmp -s "$T/a.fr" "$T/r.fr" &&
    grep -q blocked "$T/r.fr"
check "friend list identical: keys, groups, blocks"
pgp a --list-config --with-colons | grep '^cfg:group' >"$T/a.gr"
pgp r --list-config --with-colons | grep '^cfg:group' >"$T/r.gr"
cmp -s "$T/a.gr" "$T/r.gr" && [ -s "$T/r.gr" ]
check "gpg --list-config --with-colons: the same groups"
pgp a --export-ownertrust | grep -v '^#' >"$T/a.ot"
pgp r --export-ownertrust | grep -v '^#' >"$T/r.ot"
cmp -s "$T/a.ot" "$T/r.ot"
check "the same ownertrust (the owner's key ultimate, blocks kept)"
bad=0
for s in "$T"/r/posts/*.sig "$T"/r/friends/*/posts/*.sig; do
	pgp r --verify "$s" "${s%.sig}" 2>/dev/null || bad=$((bad + 1))
done
[ $bad -eq 0 ]
check "every signature verifies with plain gpg in the restored keyring"
cmp -s "$T/a/media/$(ls "$T/a/media")" "$T/r/media/$(ls "$T/a/media")"
check "media restored byte for byte"
ok "the restored node passes check --verify" pf r check --verify
ok "the restored node can post" pf r post "after the restore"
ok "and its new post verifies" pf r check --verify

# Only into a fresh directory.
mkdir "$T/empty"
ok "import into an empty directory" pf empty import "$T/a.tar"
track_gnupghome "$T/empty/gnupg"
fails "import over an existing node is refused" pf a import "$T/a.tar"
pf a import "$T/a.tar" 2>&1 | grep -q "is not empty: import restores into a new or empty directory only"
check "and says why"
mkdir -p "$T/x.tmp"
fails "a left-over DIR.tmp is refused" pf x import "$T/a.tar"
rmdir "$T/x.tmp"

# Hostile archives, made from the good one with Python's tarfile.
hostile() {
	python3 - "$T/a.tar" "$T/h.tar" "$1" <<'EOP'
import io, sys, tarfile
src, dst, kind = sys.argv[1:]
good = tarfile.open(src)
out = tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT)
def add(name, data=b"x", **kw):
    ti = tarfile.TarInfo(name); ti.size = len(data)
    for k, v in kw.items(): setattr(ti, k, v)
    out.addfile(ti, io.BytesIO(data) if ti.isreg() else None)
for i, m in enumerate(good.getmembers()):
    out.addfile(m, good.extractfile(m) if m.isreg() else None)
    if i == 0:
        if kind == "dotdot": add("posts/../../evil")
        if kind == "abs": add("/tmp/evil")
        if kind == "symlink": add("posts/x.json", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        if kind == "hardlink": add("posts/x.json", type=tarfile.LNKTYPE, linkname="peerfeed.conf")
        if kind == "oversize": add("posts/big.json", b"x" * 70000)
        if kind == "unknown": add("etc/passwd")
        if kind == "gpgconf": add("gnupg/gpg.conf", b"exec-path /tmp\n")
        if kind == "device": add("posts/dev", type=tarfile.CHRTYPE)
out.close()
EOP
}
for kind in dotdot abs symlink hardlink oversize unknown gpgconf device; do
	hostile $kind || exit 99
	pf h import "$T/h.tar" >"$T/h.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && [ ! -e "$T/h" ] && [ ! -e "$T/h.tmp" ]
	check "hostile archive ($kind) refused, nothing written"
	sed 's/^/#   /' "$T/h.out"
done
grep -q 'refused' "$T/h.out"
check "the error names the rule"
# A size field far past any bound, with no data behind it.
python3 - "$T/a.tar" "$T/h.tar" <<'EOP'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
h = b[1024:1536]                         # the second header (peerfeed.conf)
h[124:136] = b"77777777777\0"            # 8 GiB - 1
h[148:156] = b"        "
h[148:156] = ("%06o\0 " % sum(h)).encode()
b[1024:1536] = h
open(sys.argv[2], "wb").write(b)
EOP
pf h import "$T/h.tar" 2>"$T/h.out"
[ $? -eq 1 ] && [ ! -e "$T/h" ] && grep -q 'peerfeed.conf.*more than the' "$T/h.out"
check "an entry claiming 8 GiB is refused by its header"
head -c $(( $(stat -c %s "$T/a.tar") / 2 )) "$T/a.tar" >"$T/h.tar"
pf h import "$T/h.tar" 2>"$T/h.out"
[ $? -eq 1 ] && [ ! -e "$T/h" ] && [ ! -e "$T/h.tmp" ] && grep -q 'truncated' "$T/h.out"
check "a truncated archive is refused, nothing written"
sed 's/^/#   /' "$T/h.out"
printf 'not a tar file at all, just text\n' >"$T/h.tar"
fails "a file that is not an archive is refused" pf h import "$T/h.tar"
[ ! -e "$T/h" ]
check "and nothing written"
fails "import with no file is a usage error" pf h import

# --- nonces: a request answered by a is refused as a replay after import ---
A=$(fpr_of a); B=$(fpr_of b); AUD="http://127.0.0.1/peerfeed/feed"
pf a id --export | pgp b --import 2>/dev/null || exit 99
req "$B" | seal b >"$T/once.pgp" || exit 99
# serve NODE: responder and nginx for NODE; sets PORT.
serve() {
	start_responder "$1" || exit 99
	PORT=$(free_port)
	start_nginx "$1" "$PORT" || { cat "$T/nginx-$1/logs/error.log"; exit 99; }
}
# unserve: stop them.
unserve() {
	kill "$NGINX_PID" "$RESPONDER_PID" 2>/dev/null
	wait "$NGINX_PID" "$RESPONDER_PID" 2>/dev/null
}
send_once() {
	curl -s -o "$T/once.out" -w '%{http_code}' -X POST \
	    -H "Content-Type: application/pgp-encrypted" -H "Peerfeed-From: $B" \
	    --data-binary "@$T/once.pgp" "http://127.0.0.1:$PORT/peerfeed/feed"
}
serve a
code=$(send_once)
unserve
desc="a friend's private request is answered by a ($code)"
[ "$code" = 200 ]
check "$desc"
ok "export after it" pf a export "$T/n.tar"
tar xOf "$T/n.tar" nonces >"$T/nonces" 2>/dev/null
desc="the archive has a nonces entry of \"EXPIRES NONCE\" lines ($(wc -l <"$T/nonces") lines)"
[ "$(wc -l <"$T/nonces")" -ge 1 ] && ! grep -qv '^[0-9]* [0-9a-f]*$' "$T/nonces"
check "$desc"
ok "import it into a new directory" pf n import "$T/n.tar"
track_gnupghome "$T/n/gnupg"
serve n
code=$(send_once)
unserve
desc="the imported node refuses the same request as a replay ($code: $(head -c 100 "$T/once.out" | tr -cd "[:print:]"))"
[ "$code" = 409 ] && grep -q 'replayed request' "$T/once.out"
check "$desc"
printf '1 has space\n' >"$T/bad-nonces"
python3 - "$T/n.tar" "$T/hn.tar" "$T/bad-nonces" <<'EOP'
import io, sys, tarfile
src, dst, bad = sys.argv[1:4]
with tarfile.open(src) as i, tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as o:
    for m in i.getmembers():
        if m.name == "nonces":
            data = open(bad, "rb").read()
            m.size = len(data)
            o.addfile(m, io.BytesIO(data))
        else:
            o.addfile(m, i.extractfile(m) if m.isfile() else None)
EOP
pf hn import "$T/hn.tar" 2>"$T/hn.out"
[ $? -eq 1 ] && [ ! -e "$T/hn" ] && [ ! -e "$T/hn.tmp" ] &&
    grep -q 'nonces: line 1' "$T/hn.out"
check "a damaged nonces entry is refused, naming the line; nothing left"
done_testing
