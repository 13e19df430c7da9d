#!/usr/bin/env bash
# Builds the QEMU guest's initramfs for the IP-in-IP part of tests/e2e (a few seconds):
# busybox-static as the userland, the guest kernel's bridge/veth/ipip modules (fetched by
# fetch-kernel.sh at setup time), this host's bash, iproute2, ping, nstat and tcpdump with
# their shared-library closure, the e2e harness itself, and bgp-node-agent (with its
# libraries) when the agent driver runs. The guest's /init runs run.sh --guest and powers off.
#
#   bash tests/e2e/vm/build-initramfs.sh OUT.cpio.gz GUEST_ARGS...
#   env: E2E_DRIVER (agent|static), E2E_AGENT (binary), E2E_CACHE (/var/cache/libbgp-e2e)
set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DIR=$(dirname "$VM_DIR")
OUT=$1
shift
KDIR=${E2E_CACHE:-/var/cache/libbgp-e2e}/kernel
[[ -f $KDIR/vmlinuz ]] || { echo "build-initramfs: no $KDIR/vmlinuz (scripts/setup.sh)" >&2; exit 1; }
BUSYBOX=$(command -v busybox) || { echo "build-initramfs: busybox missing (busybox-static)" >&2; exit 1; }

R=$(mktemp -d "${TMPDIR:-/tmp}/lbe-rootfs.XXXXXX")
trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib/modules,etc,proc,sys,dev,run,tmp,var,e2e/tests}
ln -s /run "$R/var/run"
cp "$BUSYBOX" "$R/bin/busybox"
cp "$KDIR"/modules/*.ko "$KDIR/modules/order" "$R/lib/modules/"

copy_with_libs() { # copy_with_libs BINARY DEST: the file and every library ldd resolves
    local bin=$1 dest=$2 lib
    cp -L "$bin" "$R$dest"
    while read -r lib; do
        [[ -f $lib && ! -e $R$lib ]] || continue
        mkdir -p "$R$(dirname "$lib")"
        cp -L "$lib" "$R$lib"
    done < <(ldd "$bin" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }')
}
for b in bash ip bridge nstat ping tcpdump; do
    copy_with_libs "$(command -v "$b")" "/usr/bin/$b"
done
ln -s /usr/bin/bash "$R/bin/bash"

# the harness (only what run.sh needs), and the agent under the same relative path
cp -r "$E2E_DIR" "$R/e2e/tests/e2e"
rm -rf "$R/e2e/tests/e2e/vm"
if [[ ${E2E_DRIVER:-agent} == agent ]]; then
    mkdir -p "$R/e2e/build/bin"
    copy_with_libs "$E2E_AGENT" /e2e/build/bin/bgp-node-agent
    # RelWithDebInfo: ~67 MB of it is debug info, which only slows gzip and the guest's boot
    strip --strip-debug "$R/e2e/build/bin/bgp-node-agent" 2>/dev/null || true
fi

printf 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:104:110::/nonexistent:/usr/sbin/nologin\n' >"$R/etc/passwd"
printf 'root:x:0:\ntcpdump:x:110:\n' >"$R/etc/group"
printf '%q ' "$@" >"$R/e2e/guest-args"
printf '%s\n' "${E2E_DRIVER:-agent}" >"$R/e2e/guest-driver"

cat >"$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ln -sf /proc/self/fd /dev/fd
uptime_s() { cut -d' ' -f1 /proc/uptime; }
echo "guest: T+$(uptime_s)s init, kernel $(uname -r)"
for m in $(cat /lib/modules/order); do insmod "/lib/modules/$m" || echo "guest: insmod $m FAILED"; done
echo "guest: T+$(uptime_s)s modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
/usr/bin/ip -d link show tunl0 | head -n 2
eval "set -- $(cat /e2e/guest-args)"
E2E_DRIVER=$(cat /e2e/guest-driver) /usr/bin/bash /e2e/tests/e2e/run.sh --guest "$@"
echo "GUEST-EXIT rc=$? T+$(uptime_s)s"
poweroff -f
INIT
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1 >"$OUT")
echo "build-initramfs: $OUT ($(du -h "$OUT" | cut -f1)), kernel $(cut -d' ' -f1 "$KDIR/VERSION")"
