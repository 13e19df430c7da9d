#!/usr/bin/env bash
# Self-test of the end-to-end harness (ctest e2e-harness-selftest; root, else exit 77 =
# skipped): with the static driver (lib/drivers.sh: routes from the mode rules, no agent)
# the checks must pass on a correct data plane, including the kill -9 restart test and the
# IPv6 phase, and must fail when the data plane is broken on purpose: a wrong next hop
# (table and ping checks), a pod without proxy ARP (ping check alone), and a wrong IPv6
# next hop (the IPv6 phase's table and ping -6 checks). Namespaces lbe-st-*, so it can run
# beside a real e2e run. ~90 s.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $(id -u) -ne 0 ]]; then
    echo "e2e selftest: SKIP: needs root (network namespaces)"
    exit 77
fi
# namespaces ${E2E_PREFIX}st-* (lbe-st-* by default): a helper with its own prefix keeps it
export E2E_PREFIX=${E2E_PREFIX:-lbe-}st- E2E_CONVERGE_TIMEOUT=5
pass=0
fail=0
log=$(mktemp "${TMPDIR:-/tmp}/${E2E_PREFIX}selftest.XXXXXX")
trap 'rm -f "$log"' EXIT

# expect RC_WANT GREP_PATTERN DESCRIPTION -- run.sh ARGS...
expect() {
    local want=$1 pattern=$2 what=$3
    shift 4
    timeout -k 10 120 bash "$HERE/run.sh" --driver static --no-vm "$@" >"$log" 2>&1
    local rc=$?
    if [[ $rc -eq $want ]] && grep -q -- "$pattern" "$log"; then
        pass=$((pass + 1))
        echo "  PASS  $what (exit $rc; $(tail -n 1 "$log"))"
    else
        fail=$((fail + 1))
        echo "  FAIL  $what (exit $rc, wanted $want and /$pattern/); its output:"
        sed 's/^/    | /' "$log" | tail -n 40
    fi
}

expect 0 "restart: ping busybox-1 -> busybox-3 kept flowing" \
    "correct data plane: every check passes (vxlan-cross-subnet + restart)" -- \
    --modes vxlan-cross-subnet
expect 1 "extra:    192.168.135.64/26 via 172.16.6.254 dev eth0" \
    "wrong next hop on walker-1: the table check fails" -- --modes never --no-restart \
    --no-ipv6 --inject wrong-route
expect 1 "FAIL  never: ping busybox-1 -> busybox-2: fail, expected ok" \
    "no proxy ARP for busybox-2: the ping check fails" -- --modes never --no-restart \
    --no-ipv6 --inject no-proxy-arp
expect 1 "extra:    fd5d:7a2b:1:135::40/122 via fd00:172:16:6::254 dev eth0" \
    "wrong IPv6 next hop on walker-1: the IPv6 table and ping -6 checks fail" -- --modes never \
    --no-restart --inject ipv6-wrong-route
if ip netns list | grep -q "^$E2E_PREFIX"; then
    fail=$((fail + 1))
    echo "  FAIL  namespaces left behind: $(ip netns list | grep "^$E2E_PREFIX" | tr '\n' ' ')"
fi
echo "e2e selftest: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
