#!/usr/bin/env bash
# Installs everything libbgp needs to build and test, from Debian 12 (bookworm) packages.
#
#   bash scripts/setup.sh           # as root, or as a user with sudo
#
# Idempotent: when every package is already installed it does nothing (no apt-get update),
# so scripts/test.sh and scripts/demo.sh call it on every run. Environment:
#   BGP_SETUP_DRY_RUN=1   print the apt-get commands instead of running them
#   BGP_SETUP_FORCE=1     run apt-get update + install even if everything is present
set -euo pipefail

PACKAGES=(
    # toolchain
    build-essential cmake pkg-config git python3 xxd
    # clang for libFuzzer (clang-14 + its runtime libraries) and the format check
    clang clang-14 libclang-rt-14-dev clang-format
    # MRT reader/writer oracle (tests/corpus_tests/mrt_writer_bgpdump.sh)
    bgpdump
    # libraries
    libboost1.81-dev libfmt-dev catch2 libbenchmark-dev libyaml-cpp-dev libpcap-dev
    zlib1g-dev libbz2-dev libmnl-dev
    # natOutgoing of the node agent (examples/node-agent/nat.cpp) and its test
    libnftables-dev nftables
    # test oracles and capture tools
    tshark tcpdump
    # /metrics parsed by the Prometheus client (tests/unit/reflector/metrics_parse.py)
    python3-prometheus-client
    # interop peers (tests/interop: started by the suite itself, never as services)
    bird2 frr gobgpd exabgp iproute2
    # end-to-end test (tests/e2e): pings, and the QEMU guest that runs real IP-in-IP
    iputils-ping qemu-system-x86 busybox-static cpio
)

# libboost1.81-dev conflicts with libboost1.74-dev (Debian 12's default Boost, pulled in
# by libboost-dev and the libboost-*-dev meta packages). Whatever of these is installed is
# removed in the same apt transaction ("pkg-" suffix), together with whatever depends on
# it; apt prints the list.
BOOST_CONFLICTS=(libboost-dev libboost1.74-dev libboost-all-dev)

log() { printf '[setup] %s\n' "$*"; }

# The QEMU guest kernel of tests/e2e (Debian's linux-image-amd64, which has ipip): downloaded
# and unpacked into /var/cache/libbgp-e2e here, never at test time. Idempotent.
fetch_e2e_kernel() {
    if [[ ${BGP_SETUP_DRY_RUN:-0} == 1 ]]; then
        log "would run: tests/e2e/vm/fetch-kernel.sh"
        return 0
    fi
    "${SUDO[@]}" bash "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/vm/fetch-kernel.sh" ||
        log "warning: no guest kernel for tests/e2e (its IP-in-IP part will fail)"
}

if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    log "error: run as root, or install sudo" >&2
    exit 1
fi

run() {
    if [[ ${BGP_SETUP_DRY_RUN:-0} == 1 ]]; then
        printf '[setup] would run: %s\n' "$*"
    else
        "$@"
    fi
}

is_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

if [[ -r /etc/os-release ]]; then
    # shellcheck disable=SC1091
    . /etc/os-release
    if [[ ${ID:-} != debian || ${VERSION_CODENAME:-} != bookworm ]]; then
        log "warning: made for Debian 12 (bookworm), this is ${PRETTY_NAME:-unknown}"
    fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
done
remove=()
for p in "${BOOST_CONFLICTS[@]}"; do
    is_installed "$p" && remove+=("$p")
done

if [[ ${#missing[@]} -eq 0 && ${#remove[@]} -eq 0 && ${BGP_SETUP_FORCE:-0} != 1 ]]; then
    log "all ${#PACKAGES[@]} packages installed"
    fetch_e2e_kernel
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# tshark's wireshark-common asks whether non-root users may capture; answer "no" up front.
if [[ ${BGP_SETUP_DRY_RUN:-0} == 1 ]]; then
    log "would preseed: wireshark-common wireshark-common/install-setuid boolean false"
else
    echo "wireshark-common wireshark-common/install-setuid boolean false" |
        "${SUDO[@]}" debconf-set-selections
fi

log "missing: ${missing[*]:-none}"
if [[ ${#remove[@]} -gt 0 ]]; then
    log "replacing Boost 1.74 development packages: ${remove[*]}"
fi

# An unreachable third-party source must not stop us: apt-get install below fails loudly
# if the Debian lists are really unusable.
if ! run "${SUDO[@]}" apt-get update; then
    log "warning: apt-get update reported errors, trying the install anyway"
fi

# The interop peers ship services (bird, frr, gobgpd, exabgp): a policy-rc.d that says 101
# keeps their postinst from starting any of them. Ours is removed afterwards; one that was
# already there (containers often have one) is left alone.
POLICY_RC=/usr/sbin/policy-rc.d
policy_added=0
if [[ ${BGP_SETUP_DRY_RUN:-0} == 1 ]]; then
    log "would install $POLICY_RC (exit 101) for the duration of apt-get install"
elif [[ ! -e $POLICY_RC ]]; then
    printf '#!/bin/sh\n# scripts/setup.sh: no service starts during package installation\nexit 101\n' |
        "${SUDO[@]}" tee "$POLICY_RC" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY_RC"
    policy_added=1
    trap '"${SUDO[@]}" rm -f "$POLICY_RC"' EXIT
fi

args=()
for p in "${remove[@]}"; do args+=("${p}-"); done
if [[ ${BGP_SETUP_FORCE:-0} == 1 ]]; then
    args+=("${PACKAGES[@]}")
else
    args+=("${missing[@]}")
fi
run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${args[@]}"

if [[ $policy_added == 1 ]]; then
    "${SUDO[@]}" rm -f "$POLICY_RC"
    trap - EXIT
fi

if [[ ${BGP_SETUP_DRY_RUN:-0} != 1 ]]; then
    still=()
    for p in "${PACKAGES[@]}"; do
        is_installed "$p" || still+=("$p")
    done
    if [[ ${#still[@]} -gt 0 ]]; then
        log "error: still not installed: ${still[*]}" >&2
        exit 1
    fi
    log "done: all ${#PACKAGES[@]} packages installed"
fi
fetch_e2e_kernel
