#!/bin/sh
# tools/svg-test.sh BUILD - the pictures, checked: draws the vmmap and physmap
# dumps that the tour and tests/user/vmmap_info.c printed in BUILD/test.log
# with BUILD/tools/svgmap, checks with BUILD/tools/svgcheck that each SVG is
# well-formed and shows the regions and owners of vmmap_info's fixed layout
# and of the tour's steps, and that svgcheck rejects broken SVGs.  Prints "svg: PASS/FAIL name" lines and
# "svg: N passed, N failed"; exits non-zero on a failure.
b=$1
passed=0 failed=0
result() {	# result NAME STATUS
	if [ "$2" = 0 ]; then echo "svg: PASS $1"; passed=$((passed + 1));
	else echo "svg: FAIL $1"; failed=$((failed + 1)); fi
}
vm=$b/test-vmmap.svg pm=$b/test-physmap.svg
$b/tools/svgmap vmmap "$b/test.log" "$vm"
result svgmap_vmmap $?
# vmmap_info's layout: its image at 0x140000000 (code r-x, write-copy data rc-), 1 MiB reserved at 0x60000000, pages 16..23 committed,
# pages 16 and 17 resident (one written), page 20 a guard page holding a written frame.
$b/tools/svgcheck "$vm" \
	'vmmap_info: &lt;fixed layout&gt; &amp; &quot;escapes&quot;' \
	'data-base="0x60000000" data-size="65536" data-state="reserve" data-type="private" data-protect="-" data-resident="0"' \
	'data-base="0x60010000" data-size="16384" data-state="commit" data-type="private" data-protect="rw-" data-resident="2" data-dirty="1"' \
	'data-base="0x60014000" data-size="4096" data-state="commit" data-type="private" data-protect="rw-+guard" data-resident="1" data-dirty="1"' \
	'data-base="0x60015000" data-size="12288" data-state="commit" data-type="private" data-protect="rw-" data-resident="0"' \
	'data-base="0x60018000" data-size="950272" data-state="reserve"' \
	'data-base="0x140000000" data-size=' 'data-state="commit" data-type="image" data-protect="r-x"' \
	'data-type="image" data-protect="rc-"' 'data-protect="rw-+guard" data-resident="0"' \
	'data-base="0x0" data-size="65536" data-state="free"'
result svgcheck_vmmap $?
# The tour (it runs first in the 512M boot): its steps' columns, and what they show.
$b/tools/svgcheck "$vm" 'step 1: reserve' 'step 3: demand-zero fault' 'step 5: a write-copy page splits off' \
	'step 6: fork shares, then copies' 'step 8: a write-combining mapping' \
	'step 9: two processes share one image' \
	'data-type="mapped" data-protect="rc-"' \
	'data-size="4096" data-state="commit" data-type="mapped" data-protect="rw-" data-resident="1" data-dirty="1"' \
	'data-protect="r--+wc" data-resident="4"' 'data-protect="rw-+guard"'
result svgcheck_tour $?
$b/tools/svgmap physmap "$b/test.log" "$pm"
result svgmap_physmap $?
$b/tools/svgcheck "$pm" 'physmap: vmmap_info' 'data-owner="absent" data-first="0x0"' 'data-owner="free"' \
	'data-owner="user"' 'data-owner="pagetable"' 'data-owner="heap"' 'data-owner="kernel"'
result svgcheck_physmap $?
# The checker must be able to fail: an unclosed element, a raw '&', a wrong end tag, a missing region.
sed '0,/<\/g>/s/<\/g>//' "$vm" > "$b/svg-bad1.svg"
sed '0,/<title>/s/<title>/<title>a \& b/' "$vm" > "$b/svg-bad2.svg"
sed '0,/<\/text>/s/<\/text>/<\/txet>/' "$vm" > "$b/svg-bad3.svg"
bad=0
for f in "$b/svg-bad1.svg" "$b/svg-bad2.svg" "$b/svg-bad3.svg"; do
	$b/tools/svgcheck "$f" > /dev/null && { echo "svgcheck accepted $f"; bad=1; }
done
$b/tools/svgcheck "$vm" 'data-base="0x60000000" data-size="1"' > /dev/null && { echo "svgcheck found a region that is not there"; bad=1; }
result svgcheck_rejects_broken $bad
echo "svg: $passed passed, $failed failed"
[ "$failed" = 0 ]
