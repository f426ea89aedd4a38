#!/bin/bash
# tests/deb/arm64.sh: run inside the arm64 cross root by deploy/build-deb
# (PF_DEB_TEST=1), in the tree the cross build left configured for arm64:
# the arm64 unit tests, then a small end-to-end with the packaged arm64
# programs (init, post, list, check --verify), all under qemu-user.
# There is no binfmt_misc here, so each arm64 program runs as
# "qemu-aarch64-static PROG"; gpg, which they start, is the root's own.
#   arm64.sh TREE
top_srcdir=/tmp/pf-deb PEERFEED=/bin/false
. /tmp/pf-deb/lib.sh
tree=$1
Q=qemu-aarch64-static
arm() { file -L "$1" | grep -q 'ARM aarch64'; }

units=$(cd "$tree" && echo tests/unit/test_*.c | sed 's/\.c//g')
unit() { make -s -C "$tree" check TESTS="$units" LOG_COMPILER=$Q >/dev/null 2>&1; }
ok "the unit tests build for arm64 and pass under qemu" unit
for t in $units; do
	r=$(sed -n 's/^:test-result: //p' "$tree/$t.trs" 2>/dev/null)
	echo "# $t: ${r:-no result}"
	[ "$r" = PASS ] || sed 's/^/#   /' "$tree/$t.log" 2>/dev/null | tail -40
done
ok "test_util is an arm64 program" arm "$tree/tests/unit/test_util"

B=$tree/debian/peerfeed/usr/bin
ok "the packaged peerfeed is an arm64 program" arm "$B/peerfeed"
ok "the packaged peerfeed.fcgi is an arm64 program" arm "$tree/debian/peerfeed/usr/sbin/peerfeed.fcgi"
p() { $Q "$B/peerfeed" -d "$T/n" "$@"; }
ok "arm64 peerfeed init" p init --name Pi --url http://raspberrypi.local/peerfeed
track_gnupghome "$T/n/gnupg"
ok "arm64 peerfeed post" p post "posted on arm64"
listed() { p list | grep -q "posted on arm64"; }
ok "arm64 peerfeed list shows the post" listed
ok "arm64 peerfeed check --verify" p check --verify
ok "arm64 peerfeed-fetch with no friends" $Q "$B/peerfeed-fetch" -q -d "$T/n"
done_testing
