#!/bin/bash
# tools/qemu-run.sh - boot an ISO in QEMU (TCG, headless) and turn the outcome into an exit code.
#
# usage: tools/qemu-run.sh ISO LOG [MODE]
#   MODE console (default): the serial log (COM1) goes to stdout and to LOG.
#   MODE prog: COM1 goes to LOG only; the user program's output alone goes to
#              stdout, through QEMU's debug console (isa-debugcon, port 0xe9:
#              one port write per byte, no UART to emulate).
#   MODE quiet: COM1 goes to LOG only.
# env: TIMEOUT (seconds, default 60), QEMU_MEM (default 512M), QEMU_CPU (default max), QEMU_SMP
#      (CPUs, default 1; make passes SMP=n),
#      QEMU_EXTRA (more QEMU arguments), PAGEFILE_IMG (a raw image attached as the
#      pagefile: a legacy-interface virtio-blk PCI disk, serial "pagefile"; unset or empty:
#      no disk), DISK_IMG (a raw FAT32 image attached as C:, a second virtio-blk disk,
#      serial "cdrive"; unset or empty: no C: drive), DISK_DRIVE (instead of DISK_IMG: the
#      -drive argument of the C: disk without its id, e.g. a blkdebug chain), CUT_AT (a
#      power cut: when a line of LOG contains this text, QEMU is killed with SIGKILL - no
#      shutdown, no flush - and the exit status is 0; QEMU stopping before is 125).
#
# Time limit: the kernel gets TIMEOUT less a margin for booting (the fw_cfg
# file opt/winmm/timeout); when that passes it prints "timeout: process N
# (name) thread T still running at rip ..." and powers off with status 124.
# The host's own timeout stays as the last resort (a kernel that hangs with
# interrupts off).
#
# Exit status: the N of the kernel's last "poweroff: status N" line (1 if N is
# non-zero but a multiple of 256); 124 on timeout (the kernel's line, or the
# host's); 125 if the machine stopped without saying (triple fault, QEMU error).
#
# Every boot appends one line to boot-times.txt beside LOG: the log's name, the CPUs, the
# memory and the wall-clock seconds the boot took (make test prints them at its end).
set -u
iso=$1 log=$2 mode=${3:-console}
timeout_s=${TIMEOUT:-60}
# The kernel's limit: 5 s below the host's (booting to the kernel takes 1-4 s), a quarter below for short ones.
margin=5
[ "$timeout_s" -lt 20 ] && margin=$(( (timeout_s + 3) / 4 ))
kernel_timeout=$((timeout_s - margin))
[ "$kernel_timeout" -lt 1 ] && kernel_timeout=1
mkdir -p "$(dirname "$log")"
: > "$log"
start_s=$SECONDS
trap 'echo "$(basename "$log") smp=${QEMU_SMP:-1} mem=${QEMU_MEM:-512M} $((SECONDS - start_s)) s" >> "$(dirname "$log")/boot-times.txt"' EXIT
args=(-machine q35 -cpu "${QEMU_CPU:-max}" -m "${QEMU_MEM:-512M}" -smp "${QEMU_SMP:-1}"
      -display none -no-reboot -monitor none
      -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -fw_cfg "name=opt/winmm/timeout,string=$kernel_timeout"
      -cdrom "$iso" -boot d)
if [ -n "${PAGEFILE_IMG:-}" ]; then
	args+=(-drive "file=$PAGEFILE_IMG,if=none,id=pagefile,format=raw,cache=unsafe"
	       -device virtio-blk-pci,drive=pagefile,serial=pagefile,disable-legacy=off,disable-modern=on)
fi
if [ -n "${DISK_DRIVE:-}" ]; then
	args+=(-drive "$DISK_DRIVE,if=none,id=cdrive"
	       -device virtio-blk-pci,drive=cdrive,serial=cdrive,disable-legacy=off,disable-modern=on)
elif [ -n "${DISK_IMG:-}" ]; then
	args+=(-drive "file=$DISK_IMG,if=none,id=cdrive,format=raw,cache=writeback"
	       -device virtio-blk-pci,drive=cdrive,serial=cdrive,disable-legacy=off,disable-modern=on)
fi
case "$mode" in
console) args+=(-serial stdio) ;;
prog)    args+=(-serial "file:$log" -chardev stdio,id=prog -device isa-debugcon,iobase=0xe9,chardev=prog) ;;
quiet)   args+=(-serial "file:$log") ;;
*) echo "qemu-run: unknown mode $mode" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206
extra=(${QEMU_EXTRA:-})
if [ -n "${CUT_AT:-}" ]; then
	[ "$mode" = console ] && { echo "qemu-run: CUT_AT needs MODE quiet or prog" >&2; exit 2; }
	qemu-system-x86_64 "${args[@]}" "${extra[@]}" < /dev/null &
	qpid=$!
	end=$((SECONDS + timeout_s))
	while kill -0 "$qpid" 2>/dev/null; do
		if tr -d '\r' < "$log" | grep -qF -- "$CUT_AT"; then
			kill -KILL "$qpid"
			wait "$qpid" 2>/dev/null
			echo "qemu-run: power cut (QEMU killed) after \"$CUT_AT\"" >&2
			exit 0
		fi
		if [ "$SECONDS" -ge "$end" ]; then
			kill -KILL "$qpid"
			wait "$qpid" 2>/dev/null
			echo "qemu-run: no \"$CUT_AT\" within ${timeout_s}s; log: $log" >&2
			exit 124
		fi
		sleep 0.1
	done
	echo "qemu-run: the machine stopped before \"$CUT_AT\"; log: $log" >&2
	exit 125
fi
if [ "$mode" = console ]; then
	timeout -k 5 "$timeout_s" qemu-system-x86_64 "${args[@]}" "${extra[@]}" < /dev/null | tee "$log"
	rc=${PIPESTATUS[0]}
else
	timeout -k 5 "$timeout_s" qemu-system-x86_64 "${args[@]}" "${extra[@]}" < /dev/null
	rc=$?
fi
line=$(tr -d '\r' < "$log" | grep -m 1 '^timeout: ')
if [ -n "$line" ]; then
	[ "$mode" = console ] || echo "$line" >&2
	exit 124
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "qemu-run: the machine did not stop within ${timeout_s}s, and the kernel did not report its ${kernel_timeout}s limit (hung with interrupts off?); log: $log" >&2
	exit 124
fi
status=$(tr -d '\r' < "$log" | sed -n 's/^poweroff: status \(-\{0,1\}[0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$status" ]; then
	echo "qemu-run: the machine stopped without a poweroff line (qemu rc $rc; log: $log)" >&2
	exit 125
fi
if [ "$status" != 0 ] && [ $((status & 255)) = 0 ]; then
	exit 1
fi
exit $((status & 255))
