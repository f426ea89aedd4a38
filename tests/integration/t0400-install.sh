#!/bin/bash
# covers: Makefile.am man/ doc/ doc/schema/
# t0400-install: make install DESTDIR= puts the programs, man pages,
# documents, schemas and examples at their FHS paths with the install
# paths filled in; the installed programs run; the man pages render
# without a warning; make uninstall takes every file away again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_install.sh"
need groff cgi-fcgi

ok "make install DESTDIR=" destdir_install

for f in "$IBIN/peerfeed" "$IBIN/peerfeed-fetch" "$ISBIN/peerfeed.fcgi"; do
	ok "program ${f#"$R"}" test -x "$f"
done
pages="man1/peerfeed.1 man1/peerfeed-fetch.1 man8/peerfeed.fcgi.8
 man5/peerfeed.conf.5"
for p in $pages; do
	ok "man page $p" test -f "$IMAN/$p"
done
for f in "$IDOC/PROTOCOL.md" "$IDOC/INSTALL.md" \
    "$R$PF_PKGDATADIR/schema/post.json" "$R$PF_PKGDATADIR/schema/note.json" \
    "$IEX/nginx/peerfeed.conf" "$IEX/lighttpd/peerfeed.conf" \
    "$IEX/nginx/peerfeed-limits.conf" "$IEX/lighttpd/peerfeed-limits.lua" \
    "$IEX/systemd/peerfeed.socket" "$IEX/systemd/peerfeed.service" \
    "$IEX/systemd/peerfeed-fetch.service" "$IEX/systemd/peerfeed-fetch.timer" \
    "$IEX/cron.d/peerfeed-fetch" "$IEX/avahi/peerfeed.service"; do
	ok "installed ${f#"$R"}" test -f "$f"
done

# The templates' paths are the configured ones, and none is left over.
ok "peerfeed.service runs the installed responder" grep -qx \
    "ExecStart=$PF_SBINDIR/peerfeed.fcgi -d %S/peerfeed" \
    "$IEX/systemd/peerfeed.service"
ok "peerfeed-fetch.service runs the installed fetcher" grep -qx \
    "ExecStart=$PF_BINDIR/peerfeed-fetch -d %S/peerfeed" \
    "$IEX/systemd/peerfeed-fetch.service"
ok "the cron entry runs the installed fetcher" grep -q \
    " peerfeed $PF_BINDIR/peerfeed-fetch -q -d $PF_LOCALSTATEDIR/lib/peerfeed\$" \
    "$IEX/cron.d/peerfeed-fetch"
fails "no @dir@ placeholder is left" grep -rE \
    '@(bindir|sbindir|localstatedir|docdir)@' "$IEX" "$IMAN"

# The installed programs work on a node of their own.
version() { "$IBIN/peerfeed" --version | grep -qx "peerfeed [0-9.]*"; }
ok "peerfeed --version" version
ok "peerfeed --help" "$IBIN/peerfeed" --help
ok "peerfeed-fetch --help" "$IBIN/peerfeed-fetch" --help
usage() { "$ISBIN/peerfeed.fcgi" -h | grep -q "^usage: peerfeed.fcgi"; }
ok "peerfeed.fcgi -h" usage
ok "installed peerfeed init" "$IBIN/peerfeed" -d "$T/n" init --name Inst \
    --url http://127.0.0.1/peerfeed
track_gnupghome "$T/n/gnupg"
ok "installed peerfeed post" "$IBIN/peerfeed" -d "$T/n" post "installed"
listed() { "$IBIN/peerfeed" -d "$T/n" list | grep -q installed; }
ok "installed peerfeed list shows the post" listed
ok "installed peerfeed-fetch with no friends" "$IBIN/peerfeed-fetch" -q -d "$T/n"

# The installed responder on its own socket, asked as peerfeed.fcgi(8)
# shows, without a web server.
"$ISBIN/peerfeed.fcgi" -d "$T/n" -s "$T/n.sock" 2>"$T/fcgi.log" &
track_pid $!
for i in $(seq 1 100); do
	[ -S "$T/n.sock" ] && break
	sleep 0.1
done
fpr=$("$IBIN/peerfeed" -d "$T/n" id --fpr)
info() {
	REQUEST_METHOD=GET REQUEST_URI=/peerfeed/ \
	    cgi-fcgi -bind -connect "$T/n.sock" >"$T/info.out" &&
	    grep -q "^Status: 200" "$T/info.out" && grep -q "$fpr" "$T/info.out"
}
ok "installed peerfeed.fcgi answers node info (cgi-fcgi)" info

# Each page renders with groff's mdoc macros and no warning at all.
render() {
	LC_ALL=C groff -mandoc -Tutf8 -ww -z "$1" 2>"$T/groff.err" &&
	    ! [ -s "$T/groff.err" ] || { cat "$T/groff.err"; return 1; }
}
for p in $pages; do
	ok "$p renders cleanly" render "$IMAN/$p"
done
if command -v man >/dev/null 2>&1; then
	shown() { MANPATH="$IMAN" man -P cat "$1" 2>/dev/null | grep -q "^NAME"; }
	ok "man finds peerfeed.fcgi(8)" shown peerfeed.fcgi
	ok "man finds peerfeed.conf(5)" shown peerfeed.conf
fi

ok "make uninstall DESTDIR=" destdir_uninstall
leftover() {
	find "$R" ! -type d >"$T/left"
	[ ! -s "$T/left" ] || { cat "$T/left"; return 1; }
}
ok "make uninstall leaves only directories" leftover
done_testing
