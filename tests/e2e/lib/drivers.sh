# shellcheck shell=bash
# tests/e2e: what programs the routes in the host namespaces. One interface, two drivers:
#
#   E2E_DRIVER=agent   (default) bgp-node-agent in every host namespace, given the whole
#                      cluster's manifests; `apply` switches the pool live; `show routes`.
#   E2E_DRIVER=static  the harness's own stand-in: `ip route` / `ip link` commands derived
#                      from the mode rules (not from expected-routes.txt), and a placeholder
#                      process per host to kill and restart. It proves the checks pass on a
#                      correct data plane and (with E2E_INJECT) fail on a wrong one.
#
# driver_start MODE | driver_switch MODE | driver_kill HOST | driver_restart HOST |
# driver_show HOST | driver_stop. A MODE is one of never, vxlan-always, vxlan-cross-subnet,
# ipip-always, ipip-cross-subnet; E2E_FORM (v1 | v3) picks the manifest form.

E2E_FORM=${E2E_FORM:-v3}
declare -A DRIVER_PID=()
CURRENT_POOL=""
CURRENT_MODE=""

pool_manifest() { # pool_manifest MODE -> path of the pool manifest for it in E2E_FORM
    local mode=$1
    if [[ $E2E_FORM == v1 && $mode != vxlan-* ]]; then
        echo "$E2E_MANIFESTS/v1/pool-${mode#ipip-}.yaml" # the seed's calicoctl v1 form
    else
        echo "$E2E_MANIFESTS/v3/pool-$mode.yaml" # VXLAN has no v1 form
    fi
}

driver_start() { "driver_${E2E_DRIVER}_start" "$@"; }
driver_switch() { "driver_${E2E_DRIVER}_switch" "$@"; }
driver_kill() {
    local pid=${DRIVER_PID[$1]}
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    untrack_pid "$pid"
}
driver_restart() { "driver_${E2E_DRIVER}_restart" "$@"; }
driver_show() { "driver_${E2E_DRIVER}_show" "$@"; }
driver_stop() {
    local h
    for h in "${!DRIVER_PID[@]}"; do stop_pid "${DRIVER_PID[$h]}" TERM; done
}

# ---- the real node agent ---------------------------------------------------------------
agent_sock() { echo "$E2E_WORK/$1.sock"; }

agent_launch() { # agent_launch HOST
    local h=$1 n=${E2E_AGENT_STARTS[$1]:-0}
    E2E_AGENT_STARTS[$h]=$((n + 1))
    local logf=$E2E_WORK/agent-$h.log
    ((n > 0)) && logf=$E2E_WORK/agent-$h.restart$n.log
    rm -f "$(agent_sock "$h")"
    ip netns exec "$E2E_PREFIX$h" "$E2E_AGENT" run --node "$h" --socket "$(agent_sock "$h")" \
        -f "${E2E_CLUSTER:-$E2E_MANIFESTS/cluster.yaml}" -f "$CURRENT_POOL" >"$logf" 2>&1 &
    DRIVER_PID[$h]=$!
    track_pid "$!" "bgp-node-agent $h"
    # ready when its control socket exists (bounded)
    if ! wait_until "${E2E_START_TIMEOUT:-20}" test -S "$(agent_sock "$h")"; then
        log "e2e: agent $h did not open $(agent_sock "$h"); its log:"
        sed 's/^/    | /' "$logf" | tail -n 30
        return 1
    fi
}
declare -A E2E_AGENT_STARTS=()

driver_agent_start() {
    local h rc=0
    CURRENT_MODE=$1
    CURRENT_POOL=$(pool_manifest "$1")
    for h in "${HOSTS[@]}"; do agent_launch "$h" || rc=1; done
    return $rc
}

driver_agent_switch() {
    local h rc=0
    CURRENT_MODE=$1
    CURRENT_POOL=$(pool_manifest "$1")
    for h in "${HOSTS[@]}"; do
        timeout 20 "$E2E_AGENT" apply --socket "$(agent_sock "$h")" -f "$CURRENT_POOL" ||
            { log "e2e: apply on $h failed"; rc=1; }
    done
    return $rc
}

driver_agent_restart() { agent_launch "$1"; }

driver_agent_show() { timeout 10 "$E2E_AGENT" show routes --socket "$(agent_sock "$1")"; }

# ---- the static stand-in ---------------------------------------------------------------
vtep_mac() { # deterministic, locally administered MAC from the host address
    local a b c d
    IFS=. read -r a b c d <<<"$1"
    printf '0e:e2:%02x:%02x:%02x:%02x' "$a" "$b" "$c" "$d"
}

