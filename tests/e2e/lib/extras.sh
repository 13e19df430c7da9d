# shellcheck shell=bash
# tests/e2e: extra phases after the seed's modes (sourced by run.sh; agent driver only),
# with the manifests of manifests/extras/ applied live to the running agents:
#
#   ECMP   an anycast block 192.168.200.0/26 with a confirmed BlockAffinity on BOTH walkers
#          and a pod on each of them holding the same address 192.168.200.10. demi-1 learns
#          two equal iBGP paths and must install ONE multipath route whose next hops follow
#          the pool mode (tunnel modes: both `dev <tunnel> onlink`; Never: both resolve to
#          the same gateway, so a single next hop via 172.16.199.254); busybox-3 reaches the
#          anycast address; when walker-2 releases its affinity the route collapses to
#          walker-1 alone, and when both release it no host keeps anything for it.
#   NAT    natOutgoing (host only: the guest kernel has no nf_tables modules): busybox-1
#          pinging the router's far side 172.16.199.254 (outside every pool; the router has
#          no route back to pods) fails without natOutgoing and succeeds with it, the router
#          sees walker-1's address as the source, pod-to-pod echoes arrive with the pod's
#          own source address; natOutgoing: false removes the masquerade again. Then once
#          more with the seed's calicoctl v1 form (`spec.nat-outgoing`).
#
# --inject KIND (comma-separated list) breaks one thing so that a check of these phases
# must fail: ecmp-one-path | ecmp-extra-route | ecmp-no-pod-route | ecmp-stale |
# nat-router-route | nat-flush | nat-all | nat-stays (see extras_inject_* below).

EXTRAS_DIR=$E2E_MANIFESTS/extras
ANYCAST_BLOCK=192.168.200.0/26
ANYCAST_IP=192.168.200.10
ANYCAST_PODS=(anycast-1 anycast-2) # on walker-1, walker-2
declare -A ANYCAST_HOST=([anycast-1]=walker-1 [anycast-2]=walker-2)
NAT_TARGET=172.16.199.254 # the router's far side: outside every pool, no route back to pods

injected() { [[ ,${INJECT:-}, == *",$1,"* ]]; }

# apply_on FILE HOST...: bgp-node-agent apply on the given hosts' agents
apply_on() {
    local file=$1 h rc=0
    shift
    for h in "$@"; do
        timeout 20 "$E2E_AGENT" apply --socket "$(agent_sock "$h")" -f "$file" >/dev/null ||
            { log "e2e: apply $(basename "$file") on $h failed"; rc=1; }
    done
    return $rc
}

# extra_pod_up HOST POD ADDR: a workload wired exactly as topology_up wires the seed's pods
extra_pod_up() {
    local h=$1 pod=$2 addr=$3 cali p=$E2E_PREFIX
    cali=$(cali_name "default.$pod")
    ip netns add "$p$pod" || return 1
    ipb "$h" <<<"link add $cali type veth peer name eth0 netns $p$pod
link set $cali address ee:ee:ee:ee:ee:ee
link set $cali up
route add $addr/32 dev $cali scope link" || return 1
    nx "$h" sysctl -qw "net.ipv4.conf.$cali.proxy_arp=1" "net.ipv4.neigh.$cali.proxy_delay=0" \
        "net.ipv4.conf.$cali.forwarding=1" || return 1
    ipb "$pod" <<<"link set lo up
addr add $addr/32 dev eth0
link set eth0 up
route add 169.254.1.1 dev eth0 scope link
route add default via 169.254.1.1 dev eth0"
}

# prefix_routes HOST PREFIX: every route for exactly PREFIX in HOST's main table (any
# protocol), one line each, multipath next hops folded into their route's line
prefix_routes() {
    ip -n "$E2E_PREFIX$1" -4 route list exact "$2" | sed 's/proto libbgp/proto 201/' |
        awk '/^[^ \t]/ { if (line != "") print line; line = $0; next }
             { line = line " " $0 } END { if (line != "") print line }' |
        tr -s ' \t' '  ' | sed 's/ *$//'
}

prefix_is() { [[ "$(prefix_routes "$1" "$2")" == "$3" ]]; }

# expect_prefix HOST PREFIX WANT DESCRIPTION: waits (bounded) until HOST's routes for
# PREFIX are exactly WANT ("" = none at all)
expect_prefix() {
    local h=$1 prefix=$2 want=$3 what=$4 start=$EPOCHREALTIME
    if wait_until "${E2E_CONVERGE_TIMEOUT:-45}" prefix_is "$h" "$prefix" "$want"; then
        pass "$what (after $(since "$start") s)"
    else
        fail "$what"
        log "    want: ${want:-(no route)}"
        prefix_routes "$h" "$prefix" | sed 's/^/    got:  /'
        [[ -z $(prefix_routes "$h" "$prefix") ]] && log "    got:  (no route)"
    fi
}

