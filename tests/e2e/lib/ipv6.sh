# shellcheck shell=bash
# tests/e2e: the IPv6 phase (run.sh --ipv6, on by default in the host part). After the IPv4
# modes, the running topology is made dual-stack and the agents are restarted with an IPv6
# pool; the IPv4 topology, manifests and checks before it are left exactly as they were.
#
#   segment a (fd00:172:16:6::/64)                    segment b (fd00:172:16:199::/64)
#   walker-1 eth0 fd00:172:16:6::47   ---+           +--- demi-1 eth0 fd00:172:16:199::114
#   walker-2 eth0 fd00:172:16:6::249  ---+-- router -+
#            router eth0 fd00:172:16:6::254   eth1 fd00:172:16:199::254  (forwarding, no pod routes)
#
# Hosts: IPv6 forwarding on, default route via the router. Nodes: spec.bgp.ipv6Address
# (manifests/ipv6/cluster.yaml, which also holds each node's /122 BlockAffinity) and the
# pool fd5d:7a2b:1::/48 (manifests/ipv6/pool.yaml). Pods wired as Calico's CNI plugin does
# for IPv6 (cni-plugin/pkg/dataplane/linux/dataplane_linux.go): DAD off on both veth ends,
# the address as /128 on the pod's eth0, the pod's default route via the link-local address
# of the host end (MAC ee:ee:ee:ee:ee:ee, so fe80::ecee:eeff:feee:eeee), IPv6 forwarding
# off in the pod; on the host proxy_ndp=1, forwarding=1, accept_ra=0 on the veth and the
# route <pod>/128 dev caliX.
#
# IPv6 pools have no encapsulation: every remote /122 is a plain route, via the peer on the
# same segment, via the local gateway otherwise (the next hop resolved recursively, as
# BIRD's `gateway recursive`); the own /122 a blackhole (expected-routes-ipv6.txt). As in
# the seed's Never mode, pods on one segment reach each other and the router, which has no
# pod routes, drops everything that crosses it.

# name      pod address (in the node's block)
E2E_IPV6_PODS="walker-1 fd5d:7a2b:1:187::d3
walker-2 fd5d:7a2b:1:135::4a
demi-1 fd5d:7a2b:1:121::2"
E2E_IPV6_GW_a=fd00:172:16:6::254
E2E_IPV6_GW_b=fd00:172:16:199::254
E2E_IPV6_POOL=fd5d:7a2b:1::/48
# The link-local address the kernel derives (EUI-64) from Calico's host veth MAC.
E2E_IPV6_HOST_LL=fe80::ecee:eeff:feee:eeee
E2E_IPV6_MANIFESTS=("$E2E_MANIFESTS/ipv6/cluster.yaml" "$E2E_MANIFESTS/ipv6/pool.yaml")

declare -A H_IP6=() H_LEN6=() H_GW6=() H_PODIP6=() H_BLOCK6=()

