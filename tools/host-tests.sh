#!/bin/sh
# tools/host-tests.sh HOSTCC OUTDIR - build and run every tests/host/test_*.c
# under AddressSanitizer and UBSan.  Each test file names the project sources
# it needs on a line " * sources: a.c b.c".  A file with a line " * tsan: yes"
# (threads racing: tests/host/test_frame_smp.c) is also built with
# ThreadSanitizer and run again, its lines as "host: PASS tsan:NAME"; a race
# report (exit status 66) or a crash is a "host: FAIL tsan:NAME" line.
# tests/host/pe/*.c are built with x86_64-w64-mingw32-gcc into OUTDIR/pe (PE_DIR) for test_pe.
# When clang is installed, every tests/host/fuzz_*.c (a libFuzzer target) is
# built with -fsanitize=fuzzer,address,undefined and run for FUZZ_RUNS inputs
# (default 20000, at most FUZZ_TIME seconds, default 30) of up to 2048 bytes
# (long operation sequences from the start: -len_control=0) from an empty
# corpus with seed 1; a crash, a leak or a model mismatch is a failure and
# leaves the input in OUTDIR/crash-*.  Its log is OUTDIR/NAME.log.
cc=$1 out=$2
mkdir -p "$out"
flags="-std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -I. -DHOST_TEST"
status=0
# Real PE32+ images for tests/host/test_pe.c, built with MinGW-w64 (it fails without them).
if command -v x86_64-w64-mingw32-gcc > /dev/null 2>&1; then
	mkdir -p "$out/pe"
	x86_64-w64-mingw32-gcc -O2 -shared -o "$out/pe/pe_lib.dll" tests/host/pe/pe_lib.c tests/host/pe/pe_lib.def \
		-Wl,--out-implib,"$out/pe/libpe_lib.a" &&
	x86_64-w64-mingw32-gcc -O2 -o "$out/pe/pe_prog.exe" tests/host/pe/pe_prog.c -L"$out/pe" -lpe_lib ||
		echo "host: cannot build the MinGW images for test_pe"
else
	echo "host: no x86_64-w64-mingw32-gcc: test_pe's MinGW images are missing"
fi
export PE_DIR="$out/pe"
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
	grep -q '^ \* tsan: yes$' "$t" || continue
	tflags=$(echo "$flags" | sed 's/-fsanitize=address,undefined/-fsanitize=thread/')
	# shellcheck disable=SC2086
	if ! $cc $tflags -o "$out/${name}_tsan" "$t" $srcs; then
		echo "host: FAIL tsan:$name: does not compile"
		status=1
		continue
	fi
	TSAN_OPTIONS="exitcode=66 ${TSAN_OPTIONS:-}" "$out/${name}_tsan" > "$out/${name}_tsan.log" 2>&1
	rc=$?
	grep -E '^host: ' "$out/${name}_tsan.log" | sed 's/^host: \(PASS\|FAIL\) /host: \1 tsan:/'
	if [ $rc -ne 0 ]; then
		grep -E 'WARNING: ThreadSanitizer|^    #[0-3] ' "$out/${name}_tsan.log" | head -n 20 | sed 's/^/    /'
		echo "host: FAIL tsan:$name: exit status $rc (a ThreadSanitizer report or a crash; log $out/${name}_tsan.log)"
		status=1
	fi
done
command -v clang > /dev/null 2>&1 || { echo "host: no clang, libFuzzer targets not run"; exit $status; }
fflags="-std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. -DHOST_TEST"
for t in tests/host/fuzz_*.c; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .c)
	srcs=$(sed -n 's/^ \* sources: //p' "$t")
	# shellcheck disable=SC2086
	if ! clang $fflags -o "$out/$name" "$t" $srcs; then
		echo "host: FAIL $name: does not compile"
		echo "host: 0 passed, 1 failed"
		status=1
		continue
	fi
	rm -rf "$out/$name.corpus" && mkdir -p "$out/$name.corpus"
	start=$(date +%s)
	if "$out/$name" -seed=1 -runs="${FUZZ_RUNS:-20000}" -max_total_time="${FUZZ_TIME:-30}" \
		-max_len=2048 -len_control=0 \
		-artifact_prefix="$out/" "$out/$name.corpus" > "$out/$name.log" 2>&1; then
		done_line=$(grep '^#[0-9]*.*DONE' "$out/$name.log" | tail -n 1)
		runs=$(echo "$done_line" | sed 's/^#\([0-9]*\).*/\1/')
		cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*corp: \([0-9]*\).*/\1 edges, corpus \2/p')
		ops=$(sed -n "s/^$name: \([0-9]*\) operations.*/\1/p" "$out/$name.log" | tail -n 1)
		echo "host: PASS $name ($runs inputs${ops:+, $ops operations}, $cov, $(( $(date +%s) - start )) s)"
		echo "host: 1 passed, 0 failed"
	else
		grep -E "^$name:|ERROR|SUMMARY|Test unit written|#[0-9]+ 0x.*/(tests|mm)/" "$out/$name.log" | head -n 20 | sed 's/^/    /'
		echo "host: FAIL $name (log: $out/$name.log)"
		echo "host: 0 passed, 1 failed"
		status=1
	fi
done
exit $status