# anycast_want HOST MODE [OWNER]: the route HOST must have for the anycast block while
# both walkers own it, or only OWNER (walker-1 or walker-2) does
anycast_want() {
    local h=$1 mode=$2 owner=${3:-} dev
    case $mode in vxlan-*) dev=vxlan.calico ;; ipip-*) dev=tunl0 ;; *) dev="" ;; esac
    if [[ $h == walker-* && ($h == "$owner" || -z $owner) ]]; then
        echo "blackhole $ANYCAST_BLOCK proto 201"
    elif [[ $h == walker-* ]]; then # the other walker, on the owner's subnet
        if [[ -n $dev && $mode == *-always ]]; then
            echo "$ANYCAST_BLOCK via ${H_IP[$owner]} dev $dev proto 201 onlink"
        else
            echo "$ANYCAST_BLOCK via ${H_IP[$owner]} dev eth0 proto 201"
        fi
    elif [[ -z $dev ]]; then # demi-1, never: every next hop resolves to the same gateway
        echo "$ANYCAST_BLOCK via ${H_GW[demi-1]} dev eth0 proto 201"
    elif [[ -n $owner ]]; then
        echo "$ANYCAST_BLOCK via ${H_IP[$owner]} dev $dev proto 201 onlink"
    else
        echo "$ANYCAST_BLOCK proto 201 nexthop via ${H_IP[walker-1]} dev $dev weight 1 onlink nexthop via ${H_IP[walker-2]} dev $dev weight 1 onlink"
    fi
}

check_anycast_routes() { # check_anycast_routes MODE OWNER|"" LABEL
    local mode=$1 owner=$2 label=$3 h
    for h in "${HOSTS[@]}"; do
        expect_prefix "$h" "$ANYCAST_BLOCK" "$(anycast_want "$h" "$mode" "$owner")" \
            "ecmp $label ($mode): $h: $(anycast_want "$h" "$mode" "$owner" | sed 's/ proto 201//')"
    done
}

echo_requests() { nx "$1" nstat -az IcmpInEchos 2>/dev/null | awk '/IcmpInEchos/ { print $2 }'; }

# check_anycast_ping LABEL [POD]: busybox-3 pings the anycast address, 3 echoes; reports
# which anycast pod answered (ICMP counters in each), and requires POD to be it if given
check_anycast_ping() {
    local label=$1 want_pod=${2:-} out n pod before=() after=() who="" i
    for pod in "${ANYCAST_PODS[@]}"; do before+=("$(echo_requests "$pod")"); done
    out=$(nx busybox-3 ping -n -q -c 3 -i 0.2 -W 1 "$ANYCAST_IP" 2>&1)
    n=$(sed -n 's/.* \([0-9]\+\) \(packets \)\?received.*/\1/p' <<<"$out")
    for pod in "${ANYCAST_PODS[@]}"; do after+=("$(echo_requests "$pod")"); done
    for i in "${!ANYCAST_PODS[@]}"; do
        ((${after[$i]:-0} > ${before[$i]:-0})) &&
            who+="${who:+ and }${ANYCAST_PODS[$i]} on ${ANYCAST_HOST[${ANYCAST_PODS[$i]}]}"
    done
    if [[ ${n:-0} == 3 && (-z $want_pod || $who == "$want_pod on ${ANYCAST_HOST[$want_pod]}") ]]; then
        pass "ecmp $label: busybox-3 -> anycast $ANYCAST_IP: 3/3, answered by ${who:-?}"
    else
        fail "ecmp $label: busybox-3 -> anycast $ANYCAST_IP: ${n:-0}/3, answered by ${who:-nobody}${want_pod:+, expected $want_pod}"
    fi
}