# ip6_hex ADDR: the address as 32 hex digits (for prefix tests in bash).
ip6_hex() {
    local a=$1 head tail g i out="" n
    local -a before=() after=()
    if [[ $a == *::* ]]; then head=${a%%::*} tail=${a#*::}; else head=$a tail=""; fi
    [[ -n $head ]] && IFS=: read -ra before <<<"$head"
    [[ -n $tail ]] && IFS=: read -ra after <<<"$tail"
    n=$((8 - ${#before[@]} - ${#after[@]}))
    for g in "${before[@]}"; do out+=$(printf '%04x' "0x$g"); done
    for ((i = 0; i < n; i++)); do out+=0000; done
    for g in "${after[@]}"; do out+=$(printf '%04x' "0x$g"); done
    echo "$out"
}

in_cidr6() { # in_cidr6 ADDR CIDR
    local a b len=${2#*/} d r
    a=$(ip6_hex "$1")
    b=$(ip6_hex "${2%/*}")
    d=$((len / 4)) r=$((len % 4))
    [[ ${a:0:d} == "${b:0:d}" ]] || return 1
    ((r == 0)) && return 0
    local m=$(((0xf << (4 - r)) & 0xf))
    ((((0x${a:d:1}) & m) == ((0x${b:d:1}) & m)))
}

# Nodes' spec.bgp.ipv6Address in a manifest: "node address/len" lines.
node_ipv6_addresses() {
    awk '/^---/ { kind = ""; name = "" }
         /^kind:/ { kind = $2 }
         /^  name:/ { name = $2 }
         kind == "Node" && /^    ipv6Address:/ { print name, $2 }' "$1"
}

ipv6_load() {
    local f=$E2E_MANIFESTS/ipv6/cluster.yaml node cidr addr h podip
    declare -A blocks=() addrs=()
    while read -r node cidr; do [[ $cidr == *:* ]] && blocks[$node]=$cidr; done < <(block_affinities "$f")
    while read -r node addr; do addrs[$node]=$addr; done < <(node_ipv6_addresses "$f")
    while read -r h podip; do
        if [[ -z ${addrs[$h]:-} || -z ${blocks[$h]:-} ]]; then
            echo "e2e: no ipv6Address or no IPv6 BlockAffinity for node $h in $f" >&2
            return 1
        fi
        H_IP6[$h]=${addrs[$h]%/*}
        H_LEN6[$h]=${addrs[$h]#*/}
        H_BLOCK6[$h]=${blocks[$h]}
        H_PODIP6[$h]=$podip
        local gw=E2E_IPV6_GW_${H_SEG[$h]}
        H_GW6[$h]=${!gw}
        if ! in_cidr6 "$podip" "${H_BLOCK6[$h]}" || ! in_cidr6 "${H_BLOCK6[$h]%/*}" "$E2E_IPV6_POOL"; then
            echo "e2e: pod ${H_POD[$h]} address $podip is outside $h's block ${H_BLOCK6[$h]} or the pool" >&2
            return 1
        fi
        if ! in_cidr6 "${H_GW6[$h]}" "${H_IP6[$h]}/${H_LEN6[$h]}"; then
            echo "e2e: $h's IPv6 gateway ${H_GW6[$h]} is outside ${H_IP6[$h]}/${H_LEN6[$h]}" >&2
            return 1
        fi
    done <<<"$E2E_IPV6_PODS"
}

# The dual-stack half of the topology, added to the running one.
ipv6_topology_up() {
    local h pod cali
    ipb router <<<"addr add $E2E_IPV6_GW_a/64 dev eth0
addr add $E2E_IPV6_GW_b/64 dev eth1" || return 1
    nx router sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
    for h in "${HOSTS[@]}"; do
        pod=${H_POD[$h]}
        cali=${H_CALI[$h]}
        # pod side first (Calico: DAD off on both ends, IPv6 on, the /128, the default route
        # via the host end's link-local address; forwarding off, allowIPForwarding=false)
        nx "$pod" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
            net.ipv6.conf.lo.disable_ipv6=0 net.ipv6.conf.eth0.accept_dad=0 \
            net.ipv6.conf.all.forwarding=0 || return 1
        nx "$h" sysctl -qw net.ipv6.conf.all.forwarding=1 "net.ipv6.conf.$cali.accept_dad=0" \
            "net.ipv6.conf.$cali.disable_ipv6=0" "net.ipv6.conf.$cali.proxy_ndp=1" \
            "net.ipv6.conf.$cali.forwarding=1" "net.ipv6.conf.$cali.accept_ra=0" || return 1
        ipb "$pod" <<<"addr add ${H_PODIP6[$h]}/128 dev eth0
route add default via $E2E_IPV6_HOST_LL dev eth0" || return 1
        ipb "$h" <<<"addr add ${H_IP6[$h]}/${H_LEN6[$h]} dev eth0
route add default via ${H_GW6[$h]} dev eth0
route add ${H_PODIP6[$h]}/128 dev $cali" || return 1
    done
    # the segment addresses do duplicate address detection (a real network): the agents
    # bind to them, so wait until none is tentative any more (bounded)
    wait_until 10 ipv6_none_tentative
}

ipv6_none_tentative() {
    local n
    for n in router "${HOSTS[@]}"; do
        [[ -z $(ip -n "$E2E_PREFIX$n" -6 addr show tentative) ]] || return 1
    done
}

ipv6_check_topology() {
    local h rc=0 bad=""
    for h in "${HOSTS[@]}"; do
        if ! ip -n "$E2E_PREFIX$h" -6 addr show dev "${H_CALI[$h]}" scope link | grep -q "inet6 $E2E_IPV6_HOST_LL/64"; then
            rc=1 bad+=" $h"
        fi
    done
    check $rc "ipv6: each host's veth end has the pods' gateway $E2E_IPV6_HOST_LL (EUI-64 of ee:ee:ee:ee:ee:ee)${bad:+; missing on$bad}"
    rc=0
    nx walker-1 ping -6 -n -q -c 1 -W 2 "${H_IP6[walker-2]}" >/dev/null || rc=1
    nx walker-1 ping -6 -n -q -c 1 -W 2 "${H_IP6[demi-1]}" >/dev/null || rc=1
    check $rc "ipv6: underlay: walker-1 reaches walker-2 (same segment) and demi-1 (via the router)"
}

# ---- drivers -------------------------------------------------------------------------
# The agents are restarted (a node's ipv6Address is part of its identity, which `apply`
# refuses to change): the IPv4-only ones stop (no NOTIFICATION: routes stay), the dual-stack
# ones start with the cluster, the current IPv4 pool and the IPv6 manifests.
ipv6_agent_launch() { # ipv6_agent_launch HOST [LOG-SUFFIX]
    local h=$1 logf=$E2E_WORK/agent-$1.ipv6${2:-}.log f files=()
    for f in "$E2E_MANIFESTS/cluster.yaml" "$CURRENT_POOL" "${E2E_IPV6_MANIFESTS[@]}"; do files+=(-f "$f"); done
    rm -f "$(agent_sock "$h")"
    ip netns exec "$E2E_PREFIX$h" "$E2E_AGENT" run --node "$h" --socket "$(agent_sock "$h")" \
        "${files[@]}" >"$logf" 2>&1 &
    # shellcheck disable=SC2034 # lib/drivers.sh stops it
    DRIVER_PID[$h]=$!
    track_pid "$!" "bgp-node-agent $h (dual-stack)"
    if ! wait_until "${E2E_START_TIMEOUT:-20}" test -S "$(agent_sock "$h")"; then
        log "e2e: agent $h did not open $(agent_sock "$h"); its log:"
        sed 's/^/    | /' "$logf" | tail -n 30
        return 1
    fi
}

ipv6_driver_start() {
    local h rc=0
    case $E2E_DRIVER in
        agent)
            driver_stop
            for h in "${HOSTS[@]}"; do ipv6_agent_launch "$h" || rc=1; done
            ;;
        static)
            for h in "${HOSTS[@]}"; do ipv6_static_program "$h" || rc=1; done
            ;;
    esac
    return $rc
}

# The static stand-in: the routes from the rule above (not from the expected file).
ipv6_static_routes() {
    local h=$1 r
    echo "blackhole ${H_BLOCK6[$h]}"
    for r in "${HOSTS[@]}"; do
        [[ $r == "$h" ]] && continue
        if [[ ${H_SEG[$r]} == "${H_SEG[$h]}" ]]; then
            echo "${H_BLOCK6[$r]} via ${H_IP6[$r]} dev eth0"
        else
            echo "${H_BLOCK6[$r]} via ${H_GW6[$h]} dev eth0"
        fi
    done
}

ipv6_static_program() {
    local line
    while read -r line; do
        # shellcheck disable=SC2086
        ip -n "$E2E_PREFIX$1" -6 route replace $line proto 201 || return 1
    done < <(ipv6_static_routes "$1")
}

# ---- injections (run.sh --inject ipv6-*): break the IPv6 data plane on purpose ----------
# ipv6_inject STAGE KIND: STAGE "before" the agents start, or "after" the tables converged.
ipv6_inject() {
    case $1:$2 in
        before:ipv6-no-forwarding) ;;
        before:* | after:ipv6-no-forwarding | *:[!i]* | *:) return 0 ;;
    esac
    case $2 in
        ipv6-no-forwarding) # the router stops forwarding IPv6: no session across it
            nx router sysctl -qw net.ipv6.conf.all.forwarding=0 ;;
        ipv6-wrong-route) # walker-1 sends walker-2's block to the router (which drops it)
            ip -n "${E2E_PREFIX}walker-1" -6 route replace "${H_BLOCK6[walker-2]}" via "$E2E_IPV6_GW_a" dev eth0 proto 201 ;;
        ipv6-missing-route)
            ip -n "${E2E_PREFIX}walker-2" -6 route del "${H_BLOCK6[walker-1]}" proto 201 ;;
        ipv6-no-gateway) # walker-2's veth end loses the link-local address busybox-2 routes via
            ip -n "${E2E_PREFIX}walker-2" -6 addr del "$E2E_IPV6_HOST_LL/64" dev "${H_CALI[walker-2]}" ;;
        *) echo "run.sh: unknown --inject $2" >&2; return 1 ;;
    esac
    log "  (injected: $2)"
}

