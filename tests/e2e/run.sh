#!/usr/bin/env bash
# The end-to-end proof of issue 6: the seed's three nodes in network namespaces this script
# creates and removes (prefix lbe-), a node agent in each host namespace, and for each
# pool mode the route tables of DESIGN.md (expected-routes.txt) and the pod ping matrix.
#
#   bash tests/e2e/run.sh [options]            # as root
#     --driver agent|static  what installs routes (default agent: build/bin/bgp-node-agent;
#                            static: the harness's own ip-route stand-in, see lib/drivers.sh)
#     --agent PATH           the bgp-node-agent binary
#     --modes "M..."         host modes, in order (default: never vxlan-always
#                            vxlan-cross-subnet never); the first starts the agents, each
#                            next one is applied live
#     --form v1|v3           manifest form of the pool (default v3; VXLAN exists only in v3)
#     --cluster mesh|rr      host part: manifests/cluster.yaml (node-to-node mesh, default) or
#                            cluster-rr.yaml (mesh off, demi-1 reflects, MD5) plus the checks
#                            of lib/rr.sh (agent driver only; the guest keeps the mesh)
#     --no-restart           skip the kill -9 restart test (runs in the last encapsulated mode)
#     --ipv6 | --no-ipv6     the IPv6 phase after the IPv4 modes (lib/ipv6.sh; default: on in
#                            the host part with the mesh, off in the guest and with rr)
#     --no-extras            skip the extra phases of lib/extras.sh (ECMP, natOutgoing; with the mesh only)
#     --vm | --no-vm         also run the IP-in-IP modes in the QEMU guest (default: --vm
#                            when the guest kernel was fetched by scripts/setup.sh)
#     --vm-only              only the guest part
#     --show                 print every host's route table and the agent's view per mode
#     --inject KIND          break the data plane on purpose (self-test of the checks):
#                            wrong-route | extra-route | missing-route | no-proxy-arp |
#                            ipv6-wrong-route | ipv6-missing-route | ipv6-no-gateway |
#                            ipv6-no-forwarding; with --cluster rr also rr-mesh-session |
#                            rr-wrong-key; for the extras a comma-separated list of
#                            ecmp-* / nat-* kinds
#     --keep                 leave the namespaces up at the end (for debugging)
#
# Prints PASS/FAIL per check and closes with "e2e: N passed, M failed"; exit 0 iff all
# passed. Timing per part is printed. Environment: E2E_CONVERGE_TIMEOUT (s, default 45),
# E2E_PREFIX (default lbe-), E2E_WORK (scratch dir), E2E_GUEST_TIMEOUT (s, default 300).
set -uo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
E2E_MANIFESTS=$E2E_DIR/manifests
E2E_DRIVER=${E2E_DRIVER:-agent}
E2E_AGENT=${E2E_AGENT:-$ROOT/build/bin/bgp-node-agent}
MODES="never vxlan-always vxlan-cross-subnet never"
RESTART=1
VM=auto
HOST_PART=1
GUEST=0
INJECT=""
KEEP=0
IPV6=auto
EXTRAS=1

while [[ $# -gt 0 ]]; do
    case $1 in
        --driver) E2E_DRIVER=$2; shift ;;
        --agent) E2E_AGENT=$2; shift ;;
        --modes) MODES=$2; shift ;;
        --form) E2E_FORM=$2; shift ;;
        --cluster) E2E_CLUSTER_KIND=$2; shift ;;
        --no-restart) RESTART=0 E2E_GUEST_ARGS="${E2E_GUEST_ARGS:-} --no-restart" ;;
        --vm) VM=1 ;;
        --no-vm) VM=0 ;;
        --vm-only) VM=1 HOST_PART=0 ;;
        --guest) GUEST=1 VM=0 ;;
        --show) export E2E_SHOW_TABLES=1 E2E_GUEST_ARGS="${E2E_GUEST_ARGS:-} --show" ;;
        --inject) INJECT=$2; shift ;;
        --keep) KEEP=1 ;;
        --ipv6) IPV6=1 ;;
        --no-ipv6) IPV6=0 ;;
        -h | --help) sed -n '2,35p' "$0" | sed 's/^# \?//'; exit 0 ;;
        --no-extras) EXTRAS=0 E2E_GUEST_ARGS="${E2E_GUEST_ARGS:-} --no-extras" ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
export E2E_GUEST_ARGS=${E2E_GUEST_ARGS:-}
[[ -e $E2E_AGENT ]] && E2E_AGENT=$(cd "$(dirname "$E2E_AGENT")" && pwd)/$(basename "$E2E_AGENT")