# check_anycast_restart MODE: kill -9 demi-1's agent while its multipath route is in place
# and start it again (graceful restart: it adopts the route), walker-2 out of its reach until
# walker-1's session is up. Until every peer has re-sent its path the route must stay as it
# is: `ip monitor route` may show no change of the block at all (a rewrite with the first
# path learnt would drop a next hop for a moment).
check_anycast_restart() {
    local mode=$1 mon=$E2E_WORK/ecmp-monitor.txt mp changes logf start=$EPOCHREALTIME
    ip -n "${E2E_PREFIX}demi-1" monitor route >"$mon" 2>&1 &
    mp=$!
    track_pid "$mp" "ip monitor route in demi-1"
    sleep 0.2
    driver_kill demi-1
    # walker-2 is kept out of reach until the session with walker-1 is up, so that one
    # path is always learnt first (else both may arrive at once and hide a rewrite)
    ip -n "${E2E_PREFIX}demi-1" route add blackhole "${H_IP[walker-2]}/32"
    driver_restart demi-1 || fail "ecmp restart: the agent on demi-1 did not come back"
    logf=$E2E_WORK/agent-demi-1.restart$((${E2E_AGENT_STARTS[demi-1]:-1} - 1)).log
    wait_until 20 grep -q "${H_IP[walker-1]} .*-> Established" "$logf"
    sleep 0.5
    ip -n "${E2E_PREFIX}demi-1" route del blackhole "${H_IP[walker-2]}/32"
    wait_until "${E2E_CONVERGE_TIMEOUT:-45}" grep -q "End-of-RIB from every peer" "$logf" ||
        log "    (demi-1's agent logged no End-of-RIB from every peer)"
    sleep 0.3
    stop_pid "$mp" TERM
    changes=$(grep -c "^\(Deleted \)\?$ANYCAST_BLOCK" "$mon")
    if ((changes == 0)) && prefix_is demi-1 "$ANYCAST_BLOCK" "$(anycast_want demi-1 "$mode")"; then
        pass "ecmp restart: kill -9 and restart of demi-1's agent: the multipath route adopted, never rewritten (0 changes in $(since "$start") s)"
    else
        fail "ecmp restart: demi-1's multipath route changed $changes time(s) during its agent's restart"
        grep -A2 "$ANYCAST_BLOCK" "$mon" | head -n 12 | sed 's/^/    /'
        prefix_routes demi-1 "$ANYCAST_BLOCK" | sed 's/^/    now:  /'
    fi
}

extras_ecmp() {
    local t=$EPOCHREALTIME always pod i
    always=vxlan-always
    [[ " $MODES " == *" ipip-"* ]] && always=ipip-always
    section "extras: ECMP, anycast block $ANYCAST_BLOCK on walker-1 and walker-2 ($always, never)"
    for i in "${!ANYCAST_PODS[@]}"; do
        pod=${ANYCAST_PODS[$i]}
        extra_pod_up "${ANYCAST_HOST[$pod]}" "$pod" "$ANYCAST_IP" ||
            { fail "ecmp: could not wire $pod"; return 1; }
    done
    log "  pods anycast-1 on walker-1, anycast-2 on walker-2, both $ANYCAST_IP"
    if [[ $CURRENT_MODE != "$always" ]]; then
        driver_switch "$always" >/dev/null || fail "ecmp: switching the pool to $always failed"
    fi
    apply_on "$EXTRAS_DIR/anycast-both.yaml" "${HOSTS[@]}" ||
        fail "ecmp: applying anycast-both.yaml failed"
    if injected ecmp-one-path; then # walker-2's path is lost at once
        apply_on "$EXTRAS_DIR/anycast-withdraw-walker-2.yaml" "${HOSTS[@]}"
        log "  (injected: ecmp-one-path)"
    fi
    if injected ecmp-extra-route; then # a second route for the block beside ours
        ip -n "${E2E_PREFIX}demi-1" route add "$ANYCAST_BLOCK" via "${H_GW[demi-1]}" metric 10 proto 201
        log "  (injected: ecmp-extra-route)"
    fi
    if injected ecmp-no-pod-route; then # the walkers lose the host route to their anycast pod
        for pod in "${ANYCAST_PODS[@]}"; do
            ip -n "$E2E_PREFIX${ANYCAST_HOST[$pod]}" route del "$ANYCAST_IP/32"
        done
        log "  (injected: ecmp-no-pod-route)"
    fi
    check_anycast_routes "$always" "" "both affinities"
    check_anycast_ping "both affinities"
    check_anycast_restart "$always"
    driver_switch never >/dev/null || fail "ecmp: switching the pool to never failed"
    check_anycast_routes never "" "both affinities"
    driver_switch "$always" >/dev/null || fail "ecmp: switching the pool to $always failed"
    check_anycast_routes "$always" "" "both affinities, switched back"
    apply_on "$EXTRAS_DIR/anycast-withdraw-walker-2.yaml" "${HOSTS[@]}" ||
        fail "ecmp: applying anycast-withdraw-walker-2.yaml failed"
    if injected ecmp-stale; then # walker-2 keeps announcing (its agent missed the change)
        apply_on "$EXTRAS_DIR/anycast-both.yaml" walker-2
        log "  (injected: ecmp-stale)"
    fi
    check_anycast_routes "$always" walker-1 "walker-2 withdrawn"
    check_anycast_ping "walker-2 withdrawn" anycast-1
    apply_on "$EXTRAS_DIR/anycast-only-walker-2.yaml" "${HOSTS[@]}" ||
        fail "ecmp: applying anycast-only-walker-2.yaml failed"
    check_anycast_routes "$always" walker-2 "walker-2 back, walker-1 withdrawn"
    check_anycast_ping "walker-2 back, walker-1 withdrawn" anycast-2
    apply_on "$EXTRAS_DIR/anycast-withdraw-all.yaml" "${HOSTS[@]}" ||
        fail "ecmp: applying anycast-withdraw-all.yaml failed"
    for h in "${HOSTS[@]}"; do
        expect_prefix "$h" "$ANYCAST_BLOCK" "" "ecmp both withdrawn: $h has no route left for $ANYCAST_BLOCK"
    done
    log "  extras ECMP: $(since "$t") s"
}

