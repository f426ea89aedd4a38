#!/bin/bash
# tests/deb/arm64.sh: run inside the arm64 cross root by deploy/build-deb
# (PF_DEB_TEST=1), in the tree the cross build left configured for arm64:
# the arm64 unit tests, then a small end-to-end with the packaged arm64
# programs (init, post, list, check --verify), all under qemu-user.
# There is no binfmt_misc here, so each arm64 program runs as
# "qemu-aarch64-static PROG" (see qemu-run below for a test that starts
# itself again); gpg, which they start, is the root's own.
#   arm64.sh TREE
top_srcdir=/tmp/pf-deb PEERFEED=/bin/false
. /tmp/pf-deb/lib.sh
tree=$1
Q=qemu-aarch64-static
arm() { file -L "$1" | grep -q 'ARM aarch64'; }

units=$(cd "$tree" && echo tests/unit/test_*.c | sed 's/\.c//g')
# A unit test that runs itself again (test_index execs argv[0]) needs
# binfmt_misc to start an arm64 program; without it, each test runs as a
# script that runs qemu on the test with argv[0] naming the script.
cat >"$T/qemu-run" <<'EOS'
#!/bin/sh
prog=$(realpath "$1"); shift
printf '#!/bin/sh\nexec qemu-aarch64-static -0 "$0" %s "$@"\n' "$prog" >"$prog.qemu" &&
    chmod +x "$prog.qemu" && exec "$prog.qemu" "$@"
EOS
chmod +x "$T/qemu-run"
unit() { make -s -C "$tree" check TESTS="$units" LOG_COMPILER="$T/qemu-run" >/dev/null 2>&1; }
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
