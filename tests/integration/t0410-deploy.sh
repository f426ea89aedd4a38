#!/bin/bash
# covers: deploy/systemd/ deploy/cron.d/ deploy/avahi/peerfeed.service conf/nginx/peerfeed.conf conf/lighttpd/peerfeed.conf doc/INSTALL.md
# t0410-deploy: the deployment files as installed and as doc/INSTALL.md
# uses them: systemd-analyze verify on the units (pointed at the programs
# and man pages installed in a DESTDIR), nginx -t on INSTALL.md's TLS
# server block with the shipped snippet, lighttpd -tt on the snippet, the
# avahi service, the cron entry, and INSTALL.md's backup and subkeys-only
# procedures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_install.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
need systemd-analyze nginx lighttpd xmllint openssl tar
INSTALL_MD=$top_srcdir/doc/INSTALL.md

ok "make install DESTDIR=" destdir_install

# systemd-analyze verify needs no running systemd, but it does check that
# ExecStart= is executable and Documentation=man: pages exist: give it
# copies that run the DESTDIR's programs, and the DESTDIR's man pages.
mkdir -p "$T/units"
for u in "$IEX"/systemd/*; do
	installed_paths "$u" >"$T/units/${u##*/}"
done
verify() {
	MANPATH="$IMAN" systemd-analyze verify "$T"/units/* >"$T/verify.out" 2>&1
	rc=$?
	cat "$T/verify.out"
	[ $rc -eq 0 ] && ! [ -s "$T/verify.out" ]
}
ok "systemd-analyze verify: no error, no warning" verify
# The sandbox, judged offline: "OK" is an exposure of at most 4.9 of 10.
exposure() {
	systemd-analyze security --offline=true --threshold=49 \
	    "$T/units/$1" >"$T/security.out" 2>&1 ||
	    { tail -3 "$T/security.out"; return 1; }
}
ok "peerfeed.service exposure is OK" exposure peerfeed.service
ok "peerfeed-fetch.service exposure is OK" exposure peerfeed-fetch.service
sock=$(sed -n 's/^ListenStream=//p' "$IEX/systemd/peerfeed.socket")
socket_perms() {
	grep -qx SocketGroup=www-data "$IEX/systemd/peerfeed.socket" &&
	    grep -qx SocketMode=0660 "$IEX/systemd/peerfeed.socket" &&
	    grep -qx StandardInput=socket "$IEX/systemd/peerfeed.service" &&
	    grep -qx StandardOutput=journal "$IEX/systemd/peerfeed.service"
}
ok "socket: www-data group, 0660, on fd 0, output to the journal" socket_perms

# The snippets with the placeholders INSTALL.md fills in.
snippet() {
	sed -e "s|@PEERFEED_SOCKET@|$sock|g" \
	    -e "s|@PEERFEED_PUBLIC@|/var/lib/peerfeed/public|g" \
	    -e "s|@PEERFEED_LIMITS@|$IEX/lighttpd/peerfeed-limits.lua|g" \
	    -e "s|@PEERFEED_ERRORS@|$R$PF_PKGDATADIR/errors|g" \
	    "$IEX/$1/peerfeed.conf"
}

# nginx: INSTALL.md's server blocks (its first nginx code block), with a
# self-signed certificate where certbot's would be.
n=$T/nginx
mkdir -p "$n/snippets" "$n/tls" "$n/tmp"
snippet nginx >"$n/snippets/peerfeed.conf"
cp /etc/nginx/fastcgi_params "$n/" || skip "no /etc/nginx/fastcgi_params"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=alice.example \
    -keyout "$n/tls/privkey.pem" -out "$n/tls/fullchain.pem" 2>/dev/null
sed -n '/^```nginx$/,/^```$/{/^```/d;p}' "$INSTALL_MD" |
    sed "s|/etc/letsencrypt/live/alice.example/|$n/tls/|" >"$n/site.conf"
cat >"$n/nginx.conf" <<EOC
pid $n/nginx.pid;
error_log $n/error.log;
events { }
http {
	client_body_temp_path $n/tmp/body;
	fastcgi_temp_path $n/tmp/fastcgi;
	proxy_temp_path $n/tmp/proxy;
	uwsgi_temp_path $n/tmp/uwsgi;
	scgi_temp_path $n/tmp/scgi;
	include $IEX/nginx/peerfeed-limits.conf;
	include site.conf;
}
EOC
ok "INSTALL.md has a server block with the snippet" \
    grep -q "include snippets/peerfeed.conf;" "$n/site.conf"
ok "nginx -t: INSTALL.md's TLS server block" \
    "$NGINX" -t -p "$n" -c "$n/nginx.conf" -e "$n/error.log"

l=$T/lighttpd
mkdir -p "$l/root"
snippet lighttpd >"$l/peerfeed.conf"
cat >"$l/lighttpd.conf" <<EOC
server.document-root = "$l/root"
server.port = 80
include "$l/peerfeed.conf"
EOC
ok "lighttpd -tt: the snippet" "$LIGHTTPD" -tt -f "$l/lighttpd.conf"
errfile=$(sed -n 's/.*server.errorfile-prefix = "\(.*\)"/\1/p' "$l/peerfeed.conf")413.html
ok "lighttpd: its 413 page is installed where the snippet says" \
    grep -q '<h1>Too large</h1>' "$errfile"

# avahi: well-formed, _peerfeed._tcp on 80 under /peerfeed, nobody named.
av=$IEX/avahi/peerfeed.service
xpath() { xmllint --xpath "$1" "$av" 2>/dev/null; }
ok "avahi service is well-formed XML" xmllint --noout "$av"
avahi_fields() {
	[ "$(xpath 'string(//service/type)')" = _peerfeed._tcp ] &&
	    [ "$(xpath 'string(//service/port)')" = 80 ] &&
	    [ "$(xpath 'string(//service/txt-record)')" = path=/peerfeed ]
}
ok "avahi: _peerfeed._tcp, port 80, path=/peerfeed" avahi_fields
fails "avahi: no fingerprint in it" grep -Eiq '[0-9a-f]{40}|openpgp4fpr' "$av"

# cron: a name cron reads, and lines it accepts: VAR=value, or five time
# fields, the user and a command; the command runs as installed.
cr=$IEX/cron.d/peerfeed-fetch
cron_lines() {
	f='(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,[0-9]+(-[0-9]+)?)*'
	grep -v -e '^#' -e '^$' -e '^[A-Z_]*=' "$cr" >"$T/cron.jobs"
	[ -s "$T/cron.jobs" ] &&
	    ! grep -Ev "^$f $f $f $f $f peerfeed /[^ ]+( .*)?\$" "$T/cron.jobs"
}
ok "cron.d: file name without a dot" test "${cr##*/}" = peerfeed-fetch
ok "cron.d: every line is VAR=value or a well-formed job" cron_lines
"$IBIN/peerfeed" -d "$T/cron" init --name Cron >/dev/null
track_gnupghome "$T/cron/gnupg"
installed_paths "$cr" | grep ' peerfeed /' | cut -d' ' -f7- |
    sed "s| -d [^ ]*| -d $T/cron|" >"$T/cron.cmd"