# ---- natOutgoing -----------------------------------------------------------------------
nat_table() { nx "$1" nft list table inet libbgp-nat 2>/dev/null; }
nat_masquerades() { nat_table "$1" | grep -q masquerade; }
nat_gone() { [[ -z $(nat_table "$1") ]]; }

ping_target() { # ping_target COUNT -> replies busybox-1 got from NAT_TARGET
    nx busybox-1 ping -n -q -c "$1" -i 0.2 -W 1 "$NAT_TARGET" 2>&1 |
        sed -n 's/.* \([0-9]\+\) \(packets \)\?received.*/\1/p'
}

count_in() { tcpdump -n -r "$1" 2>/dev/null | grep -c -- "$2"; }

# nat_off_checks LABEL: the target is unreachable again and no masquerade of ours is left
nat_off_checks() {
    local label=$1 n h left=""
    for h in "${HOSTS[@]}"; do wait_until 10 nat_gone "$h"; done
    n=$(ping_target 2)
    check $((n == 0 ? 0 : 1)) "nat $label: busybox-1 -> $NAT_TARGET: ${n:-0}/2 (no route back to pods)"
    for h in "${HOSTS[@]}"; do
        nx "$h" nft list ruleset 2>/dev/null | grep -q 'libbgp-nat\|masquerade' && left+=" $h"
    done
    if [[ -z $left ]]; then
        pass "nat $label: no host has table inet libbgp-nat or a masquerade in \`nft list ruleset\`"
    else
        fail "nat $label: a masquerade is left in:$left"
        nx walker-1 nft list ruleset 2>/dev/null | sed 's/^/    /' | head -n 20
    fi
}

