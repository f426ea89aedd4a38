#!/bin/bash
# tests/deb/in-root.sh: run by tests/deb/run inside a fresh Debian 12
# root (chroot, no systemd running) where the peerfeed package was just
# installed; checks the install, a node, an upgrade, remove and purge.
#   in-root.sh DEB   (DEB: the package file, to install again as an upgrade)
# Uses lib.sh's ok/fails/done_testing (copied beside this script).
top_srcdir=/tmp/pf-deb PEERFEED=/usr/bin/peerfeed
. /tmp/pf-deb/lib.sh
deb=$1
S=/var/lib/peerfeed
as_pf() { runuser -u peerfeed -- "$@"; }

# What the package installed and set up.
ok "the system user peerfeed, home $S" \
    sh -c 'getent passwd peerfeed | grep -q ":/var/lib/peerfeed:"'
stat_is() { [ "$(stat -c "%U:%G %a" "$1")" = "$2" ]; }
ok "$S is peerfeed's, mode 0750" stat_is "$S" "peerfeed:peerfeed 750"
ok "www-data is in the group peerfeed" sh -c 'id -nG www-data | grep -qw peerfeed'
for f in /usr/bin/peerfeed /usr/bin/peerfeed-fetch /usr/sbin/peerfeed.fcgi; do
	ok "program $f" test -x "$f"
done
for f in /usr/share/man/man1/peerfeed.1.gz /usr/share/man/man8/peerfeed.fcgi.8.gz \
    /usr/share/man/man5/peerfeed.conf.5.gz /usr/share/doc/peerfeed/PROTOCOL.md.gz \
    /usr/share/peerfeed/schema/post.json /lib/systemd/system/peerfeed.socket \
    /lib/systemd/system/peerfeed.service /lib/systemd/system/peerfeed-fetch.timer; do
	ok "installed $f" test -f "$f"
done
conffile() { grep -qx " $1 [0-9a-f]*" /var/lib/dpkg/info/peerfeed.conffiles 2>/dev/null ||
    dpkg-query -W -f='${Conffiles}\n' peerfeed | grep -q "^ $1 "; }
for f in /etc/nginx/snippets/peerfeed.conf /etc/lighttpd/conf-available/50-peerfeed.conf; do
	ok "conffile $f" conffile "$f"
	ok "$f names the socket and $S/public" \
	    sh -c "grep -q /run/peerfeed/fcgi.sock $f && grep -q $S/public $f"
	fails "$f has no placeholder left" grep -q '@PEERFEED_' "$f"
done
W=/etc/systemd/system
ok "peerfeed.socket is enabled" test -L "$W/sockets.target.wants/peerfeed.socket"
ok "peerfeed-fetch.timer is enabled" test -L "$W/timers.target.wants/peerfeed-fetch.timer"
ok "peerfeed-reach.timer is installed" test -f /lib/systemd/system/peerfeed-reach.timer
fails "peerfeed-reach.timer is not enabled (it opens a port)" \
    test -e "$W/timers.target.wants/peerfeed-reach.timer"
fails "peerfeed.service is not enabled on its own" \
    test -e "$W/multi-user.target.wants/peerfeed.service"

# A node, as doc/INSTALL.md and README.Debian say (default state dir).
ok "peerfeed init as peerfeed" as_pf peerfeed init --name Deb \
    --url http://localhost/peerfeed
track_gnupghome "$S/gnupg"
ok "peerfeed post" as_pf peerfeed post "posted from the package"
listed() { as_pf peerfeed list | grep -q "posted from the package"; }
ok "peerfeed list shows the post" listed
ok "peerfeed check --verify" as_pf peerfeed check --verify
ok "peerfeed-fetch with no friends" as_pf peerfeed-fetch -q
usage() { /usr/sbin/peerfeed.fcgi -h | grep -q "^usage: peerfeed.fcgi"; }
ok "peerfeed.fcgi -h" usage
gpgconf --homedir "$S/gnupg" --kill all >/dev/null 2>&1

# An upgrade (the same version again runs postinst with the old version)
# keeps the node.
fpr=$(as_pf peerfeed id --fpr)
ok "installing the package again (upgrade path)" dpkg -i "$deb"
ok "after the upgrade the post is still listed" listed
same_fpr() { [ "$(as_pf peerfeed id --fpr)" = "$fpr" ]; }
ok "after the upgrade the node key is the same" same_fpr
gpgconf --homedir "$S/gnupg" --kill all >/dev/null 2>&1

# remove: programs and units go, the node and the conffiles stay.
ok "dpkg --remove peerfeed" dpkg --remove peerfeed
for f in /usr/bin/peerfeed /usr/sbin/peerfeed.fcgi /lib/systemd/system/peerfeed.socket \
    /lib/systemd/system/peerfeed-fetch.timer; do
	fails "removed: $f" test -e "$f"
done
# As for every Debian package, the enablement link stays, dangling, until
# purge (a reinstall keeps the admin's choice).
fails "removed: the socket unit behind its enablement link" \
    test -e "$W/sockets.target.wants/peerfeed.socket"
ok "remove keeps the node's posts" sh -c "ls $S/posts | grep -q ."
ok "remove keeps the node's key" test -d "$S/gnupg"
ok "remove keeps the nginx snippet (a conffile)" test -f /etc/nginx/snippets/peerfeed.conf

# purge: says so, then the state directory and the conffiles go.
ok "dpkg --purge peerfeed" sh -c 'dpkg --purge peerfeed >/tmp/purge.out 2>&1'
ok "purge says it deletes $S" grep -q "purge deletes /var/lib/peerfeed" /tmp/purge.out
fails "purged: $S" test -e "$S"
fails "purged: /etc/nginx/snippets/peerfeed.conf" test -e /etc/nginx/snippets/peerfeed.conf
fails "purged: the lighttpd snippet" test -e /etc/lighttpd/conf-available/50-peerfeed.conf
fails "purged: the timer's enablement link" test -L "$W/timers.target.wants/peerfeed-fetch.timer"
left() { find / -xdev -name '*peerfeed*' -not -path '/tmp/*' | tee /tmp/left.out |
    grep -q .; }
fails "purge leaves no file named peerfeed (the user stays, as documented)" left
cat /tmp/left.out
done_testing
