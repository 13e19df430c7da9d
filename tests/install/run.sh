#!/usr/bin/env bash
# Install test: libbgp installed into a temporary prefix must be usable the ordinary ways.
#
#   bash tests/install/run.sh [BUILD_DIR]      # default build/ (must be built already)
#
#  1. cmake --install BUILD_DIR --prefix TMP
#  2. examples/ configured and built standalone with -DCMAKE_PREFIX_PATH=TMP
#  3. a tiny CMake consumer: find_package(libbgp) + target_link_libraries(libbgp::bgp)
#  4. the same program compiled with `pkg-config --cflags --libs --static libbgp`
# Programs 3 and 4 decode a KEEPALIVE with bgp::wire::decode_message and must succeed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
jobs=${BGP_JOBS:-2}
[[ -d $build ]] || { echo "install test: no build directory $build" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/libbgp-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step() { printf '\n=== install test: %s\n' "$*"; }

step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
echo "installed $(grep -cE 'Installing:|Up-to-date:' "$tmp/install.log") files, among them:"
grep -E 'libbgp\.a|libbgpConfig\.cmake|libbgp\.pc' "$tmp/install.log" | sed 's/^/  /'
for f in "$prefix"/include/bgp "$prefix"/lib*/libbgp.a; do
    [[ -e $f ]] || { echo "install test: missing $f" >&2; exit 1; }
done
if [[ -d $root/libbgp/src ]] && find "$prefix/include" -path '*/src/*' | grep -q .; then
    echo "install test: private sources were installed" >&2
    exit 1
fi

step "examples/ standalone against the installed package"
cmake -S "$root/examples" -B "$tmp/examples" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/examples-configure.log" ||
    { cat "$tmp/examples-configure.log"; exit 1; }
cmake --build "$tmp/examples" -j "$jobs"
find "$tmp/examples/bin" -maxdepth 1 -type f -printf "  built: %f\n" 2>/dev/null || true

# The consumer program, shared by the CMake and pkg-config checks.
mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/main.cpp" <<'CPP'
#include <bgp/wire/message.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <variant>

namespace {
// The options type, whatever decode_message calls it.
template <class R, class Options>
Options options_of(R (*)(std::span<const std::uint8_t>, const Options&));
using Options = decltype(options_of(&bgp::wire::decode_message));
}  // namespace

int main() {
    std::array<std::uint8_t, 19> keepalive{};
    keepalive.fill(0xff);
    keepalive[16] = 0x00;
    keepalive[17] = 0x13;  // length 19
    keepalive[18] = 0x04;  // KEEPALIVE
    const Options opts{};
    const auto result = bgp::wire::decode_message(std::span<const std::uint8_t>(keepalive), opts);
    if (!result.has_value()) {
        std::puts("consumer: decode_message failed on a KEEPALIVE");
        return 1;
    }
    if (!std::holds_alternative<bgp::wire::Keepalive>(result.value())) {
        std::puts("consumer: decode_message did not return a Keepalive");
        return 1;
    }
    std::puts("consumer: KEEPALIVE decoded");
    return 0;
}
CPP

step "find_package(libbgp) consumer"
cat >"$tmp/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(libbgp-consumer LANGUAGES CXX)
find_package(libbgp 0.1 REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE libbgp::bgp)
target_compile_options(consumer PRIVATE -Wall -Wextra -Wpedantic -Werror)
CMAKE
cmake -S "$tmp/consumer" -B "$tmp/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" \
    >"$tmp/consumer-configure.log" || { cat "$tmp/consumer-configure.log"; exit 1; }
cmake --build "$tmp/consumer-build" -j "$jobs"
"$tmp/consumer-build/consumer"

step "pkg-config consumer"
pcdir=$(dirname "$(find "$prefix" -name libbgp.pc -print -quit)")
[[ -f $pcdir/libbgp.pc ]] || { echo "install test: libbgp.pc not installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$pcdir
flags=$(pkg-config --cflags --libs --static libbgp)
echo "pkg-config --cflags --libs --static libbgp: $flags"
# shellcheck disable=SC2086  # word splitting of the flags is intended
${CXX:-c++} -std=c++20 -Wall -Wextra -Wpedantic -Werror "$tmp/consumer/main.cpp" \
    -o "$tmp/consumer-pc" $flags
"$tmp/consumer-pc"

step "passed"
