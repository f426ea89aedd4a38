#!/bin/bash
# covers: doc/schema/post.json doc/schema/common.json doc/schema/note.json doc/schema/event.json doc/schema/like.json doc/schema/activity.json doc/schema/tombstone.json
# t0120-schema.sh: doc/schema (JSON Schema 2020-12, checked by ajv) and the
# fixtures agree: every valid post is accepted, and every invalid one is
# refused, except the "parse-" files (duplicate keys, NUL, bad UTF-8, depth:
# JSON Schema never sees them) and the "relation-" files (rules across
# members, such as updated >= published, which only the C validator checks).
. "$(dirname "$0")/lib.sh"

need_ajv
fx=$top_srcdir/tests/fixtures/posts

# rejects FILE: ajv ran and found FILE invalid (exit 1, not a schema error).
rejects() {
	schema_validate "$1"
	[ $? -eq 1 ]
}

ok "schemas compile in strict mode" schema_validate "$fx/valid/note-text.json"
for f in "$fx"/valid/*.json; do
	ok "ajv accepts valid/${f##*/}" schema_validate "$f"
done
for f in "$fx"/invalid/*.json; do
	case ${f##*/} in
	parse-*|relation-*)
		continue ;;
	esac
	ok "ajv rejects invalid/${f##*/}" rejects "$f"
done
done_testing
