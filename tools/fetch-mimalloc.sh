#!/bin/sh
# tools/fetch-mimalloc.sh DIR - mimalloc's source from its Debian source package
# (bookworm's mimalloc 2.0.9+ds), unpacked unchanged into DIR/src.  Never vendored:
# make fetches it once per build directory.  Uses apt-get source with a private
# deb-src list and package lists (the machine's apt configuration is not touched).
set -e
dir=$1
[ -n "$dir" ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -f "$dir/src/include/mimalloc.h" ] && exit 0
mkdir -p "$dir/apt/lists/partial" "$dir/dl"
dir=$(cd "$dir" && pwd)
echo "deb-src http://deb.debian.org/debian bookworm main" > "$dir/apt/sources.list"
opts="-o Dir::Etc::SourceList=$dir/apt/sources.list -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$dir/apt/lists"
apt-get -q $opts update > "$dir/apt/update.log" 2>&1 || { echo "fetch-mimalloc: apt-get update failed ($dir/apt/update.log)" >&2; exit 1; }
(cd "$dir/dl" && apt-get -q $opts source --download-only mimalloc > ../apt/source.log 2>&1) || {
	echo "fetch-mimalloc: apt-get source mimalloc failed ($dir/apt/source.log)" >&2; exit 1; }
orig=$(ls "$dir"/dl/mimalloc_*.orig.tar.* | head -n 1)
rm -rf "$dir/src.tmp" && mkdir -p "$dir/src.tmp"
tar -xf "$orig" -C "$dir/src.tmp" --strip-components=1
rm -rf "$dir/src" && mv "$dir/src.tmp" "$dir/src"
echo "fetch-mimalloc: $(basename "$orig") unpacked in $dir/src"
