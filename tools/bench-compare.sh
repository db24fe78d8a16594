#!/bin/sh
# tools/bench-compare.sh OURS.log LINUX-ANCHOR.txt
# Prints a markdown table of every "bench NAME VALUE unit" line whose NAME is
# in both files: bench | unit | Linux | ours | ours/Linux, in the anchor's
# order.  CRs are ignored; other lines are skipped.  The ratio is "-" when the
# Linux value is 0; a unit that differs between the two files is shown as
# "ours-unit (Linux: linux-unit)".  POSIX sh + awk only.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 OURS.log LINUX-ANCHOR.txt" >&2
	exit 2
fi
for f in "$1" "$2"; do
	[ -r "$f" ] || { echo "bench-compare: cannot read $f" >&2; exit 2; }
done
tr -d '\r' < "$1" | awk -v anchor="$2" '
function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]*)?$/ }
BEGIN {
	n = 0
	while ((getline line < anchor) > 0) {
		sub(/\r$/, "", line)
		k = split(line, f, " ")
		if (k != 4 || f[1] != "bench" || !isnum(f[3]) || (f[2] in lval))
			continue
		order[++n] = f[2]; lval[f[2]] = f[3]; lunit[f[2]] = f[4]
	}
	close(anchor)
}
$1 == "bench" && NF == 4 && isnum($3) && !($2 in oval) { oval[$2] = $3; ounit[$2] = $4 }
END {
	print "| bench | unit | Linux | ours | ours/Linux |"
	print "|---|---|---:|---:|---:|"
	for (i = 1; i <= n; i++) {
		name = order[i]
		if (!(name in oval))
			continue
		unit = ounit[name]
		if (unit != lunit[name])
			unit = unit " (Linux: " lunit[name] ")"
		ratio = (lval[name] + 0 != 0) ? sprintf("%.2f", oval[name] / lval[name]) : "-"
		printf "| `%s` | %s | %s | %s | %s |\n", name, unit, lval[name], oval[name], ratio
	}
}'
