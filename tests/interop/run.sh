#!/usr/bin/env bash
# Interop suite: bgp-announce against BIRD 2, FRR bgpd, GoBGP and ExaBGP (tests/interop/interop.py).
#
#   bash tests/interop/run.sh [BUILD_DIR] [-- interop.py options]     # as root
#
# BUILD_DIR (default build) holds bin/bgp-announce. While examples/bgp-announce does not
# exist yet, the suite runs against GoBGP standing in for it (proves the harness itself).
# Bounded: the whole suite is killed after BGP_INTEROP_TIMEOUT seconds (default 300).
# Always cleans up: the namespace, every process in it (by PID) and the work directory,
# even when the suite was killed. Exit status: 0 all checks passed, 1 a check failed,
# 2 setup problem, 77 skipped (not root: network namespaces and TCP MD5 need it).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
build=${1:-build}
shift || true
[[ ${1:-} == -- ]] && shift

if [[ $(id -u) -ne 0 ]]; then
    echo "interop: SKIP (needs root for its network namespace and TCP MD5 keys)"
    exit 77
fi

args=()
bin=$build/bin/bgp-announce
if [[ -x $bin ]]; then
    args+=(--announce "$bin")
elif [[ -f examples/bgp-announce/CMakeLists.txt ]]; then
    echo "interop: FAIL: $bin was not built"
    exit 1
else
    echo "interop: examples/bgp-announce does not exist yet: GoBGP stands in as the DUT"
    args+=(--dut gobgp)
fi

ns=bgpix$$
work=$(mktemp -d "${TMPDIR:-/tmp}/bgp-interop.XXXXXX")
chmod 755 "$work"

cleanup() {
    local pid
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -CONT "$pid" 2>/dev/null
            kill -KILL "$pid" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

timeout -k 20 "${BGP_INTEROP_TIMEOUT:-300}" \
    python3 tests/interop/interop.py --netns "$ns" --workdir "$work" "${args[@]}" "$@"
rc=$?
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    echo "interop: FAIL: the suite did not finish within ${BGP_INTEROP_TIMEOUT:-300} s"
    echo "interop: 0 passed, 1 failed"
    rc=1
fi
exit "$rc"
