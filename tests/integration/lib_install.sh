# lib_install.sh: make install into a DESTDIR, for the install and deploy
# tests (source after lib.sh).  make check passes the configured paths
# (PF_BINDIR, ...) in the environment; R is the DESTDIR, and IBIN, ISBIN,
# IMAN, IDOC and IEX are where the programs, the man pages, the documents
# and the examples land under it.

if [ -z "${PF_BINDIR:-}" ] || [ -z "${PF_DOCDIR:-}" ]; then
	echo "FAIL: run through make check (the PF_*DIR paths are missing)"
	exit 99
fi
R=$T/root
IBIN=$R$PF_BINDIR
ISBIN=$R$PF_SBINDIR
IMAN=$R$PF_MANDIR
IDOC=$R$PF_DOCDIR
IEX=$IDOC/examples

# destdir_install / destdir_uninstall: make (un)install with DESTDIR=$R.
destdir_install() {
	make -s -C "$top_builddir" install DESTDIR="$R"
}
destdir_uninstall() {
	make -s -C "$top_builddir" uninstall DESTDIR="$R"
}

# installed_paths FILE: FILE with the install paths moved under $R, so
# a unit or cron line runs the programs installed there.
installed_paths() {
	sed -e "s|$PF_SBINDIR/|$ISBIN/|g" -e "s|$PF_BINDIR/|$IBIN/|g" "$1"
}

need make