# shellcheck source=lib/common.sh
. "$E2E_DIR/lib/common.sh"
# shellcheck source=lib/topology.sh
. "$E2E_DIR/lib/topology.sh"
# shellcheck source=lib/drivers.sh
. "$E2E_DIR/lib/drivers.sh"
# shellcheck source=lib/checks.sh
. "$E2E_DIR/lib/checks.sh"
# shellcheck source=lib/restart.sh
. "$E2E_DIR/lib/restart.sh"
# shellcheck source=lib/ipv6.sh
. "$E2E_DIR/lib/ipv6.sh"
# shellcheck source=lib/rr.sh
. "$E2E_DIR/lib/rr.sh"
# shellcheck source=lib/extras.sh
. "$E2E_DIR/lib/extras.sh"

if [[ $(id -u) -ne 0 ]]; then
    echo "e2e: SKIP: needs root (network namespaces)"
    exit 77
fi
case $E2E_DRIVER in
    agent)
        if [[ ! -x $E2E_AGENT ]]; then
            echo "e2e: $E2E_AGENT not built (or use --driver static)" >&2
            exit 2
        fi
        ;;
    static) ;;
    *) echo "run.sh: unknown driver $E2E_DRIVER" >&2; exit 2 ;;
esac
case ${E2E_CLUSTER_KIND:=mesh} in
    mesh) E2E_CLUSTER=$E2E_MANIFESTS/cluster.yaml ;;
    rr) E2E_CLUSTER=$E2E_MANIFESTS/cluster-rr.yaml
        [[ $E2E_DRIVER == agent ]] || { echo "run.sh: --cluster rr needs the agent driver" >&2; exit 2; } ;;
    *) echo "run.sh: unknown --cluster $E2E_CLUSTER_KIND (mesh | rr)" >&2; exit 2 ;;
esac
export E2E_CLUSTER
for tool in ip ping nstat tcpdump sha1sum timeout; do
    command -v "$tool" >/dev/null || { echo "e2e: missing $tool (scripts/setup.sh)" >&2; exit 2; }
done

E2E_WORK=${E2E_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/${E2E_PREFIX}e2e.XXXXXX")}
mkdir -p "$E2E_WORK"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_all_pids
    if [[ $KEEP == 1 ]]; then
        log "e2e: --keep: namespaces left up: $(our_namespaces | tr '\n' ' ')"
    else
        delete_namespaces
    fi
    if [[ $rc -ne 0 && -d $E2E_WORK ]]; then
        local f
        for f in "$E2E_WORK"/agent-*.log; do
            [[ -f $f ]] || continue
            log "--- last lines of $(basename "$f"):"
            tail -n 15 "$f" | sed 's/^/    | /'
        done
    fi
    [[ -z ${E2E_KEEP_WORK:-} ]] && rm -rf "$E2E_WORK"
    exit "$rc"
}

inject() { # break one thing on walker-1 / walker-2 so that a check must fail
    case $1 in
        "") return 0 ;;
        ecmp-* | nat-*) return 0 ;; # lib/extras.sh injects these in its phases
        wrong-route) ip -n "${E2E_PREFIX}walker-1" route replace "${H_BLOCK[walker-2]}" via 172.16.6.254 dev eth0 proto 201 ;;
        extra-route) ip -n "${E2E_PREFIX}walker-1" route add 192.168.251.0/26 via 172.16.6.249 dev eth0 proto 201 ;;
        missing-route) ip -n "${E2E_PREFIX}walker-2" route del "${H_BLOCK[walker-2]}" proto 201 ;;
        no-proxy-arp) nx walker-2 sysctl -qw "net.ipv4.conf.${H_CALI[walker-2]}.proxy_arp=0" ;;
        ipv6-*) return 0 ;; # in the IPv6 phase (lib/ipv6.sh)
        rr-*) rr_inject "$1" || { echo "run.sh: --inject $1 failed (rr-mesh-session | rr-wrong-key, with --cluster rr)" >&2; exit 2; } ;;
        *) echo "run.sh: unknown --inject $1" >&2; exit 2 ;;
    esac
    log "  (injected: $1)"
}

