#!/bin/sh
# tools/setup.sh [CROSS] - make sure the build and test tools are installed.
# tools/setup.sh --wine - make sure Wine is installed (`make compare` only).
# Installs missing Debian packages with apt-get when run as root; otherwise
# prints the exact command to run and fails.
cross=${1:-}
missing=""
wine_only=""
[ "$cross" = --wine ] && { wine_only=1; cross=""; }
need() {	# need COMMAND-OR-PATH PACKAGE
	case "$1" in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" > /dev/null 2>&1 ;;
	esac || case " $missing " in *" $2 "*) ;; *) missing="$missing $2" ;; esac
}
if [ -n "$wine_only" ]; then
	need /usr/lib/wine/wine64 wine64
elif [ -z "$cross" ]; then
	need gcc gcc
	need ld binutils
else
	need "${cross}gcc" "gcc (as ${cross}gcc)"
	need "${cross}ld" "binutils (as ${cross}ld)"
	need gcc gcc	# host tests
fi
[ -n "$wine_only" ] || {
need make make
# User mode: MinGW-w64 builds every program and our DLLs (PE32+).
need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
need x86_64-w64-mingw32-ld binutils-mingw-w64-x86-64
need /usr/share/mingw-w64/include/windows.h mingw-w64-x86-64-dev
need qemu-system-x86_64 qemu-system-x86
need grub-mkrescue grub-common
need /usr/lib/grub/i386-pc/moddep.lst grub-pc-bin
need xorriso xorriso
need mformat mtools
# The C: drive: mkfs.fat makes it, fsck.fat checks it after the test boots (tools/mkdisk.sh).
need /usr/sbin/mkfs.fat dosfstools
need mcopy mtools
need clang clang
# libFuzzer for the host fuzz targets (only a Recommends of clang's packages).
need "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2> /dev/null)" libclang-rt-dev
}
[ -z "$missing" ] && exit 0
case "$missing" in *"(as "*)
	echo "setup: missing the cross toolchain:$missing; install it or drop CROSS=" >&2
	exit 1 ;;
esac
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q > /dev/null && apt-get install -y -q --no-install-recommends $missing > /dev/null || {
		echo "setup: apt-get install$missing failed" >&2
		exit 1
	}
	exit 0
fi
echo "setup: missing packages. Run:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
