#!/bin/bash
# tests/lint/check-status.sh: fail on a `check` whose arguments run a
# command substitution.  check reports "$?", and a $(...) or `...` in its
# description runs before it and resets "$?" to its own status: such a
# check passes whatever the command before it did.  Build the description
# first (desc="... $(...)"; CMD; check "$desc").
cd "${top_srcdir:-.}" || exit 99
bad=$(grep -nE '(^|[;&|{(]|then|else|do)[[:space:]]*check[[:space:]][^#]*(\$\(|`)' \
    tests/integration/*.sh tests/hostile/*.sh tests/hostile/*/*.sh 2>/dev/null)
if [ -n "$bad" ]; then
	echo "check with a command substitution in its arguments (it cannot fail):"
	echo "$bad"
	exit 1
fi
n=$(grep -cE '(^|[;&|{(]|then|else|do)[[:space:]]*check[[:space:]]' \
    tests/integration/*.sh | awk -F: '{ s += $2 } END { print s }')
# The grep itself must see the checks it guards.
[ "${n:-0}" -gt 100 ] || { echo "found only ${n:-0} checks: is the pattern right?"; exit 1; }
echo "ok: $n checks, none with a command substitution in its arguments"