host_part() {
    local t0=$EPOCHREALTIME t first=1 mode last_encap=""
    section "topology (namespaces ${E2E_PREFIX}*) and ${E2E_DRIVER} driver, cluster $(basename "$E2E_CLUSTER"), modes: $MODES"
    load_hosts "$E2E_CLUSTER" || return 1
    topology_up || { fail "topology could not be created"; return 1; }
    log "  hosts: ${HOSTS[*]}; pods: ${PODS[*]}"
    for h in "${HOSTS[@]}"; do
        log "    $h ${H_IP[$h]}/${H_LEN[$h]} block ${H_BLOCK[$h]} pod ${H_POD[$h]} ${H_PODIP[$h]} on ${H_CALI[$h]}"
    done
    check_underlay
    log "  topology up in $(since "$t0") s"
    for mode in $MODES; do
        t=$EPOCHREALTIME
        if [[ $first == 1 ]]; then
            section "mode $mode: start the ${E2E_DRIVER} driver with $(basename "$(pool_manifest "$mode")") ($E2E_FORM)"
            driver_start "$mode" || { fail "$mode: the $E2E_DRIVER driver did not start"; return 1; }
            inject "$INJECT"
            first=0
        else
            section "mode $mode: switch the pool live ($(basename "$(pool_manifest "$mode")"), $E2E_FORM)"
            driver_switch "$mode" || fail "$mode: switching the pool failed"
        fi
        check_tables "$mode"
        check_pings "$mode"
        check_router_sees_encap "$mode"
        [[ $E2E_CLUSTER_KIND == rr ]] && check_rr "$mode"
        [[ $mode != never ]] && last_encap=$mode
        log "  mode $mode: $(since "$t") s"
    done
    if [[ $RESTART == 1 && -n $last_encap ]]; then
        if [[ $CURRENT_MODE != "$last_encap" ]]; then
            section "mode $last_encap again, for the restart test"
            driver_switch "$last_encap"
            check_tables "$last_encap"
        fi
        t=$EPOCHREALTIME
        if [[ $E2E_CLUSTER_KIND == rr ]]; then
            rr_restart "$last_encap" # the reflector's agent, then the sessions and reflection again
        else
            check_restart "$last_encap"
        fi
        log "  restart test: $(since "$t") s"
    fi
    # The extra phases and the IPv6 manifests extend the mesh cluster (its Nodes); the rr
    # variant runs without them. The extras first: the IPv6 phase restarts the agents.
    [[ $EXTRAS == 1 && ${E2E_CLUSTER_KIND:-mesh} == mesh ]] && extras_phases
    if [[ $IPV6 == auto ]]; then
        IPV6=0
        [[ $GUEST == 0 && ${E2E_CLUSTER_KIND:-mesh} == mesh ]] && IPV6=1
    fi
    [[ $IPV6 == 1 ]] && ipv6_phase "$INJECT"
    driver_stop
    delete_namespaces
    log "  $([[ $GUEST == 1 ]] && echo "guest namespaces" || echo "host part"): $(since "$t0") s"
}

trap cleanup EXIT
trap 'log "e2e: interrupted"; exit 130' INT TERM

if [[ $GUEST == 0 ]]; then
    reap_previous_run
    if [[ -n $(our_namespaces) ]]; then
        log "e2e: removing namespaces left by an earlier run: $(our_namespaces | tr '\n' ' ')"
        delete_namespaces
    fi
fi

total=$EPOCHREALTIME
[[ $HOST_PART == 1 ]] && host_part

if [[ $VM == auto ]]; then
    VM=0
    if [[ -f ${E2E_KERNEL_DIR:-/var/cache/libbgp-e2e/kernel}/vmlinuz ]]; then VM=1; fi
    [[ $VM == 0 ]] && log "e2e: no guest kernel in /var/cache/libbgp-e2e (scripts/setup.sh): IP-in-IP guest part not run"
fi
if [[ $VM == 1 ]]; then
    section "IP-in-IP in a QEMU guest (Debian's kernel with ipip, TCG)"
    t=$EPOCHREALTIME
    guest_log=$E2E_WORK/guest.log
    # in the background, so that a TERM (the step's timeout) reaches our trap at once
    E2E_DRIVER=$E2E_DRIVER E2E_AGENT=$E2E_AGENT bash "$E2E_DIR/vm/run-vm.sh" "$guest_log" &
    vm_pid=$!
    track_pid "$vm_pid" "run-vm.sh"
    wait "$vm_pid"
    vm_rc=$?
    untrack_pid "$vm_pid"
    line=$(grep -a -E 'e2e: [0-9]+ passed, [0-9]+ failed' "$guest_log" | tail -n 1 | tr -d '\r')
    if [[ -n $line ]]; then
        gp=$(sed -E 's/.*e2e: ([0-9]+) passed.*/\1/' <<<"$line")
        gf=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
        PASS=$((PASS + gp))
        FAIL=$((FAIL + gf))
        ((gf > 0)) && FAILED_CHECKS+=("$gf check(s) in the guest (see above)")
        log "  guest: $gp passed, $gf failed"
    fi
    if [[ -z $line || $vm_rc -ne 0 ]]; then
        fail "QEMU guest: no clean result (run-vm.sh exit $vm_rc)"
    fi
    log "  guest part (build initramfs + boot + tests): $(since "$t") s"
fi

section "summary ($(since "$total") s)"
for c in "${FAILED_CHECKS[@]}"; do log "  failed: $c"; done
echo "e2e: $PASS passed, $FAIL failed"
[[ $FAIL -eq 0 && $PASS -gt 0 ]]