# static_routes HOST MODE: the routes the mode rules give (DESIGN.md), one per line, in
# `ip route` argument form.
static_routes() {
    local h=$1 mode=$2 r kind=${2%%-*} dev
    case $kind in vxlan) dev=vxlan.calico ;; ipip) dev=tunl0 ;; *) dev=eth0 ;; esac
    echo "blackhole ${H_BLOCK[$h]}"
    for r in "${HOSTS[@]}"; do
        [[ $r == "$h" ]] && continue
        if [[ $mode == *-always || ($mode == *-cross-subnet && ${H_SEG[$r]} != "${H_SEG[$h]}") ]]; then
            echo "${H_BLOCK[$r]} via ${H_IP[$r]} dev $dev onlink"
        elif [[ ${H_SEG[$r]} == "${H_SEG[$h]}" ]]; then
            echo "${H_BLOCK[$r]} via ${H_IP[$r]} dev eth0"
        else
            echo "${H_BLOCK[$r]} via ${H_GW[$h]} dev eth0" # the recursive resolution result
        fi
    done
}

static_program() { # static_program HOST MODE
    local h=$1 mode=$2 kind=${2%%-*} r line first
    first=${H_BLOCK[$h]%/*}
    if [[ $kind == vxlan ]]; then
        if ! ip -n "$E2E_PREFIX$h" link show vxlan.calico >/dev/null 2>&1; then
            ip -n "$E2E_PREFIX$h" link add vxlan.calico type vxlan id 4096 dstport 4789 local "${H_IP[$h]}" \
                dev eth0 nolearning || return 1
            ip -n "$E2E_PREFIX$h" link set vxlan.calico address "$(vtep_mac "${H_IP[$h]}")"
            ip -n "$E2E_PREFIX$h" addr add "$first/32" dev vxlan.calico
            ip -n "$E2E_PREFIX$h" link set vxlan.calico up
        fi
        for r in "${HOSTS[@]}"; do
            [[ $r == "$h" ]] && continue
            ip -n "$E2E_PREFIX$h" neigh replace "${H_IP[$r]}" lladdr "$(vtep_mac "${H_IP[$r]}")" \
                dev vxlan.calico nud permanent
            bridge -n "$E2E_PREFIX$h" fdb replace "$(vtep_mac "${H_IP[$r]}")" dev vxlan.calico \
                dst "${H_IP[$r]}" self permanent
        done
    fi
    if [[ $kind == ipip ]]; then
        ip -n "$E2E_PREFIX$h" addr replace "$first/32" dev tunl0 || return 1
        ip -n "$E2E_PREFIX$h" link set tunl0 up
    fi
    local want
    want=$(static_routes "$h" "$mode")
    while read -r line; do
        # shellcheck disable=SC2086
        ip -n "$E2E_PREFIX$h" route replace $line proto 201 || return 1
    done <<<"$want"
    # sweep our routes the mode does not want
    local dsts=" " dst
    while read -r line; do
        dst=${line#blackhole }
        dsts+="${dst%% *} "
    done <<<"$want"
    while read -r line; do
        [[ -z $line ]] && continue
        dst=${line#blackhole }
        dst=${dst%% *}
        [[ $dsts == *" $dst "* ]] || ip -n "$E2E_PREFIX$h" route del "$dst" proto 201
    done < <(ip -n "$E2E_PREFIX$h" -4 route show proto 201)
    if [[ $kind != vxlan ]]; then ip -n "$E2E_PREFIX$h" link del vxlan.calico 2>/dev/null; fi
    if [[ $kind != ipip ]] && ip -n "$E2E_PREFIX$h" link show tunl0 >/dev/null 2>&1; then
        ip -n "$E2E_PREFIX$h" addr flush dev tunl0
        ip -n "$E2E_PREFIX$h" link set tunl0 down
    fi
    return 0
}

static_placeholder() { # a process per host that the restart test can kill -9
    ip netns exec "$E2E_PREFIX$1" sleep 3600 &
    DRIVER_PID[$1]=$!
    track_pid "$!" "static placeholder $1"
}

driver_static_start() {
    local h
    CURRENT_MODE=$1
    for h in "${HOSTS[@]}"; do
        static_placeholder "$h"
        static_program "$h" "$1" || return 1
    done
}

driver_static_switch() {
    local h
    CURRENT_MODE=$1
    for h in "${HOSTS[@]}"; do static_program "$h" "$1" || return 1; done
}

driver_static_restart() {
    static_placeholder "$1"
    static_program "$1" "$CURRENT_MODE"
}

driver_static_show() { static_routes "$1" "$CURRENT_MODE" | sed 's/^/static: /'; }
