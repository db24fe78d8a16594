#!/bin/sh
# tools/summarize.sh LOG:PREFIX ... - add up "PREFIX: PASS"/"PREFIX: FAIL" lines
# of every log; a log without its "PREFIX: N passed, N failed" summary (a
# panic, a timeout, a build failure) counts as one more failure.  Prints
# "N passed, N failed" and exits non-zero on any failure.
passed=0
failed=0
for arg in "$@"; do
	log=${arg%%:*} prefix=${arg#*:}
	p=$(tr -d '\r' < "$log" 2>/dev/null | grep -c "^$prefix: PASS ")
	f=$(tr -d '\r' < "$log" 2>/dev/null | grep -c "^$prefix: FAIL ")
	passed=$((passed + p))
	failed=$((failed + f))
	if ! tr -d '\r' < "$log" 2>/dev/null | grep -q "^$prefix: [0-9]* passed, [0-9]* failed"; then
		echo "$log: no '$prefix' summary line (panic, timeout or build failure); counted as a failure"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
