#!/usr/bin/env bash
# Boots the e2e guest under QEMU (TCG: KVM does not work on this host) with no NIC at all
# (-nic none: nothing leaves the guest; all its traffic is between its own namespaces) and
# runs the IP-in-IP modes there with the seed's v1 manifests: never, ipip-always,
# ipip-cross-subnet, each switched live, then the kill -9 restart test over the real tunl0
# (E2E_GUEST_ARGS=--no-restart skips it). Console lines are echoed with a "guest |" prefix
# and kept in LOG. Bounded by E2E_GUEST_TIMEOUT (default 300 s).
#
#   bash tests/e2e/vm/run-vm.sh LOG     # env: E2E_DRIVER, E2E_AGENT, E2E_GUEST_MODES
set -uo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG=$1
KDIR=${E2E_CACHE:-/var/cache/libbgp-e2e}/kernel
MODES=${E2E_GUEST_MODES:-never ipip-always ipip-cross-subnet}
command -v qemu-system-x86_64 >/dev/null || { echo "run-vm: qemu-system-x86_64 missing (scripts/setup.sh)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lbe-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$EPOCHREALTIME
bash "$VM_DIR/build-initramfs.sh" "$work/initramfs.cpio.gz" \
    --form v1 --modes "$MODES" ${E2E_GUEST_ARGS:-} || exit 1
echo "  initramfs built in $(awk -v a="$EPOCHREALTIME" -v b="$start" 'BEGIN { printf "%.1f", a - b }') s"

# timeout ends QEMU (our child) if the guest hangs; -no-reboot + panic=-1: a panic exits.
# QEMU runs in the background so that a TERM to this script (run.sh's cleanup) ends it.
timeout -k 10 "${E2E_GUEST_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -m 768 -smp 1 \
    -nographic -no-reboot -nic none -kernel "$KDIR/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet" </dev/null >"$work/console" 2>&1 &
qpid=$!
trap 'kill -TERM "$qpid" 2>/dev/null; wait "$qpid"; exit 143' TERM INT
tail -n +1 -f --pid="$qpid" "$work/console" |
    sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/^/  guest | /' &
wait "$qpid"
rc=$?
wait
tr -d '\r' <"$work/console" >"$LOG"
echo "  qemu exit $rc after $(awk -v a="$EPOCHREALTIME" -v b="$start" 'BEGIN { printf "%.1f", a - b }') s"
[[ $rc -eq 124 || $rc -eq 137 ]] && echo "  run-vm: the guest did not finish within ${E2E_GUEST_TIMEOUT:-300} s"
grep -q '^GUEST-EXIT rc=0' "$LOG"