# ---- checks ----------------------------------------------------------------------------
ipv6_expected_routes() { # ipv6_expected_routes HOST
    awk -v h="$1" '$1 == "ipv6" && $2 == h { $1 = ""; $2 = ""; sub(/^  /, ""); print }' \
        "$E2E_DIR/expected-routes-ipv6.txt" | sort
}

ipv6_actual_routes() { ip -n "$E2E_PREFIX$1" -6 route show proto 201 | sed 's/ *$//' | sort; }

ipv6_routes_equal() { [[ "$(ipv6_actual_routes "$1")" == "$(ipv6_expected_routes "$1")" ]]; }

ipv6_all_equal() {
    local h
    for h in "${HOSTS[@]}"; do ipv6_routes_equal "$h" || return 1; done
}

# Routes inside the IPv6 pool that are neither ours nor the local pod's /128.
ipv6_foreign_pool_routes() {
    ip -n "$E2E_PREFIX$1" -6 route show root "$E2E_IPV6_POOL" | grep -v ' proto \(201\|libbgp\)' |
        grep -v "^${H_PODIP6[$1]} dev ${H_CALI[$1]} " || true
}

ipv6_check_tables() {
    local h start=$1 limit=${E2E_CONVERGE_TIMEOUT:-45}
    local deadline=$((SECONDS + limit))
    for h in "${HOSTS[@]}"; do
        if wait_until "$(remaining "$deadline")" ipv6_routes_equal "$h"; then
            pass "ipv6: $h IPv6 table = expected-routes-ipv6.txt (converged after $(since "$start") s)"
        else
            fail "ipv6: $h IPv6 table differs from expected-routes-ipv6.txt after ${limit} s"
            diff <(ipv6_expected_routes "$h") <(ipv6_actual_routes "$h") |
                sed -n 's/^</    missing: /p; s/^>/    extra:   /p'
        fi
        local foreign
        foreign=$(ipv6_foreign_pool_routes "$h")
        if [[ -z $foreign ]]; then
            pass "ipv6: $h has no IPv6 pool routes of another protocol"
        else
            fail "ipv6: $h has IPv6 pool routes of another protocol:"
            sed 's/^/    /' <<<"$foreign"
        fi
    done
}

