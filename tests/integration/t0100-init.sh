#!/bin/bash
# covers: src/cli/main_cli.c src/cli/cli_admin.c src/lib/node.c src/lib/keyring.c src/lib/store.c src/lib/qr.c
# t0100-init: a node's identity: init, refusals, id in every form, --help.
. "$(dirname "$0")/lib.sh"

ok "init creates the node" make_node alice "Alice Example"
FPR=$(fpr_of alice)
ok "fingerprint is 40 hex digits" grep -Eq '^[0-9A-F]{40}$' <<<"$FPR"

# The key is ed25519 (sign) with a cv25519 subkey (encrypt), no passphrase.
pgp alice --with-colons --list-secret-keys >"$T/sec"
ok "primary key is ed25519" grep -Eq '^sec:u:255:22:.*:ed25519:' "$T/sec"
ok "subkey is cv25519 for encryption" grep -Eq '^ssb:u:255:18:.*:e:.*:cv25519:' "$T/sec"
ok "key signs without a passphrase" pgp alice --pinentry-mode error \
    --detach-sign --output "$T/x.sig" "$T/sec"

fails "a second init refuses to replace the identity" \
    pf alice init --name "Mallory"
pf alice init --name Mallory 2>"$T/err"
ok "and says why" grep -q "already holds the identity $FPR" "$T/err"
ok "the original key is still there" test "$(fpr_of alice)" = "$FPR"

LONG=$T/$(printf 'd%.0s' $(seq 1 110))
fails "a state directory too long for gpg-agent's socket is refused" \
    "$PEERFEED" -d "$LONG" init --name Long
"$PEERFEED" -d "$LONG" init --name Long 2>"$T/err"
ok "with a message saying the path is too long" grep -qi "too long" "$T/err"

pf alice id >"$T/id"
ok "id shows the fingerprint" grep -q "fingerprint: $FPR" "$T/id"
ok "id shows the openpgp4fpr URI" grep -q "openpgp4fpr:$FPR" "$T/id"
ok "id shows the URL" grep -q "http://127.0.0.1/peerfeed" "$T/id"
pf alice id --export >"$T/alice.asc"
ok "id --export is an armored public key" \
    grep -q "BEGIN PGP PUBLIC KEY BLOCK" "$T/alice.asc"
mkdir -m 700 "$T/g"
track_gnupghome "$T/g"
gpg --homedir "$T/g" --batch --import "$T/alice.asc" 2>/dev/null
ok "gpg imports it with the same fingerprint" \
    sh -c "gpg --homedir '$T/g' --with-colons --list-keys | grep -q 'fpr:::::::::$FPR:'"
pf alice id --qr >"$T/qr"
ok "id --qr draws a QR code" grep -q "█" "$T/qr"
ok "id --qr prints the URI under it" grep -q "openpgp4fpr:$FPR" "$T/qr"
pf alice id --json >"$T/id.json"
ok "id --json is JSON with the fingerprint" node -e \
    "const j=JSON.parse(require('fs').readFileSync('$T/id.json','utf8')); if (j.fingerprint !== '$FPR') process.exit(1)"

for c in init id post edit delete list show reindex check friend group block unblock; do
	ok "$c --help" sh -c "'$PEERFEED' $c --help | grep -q 'usage: peerfeed'"
done
ok "--help lists the commands" sh -c "'$PEERFEED' --help | grep -q reindex"
"$PEERFEED" frobnicate 2>/dev/null
ok "an unknown command is a usage error (exit 2)" test $? -eq 2
"$PEERFEED" -d "$T/nowhere" list 2>"$T/err"
ok "a missing state directory is named" grep -q "$T/nowhere" "$T/err"
PEERFEED_HOME="$T/alice" "$PEERFEED" id --fpr >"$T/env"
ok "PEERFEED_HOME selects the state directory" test "$(cat "$T/env")" = "$FPR"

done_testing
