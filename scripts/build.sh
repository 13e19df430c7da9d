#!/usr/bin/env bash
# Configures and builds libbgp (Unix Makefiles, -j2).
#
#   bash scripts/build.sh            # build/       RelWithDebInfo, tests + examples + bench
#   bash scripts/build.sh --asan     # build-asan/  Debug, BGP_SANITIZE=ON (ASan+UBSan), no bench
#   bash scripts/build.sh --fuzz     # build-fuzz/  clang, BGP_FUZZ=ON, fuzz targets only
#   bash scripts/build.sh --all      # all three
# Several flags may be combined; --default adds build/ to an --asan/--fuzz selection.
# Extra CMake arguments: after "--", e.g. bash scripts/build.sh -- -DBGP_BUILD_BENCH=OFF
# Environment: BGP_JOBS (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
JOBS=${BGP_JOBS:-2}

want_default=0 want_asan=0 want_fuzz=0
extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --default) want_default=1 ;;
        --asan) want_asan=1 ;;
        --fuzz) want_fuzz=1 ;;
        --all) want_default=1 want_asan=1 want_fuzz=1 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \?//'; exit 0 ;;
        *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ $want_asan == 0 && $want_fuzz == 0 ]]; then
    want_default=1
fi

build() {
    local dir=$1; shift
    echo "=== configure $dir"
    cmake -S . -B "$dir" -G "Unix Makefiles" "$@" "${extra[@]}"
    echo "=== build $dir (-j$JOBS)"
    cmake --build "$dir" -j "$JOBS"
}

if [[ $want_default == 1 ]]; then
    build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
if [[ $want_asan == 1 ]]; then
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DBGP_SANITIZE=ON -DBGP_BUILD_BENCH=OFF
fi
if [[ $want_fuzz == 1 ]]; then
    CC=clang CXX=clang++ build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=clang++ \
        -DBGP_FUZZ=ON -DBGP_BUILD_TESTS=OFF -DBGP_BUILD_EXAMPLES=OFF -DBGP_BUILD_BENCH=OFF
fi
