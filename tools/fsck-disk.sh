#!/bin/sh
# tools/fsck-disk.sh IMG NAME - check the FAT32 image IMG read-only (fsck.fat -n)
# after a test boot.  Prints "fsck: PASS NAME" or "fsck: FAIL NAME" followed by
# fsck.fat's report, then the "fsck: N passed, N failed" line tools/summarize.sh
# wants; exits 1 when fsck.fat finds anything to repair.
img=$1 name=$2
PATH=$PATH:/usr/sbin:/sbin
out=$(fsck.fat -n "$img" 2>&1); rc=$?
# -n: 0 clean; 1 errors found (nothing changed); anything else a failure to check.
if [ "$rc" = 0 ]; then
	echo "fsck: PASS $name"
	echo "fsck: 1 passed, 0 failed"
	exit 0
fi
echo "fsck: FAIL $name (fsck.fat -n exit $rc)"
echo "$out" | sed 's/^/  /'
echo "fsck: 0 passed, 1 failed"
exit 1
