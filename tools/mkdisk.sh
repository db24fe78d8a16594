#!/bin/sh
# tools/mkdisk.sh IMG SIZE [DIR] - make IMG a fresh FAT32 volume of SIZE bytes
# (truncate(1) syntax: 512M), the C: drive, with dosfstools' mkfs.fat, and copy
# the contents of the host directory DIR (if given) onto its root with mtools.
# DISK_SYSTEM32 (environment): files copied into C:\Windows\System32 (our DLLs:
# the loader looks there for a DLL a program imports); DISK_ROOT: files copied
# into C:\ (programs `make run` starts from the disk, the image tests' files).
# 4 KiB clusters (-s 8: one page per cluster; FAT32 needs at least 65525 clusters,
# so SIZE must be above 260M), label WINMM, a sparse file.
set -eu
PATH=$PATH:/usr/sbin:/sbin
img=$1 size=$2 dir=${3:-}
mkdir -p "$(dirname "$img")"
rm -f "$img"
truncate -s "$size" "$img"
mkfs.fat -F 32 -s 8 -n WINMM "$img" > /dev/null
# C:\TEMP: kernel32's GetTempPath falls back to it (there is no TMP/TEMP variable).
MTOOLS_SKIP_CHECK=1 mmd -i "$img" ::/TEMP
if [ -n "${DISK_SYSTEM32:-}" ]; then
	MTOOLS_SKIP_CHECK=1 mmd -i "$img" ::/Windows ::/Windows/System32
	# shellcheck disable=SC2086
	MTOOLS_SKIP_CHECK=1 mcopy -Q -i "$img" $DISK_SYSTEM32 ::/Windows/System32/
fi
if [ -n "${DISK_ROOT:-}" ]; then
	# shellcheck disable=SC2086
	MTOOLS_SKIP_CHECK=1 mcopy -Q -i "$img" $DISK_ROOT ::/
fi
if [ -n "$dir" ]; then
	[ -d "$dir" ] || { echo "mkdisk: FILES=$dir is not a directory" >&2; exit 1; }
	# mcopy -s copies directories recursively; an empty DIR copies nothing.
	if [ -n "$(ls -A "$dir")" ]; then
		MTOOLS_SKIP_CHECK=1 mcopy -s -Q -i "$img" "$dir"/* ::/
	fi
fi
