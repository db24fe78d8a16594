#!/bin/sh
# tools/compare.sh EXE OUTDIR [ARGS...] - run one Windows program on our kernel
# (make run, with the same exe) and under Wine, then print both outputs side
# by side and the lines that differ.  Exit status 0 when the two outputs and
# exit codes agree, 1 when they differ, 2 when Wine is missing.
# Used by `make compare PROG=file.c [ARGS=...]`; the make variables reach the
# kernel run through the environment (B, TIMEOUT, ...).
set -u
exe=$1 out=$2
shift 2
mkdir -p "$out"
# Debian's wine64 package puts its loader in /usr/lib/wine.
wine=$(command -v wine64 || command -v wine || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; })
[ -n "$wine" ] || {
	echo "compare: Wine is not installed (tools/setup.sh --wine installs it)" >&2
	exit 2
}
# Ours: the same exe through make run (its stdout is the program's stdout).
make -s B="${B:-build}" run PROG="$exe" ARGS="$*" > "$out/ours.raw" 2> "$out/ours.err"
ours_rc=$?
# Both sides write CR LF (msvcrt's text mode); compare lines.
tr -d '\r' < "$out/ours.raw" > "$out/ours.txt"
# make itself exits 2 on any failure: the program's status is in make run's own line.
[ "$ours_rc" = 0 ] || ours_rc=$(sed -n 's/^make run: exit code \([0-9]*\).*/\1/p' "$out/ours.err" | tail -n 1)
# Wine, in a prefix of our own so the user's ~/.wine is left alone.
export WINEPREFIX="$(cd "$out" && pwd)/wineprefix" WINEDEBUG=-all
cp "$exe" "$out/prog.exe"
timeout -k 5 "${TIMEOUT:-60}" "$wine" "$out/prog.exe" "$@" < /dev/null > "$out/wine.raw" 2> "$out/wine.err"
wine_rc=$(( $? & 255 ))
tr -d '\r' < "$out/wine.raw" > "$out/wine.txt"
printf '%-78s | %s\n' "ours (exit $ours_rc)" "Wine (exit $wine_rc)"
printf '%.78s-+-%.78s\n' "-------------------------------------------------------------------------------" \
	"-------------------------------------------------------------------------------"
diff -y -t -W 160 "$out/ours.txt" "$out/wine.txt"
same=$?
echo
if [ "$same" = 0 ] && [ "$ours_rc" = "$wine_rc" ]; then
	echo "compare: same output and exit code"
	exit 0
fi
echo "compare: lines that differ (< ours, > Wine):"
diff "$out/ours.txt" "$out/wine.txt"
[ "$ours_rc" = "$wine_rc" ] || echo "compare: exit codes differ: ours $ours_rc, Wine $wine_rc"
exit 1
