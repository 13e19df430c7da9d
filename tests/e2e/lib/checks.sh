# shellcheck shell=bash
# tests/e2e: the checks of one mode — each host's table against expected-routes.txt, the
# pod-to-pod ping matrix, and what the router sees (drops in `never`; only host-to-host
# encapsulated packets otherwise: tcpdump on both router ports, outer headers by BPF).

expected_routes() { # expected_routes MODE HOST
    awk -v m="$1" -v h="$2" '$1 == m && $2 == h { $1 = ""; $2 = ""; sub(/^  /, ""); print }' \
        "$E2E_DIR/expected-routes.txt" | sort
}

actual_routes() { # our protocol's routes in HOST's main table
    ip -n "$E2E_PREFIX$1" -4 route show proto 201 | sed 's/ *$//' | sort
}

routes_equal() { [[ "$(actual_routes "$2")" == "$(expected_routes "$1" "$2")" ]]; }

# Routes inside the pool that are neither ours (proto 201) nor the local pod's /32: an
# agent writing with another protocol number, or leftovers, would hide behind the filter.
foreign_pool_routes() {
    ip -n "$E2E_PREFIX$1" -4 route show root 192.168.0.0/16 | grep -v ' proto \(201\|libbgp\)' |
        grep -v " dev cali[0-9a-f]\{11\} scope link" || true
}

print_table() { # print_table HOST: the whole main table, as the demo shows it
    ip -n "$E2E_PREFIX$1" -4 route | sed "s/^/    $1: /"
}

# check_tables MODE: waits (bounded) until each host's table equals the expected one.
check_tables() {
    local mode=$1 h start=$EPOCHREALTIME
    local limit=${E2E_CONVERGE_TIMEOUT:-45}
    local deadline=$((SECONDS + limit))
    for h in "${HOSTS[@]}"; do
        if wait_until "$(remaining "$deadline")" routes_equal "$mode" "$h"; then
            pass "$mode: $h table = DESIGN.md (converged after $(since "$start") s)"
        else
            fail "$mode: $h table differs from DESIGN.md after ${limit} s"
            diff <(expected_routes "$mode" "$h") <(actual_routes "$h") |
                sed -n 's/^</    missing: /p; s/^>/    extra:   /p'
        fi
        local foreign
        foreign=$(foreign_pool_routes "$h")
        if [[ -z $foreign ]]; then
            pass "$mode: $h has no pool routes of another protocol"
        else
            fail "$mode: $h has pool routes of another protocol:"
            sed 's/^/    /' <<<"$foreign"
        fi
    done
    if [[ ${E2E_SHOW_TABLES:-0} == 1 ]]; then
        log "  route tables (ip -4 route in each host namespace):"
        for h in "${HOSTS[@]}"; do print_table "$h"; done
        if [[ ${E2E_DRIVER} == agent ]]; then
            log "  bgp-node-agent show routes (walker-1):"
            driver_show walker-1 2>&1 | sed 's/^/    /' | head -n 20
        fi
    fi
}

# pair_expected MODE FROM_POD TO_POD -> ok | fail (the seed: in `never` nothing crosses
# the router, since the router has no pod routes; every other mode reaches every pod)
pair_expected() {
    local a=${POD_HOST[$2]} b=${POD_HOST[$3]}
    if [[ $1 == never && ${H_SEG[$a]} != "${H_SEG[$b]}" ]]; then echo fail; else echo ok; fi
}

# print_ping_matrix TITLE DIR: the replies of 3 per pod pair (DIR/A-B, ping output), row
# pings column.
print_ping_matrix() {
    local title=$1 dir=$2 a b
    printf '  %s: row pings column, replies of 3\n  %-10s' "$title" ""
    for b in "${PODS[@]}"; do printf ' %-10s' "$b"; done
    printf '\n'
    for a in "${PODS[@]}"; do
        printf '  %-10s' "$a"
        for b in "${PODS[@]}"; do
            if [[ $a == "$b" ]]; then printf ' %-10s' "-"; continue; fi
            printf ' %-10s' "$(received "$dir/$a-$b")/3"
        done
        printf '\n'
    done
}

