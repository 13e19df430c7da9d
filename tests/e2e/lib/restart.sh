# shellcheck shell=bash
# tests/e2e: the restart test. Pods ping each other (one pair across the restarted node's
# tunnel, one pair on its subnet, 5 echoes a second) while walker-1's agent is killed with
# SIGKILL, a stale route of our protocol is left in its table (as if installed by the dead
# agent for a block that has gone away), and the agent is started again. Graceful restart
# with the FIB kept means: no echo lost, the stale route swept, nothing missing afterwards.

E2E_STALE_ROUTE="192.168.250.0/26 via 172.16.6.249 dev eth0"

check_restart() {
    local mode=$1 victim=${E2E_RESTART_NODE:-walker-1} pids=() a b start
    local dir=$E2E_WORK/restart
    mkdir -p "$dir"
    section "restart: kill -9 the agent on $victim under traffic ($mode)"
    local pairs=("busybox-1 busybox-3" "busybox-3 busybox-1" "busybox-2 busybox-1")
    local pair
    for pair in "${pairs[@]}"; do
        read -r a b <<<"$pair"
        # -w bounds each ping; SIGINT below ends it earlier with its summary line
        ip netns exec "$E2E_PREFIX$a" ping -n -q -i 0.2 -W 1 -w 90 "${H_PODIP[${POD_HOST[$b]}]}" >"$dir/$a-$b" 2>&1 &
        pids+=($!)
        track_pid "$!" "ping $a -> $b"
    done
    sleep 2
    start=$EPOCHREALTIME
    driver_kill "$victim"
    log "  killed the agent on $victim (SIGKILL)"
    # shellcheck disable=SC2086
    ip -n "$E2E_PREFIX$victim" route add $E2E_STALE_ROUTE proto 201 &&
        log "  left a stale route of ours in $victim: $E2E_STALE_ROUTE"
    sleep "${E2E_RESTART_DOWNTIME:-3}"
    if driver_restart "$victim"; then
        pass "restart: the agent on $victim is running again after $(since "$start") s"
    else
        fail "restart: the agent on $victim did not come back"
    fi
    local h deadline=$((SECONDS + ${E2E_CONVERGE_TIMEOUT:-45}))
    for h in "${HOSTS[@]}"; do
        if wait_until "$(remaining "$deadline")" routes_equal "$mode" "$h"; then
            pass "restart: $h table = DESIGN.md, nothing missing or stale ($(since "$start") s after the kill)"
        else
            fail "restart: $h table differs from DESIGN.md after the restart"
            diff <(expected_routes "$mode" "$h") <(actual_routes "$h") |
                sed -n 's/^</    missing: /p; s/^>/    extra:   /p'
        fi
    done
    sleep 2 # a little traffic after convergence too
    local pid
    for pid in "${pids[@]}"; do stop_pid "$pid" INT; done
    check_ping_streams "restart: ping" "$dir" "${pairs[@]}"
}

# check_ping_streams LABEL DIR PAIR...: each stream "A B" (ping output in DIR/A-B) sent more
# than 10 echoes and every one was answered.
check_ping_streams() {
    local label=$1 dir=$2 pair a b tx rx
    shift 2
    for pair in "$@"; do
        read -r a b <<<"$pair"
        tx=$(sed -n 's/^\([0-9]\+\) packets transmitted.*/\1/p' "$dir/$a-$b")
        rx=$(received "$dir/$a-$b")
        if [[ -n $tx && $tx -gt 10 && $rx == "$tx" ]]; then
            pass "$label $a -> $b kept flowing: $rx/$tx echoes answered"
        else
            fail "$label $a -> $b: ${rx:-0}/${tx:-0} echoes answered"
            tail -n 3 "$dir/$a-$b" | sed 's/^/    /'
        fi
    done
}
