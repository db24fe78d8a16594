#!/bin/sh
# tools/run-contract.sh B PAGEFILE_IMG - check the `make run` contract through make itself, as a
# user calls it (tests/run/contract.c): stdout is the program's output and nothing else, ARGS keep
# their quoting, FILES= is on C:, SMP= and MEM= are what Windows reports, a pthread program links
# with no link comment, fork works, the exit status follows the program's (make exits non-zero
# and says "make run: exit code N" when main returns N != 0), PROG=file.exe runs a ready .exe,
# TIMEOUT= ends a program that never returns with 124.  Each boot uses its own C: image
# (B/run-contract-disk.img) and the pagefile given, so it can run beside the other test boots.
# Prints "runcontract: PASS|FAIL name" lines and a summary.
b=$1 pf=$2
pass=0 fail=0
check() { # name, condition (0 = holds)
	if [ "$2" = 0 ]; then echo "runcontract: PASS $1"; pass=$((pass + 1));
	else echo "runcontract: FAIL $1"; fail=$((fail + 1)); fi
}
out=$b/run-contract
mkdir -p "$out"
run() { # stdout-file stderr-file make-arguments...
	o=$1 e=$2; shift 2
	${MAKE:-make} -s B="$b" PAGEFILE_IMG="$pf" DISK_IMG="$b/run-contract-disk.img" run "$@" > "$o" 2> "$e"
}

run "$out/c.out" "$out/c.err" PROG=tests/run/contract.c ARGS='one "two words" 3' SMP=2 MEM=256M \
	FILES=tests/run/files TIMEOUT=120
rc=$?
tr -d '\r' < "$out/c.out" > "$out/c.txt"
cmp -s "$out/c.txt" tests/run/contract.expected
check "stdout is the program's output (ARGS, SMP=2, MEM=256M, FILES=, pthreads, fork)" $?
[ $rc -ne 0 ] && grep -q '^make run: exit code 7 ' "$out/c.err"
check "main returning 7: make fails with 'make run: exit code 7'" $?

cp "$b/prog/contract.exe" "$out/contract.exe"
run "$out/e.out" "$out/e.err" PROG="$out/contract.exe" SMP=1 TIMEOUT=120
rc=$?
[ $rc -eq 0 ] && tr -d '\r' < "$out/e.out" | grep -q '^processors 1, ' && ! grep -q '^argv' "$out/e.out"
check "PROG=file.exe, SMP=1, main returning 0: make succeeds" $?

run "$out/h.out" "$out/h.err" PROG="$out/contract.exe" ARGS=hang TIMEOUT=20
rc=$?
[ $rc -ne 0 ] && grep -q '^make run: exit code 124 ' "$out/h.err"
check "TIMEOUT=20 on a program that never returns: exit code 124" $?

echo "runcontract: $pass passed, $fail failed"
