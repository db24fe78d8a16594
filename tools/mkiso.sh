#!/bin/sh
# tools/mkiso.sh OUT.iso KERNEL.elf "CMDLINE" [MODULE ...]
# Builds a BIOS-bootable GRUB ISO whose menu boots KERNEL with CMDLINE and
# passes each MODULE as a Multiboot2 module named after its file.  PE modules
# (.exe, .dll) go in without their debug sections (GRUB loads every module into
# RAM, and the 64M test boot needs it), except those under a bad/ directory:
# broken images for tests, copied byte for byte.
set -e
strip=${MINGW:-x86_64-w64-mingw32-}strip
out=$1 kernel=$2 cmdline=$3
shift 3
root="$out.d"
rm -rf "$root"
mkdir -p "$root/boot/grub" "$root/boot/modules"
cp "$kernel" "$root/boot/kernel.elf"
mods=""
for m in "$@"; do
	name=$(basename "$m")
	case "$m" in
	*/bad/*) cp "$m" "$root/boot/modules/$name" ;;
	*.exe | *.dll) "$strip" --strip-debug -o "$root/boot/modules/$name" "$m" ;;
	*) cp "$m" "$root/boot/modules/$name" ;;
	esac
	mods="$mods	module2 /boot/modules/$name $name\n"
done
sed -e "s|@CMDLINE@|$cmdline|" -e "s|@MODULES@|$mods|" iso/grub.cfg > "$root/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$root" > "$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
rm -rf "$root"
