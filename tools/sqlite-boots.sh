#!/bin/sh
# tools/sqlite-boots.sh ISO IMG LOGBASE - SQLite's two boots on one C: disk (issue 20,
# docs/sqlite.md).  Makes IMG a fresh C: volume and boots ISO (test=fat_ utests:
# the FAT KTESTs, then sqlite_db.exe and fmap_persist.exe under the kernel's leak
# oracle) on it twice:
# the first boot finds no C:\SQLDB\test.db and creates it (rows, the mapped read,
# WAL with a child process; a last transaction left in the -wal file), the second
# finds it, reopens it and checks every row, then removes C:\SQLDB; fmap_persist.exe
# writes C:\PERSIST\view.bin through a view in boot 1 and reads it back in boot 2.  After each
# boot fsck.fat -n must find the volume clean, and mtools shows what is on it.
# Logs: LOGBASE-1.log, LOGBASE-2.log.  Prints "sqlite: PASS|FAIL ..." lines and
# "sqlite: N passed, N failed".
iso=$1 img=$2 base=$3
PATH=$PATH:/usr/sbin:/sbin
export MTOOLS_SKIP_CHECK=1
pass=0 fail=0
ok() { printf 'sqlite: PASS %s\n' "$1"; pass=$((pass + 1)); }
bad() { printf 'sqlite: FAIL %s\n' "$1"; fail=$((fail + 1)); }
# has LOG PATTERN: the boot log has a line matching PATTERN (grep -E)
has() { tr -d '\r' < "$1" | grep -Eq "$2"; }
# boot N MODE: one boot; its log must show the mode and the program passing the oracle
boot() {
	log=$base-$1.log
	DISK_IMG=$img TIMEOUT=${TIMEOUT:-300} tools/qemu-run.sh "$iso" "$log" quiet
	rc=$?
	if [ $rc = 0 ] && has "$log" "^sqlite_db: SQLite .*, $2\$" && has "$log" '^utest: PASS sqlite_db.exe$'; then
		ok "boot $1: sqlite_db.exe $2 ($(tr -d '\r' < "$log" | grep -E '^sqlite_db: [0-9]+ checks' | head -n 1))"
	else
		bad "boot $1: sqlite_db.exe $2 (exit $rc, log $log)"
		tr -d '\r' < "$log" | grep -E '^(sqlite_db|  |utest: FAIL|PANIC|timeout)' | tail -n 15 | sed 's/^/  /'
	fi
	tr -d '\r' < "$log" | grep -E '^sqlite_db: ' | grep -v 'checks,' | sed 's/^/  /'
	# fmap_persist.exe: boot 1 writes a file through a view, boot 2 reads it back (no flush between)
	if has "$log" "^fmap_persist: .*, $2\$" && has "$log" '^utest: PASS fmap_persist.exe$'; then
		ok "boot $1: fmap_persist.exe $2 ($(tr -d '\r' < "$log" | grep -E "^fmap_persist: .*, $2\$" | sed 's/^fmap_persist: //; s/, [a-z]*$//'))"
	else
		bad "boot $1: fmap_persist.exe $2 (log $log)"
		tr -d '\r' < "$log" | grep -E '^(fmap_persist|  check|utest: FAIL fmap)' | tail -n 8 | sed 's/^/  /'
	fi
	out=$(fsck.fat -n "$img" 2>&1)
	if [ $? = 0 ]; then ok "fsck.fat -n clean after boot $1"; else bad "fsck.fat -n after boot $1"; echo "$out" | sed 's/^/  /'; fi
}
if ! tools/mkdisk.sh "$img" "${DISK_SIZE:-512M}"; then
	bad "making $img"
else
	boot 1 create
	if mdir -i "$img" ::/SQLDB/test.db > /dev/null 2>&1 && mdir -i "$img" ::/SQLDB/test.db-wal > /dev/null 2>&1; then
		ok 'C:\SQLDB\test.db and its -wal file on the disk between the boots'
	else
		bad "C:\\SQLDB\\test.db or test.db-wal missing after boot 1"
	fi
	if mdir -i "$img" ::/PERSIST/view.bin > /dev/null 2>&1; then
		ok "C:\\PERSIST\\view.bin on the disk between the boots ($(mdir -i "$img" ::/PERSIST/view.bin | awk '/view/ { print $3 }') bytes)"
	else
		bad "C:\\PERSIST\\view.bin missing after boot 1"
	fi
	boot 2 check
	if mdir -i "$img" ::/PERSIST > /dev/null 2>&1; then bad "C:\\PERSIST left after boot 2"; else ok "C:\\PERSIST removed by boot 2"; fi
	if mdir -i "$img" ::/SQLDB > /dev/null 2>&1; then bad "C:\\SQLDB left after boot 2"; else ok "C:\\SQLDB removed by boot 2"; fi
fi
echo "sqlite: $pass passed, $fail failed"
[ "$fail" = 0 ]
