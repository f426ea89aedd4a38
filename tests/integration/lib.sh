# lib.sh: shared set-up for the shell integration tests (cgit, jq style).
# Each test sources this file, gets a private temp dir $T with short paths,
# and everything it starts is stopped by PID on exit.
#
# Exit codes follow Automake: 0 pass, 1 fail, 77 skip, 99 hard error.
# A missing tool skips, unless PEERFEED_TEST_REQUIRE is set (CI sets it).

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${PEERFEED:=$top_builddir/src/peerfeed}"
export top_srcdir top_builddir PEERFEED

T=$(mktemp -d /tmp/pf.XXXXXX) || exit 99
PIDS=""
GNUPGHOMES=""
FAILS=0
TESTNO=0

# A PID with the start time of its process (field 22 of /proc/PID/stat), so
# cleanup never signals an unrelated process that reused the number.
pid_stamp() {
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	set -- $s
	echo "${20}"
}

cleanup() {
	for e in $PIDS; do
		p=${e%%:*}
		[ "$(pid_stamp "$p")" = "${e#*:}" ] && kill "$p" 2>/dev/null
	done
	for e in $PIDS; do
		wait "${e%%:*}" 2>/dev/null
	done
	for h in $GNUPGHOMES; do
		gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	if [ "${PF_KEEP:-}" = "" ]; then
		rm -rf "$T"
	else
		echo "# kept $T"
	fi
}
trap cleanup EXIT
trap 'exit 99' INT TERM

# skip WHY: skip the whole test, or fail it when PEERFEED_TEST_REQUIRE is set.
skip() {
	if [ -n "${PEERFEED_TEST_REQUIRE:-}" ]; then
		echo "FAIL: required component missing: $*"
		exit 99
	fi
	echo "SKIP: $*"
	exit 77
}

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || \
		    [ -x "/usr/sbin/$c" ] || skip "$c not installed"
	done
}

# Remember a GNUPGHOME whose agent must be killed at exit.
track_gnupghome() {
	GNUPGHOMES="$GNUPGHOMES $1"
}

# Remember a PID to stop at exit.
track_pid() {
	PIDS="$PIDS $1:$(pid_stamp "$1")"
}

# ok DESCRIPTION CMD...: run CMD, report, count a failure.
ok() {
	desc=$1; shift
	TESTNO=$((TESTNO + 1))
	if "$@" >"$T/ok.out" 2>&1; then
		echo "ok $TESTNO - $desc"
	else
		echo "not ok $TESTNO - $desc"
		sed 's/^/#   /' "$T/ok.out" | head -30
		FAILS=$((FAILS + 1))
	fi
}

# fails DESCRIPTION CMD...: CMD must exit non-zero.
fails() {
	desc=$1; shift
	TESTNO=$((TESTNO + 1))
	if "$@" >"$T/ok.out" 2>&1; then
		echo "not ok $TESTNO - $desc (unexpected success)"
		sed 's/^/#   /' "$T/ok.out" | head -30
		FAILS=$((FAILS + 1))
	else
		echo "ok $TESTNO - $desc"
	fi
}

# check DESCRIPTION: report the exit status of the last command.
check() {
	rc=$?
	TESTNO=$((TESTNO + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $TESTNO - $1"
	else
		echo "not ok $TESTNO - $1"
		FAILS=$((FAILS + 1))
	fi
}

# done_testing: exit with the test's result.
done_testing() {
	echo "# $TESTNO checks, $FAILS failed"
	[ $FAILS -eq 0 ] || exit 1
	exit 0
}

# pf NODE ARGS...: run the CLI on node directory $T/NODE.
pf() {
	node=$1; shift
	"$PEERFEED" -d "$T/$node" "$@"
}

# make_node NODE NAME: a fresh node with its own identity.
make_node() {
	pf "$1" init --name "$2" --email "$1@example.org" \
	    --url "http://127.0.0.1/peerfeed" >/dev/null || return 1
	track_gnupghome "$T/$1/gnupg"
}

# fpr_of NODE: the node's fingerprint.
fpr_of() {
	pf "$1" id --fpr
}

# png FILE BYTES: a real PNG of random RGB pixels, about BYTES long (so each
# one is new, and peerfeed, which decodes every picture, takes it).
png() {
	python3 - "$1" "$2" <<'PY'
import math, os, struct, sys, zlib
side = max(1, int(math.sqrt(int(sys.argv[2]) / 3)))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + os.urandom(3 * side) for _ in range(side))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
PY
}

# digest_of NODE ID: the digest of the (first) image of the node's post ID,
# as stored in media/ (peerfeed stores a cleaned copy, not the file given).
digest_of() {
	pf "$1" show "$2" --json |
	    sed -n 's/^ *"digest": "\([0-9a-f]\{64\}\)".*/\1/p' | head -1
}

# pgp NODE ARGS...: plain gpg on a node's keyring.
pgp() {
	node=$1; shift
	gpg --homedir "$T/$node/gnupg" --batch --no-tty "$@"
}

# free_port: an unused TCP port on 127.0.0.1, outside the kernel's range of
# ephemeral ports (so no outgoing connection can be holding it when a
# server binds it).  Nothing must answer on it.
free_port() {
	local lo hi base span
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null ||
	    { lo=32768; hi=60999; }
	if [ "$lo" -gt 12000 ]; then
		base=10000; span=$((lo - 10000))
	else
		base=$((hi + 1)); span=$((65535 - hi))
	fi
	while :; do
		port=$(( (RANDOM * 32768 + RANDOM) % span + base ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
}

# need_ajv: skip (with the reason) unless node and ajv are installed.
need_ajv() {
	local nm=${PEERFEED_NODE_MODULES:-$top_srcdir/tests/schema/node_modules}

	need node
	[ -d "$nm/ajv" ] && [ -d "$nm/ajv-formats" ] ||
	    skip "ajv not installed (run npm install in tests/schema)"
}

# schema_validate FILE...: validate post files with ajv (JSON Schema 2020-12).
schema_validate() {
	NODE_PATH="${PEERFEED_NODE_MODULES:-$top_srcdir/tests/schema/node_modules}" \
	    node "$top_srcdir/tests/schema/validate.cjs" "$top_srcdir/doc/schema" "$@"
}

# Debian's python3 directly: a version manager's shim (pyenv) costs a
# dozen processes per call, and the tests call it hundreds of times.
if [ -x /usr/bin/python3 ]; then
	python3() { /usr/bin/python3 "$@"; }
fi

need gpg gpgconf