# The IPv4 routes of the current mode must survive the restart into dual-stack unchanged.
ipv6_check_v4_unchanged() {
    local h deadline=$((SECONDS + ${E2E_CONVERGE_TIMEOUT:-45}))
    for h in "${HOSTS[@]}"; do
        if wait_until "$(remaining "$deadline")" routes_equal "$CURRENT_MODE" "$h"; then
            pass "ipv6: $h IPv4 table still = DESIGN.md ($CURRENT_MODE) with the dual-stack agent"
        else
            fail "ipv6: $h IPv4 table differs from DESIGN.md ($CURRENT_MODE) with the dual-stack agent"
            diff <(expected_routes "$CURRENT_MODE" "$h") <(actual_routes "$h") |
                sed -n 's/^</    missing: /p; s/^>/    extra:   /p'
        fi
    done
}

# Each agent has an established session to every other node's IPv6 address (the mesh).
ipv6_check_sessions() {
    local h r peers want missing
    for h in "${HOSTS[@]}"; do
        peers=$(timeout 10 "$E2E_AGENT" show peers --socket "$(agent_sock "$h")" 2>&1)
        missing="" want=""
        for r in "${HOSTS[@]}"; do
            [[ $r == "$h" ]] && continue
            want+=" ${H_IP6[$r]}"
            grep -qi "^${H_IP6[$r]} AS[0-9]* established" <<<"$peers" || missing+=" ${H_IP6[$r]}"
        done
        if [[ -z $missing ]]; then
            pass "ipv6: $h has IPv6 mesh sessions established to$want"
        else
            fail "ipv6: $h has no established IPv6 session to$missing; show peers:"
            sed 's/^/    /' <<<"$peers"
        fi
    done
}

