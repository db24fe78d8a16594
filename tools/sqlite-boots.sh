#!/bin/sh
# tools/sqlite-boots.sh ISO IMG LOGBASE - SQLite's two boots on one C: disk (issue 20,
# docs/sqlite.md).  Makes IMG a fresh C: volume and boots ISO (test=fat_ utests:
# the FAT KTESTs, then sqlite_db.exe under the kernel's leak oracle) on it twice:
# the first boot finds no C:\SQLDB\test.db and creates it (rows, the mapped read,
# WAL with a child process; a last transaction left in the -wal file), the second
# finds it, reopens it and checks every row, then removes C:\SQLDB.  After each
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
	boot 2 check
	if mdir -i "$img" ::/SQLDB > /dev/null 2>&1; then bad "C:\\SQLDB left after boot 2"; else ok "C:\\SQLDB removed by boot 2"; fi
fi
echo "sqlite: $pass passed, $fail failed"
[ "$fail" = 0 ]
