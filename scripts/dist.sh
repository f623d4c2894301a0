#!/usr/bin/env bash
# `make dist`: the release tarball herald-VERSION-linux-ARCH.tar.gz in $DIST_DIR (default
# .build/dist): bin/herald (the release build of scripts/release-build.sh: Swift runtime linked
# statically, page compiled in), README.md, herald.example.json and herald.service. Prints the
# tarball's path.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${DIST_DIR:-.build/dist}
build=(scripts/release-build.sh --product herald)

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