# json_route PREFIX < show-routes-json: "INSTALLED ROUTE OWN" of PREFIX's entry (the agent
# writes one object per line; no jq needed).
json_route() {
    grep -F "\"prefix\":\"$1\"," |
        sed -E 's/.*"installed":([a-z]+),"route":"([^"]*)",.*"own":([a-z]+),.*/\1 \2 \3/'
}

# `show routes --json` must list each IPv6 route of the expected table, installed, with the
# kernel route's text (without the kernel's metric / pref), the own block as own.
ipv6_check_json() {
    local h json want got row prefix bad
    for h in "${HOSTS[@]}"; do
        json=$(timeout 10 "$E2E_AGENT" show routes --json --socket "$(agent_sock "$h")" 2>&1)
        bad=""
        while read -r row; do
            row=$(sed -E 's/ (metric [0-9]+|pref [a-z]+)//g' <<<"$row")
            prefix=${row#blackhole }
            prefix=${prefix%% *}
            if [[ $row == blackhole* ]]; then want="true blackhole $prefix true"; else want="true $row false"; fi
            got=$(json_route "$prefix" <<<"$json")
            [[ $got == "$want" ]] || bad+=$'\n'"    $prefix: want \"$want\", got \"${got:-nothing}\""
        done < <(ipv6_expected_routes "$h")
        if [[ -z $bad ]]; then
            pass "ipv6: $h show routes --json lists its $(ipv6_expected_routes "$h" | wc -l) IPv6 routes as installed"
        else
            fail "ipv6: $h show routes --json differs from expected-routes-ipv6.txt:"
            log "${bad#$'\n'}"
        fi
    done
}

# The kill -9 restart of walker-1's dual-stack agent under IPv6 traffic: graceful restart
# for the IPv6 family (the peers keep walker-1's /122 as stale, walker-1's kernel keeps its
# IPv6 routes), a stale IPv6 route of ours left behind swept, no echo lost.
E2E_IPV6_STALE_ROUTE="fd5d:7a2b:1:250::/122 via fd00:172:16:6::249 dev eth0"

ipv6_check_restart() {
    local victim=walker-1 pids=() a b pair start dir=$E2E_WORK/restart-ipv6 h pid
    local pairs=("busybox-2 busybox-1" "busybox-1 busybox-2")
    mkdir -p "$dir"
    log "  restart: kill -9 the dual-stack agent on $victim under ping -6 (${pairs[*]})"
    for pair in "${pairs[@]}"; do
        read -r a b <<<"$pair"
        ip netns exec "$E2E_PREFIX$a" ping -6 -n -q -i 0.2 -W 1 -w 90 "${H_PODIP6[${POD_HOST[$b]}]}" >"$dir/$a-$b" 2>&1 &
        pids+=($!)
        track_pid "$!" "ping -6 $a -> $b"
    done
    sleep 2
    start=$EPOCHREALTIME
    driver_kill "$victim"
    # shellcheck disable=SC2086
    ip -n "$E2E_PREFIX$victim" -6 route add $E2E_IPV6_STALE_ROUTE proto 201 &&
        log "  killed it (SIGKILL); left a stale IPv6 route of ours: $E2E_IPV6_STALE_ROUTE"
    sleep "${E2E_RESTART_DOWNTIME:-3}"
    if ipv6_agent_launch "$victim" .restart; then
        pass "ipv6 restart: the dual-stack agent on $victim is running again after $(since "$start") s"
    else
        fail "ipv6 restart: the dual-stack agent on $victim did not come back"
    fi
    local deadline=$((SECONDS + ${E2E_CONVERGE_TIMEOUT:-45}))
    for h in "${HOSTS[@]}"; do
        if wait_until "$(remaining "$deadline")" ipv6_routes_equal "$h"; then
            pass "ipv6 restart: $h IPv6 table = expected-routes-ipv6.txt, nothing missing or stale ($(since "$start") s after the kill)"
        else
            fail "ipv6 restart: $h IPv6 table differs from expected-routes-ipv6.txt after the restart"
            diff <(ipv6_expected_routes "$h") <(ipv6_actual_routes "$h") |
                sed -n 's/^</    missing: /p; s/^>/    extra:   /p'
        fi
    done
    sleep 2
    for pid in "${pids[@]}"; do stop_pid "$pid" INT; done
    check_ping_streams "ipv6 restart: ping -6" "$dir" "${pairs[@]}"
}

router_no_routes6() { nx router nstat -az Ip6InNoRoutes 2>/dev/null | awk '/Ip6InNoRoutes/ { print $2 }'; }

# The pod-to-pod matrix over IPv6: same segment reachable, across the router not (it has
# no pod routes and counts the drops), exactly like the seed's Never mode.
ipv6_check_pings() {
    local a b pids=() before after dir=$E2E_WORK/ping-ipv6 want got n
    mkdir -p "$dir"
    before=$(router_no_routes6)
    for a in "${PODS[@]}"; do
        for b in "${PODS[@]}"; do
            [[ $a == "$b" ]] && continue
            ip netns exec "$E2E_PREFIX$a" ping -6 -n -q -c 3 -i 0.2 -W 1 "${H_PODIP6[${POD_HOST[$b]}]}" >"$dir/$a-$b" 2>&1 &
            pids+=($!)
        done
    done
    wait "${pids[@]}" 2>/dev/null
    after=$(router_no_routes6)
    print_ping_matrix "ping -6 matrix" "$dir"
    for a in "${PODS[@]}"; do
        for b in "${PODS[@]}"; do
            [[ $a == "$b" ]] && continue
            want=$(pair_expected never "$a" "$b")
            n=$(received "$dir/$a-$b")
            got=fail
            [[ $n == 3 ]] && got=ok
            [[ $n != 0 && $n != 3 ]] && got="partial($n/3)"
            if [[ $got == "$want" ]]; then
                pass "ipv6: ping -6 $a -> $b: $got"
            else
                fail "ipv6: ping -6 $a -> $b: $got, expected $want"
            fi
        done
    done
    if ((after > before)); then
        pass "ipv6: the router dropped cross-subnet pod packets (Ip6InNoRoutes $before -> $after)"
    else
        fail "ipv6: the router counted no dropped pod packets (Ip6InNoRoutes $before -> $after)"
    fi
}

ipv6_print_tables() {
    local h
    log "  IPv6 route tables (ip -6 route in each host namespace):"
    for h in "${HOSTS[@]}"; do ip -n "$E2E_PREFIX$h" -6 route | sed "s/^/    $h: /"; done
    if [[ $E2E_DRIVER == agent ]]; then
        log "  bgp-node-agent show routes (walker-1):"
        driver_show walker-1 2>&1 | sed 's/^/    /' | head -n 40
    fi
}

# ipv6_phase INJECT: the whole phase; PASS/FAIL lines like the IPv4 modes.
ipv6_phase() {
    local t=$EPOCHREALTIME start h
    section "IPv6 pool $E2E_IPV6_POOL (plain next hops): dual-stack topology, agents restarted with ipv6Address"
    ipv6_load || { fail "ipv6: the IPv6 manifests could not be read"; return 1; }
    for h in "${HOSTS[@]}"; do
        log "    $h ${H_IP6[$h]}/${H_LEN6[$h]} gw ${H_GW6[$h]} block ${H_BLOCK6[$h]} pod ${H_POD[$h]} ${H_PODIP6[$h]}"
    done
    ipv6_topology_up || { fail "ipv6: the dual-stack topology could not be created"; return 1; }
    ipv6_check_topology
    log "  dual-stack topology up in $(since "$t") s"
    ipv6_inject before "$1" || return 1
    start=$EPOCHREALTIME
    ipv6_driver_start || { fail "ipv6: the $E2E_DRIVER driver did not start dual-stack"; return 1; }
    if [[ $1 == ipv6-* && $1 != ipv6-no-forwarding ]]; then
        wait_until "${E2E_CONVERGE_TIMEOUT:-45}" ipv6_all_equal
        ipv6_inject after "$1" || return 1
    fi
    ipv6_check_tables "$start"
    ipv6_check_v4_unchanged
    if [[ $E2E_DRIVER == agent ]]; then
        ipv6_check_sessions
        ipv6_check_json
    fi
    [[ ${E2E_SHOW_TABLES:-0} == 1 ]] && ipv6_print_tables
    ipv6_check_pings
    if [[ $E2E_DRIVER == agent && $RESTART == 1 ]]; then
        local tr=$EPOCHREALTIME
        ipv6_check_restart
        log "  IPv6 restart test: $(since "$tr") s"
    fi
    log "  IPv6 phase: $(since "$t") s"
}
