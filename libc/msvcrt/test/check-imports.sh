#!/bin/sh
# libc/msvcrt/test/check-imports.sh DLL PROGRAM.exe... - lists every msvcrt.dll
# function or variable the programs import that DLL does not export (with
# the program importing it); exits 1 if there is any.
set -eu
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
dll=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Export names: the lines of the export table after "[Ordinal/Name Pointer] Table".
$OBJDUMP -p "$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
	sed -n 's/^[[:space:]]*\[[[:space:]]*[0-9]*\] \([^ ]*\).*/\1/p' | sort -u > "$tmp/exports"
status=0
for exe in "$@"; do
	# Imports from msvcrt.dll: "hint name" rows of its import block.
	$OBJDUMP -p "$exe" | awk '/DLL Name:/ { in_crt = tolower($3) == "msvcrt.dll"; next }
		in_crt && NF == 3 && $1 ~ /^[0-9a-f]+$/ { print $3 }' | sort -u > "$tmp/imports"
	missing=$(comm -23 "$tmp/imports" "$tmp/exports")
	if [ -n "$missing" ]; then
		echo "$exe: missing $(echo $missing)"
		status=1
	fi
done
exit $status
