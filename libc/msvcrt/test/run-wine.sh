#!/bin/sh
# libc/msvcrt/test/run-wine.sh MSVCRT.DLL OUTDIR - builds args_test.exe and
# crt_test.exe into OUTDIR and runs them under wine64: args_test with its
# splitter linked in statically, crt_test on the given msvcrt.dll (copied
# beside it and forced with WINEDLLOVERRIDES=msvcrt=n).  Exits non-zero on
# any failure.  Needs wine64 (Debian: /usr/lib/wine/wine64).
set -eu
dll=$1
out=$2
here=$(dirname "$0")
CC=${CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
mkdir -p "$out"
$CC -O1 -Wall -Wextra -Werror -I"$here/.." "$here/args_test.c" "$here/../args.c" -o "$out/args_test.exe"
$CC -O1 -D__USE_MINGW_ANSI_STDIO=0 -Wno-format -Wno-format-extra-args "$here/crt_test.c" -o "$out/crt_test.exe"
cp "$dll" "$out/msvcrt.dll"
export WINEPREFIX="${WINEPREFIX:-$(cd "$out" && pwd)/wineprefix}" WINEDEBUG=-all
cd "$out"
timeout 120 "$WINE" args_test.exe
WINEDLLOVERRIDES=msvcrt=n timeout 120 "$WINE" crt_test.exe x "y z"
