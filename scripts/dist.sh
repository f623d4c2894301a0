#!/usr/bin/env bash
# `make dist`: the release tarball herald-VERSION-linux-ARCH.tar.gz in $DIST_DIR (default
# .build-dist/dist): bin/herald (release, Swift runtime linked statically, page compiled in),
# README.md, herald.example.json and herald.service. Builds in its own scratch folder so the
# ordinary release build (.build) is left as it is. Prints the tarball's path.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${DIST_SCRATCH:-.build-dist}
out=${DIST_DIR:-$scratch/dist}
# lld, not the default gold: gold repeats a glibc link-time notice about the static Foundation's use
# of mktemp as a warning; lld links the same binary without it.
build=(swift build -c release --product herald --static-swift-stdlib -Xswiftc -use-ld=lld --scratch-path "$scratch")

"${build[@]}" >&2
binary="$("${build[@]}" --show-bin-path)/herald"
version=$("$binary" --version)
name="herald-$version-linux-$(uname -m)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$binary" "$stage/$name/bin/herald"
install -m 0644 README.md dist/herald.example.json dist/herald.service "$stage/$name/"

mkdir -p "$out"
rm -f "$out"/herald-*.tar.gz
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
