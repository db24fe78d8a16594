#!/bin/sh
# tools/mksyms.sh NM ELF > ksyms.S
# Emits the kernel symbol table (struct ksym_table in kernel/ksyms.h) for the
# text symbols of ELF, sorted by address, into section .ksyms.
set -e
"$1" -n --defined-only "$2" | awk '
$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "ksyms_table:"
	printf "\t.quad %d\n", n
	for (i = 0; i < n; i++)
		printf "\t.quad 0x%s, .Lsym%d - ksyms_table\n", addr[i], i
	for (i = 0; i < n; i++)
		printf ".Lsym%d:\t.asciz \"%s\"\n", i, name[i]
}'