# check_pings MODE: the pod-to-pod matrix, every pair pinged at once (3 echoes each).
check_pings() {
    local mode=$1 a b pids=() before after
    local dir=$E2E_WORK/ping-$mode
    mkdir -p "$dir"
    before=$(router_no_routes)
    for a in "${PODS[@]}"; do
        for b in "${PODS[@]}"; do
            [[ $a == "$b" ]] && continue
            ip netns exec "$E2E_PREFIX$a" ping -n -q -c 3 -i 0.2 -W 1 "${H_PODIP[${POD_HOST[$b]}]}" >"$dir/$a-$b" 2>&1 &
            pids+=($!)
        done
    done
    wait "${pids[@]}" 2>/dev/null
    after=$(router_no_routes)
    print_ping_matrix "ping matrix ($mode)" "$dir"
    for a in "${PODS[@]}"; do
        for b in "${PODS[@]}"; do
            [[ $a == "$b" ]] && continue
            local want got n
            want=$(pair_expected "$mode" "$a" "$b")
            n=$(received "$dir/$a-$b")
            got=fail
            [[ $n == 3 ]] && got=ok
            [[ $n != 0 && $n != 3 ]] && got="partial($n/3)"
            if [[ $got == "$want" ]]; then
                pass "$mode: ping $a -> $b: $got"
            else
                fail "$mode: ping $a -> $b: $got, expected $want"
            fi
        done
    done
    if [[ $mode == never ]]; then
        if ((after > before)); then
            pass "$mode: the router dropped cross-subnet pod packets (IpExtInNoRoutes $before -> $after)"
        else
            fail "$mode: the router counted no dropped pod packets (IpExtInNoRoutes $before -> $after)"
        fi
    fi
}

received() { # received PING_OUTPUT -> number of replies
    local n
    n=$(sed -n 's/.* \([0-9]\+\) \(packets \)\?received.*/\1/p' "$1")
    echo "${n:-0}"
}

# capture_start NS IFACE PCAP [FILTER]: tcpdump (default filter icmp) in the background,
# back once it listens (at most 5 s); sets CAPTURE_PID.
capture_start() {
    local i
    ip netns exec "$E2E_PREFIX$1" tcpdump -n -U --immediate-mode -i "$2" -w "$3" "${4:-icmp}" >"$3.log" 2>&1 &
    CAPTURE_PID=$!
    track_pid "$CAPTURE_PID" "tcpdump in $1 $2"
    for ((i = 0; i < 50; i++)); do
        grep -q 'listening on' "$3.log" && break
        sleep 0.1
    done
}

router_no_routes() { nx router nstat -az IpExtInNoRoutes 2>/dev/null | awk '/IpExtInNoRoutes/ { print $2 }'; }

# check_router_sees_encap MODE: busybox-1 pings busybox-3 (another subnet) while the router
# captures on both ports; no packet may carry a pod address in its outer header, and the
# echo must have crossed as host-to-host IP-in-IP (proto 4) or VXLAN (UDP 4789).
check_router_sees_encap() {
    local mode=$1 kind=${1%%-*} filter pcap=$E2E_WORK/router-$1.pcap tp
    case $kind in
        ipip) filter="ip proto 4" ;;
        vxlan) filter="udp port 4789" ;;
        *) return 0 ;;
    esac
    local src=${H_IP[walker-1]} dst=${H_IP[demi-1]}
    capture_start router any "$pcap" ip
    tp=$CAPTURE_PID
    nx busybox-1 ping -n -q -c 3 -i 0.2 -W 1 "${H_PODIP[demi-1]}" >/dev/null 2>&1
    sleep 0.3
    stop_pid "$tp" INT
    local pods encap inner
    pods=$(tcpdump -n -r "$pcap" 'ip and net 192.168.0.0/16' 2>/dev/null | wc -l)
    encap=$(tcpdump -n -r "$pcap" "$filter and host $src and host $dst" 2>/dev/null | wc -l)
    inner=$(tcpdump -n -r "$pcap" "$filter" 2>/dev/null |
        grep -c "${H_PODIP[walker-1]} > ${H_PODIP[demi-1]}: ICMP echo request")
    if ((pods == 0 && encap >= 6 && inner >= 3)); then
        pass "$mode: the router saw only host-to-host $kind ($encap packets $src <-> $dst, inner pod echo inside; 0 with a pod address outside)"
    else
        fail "$mode: router capture: $pods packets with an outer pod address, $encap $kind packets $src <-> $dst, $inner inner echo requests"
        tcpdump -n -r "$pcap" 2>/dev/null | head -n 12 | sed 's/^/    /'
    fi
}
