# lib_compat.sh: the first released version, v0.1.0, built from the
# repository's own history (git archive of the tag, or of its commit when
# the tag is missing; no network), for the compatibility tests (source
# after lib.sh).  The build is cached under the build directory, keyed by
# commit, so the compatibility tests of one make check build it once.
# Sets OLD_PEERFEED, OLD_FCGI, OLD_FETCH; old NODE CMD... runs CMD (a lib
# function such as pf, fetch, start_responder) with the old programs.

COMPAT_TAG=v0.1.0
COMPAT_COMMIT=5c169ff

# The history is the checkout's the sources are in, or
# PEERFEED_COMPAT_REPO's (tests/mutants/run sets it for its copy).
# A tarball (make distcheck) has no history to build the old version from:
# that is no missing component, so the test skips even when
# PEERFEED_TEST_REQUIRE is set.
history=${PEERFEED_COMPAT_REPO:-$top_srcdir}
if ! git -C "$history" rev-parse --git-dir >/dev/null 2>&1; then
	echo "SKIP: $history is not a git checkout: $COMPAT_TAG is built from the repository's history"
	exit 77
fi
need autoreconf make cc flock
# The top of the checkout: the sources may be a copy inside it (tests/check
# builds the sanitizer run in build-asan/tree), and git archive run in a
# subdirectory would archive only that subdirectory.
repo=$(git -C "$history" rev-parse --show-toplevel)
commit=$(git -C "$history" rev-parse -q --verify "$COMPAT_TAG^{commit}" ||
    git -C "$history" rev-parse -q --verify "$COMPAT_COMMIT^{commit}") ||
    skip "neither $COMPAT_TAG nor $COMPAT_COMMIT is in the history (a shallow clone?)"

# build_old DIR: archive, configure and build the programs of $commit in DIR.
build_old() {
	rm -rf "$1" && mkdir -p "$1/src" &&
	    git -C "$repo" archive "$commit" | tar -x -C "$1/src" &&
	    (cd "$1/src" && autoreconf -fi && ./configure CFLAGS=-O1 &&
	    make -j2 src/peerfeed src/peerfeed.fcgi src/peerfeed-fetch) \
	    >"$1/build.log" 2>&1 && touch "$1/done"
}

COMPAT_DIR="$top_builddir/tests/compat/$commit"
mkdir -p "$top_builddir/tests/compat" || exit 99
(
	flock 9
	[ -f "$COMPAT_DIR/done" ] || build_old "$COMPAT_DIR" ||
	    { tail -20 "$COMPAT_DIR/build.log"; exit 1; }
) 9>"$top_builddir/tests/compat/lock" || { echo "building $COMPAT_TAG failed"; exit 99; }
OLD_PEERFEED="$COMPAT_DIR/src/src/peerfeed"
OLD_FCGI="$COMPAT_DIR/src/src/peerfeed.fcgi"
OLD_FETCH="$COMPAT_DIR/src/src/peerfeed-fetch"

# old CMD...: CMD with v0.1.0's programs.
old() {
	PEERFEED=$OLD_PEERFEED PEERFEED_FCGI=$OLD_FCGI PEERFEED_FETCH=$OLD_FETCH "$@"
}
