#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets (JSON parser, request gateway, Koncorde filter
# compiler) with swiftc -sanitize=fuzzer,address and runs each for FUZZ_SECONDS (default 60).
# The modules they test are compiled from Sources/ into static libraries under .build-fuzz/.
# Usage: scripts/fuzz.sh [target ...]   (targets: json gateway koncorde; default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/.build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
export SWIFT_BACKTRACE=enable=no  # let ASan and libFuzzer report crashes
FLAGS=(-O -g -use-ld=lld -sanitize=fuzzer,address -parse-as-library -swift-version 6
       -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
       -enable-upcoming-feature InternalImportsByDefault -I "$OUT/modules")
mkdir -p "$OUT/modules" "$OUT/lib" "$OUT/bin"

[ -d .build/checkouts/swift-log ] || swift package resolve >/dev/null
LOGGING_SOURCES=.build/checkouts/swift-log/Sources/Logging

# module name, source directory, extra flags
build_module() {
    local name=$1 dir=$2; shift 2
    local sources
    mapfile -t sources < <(find "$dir" -name '*.swift' | sort)
    local stamp="$OUT/lib/lib$name.a"
    if [ -f "$stamp" ] && [ -z "$(find "$dir" -name '*.swift' -newer "$stamp" | head -1)" ]; then return; fi
    echo "fuzz: compiling $name"
    swiftc "${FLAGS[@]}" "$@" -module-name "$name" -emit-library -static -emit-module \
        -emit-module-path "$OUT/modules/$name.swiftmodule" -o "$stamp" "${sources[@]}"
}

# swift-crypto (behind HeraldSecurity) is not rebuilt here: its release build from SwiftPM is
# imported and linked as it is (uninstrumented, so the fuzzer sees no coverage inside it).
scripts/release-build.sh --target CryptoExtras >/dev/null
CRYPTO_BUILD=.build/release
CRYPTO_SOURCES=.build/checkouts/swift-crypto/Sources
CRYPTO_FLAGS=(-I "$CRYPTO_BUILD/Modules"
              -Xcc "-fmodule-map-file=$CRYPTO_SOURCES/CCryptoBoringSSL/include/module.modulemap"
              -Xcc "-fmodule-map-file=$CRYPTO_SOURCES/CCryptoBoringSSLShims/include/module.modulemap")
CRYPTO_OBJECTS=()
for target in CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims CryptoBoringWrapper Crypto CryptoExtras _CryptoExtras SwiftASN1; do
    [ -d "$CRYPTO_BUILD/$target.build" ] || continue
    mapfile -t -O "${#CRYPTO_OBJECTS[@]}" CRYPTO_OBJECTS < <(find "$CRYPTO_BUILD/$target.build" -name '*.o' | sort)
done

build_module HeraldWire Sources/HeraldWire
build_module Koncorde Sources/Koncorde
build_module HeraldStore Sources/HeraldStore
build_module Logging "$LOGGING_SOURCES" -package-name swift_log
build_module HeraldSecurity Sources/HeraldSecurity "${CRYPTO_FLAGS[@]}"
build_module HeraldCore Sources/HeraldCore "${CRYPTO_FLAGS[@]}"

# Static archives carry no autolink entries for the Swift overlays they use: name them.
LIBS=(-L "$OUT/lib" -lHeraldCore -lHeraldSecurity -lHeraldStore -lKoncorde -lHeraldWire -lLogging -lswiftGlibc
      "${CRYPTO_FLAGS[@]}" "${CRYPTO_OBJECTS[@]}" -lstdc++)

# target name, entry file, seed directories...
run_target() {
    local name=$1 entry=$2; shift 2
    local binary="$OUT/bin/fuzz-$name" corpus="$OUT/corpus/$name"
    if [ ! -x "$binary" ] || [ -n "$(find "$entry" "$OUT/lib" -newer "$binary" | head -1)" ]; then
        echo "fuzz: linking $name"
        # -static-stdlib: swift-crypto's objects come from the release build, which links the Swift
        # runtime statically (scripts/release-build.sh) and names its static libraries.
        if ! swiftc "${FLAGS[@]}" -static-stdlib -module-name "Fuzz_$name" "$entry" "${LIBS[@]}" -o "$binary"; then
            echo "fuzz: $name does not link"
            return 1
        fi
    fi
    mkdir -p "$corpus"
    echo "fuzz: $name for ${SECONDS_EACH}s"
    local log="$OUT/fuzz-$name.log"
    if ! "$binary" -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$OUT/crash-$name-" "$corpus" "$@" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $name FAILED (artifacts: $OUT/crash-$name-*)"
        return 1
    fi
    local runs cov
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "fuzz: $name ok: $runs inputs, $cov, corpus $(ls "$corpus" | wc -l) files"
}

TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(json gateway koncorde)
status=0
for target in "${TARGETS[@]}"; do
    case $target in
        json) run_target json Fuzz/Targets/JSONParserFuzz.swift Protocols/golden Fuzz/Seeds/gateway Fuzz/Seeds/koncorde || status=1 ;;
        gateway) run_target gateway Fuzz/Targets/GatewayFuzz.swift Protocols/golden Fuzz/Seeds/gateway || status=1 ;;
        koncorde) run_target koncorde Fuzz/Targets/KoncordeFuzz.swift Fuzz/Seeds/koncorde || status=1 ;;
        *) echo "unknown fuzz target '$target' (json, gateway, koncorde)"; exit 2 ;;
    esac
done
exit $status
