#!/usr/bin/env bash
# Builds a debug herald with a sanitizer and runs the end-to-end suite against it; fails when a
# server log holds a sanitizer report.
# Usage: scripts/sanitized-e2e.sh address|thread [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
SANITIZER=${1:?address or thread}
shift
case $SANITIZER in
    address) SCRATCH=.build-asan ;;
    thread) SCRATCH=.build-tsan ;;
    *) echo "unknown sanitizer '$SANITIZER' (address, thread)"; exit 2 ;;
esac
# The sanitizers bring their own allocator: no jemalloc in these builds (Package.swift).
export HERALD_SYSTEM_MALLOC=1
swift build --product herald -Xswiftc -sanitize="$SANITIZER" --scratch-path "$SCRATCH"
BIN=$(swift build --product herald -Xswiftc -sanitize="$SANITIZER" --scratch-path "$SCRATCH" --show-bin-path)/herald

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/herald-$SANITIZER-XXXXXX")
export TMPDIR=$LOGS  # the suite writes each server's log under TMPDIR
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}
export SWIFT_BACKTRACE=enable=no
# A sanitized debug build is several times slower: a lighter slow-consumer run.
export SLOW_SUBSCRIBERS=${SLOW_SUBSCRIBERS:-300}
export SLOW_RATE=${SLOW_RATE:-50}

status=0
HERALD_BIN=$BIN python3 -m pytest -q Tests/e2e "$@" || status=$?
if grep -lE "ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:" "$LOGS"/*.log 2>/dev/null; then
    grep -hE -A30 "ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:" "$LOGS"/*.log | head -200
    echo "sanitizer ($SANITIZER) reports in the server logs above"
    status=1
fi
[ $status -eq 0 ] && echo "e2e under -sanitize=$SANITIZER: clean" && rm -rf "$LOGS"
exit $status
