#!/bin/bash
# covers: src/cli/cli_friend.c src/lib/node_friend.c src/lib/keyring.c src/lib/group.c src/lib/friend.c
# t0130-friends: friends, groups and blocks live in the keyring, where plain
# gpg sees them; bad key files are refused.
. "$(dirname "$0")/lib.sh"

for n in alice bob carol dave; do
	make_node $n "${n^}" || exit 99
	pf $n id --export >"$T/$n.asc"
done
BOB=$(fpr_of bob)
CAROL=$(fpr_of carol)
DAVE=$(fpr_of dave)

ok "friend add with a group and a URL" pf alice friend add "$T/bob.asc" \
    --group family --url http://127.0.0.1:1/peerfeed
ok "friend add from standard input" sh -c "'$PEERFEED' -d '$T/alice' friend add - <'$T/carol.asc'"
ok "friend add checks an expected fingerprint" pf alice friend add "$T/dave.asc" --fpr "$DAVE"
ok "state.json keeps the URL" grep -q "http://127.0.0.1:1/peerfeed" "$T/alice/friends/$BOB/state.json"
pf alice friend list >"$T/list"
ok "friend list shows all three" test "$(grep -c '  ok ' "$T/list")" -eq 3
ok "friend list shows the group" grep -q "$BOB.*groups: family" "$T/list"

pgp alice --list-config --with-colons >"$T/cfg"
ok "gpg sees the group" grep -q "^cfg:group:family:$BOB\$" "$T/cfg"
ok "group add" pf alice group add family "$CAROL"
pgp alice --list-config --with-colons >"$T/cfg"
ok "gpg sees both members" sh -c "grep '^cfg:group:family:' '$T/cfg' | grep -q '$BOB' &&
    grep '^cfg:group:family:' '$T/cfg' | grep -q '$CAROL'"
ok "group add to a second group" pf alice group add work "$CAROL" "$DAVE"
pf alice group list >"$T/groups"
ok "group list" sh -c "grep -q '^family: $BOB $CAROL' '$T/groups' && grep -q '^work: $CAROL $DAVE' '$T/groups'"
ok "group remove a member" pf alice group remove family "$BOB"
pgp alice --list-config --with-colons >"$T/cfg"
ok "gpg sees the change" grep -q "^cfg:group:family:$CAROL\$" "$T/cfg"
ok "group remove a whole group" pf alice group remove work
ok "the group is gone" sh -c "! pgp alice --list-config --with-colons | grep -q ':work:'"

# A post to an audience nobody can read yet is made, with a warning.
pf alice post --to group:family --to "key:$DAVE" "for readers" >/dev/null 2>"$T/err"
ok "a post to a group with members and to a friend: no warning" test ! -s "$T/err"
ID=$(pf alice post --to group:work --to key:0123456789ABCDEF0123456789ABCDEF01234567 \
    "for nobody yet" 2>"$T/err")
check "a post to an empty group and a stranger's key is still made"
ok "it is listed" grep -q "^$ID " <(pf alice list)
grep -q "warning: group:work has no members" "$T/err" &&
    grep -q "warning: key:0123456789ABCDEF0123456789ABCDEF01234567 is not a friend's key" "$T/err"
check "and each of those audiences gets a warning"
pf alice edit "$ID" --to group:nobody "still for nobody" >/dev/null 2>"$T/err"
ok "so does an edit's new audience" grep -q "warning: group:nobody has no members" "$T/err"
fails "a group member must be a known key" pf alice group add family 0123456789ABCDEF0123456789ABCDEF01234567
fails "bad group names are refused" pf alice group add 'fam ily' "$BOB"

ok "block" pf alice block "$DAVE"
pgp alice --with-colons --list-keys "$DAVE" >"$T/keys"
ok "gpg shows the key disabled" sh -c "grep '^pub:' '$T/keys' | cut -d: -f12 | grep -q D"
ok "friend list shows it blocked" sh -c "'$PEERFEED' -d '$T/alice' friend list | grep -q '$DAVE  blocked'"
ok "unblock" pf alice unblock "$DAVE"
pgp alice --with-colons --list-keys "$DAVE" >"$T/keys"
ok "gpg shows it enabled again" sh -c "! grep '^pub:' '$T/keys' | cut -d: -f12 | grep -q D"
fails "the own key cannot be blocked" pf alice block "$(fpr_of alice)"

# Refusals: several keys, a secret key, an oversize key, a wrong fingerprint.
make_node eve "Eve" || exit 99
make_node frank "Frank" || exit 99
pf eve id --export >"$T/eve.asc"
cat "$T/bob.asc" "$T/eve.asc" >"$T/two.asc"
pgp eve --export "$(fpr_of eve)" >"$T/eve.gpg"
pgp frank --export "$(fpr_of frank)" >>"$T/eve.gpg"
fails "a file with two keys is refused" pf alice friend add "$T/two.asc"
pf alice friend add "$T/two.asc" 2>"$T/err"
ok "and the message says so" grep -qi "more than one key\|2 keys\|one key" "$T/err"
fails "a binary file with two keys is refused" pf alice friend add "$T/eve.gpg"
ok "neither key was imported" sh -c "! pgp alice --list-keys '$(fpr_of eve)' >/dev/null 2>&1"
pgp eve --pinentry-mode loopback --passphrase '' --armor --export-secret-keys >"$T/secret.asc"
fails "a secret key is refused" pf alice friend add "$T/secret.asc"
pf alice friend add "$T/secret.asc" 2>"$T/err"
ok "and the message says so" grep -qi "secret" "$T/err"
head -c 70000 /dev/urandom | base64 >"$T/huge.asc"
fails "an oversize key is refused" pf alice friend add "$T/huge.asc"
fails "a key not matching --fpr is refused" pf alice friend add "$T/eve.asc" --fpr "$BOB"
fails "garbage is refused" pf alice friend add /etc/hostname
fails "the own key is refused as a friend" pf alice friend add <(pf alice id --export)

ok "friend remove" pf alice friend remove "$CAROL"
ok "the key is gone from the keyring" sh -c "! pgp alice --list-keys '$CAROL' >/dev/null 2>&1"
ok "and from its groups" sh -c "! pgp alice --list-config --with-colons | grep -q '$CAROL'"

done_testing
