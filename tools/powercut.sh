#!/bin/sh
# tools/powercut.sh ISO IMG LOG - the power-cut test's first half (issue 19).
# Makes IMG a fresh C: volume, boots ISO (run=files_powercut.exe with the
# argument "write") on it and kills QEMU with SIGKILL once the program has
# flushed its files and started unflushed work ("powercut: cut now"): no
# shutdown, no flush.  Then checks the image: fsck.fat -n must find nothing to
# repair (the unflushed work leaves no lost chains, no cross-links) and the
# flushed files' directory must be there (mtools).  The second half is the 64M
# test boot, which runs on IMG: files_powercut.exe without arguments reads
# every flushed file back byte by byte.
# Prints "powercut: PASS|FAIL ..." lines and "powercut: N passed, N failed".
iso=$1 img=$2 log=$3
PATH=$PATH:/usr/sbin:/sbin
pass=0 fail=0
ok() { echo "powercut: PASS $1"; pass=$((pass + 1)); }
bad() { echo "powercut: FAIL $1"; fail=$((fail + 1)); }
if tools/mkdisk.sh "$img" "${DISK_SIZE:-512M}" &&
   DISK_IMG=$img CUT_AT="powercut: cut now" TIMEOUT=${TIMEOUT:-120} tools/qemu-run.sh "$iso" "$log" quiet; then
	ok "QEMU killed after the flushes"
	out=$(fsck.fat -n "$img" 2>&1); rc=$?
	if [ "$rc" = 0 ]; then
		ok "fsck.fat -n clean after the cut"
	else
		bad "fsck.fat -n after the cut (exit $rc)"
		echo "$out" | sed 's/^/  /'
	fi
	if MTOOLS_SKIP_CHECK=1 mdir -i "$img" ::/PCUT > /dev/null 2>&1; then
		ok "C:\\PCUT on the cut image"
	else
		bad "C:\\PCUT missing on the cut image"
	fi
else
	bad "boot of files_powercut.exe write (log: $log)"
	tr -d '\r' < "$log" | tail -n 15 | sed 's/^/  /'
fi
echo "powercut: $pass passed, $fail failed"
[ "$fail" = 0 ]