ok "cron.d: its command runs" sh "$T/cron.cmd"

# INSTALL.md's backup: a tar without index/ and tmp/ restores the node.
pf_() { "$IBIN/peerfeed" -d "$T/$1" "${@:2}"; }
"$IBIN/peerfeed" -d "$T/a" init --name A >/dev/null
track_gnupghome "$T/a/gnupg"
pf_ a post "kept in the backup" >/dev/null
track_gnupghome "$T/b/gnupg"
backup() {
	tar -C "$T/a" --exclude=./index --exclude=./tmp \
	    --exclude='./gnupg/S.*' -czf "$T/backup.tar.gz" . &&
	    mkdir "$T/b" && tar -C "$T/b" -xzf "$T/backup.tar.gz" &&
	    pf_ b reindex && pf_ b check &&
	    [ "$(pf_ b id --fpr)" = "$(pf_ a id --fpr)" ] &&
	    pf_ b list | grep -q "kept in the backup"
}
ok "backup as in INSTALL.md restores the node" backup

# INSTALL.md's offline primary: a node whose keyring holds only subkeys
# (sec#) posts with the signing subkey under the primary's fingerprint.
o=$T/offline
mkdir -m 0700 "$o"
track_gnupghome "$o"
track_gnupghome "$T/s/gnupg"
og() { gpg --homedir "$o" --batch --passphrase '' --pinentry-mode loopback "$@"; }
subkeys_only() {
	og --quick-gen-key "Off <off@example.org>" ed25519 cert never &&
	    fpr=$(og --with-colons --list-keys | awk -F: '$1 == "fpr" { print $10; exit }') &&
	    og --quick-add-key "$fpr" ed25519 sign 2y &&
	    og --quick-add-key "$fpr" cv25519 encr 2y &&
	    og --export-secret-subkeys "$fpr" >"$T/subkeys.gpg" &&
	    pf_ s init --name Off --url http://127.0.0.1/peerfeed &&
	    own=$(pf_ s id --fpr) &&
	    gpg --homedir "$T/s/gnupg" --batch --yes \
	    --delete-secret-and-public-key "$own" &&
	    gpg --homedir "$T/s/gnupg" --batch --import "$T/subkeys.gpg" &&
	    pf_ s reindex && [ "$(pf_ s id --fpr)" = "$fpr" ] &&
	    id=$(pf_ s post "signed by a subkey") &&
	    gpg --homedir "$T/s/gnupg" --batch --status-fd 1 --verify \
	    "$T/s/posts/$id.json.sig" "$T/s/posts/$id.json" 2>/dev/null |
	    grep -q "^\[GNUPG:\] VALIDSIG [0-9A-F]* .* $fpr\$" &&
	    gpg --homedir "$T/s/gnupg" --batch -K "$fpr" | grep -q '^sec#'
}
ok "subkeys-only node as in INSTALL.md" subkeys_only

ok "make uninstall DESTDIR=" destdir_uninstall
done_testing