extras_nat() {
    local t=$EPOCHREALTIME pool_off dir=$E2E_WORK/nat n pids=()
    if [[ $GUEST == 1 ]] || ! command -v nft >/dev/null; then
        log "  extras: natOutgoing not run here: the QEMU guest's kernel has no nf_tables modules"
        return 0
    fi
    if [[ " $MODES " == *" ipip-"* ]]; then
        log "  extras: natOutgoing runs in the VXLAN host part only"
        return 0
    fi
    section "extras: natOutgoing (busybox-1 -> $NAT_TARGET, outside every pool)"
    mkdir -p "$dir"
    [[ $CURRENT_MODE != vxlan-always ]] && driver_switch vxlan-always >/dev/null
    pool_off=$(pool_manifest vxlan-always)
    if injected nat-router-route; then # the router can route back to busybox-1 after all
        ip -n "${E2E_PREFIX}router" route add "${H_BLOCK[walker-1]}" via "${H_IP[walker-1]}"
        log "  (injected: nat-router-route)"
    fi
    n=$(ping_target 2)
    check $((n == 0 ? 0 : 1)) "nat off: busybox-1 -> $NAT_TARGET: ${n:-0}/2 (the router has no route back to pods)"

    apply_on "$EXTRAS_DIR/pool-vxlan-always-nat.yaml" "${HOSTS[@]}" ||
        fail "nat: applying pool-vxlan-always-nat.yaml failed"
    wait_until 10 nat_masquerades walker-1
    if injected nat-flush; then # the masquerade rule is lost
        nx walker-1 nft flush chain inet libbgp-nat postrouting
        log "  (injected: nat-flush)"
    fi
    if injected nat-all; then # a rule that masquerades pod-to-pod traffic too
        nx walker-1 nft insert rule inet libbgp-nat postrouting ip saddr 192.168.0.0/16 masquerade
        log "  (injected: nat-all)"
    fi
    capture_start router eth0 "$dir/router.pcap"
    local cr=$CAPTURE_PID
    capture_start walker-2 "${H_CALI[walker-2]}" "$dir/walker-2.pcap"
    local cw=$CAPTURE_PID
    capture_start demi-1 "${H_CALI[demi-1]}" "$dir/demi-1.pcap"
    local cd=$CAPTURE_PID
    ping_target 3 >"$dir/target" &
    pids+=($!)
    nx busybox-1 ping -n -q -c 3 -i 0.2 -W 1 "${H_PODIP[walker-2]}" >/dev/null 2>&1 &
    pids+=($!)
    nx busybox-1 ping -n -q -c 3 -i 0.2 -W 1 "${H_PODIP[demi-1]}" >/dev/null 2>&1 &
    pids+=($!)
    wait "${pids[@]}"
    sleep 0.3
    stop_pid "$cr" INT
    stop_pid "$cw" INT
    stop_pid "$cd" INT
    n=$(cat "$dir/target")
    check $((n == 3 ? 0 : 1)) "nat on: busybox-1 -> $NAT_TARGET: ${n:-0}/3"
    local masq pod
    masq=$(count_in "$dir/router.pcap" "${H_IP[walker-1]} > $NAT_TARGET: ICMP echo request")
    pod=$(tcpdump -n -r "$dir/router.pcap" 'src net 192.168.0.0/16' 2>/dev/null | wc -l)
    if ((masq >= 3 && pod == 0)); then
        pass "nat on: the router saw $masq echo requests from walker-1's ${H_IP[walker-1]}, 0 from a pod address"
    else
        fail "nat on: router capture: $masq echo requests from ${H_IP[walker-1]}, $pod packets from a pod address"
        tcpdump -n -r "$dir/router.pcap" 2>/dev/null | head -n 6 | sed 's/^/    /'
    fi
    local h src
    for h in walker-2 demi-1; do
        src=$(count_in "$dir/$h.pcap" "${H_PODIP[walker-1]} > ${H_PODIP[$h]}: ICMP echo request")
        masq=$(count_in "$dir/$h.pcap" "${H_IP[walker-1]} > ${H_PODIP[$h]}: ICMP echo request")
        if ((src >= 3 && masq == 0)); then
            pass "nat on: pod to pod not masqueraded: $h's ${H_CALI[$h]} saw $src echo requests from ${H_PODIP[walker-1]}"
        else
            fail "nat on: $h's ${H_CALI[$h]}: $src echo requests from busybox-1's ${H_PODIP[walker-1]}, $masq from ${H_IP[walker-1]}"
            tcpdump -n -r "$dir/$h.pcap" 2>/dev/null | head -n 6 | sed 's/^/    /'
        fi
    done

    apply_on "$pool_off" "${HOSTS[@]}" || fail "nat: applying $(basename "$pool_off") failed"
    if injected nat-stays; then # a masquerade table survives (as if the agent left it)
        sleep 1
        nx walker-1 nft -f - <<<"table inet libbgp-nat {
    chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr 192.168.0.0/16 ip daddr != 192.168.0.0/16 masquerade; }
}"
        log "  (injected: nat-stays)"
    fi
    nat_off_checks "off again (v3 natOutgoing: false)"

    # once more in the v1 form: spec.nat-outgoing
    apply_on "$EXTRAS_DIR/v1-pool-nat.yaml" "${HOSTS[@]}" || fail "nat: applying v1-pool-nat.yaml failed"
    wait_until 10 nat_masquerades walker-1
    injected nat-flush && nx walker-1 nft flush chain inet libbgp-nat postrouting
    n=$(ping_target 3)
    check $((n == 3 ? 0 : 1)) "nat on (v1 spec.nat-outgoing: true): busybox-1 -> $NAT_TARGET: ${n:-0}/3"
    apply_on "$EXTRAS_DIR/v1-pool-nat-off.yaml" "${HOSTS[@]}" ||
        fail "nat: applying v1-pool-nat-off.yaml failed"
    nat_off_checks "off again (v1 spec.nat-outgoing: false)"
    log "  extras natOutgoing: $(since "$t") s"
}

# run.sh calls this after the seed's modes and the restart test, agents still running.
extras_phases() {
    if [[ $E2E_DRIVER != agent ]]; then
        log "  extras (ECMP, natOutgoing) need the agent driver: not run"
        return 0
    fi
    extras_ecmp
    extras_nat
}
