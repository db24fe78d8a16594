#!/bin/bash
# tools/bochs-run.sh - boot an ISO in Bochs with a CPU that has PCID and INVPCID
# (QEMU 7.2's TCG has neither; docs/smp.md, PCIDs), COM1 to LOG, until the
# kernel's "poweroff:" line or TIMEOUT seconds (default 1800).
#
# usage: tools/bochs-run.sh ISO LOG [CPUS]
# Needs Debian's bochs, bochsbios and vgabios.  No virtio: no pagefile, no C:
# drive, so boot the programs as modules ("test=PATTERN utests").  Bochs 2.7
# there has its debugger built in (it stops before the first instruction: the
# "6" starts the simulation from the menu, the "c" continues from the
# debugger prompt), the rfb display needs timeout=0 to run without a viewer,
# and the default VGA extension and ALSA sound crash it.  Exit status: the
# N of the kernel's "poweroff: status N" (1 if none).
set -u
iso=$1 log=$2 ncpu=${3:-2} limit=${TIMEOUT:-1800}
command -v bochs > /dev/null || { echo "bochs-run: bochs is not installed" >&2; exit 2; }
: > "$log"
bx=$(mktemp -d)
( printf '6\n'; sleep 5; printf 'c\n'; sleep "$limit" ) > "$bx/in" &
feeder=$!
bochs -n 'megs: 512' 'romimage: file=/usr/share/bochs/BIOS-bochs-latest' \
	'vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest' 'vga: extension=none' \
	"cpu: model=corei7_haswell_4770, count=$ncpu, ips=200000000" \
	"ata0-master: type=cdrom, path=$iso, status=inserted" 'boot: cdrom' \
	"com1: enabled=1, mode=file, dev=$log" 'display_library: rfb, options="timeout=0"' \
	"log: $bx/bochs.log" 'clock: sync=none' 'speaker: enabled=0' \
	'sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy' < <(tail -f "$bx/in") > "$bx/out" 2>&1 &
sim=$!
start=$(date +%s)
while kill -0 "$sim" 2> /dev/null && ! grep -aq '^poweroff:' "$log" && [ $(( $(date +%s) - start )) -lt "$limit" ]; do
	sleep 2
done
kill "$sim" "$feeder" 2> /dev/null
wait "$sim" 2> /dev/null
st=$(tr -d '\r' < "$log" | sed -n 's/^poweroff: status \([0-9]*\).*/\1/p' | tail -n 1)
rm -rf "$bx"
[ -n "$st" ] || { echo "bochs-run: no poweroff line in $log" >&2; exit 1; }
exit $(( st > 255 ? 1 : st ))
