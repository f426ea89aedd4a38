#!/bin/bash
# covers: src/cli/cli_admin.c src/cli/cli_post.c src/lib/node.c src/lib/post.c src/lib/json.c
# t0813-hostile-cli: the owner's CLI against tests/hostile/cli/ (at least 50
# cases).  Post files edited by hand in posts/ (bad JSON, NUL, duplicate
# keys, an id that is not the file name, someone else's attributedTo, a
# signature that no longer fits, stray files, a FIFO, a symlink out): check
# must name the file and the rule, reindex must keep every other post,
# list and show must not crash, and nothing may rewrite or delete the
# edited file.  Out-of-range arguments must fail with a message and leave
# the store as it was.  The node is restored from a copy after each case.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/hostile/lib_hostile.sh"

make_node a Alice || exit 99
make_node o Other || exit 99
for i in 1 2 3 4; do
	pf a post "post $i" >/dev/null || exit 99
done
pf a post --to group:family "family" >/dev/null || exit 99
python3 - "$T/vars.json" <<EOV || exit 99
import json, sys
json.dump({"PEERFEED": "$PEERFEED", "NODE": "$T/a", "T": "$T",
           "OTHER": "$(fpr_of o)", "F": "$(fpr_of o)"}, open(sys.argv[1], "w"))
EOV
pf a check >/dev/null || exit 99
n=$(ls "$HOSTILE_DIR/cli" | grep -c '\.case$')
[ "$n" -ge 50 ]
check "cli: $n cases (at least 50)"
python3 "$HOSTILE_DIR/hostile.py" cli "$T/vars.json" "$HOSTILE_DIR/cli" \
    >"$T/cli.tap"
rc=$?
grep -v '^ok ' "$T/cli.tap"
[ $rc = 0 ]
check "cli: every case gives a clear error and loses nothing"
pf a check --verify
check "the restored node is whole: files, index and signatures agree"

done_testing
