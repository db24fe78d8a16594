#!/bin/sh
# tools/host-tests.sh HOSTCC OUTDIR - build and run every tests/host/test_*.c
# under AddressSanitizer and UBSan.  Each test file names the project sources
# it needs on a line " * sources: a.c b.c".
cc=$1 out=$2
mkdir -p "$out"
flags="-std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -I. -DHOST_TEST"
status=0
for t in tests/host/test_*.c; do
	name=$(basename "$t" .c)
	srcs=$(sed -n 's/^ \* sources: //p' "$t")
	# shellcheck disable=SC2086
	if ! $cc $flags -o "$out/$name" "$t" $srcs; then
		echo "host: FAIL $name: does not compile"
		status=1
		continue
	fi
	"$out/$name" || status=1
done
exit $status
