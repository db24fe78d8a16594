#!/bin/sh
# tools/ioerr-disk.sh IMG CONF [SIZE] - the disk of the error-injection test
# (tests/user/files_ioerr.c): a fresh C: volume (tools/mkdisk.sh) holding
# C:\IOERR\RBAD.DAT (256 KiB) and C:\IOERR\WBAD.DAT (64 KiB), both the line
# "IOERR-DATA-0123456789abcdef-" repeated, and CONF, a QEMU blkdebug rule file
# that fails (EIO) every read of a sector in RBAD.DAT's page 20 and every
# write of a sector in WBAD.DAT's page 5.  Attach it with
# -drive file=blkdebug:CONF:IMG,format=raw (DISK_DRIVE of tools/qemu-run.sh).
set -eu
PATH=$PATH:/usr/sbin:/sbin
img=$1 conf=$2 size=${3:-512M}
dir=$conf.files
rm -rf "$dir"
mkdir -p "$dir/IOERR"
yes 'IOERR-DATA-0123456789abcdef-' | head -c 262144 > "$dir/IOERR/RBAD.DAT"
yes 'IOERR-DATA-0123456789abcdef-' | head -c 65536 > "$dir/IOERR/WBAD.DAT"
tools/mkdisk.sh "$img" "$size" "$dir"
# The first cluster of a file that must be one contiguous run (a fresh volume).
first() {
	c=$(MTOOLS_SKIP_CHECK=1 mshowfat -i "$img" "::/IOERR/$1" | sed -n 's/^[^<]*<\([0-9]*\)-[0-9]*>$/\1/p')
	[ -n "$c" ] || { echo "ioerr-disk: $1 is not one run of clusters" >&2; exit 1; }
	echo "$c"
}
u() { od -A n -t "u$2" -j "$1" -N "$2" "$img" | tr -d ' '; }
spc=$(u 13 1) reserved=$(u 14 2) nfats=$(u 16 1) fatsz=$(u 36 4)
data=$((reserved + nfats * fatsz))
rsec=$((data + ($(first RBAD.DAT) - 2) * spc + 20 * spc + 3))
wsec=$((data + ($(first WBAD.DAT) - 2) * spc + 5 * spc + 1))
cat > "$conf" <<CONF
# made by tools/ioerr-disk.sh for $img: RBAD.DAT page 20, WBAD.DAT page 5 (4 KiB clusters)
[inject-error]
event = "read_aio"
iotype = "read"
errno = "5"
sector = "$rsec"
once = "off"

[inject-error]
event = "write_aio"
iotype = "write"
errno = "5"
sector = "$wsec"
once = "off"
CONF
