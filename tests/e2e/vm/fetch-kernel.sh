#!/usr/bin/env bash
# Fetches the QEMU guest's kernel for tests/e2e (called by scripts/setup.sh, never at test
# time): Debian's linux-image-amd64 (whose kernel has ipip as a module, unlike this host's)
# is `apt-get download`ed into $E2E_CACHE/debs, and only vmlinuz plus the modules the guest
# loads are extracted into $E2E_CACHE/kernel (the whole package unpacks to ~400 MB).
# Idempotent: does nothing when $E2E_CACHE/kernel/vmlinuz exists.
#
#   bash tests/e2e/vm/fetch-kernel.sh        # as root; E2E_CACHE default /var/cache/libbgp-e2e
set -euo pipefail

CACHE=${E2E_CACHE:-/var/cache/libbgp-e2e}
KDIR=$CACHE/kernel
# the modules the guest needs, in load order: bridge (the L2 segments), veth, IP-in-IP
MODULES=(net/llc/llc.ko net/802/stp.ko net/bridge/bridge.ko drivers/net/veth.ko
    net/ipv4/tunnel4.ko net/ipv4/ip_tunnel.ko net/ipv4/ipip.ko)

if [[ -f $KDIR/vmlinuz ]]; then
    echo "[e2e-kernel] guest kernel present: $(cat "$KDIR/VERSION" 2>/dev/null)"
    exit 0
fi
mkdir -p "$CACHE/debs"
cd "$CACHE/debs"
# linux-image-amd64 is a meta package: its first dependency names the versioned image.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [[ -z $pkg ]]; then
    echo "[e2e-kernel] error: apt-cache knows no linux-image-amd64 (apt-get update first)" >&2
    exit 1
fi
if ! ls "${pkg}"_*.deb >/dev/null 2>&1; then
    echo "[e2e-kernel] apt-get download $pkg"
    # apt's download user must be able to write here (else it warns and downloads as root)
    chown _apt "$CACHE/debs" 2>/dev/null || true
    if ! apt-get download "$pkg"; then
        # the lists may name a version the mirror no longer has: refresh once and retry
        apt-get update -q || true
        pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
        apt-get download "$pkg"
    fi
fi
deb=$(ls "${pkg}"_*.deb | head -n 1)
tmp=$(mktemp -d "$CACHE/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
patterns=('./boot/vmlinuz-*')
for m in "${MODULES[@]}"; do patterns+=("./lib/modules/*/kernel/$m"); done
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "${patterns[@]}"
kver=$(ls "$tmp/lib/modules")
rm -rf "$KDIR.new"
mkdir -p "$KDIR.new/modules"
for m in "${MODULES[@]}"; do cp "$tmp/lib/modules/$kver/kernel/$m" "$KDIR.new/modules/"; done
printf '%s\n' "${MODULES[@]##*/}" >"$KDIR.new/modules/order"
cp "$tmp/boot/vmlinuz-$kver" "$KDIR.new/vmlinuz"
echo "$kver ($deb)" >"$KDIR.new/VERSION"
rm -rf "$KDIR"
mv "$KDIR.new" "$KDIR"
rm -f "$deb" # 70 MB; only what was extracted is needed
echo "[e2e-kernel] guest kernel $kver in $KDIR"
