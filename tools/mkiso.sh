#!/bin/sh
# tools/mkiso.sh OUT.iso KERNEL.elf "CMDLINE" [MODULE.elf ...]
# Builds a BIOS-bootable GRUB ISO whose menu boots KERNEL with CMDLINE and
# passes each MODULE as a Multiboot2 module named after its file.
set -e
out=$1 kernel=$2 cmdline=$3
shift 3
root="$out.d"
rm -rf "$root"
mkdir -p "$root/boot/grub" "$root/boot/modules"
cp "$kernel" "$root/boot/kernel.elf"
mods=""
for m in "$@"; do
	name=$(basename "$m")
	cp "$m" "$root/boot/modules/$name"
	mods="$mods	module2 /boot/modules/$name $name\n"
done
sed -e "s|@CMDLINE@|$cmdline|" -e "s|@MODULES@|$mods|" iso/grub.cfg > "$root/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$root" > "$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
rm -rf "$root"
