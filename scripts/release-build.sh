#!/usr/bin/env bash
# The release build every target uses (make build, make dist, the fuzzers' swift-crypto), so the
# release products share one scratch folder and are compiled once: `swift build -c release` with
# the Swift runtime linked statically (the binary runs where no Swift is installed) and lld (gold
# repeats a glibc link-time notice about the static Foundation's use of mktemp as a warning).
# Usage: scripts/release-build.sh [swift build arguments, e.g. --product herald]
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld "$@"
