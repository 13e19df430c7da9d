# shellcheck shell=bash
# tests/e2e: the route-reflector variant (run.sh --cluster rr, manifests/cluster-rr.yaml):
# the mesh is off, one Node has a routeReflectorClusterID, every session is to or from it,
# with a TCP MD5 key. On top of the tables, pings and router checks of every mode:
#
#   check_rr MODE      sessions: each client has exactly one session, to the reflector,
#                      Established, MD5 key set, no stale routes (agent's `show peers`), and
#                      the kernel agrees (`ss`: exactly one TCP connection on port 179, to
#                      the reflector; none between clients); the reflector has one per
#                      client, each a route reflector client. Reflection: a client's block
#                      reaches the other client from the reflector with ORIGINATOR_ID = its
#                      node and CLUSTER_LIST = [the cluster ID], next hop unchanged (`show
#                      routes`); the reflector's own block and what it learns come
#                      without either (not reflected).
#   rr_restart MODE    the restart test (lib/restart.sh) with the reflector's agent as the
#                      victim, while the router captures port 179: every segment that
#                      crosses it between clients and reflector (the reconnects) carries a
#                      valid MD5 signature (tcpdump -M KEY); then check_rr again.
#   rr_inject KIND     break it on purpose (run.sh --inject): rr-mesh-session (a direct
#                      walker-1 <-> walker-2 session, applied live) | rr-wrong-key (walker-2's
#                      key for the reflector changed, applied live).

# From the cluster manifest: the reflector Node, its cluster ID, the MD5 key.
rr_from_manifest() {
    RR_NODE=$(awk '/^---/ { kind = ""; name = "" } /^kind:/ { kind = $2 } /^  name:/ { name = $2 }
        kind == "Node" && /routeReflectorClusterID:/ { print name; exit }' "$E2E_CLUSTER")
    RR_CLUSTER_ID=$(awk '/routeReflectorClusterID:/ { print $2; exit }' "$E2E_CLUSTER")
    RR_KEY=$(awk '/^  password:/ { print $2; exit }' "$E2E_CLUSTER")
}

rr_agent() { timeout 10 "$E2E_AGENT" "$@"; }

# rr_ss HOST: the peer addresses of the host's established TCP connections on port 179.
rr_ss() {
    nx "$1" ss -Htn state established '( sport = :179 or dport = :179 )' |
        awk '{ sub(/:[0-9]+$/, "", $NF); print $NF }' | sort
}

# rr_sessions_ok HOST: sets RR_WHY; 0 when the host's sessions are the reflector ones.
rr_sessions_ok() {
    local h=$1 peers kernel want=() line ip n
    peers=$(rr_agent show peers --socket "$(agent_sock "$h")" 2>&1) || {
        RR_WHY="show peers failed: $peers"
        return 1
    }
    kernel=$(rr_ss "$h")
    if [[ $h == "$RR_NODE" ]]; then
        for n in "${HOSTS[@]}"; do [[ $n != "$RR_NODE" ]] && want+=("${H_IP[$n]}"); done
    else
        want=("${H_IP[$RR_NODE]}")
    fi
    RR_WHY="show peers: $(tr '\n' '|' <<<"$peers") kernel: $(tr '\n' ' ' <<<"$kernel")"
    n=$(grep -c . <<<"$peers")
    [[ $n == "${#want[@]}" ]] || return 1
    [[ $(tr '\n' ' ' <<<"$kernel") == "$(printf '%s\n' "${want[@]}" | sort | tr '\n' ' ')" ]] || return 1
    for ip in "${want[@]}"; do
        line=$(grep "^$ip AS" <<<"$peers") || return 1
        [[ $line == "$ip AS"*" Established "*"; tcp-md5"*"; "*" 0 stale"* ]] || return 1
        if [[ $h == "$RR_NODE" ]]; then
            [[ $line == *"; route-reflector-client;"* ]] || return 1
        else
            [[ $line != *"route-reflector-client"* ]] || return 1
        fi
    done
}

# rr_route_via HOST PREFIX: "FROM ORIGINATOR CLUSTER-LIST ROUTE" of the host's entry in
# `show routes` ("-" for an absent attribute), from its "from PEER[, originator ID][,
# cluster list ID...]" line.
rr_route_via() {
    rr_agent show routes --socket "$(agent_sock "$1")" 2>/dev/null | awk -v p="$2" '
        /^[^ ]/ { inside = ($1 == p); n = 0; next }
        inside {
            n++
            if (n == 1) route = substr($0, 5)
            if ($1 == "from") {
                line = substr($0, 10); from = line; orig = "-"; cl = "-"
                sub(/,.*/, "", from)
                if (match(line, /originator [^,]+/)) orig = substr(line, RSTART + 11, RLENGTH - 11)
                if (match(line, /cluster list [^,]+/)) {
                    cl = substr(line, RSTART + 13, RLENGTH - 13); gsub(/ /, ",", cl)
                }
                found = 1
            }
        }
        END { if (found) print from, orig, cl, route }'
}

# rr_reflection_ok: sets RR_WHY; 0 when every learned block came the way route reflection
# says (see the header).
rr_reflection_ok() {
    local dst src got want rr_ip=${H_IP[$RR_NODE]}
    RR_WHY=""
    for dst in "${HOSTS[@]}"; do
        for src in "${HOSTS[@]}"; do
            [[ $src == "$dst" ]] && continue
            got=$(rr_route_via "$dst" "${H_BLOCK[$src]}")
            if [[ $dst == "$RR_NODE" ]]; then
                want="${H_IP[$src]} - -" # learned from its node, nothing added
            elif [[ $src == "$RR_NODE" ]]; then
                want="$rr_ip - -" # the reflector's own route: not reflected
            else
                want="$rr_ip ${H_IP[$src]} $RR_CLUSTER_ID" # reflected, next hop unchanged
            fi
            if [[ $got != "$want "* || ($dst != "$RR_NODE" && $src != "$RR_NODE" && $got != *" via ${H_IP[$src]} "*) ]]; then
                RR_WHY+=" $dst has ${H_BLOCK[$src]} as [${got:-nothing}], want [$want ...]"
            fi
        done
    done
    [[ -z $RR_WHY ]]
}

check_rr() {
    local mode=$1 h a b deadline=$((SECONDS + ${E2E_CONVERGE_TIMEOUT:-45}))
    [[ -n ${RR_NODE:-} ]] || rr_from_manifest
    for h in "${HOSTS[@]}"; do
        if wait_until "$(remaining "$deadline")" rr_sessions_ok "$h"; then
            if [[ $h == "$RR_NODE" ]]; then
                pass "$mode: rr: $h (reflector, cluster $RR_CLUSTER_ID) has exactly one session per client, Established, TCP MD5, route reflector clients, 0 stale (agent and kernel agree)"
            else
                pass "$mode: rr: $h has exactly one BGP session, to the reflector ${H_IP[$RR_NODE]}, Established with TCP MD5, 0 stale; no session to another client (agent and kernel agree)"
            fi
        else
            fail "$mode: rr: $h sessions are not the reflector ones: $RR_WHY"
        fi
    done
    if wait_until "$(remaining "$deadline")" rr_reflection_ok; then
        for a in "${HOSTS[@]}"; do
            for b in "${HOSTS[@]}"; do
                [[ $a == "$b" || $a == "$RR_NODE" || $b == "$RR_NODE" ]] && continue
                pass "$mode: rr: $b learned $a's block ${H_BLOCK[$a]} only through the reflector: [$(rr_route_via "$b" "${H_BLOCK[$a]}")] (from, ORIGINATOR_ID, CLUSTER_LIST, next hop unchanged)"
            done
        done
        pass "$mode: rr: the reflector learned each block from its node, the clients its own block unreflected (no ORIGINATOR_ID / CLUSTER_LIST)"
    else
        fail "$mode: rr: routes did not come the route-reflection way:$RR_WHY"
    fi
}

# ---- the reflector's restart, and MD5 on the wire --------------------------------------
rr_restart() {
    local mode=$1 pcap=$E2E_WORK/router-bgp.pcap tp total unsigned valid
    [[ -n ${RR_NODE:-} ]] || rr_from_manifest
    capture_start router any "$pcap" 'tcp port 179'
    tp=$CAPTURE_PID
    local h before=() removed
    for h in "${HOSTS[@]}"; do before+=("$(wc -l <"$E2E_WORK/agent-$h.log")"); done
    sleep 0.5
    E2E_RESTART_NODE=$RR_NODE E2E_STALE_ROUTE="192.168.250.0/26 via ${H_GW[$RR_NODE]} dev eth0" \
        check_restart "$mode"
    sleep 0.5
    stop_pid "$tp" INT
    # An agent killed with -9 leaves no socket to sign the RSTs its kernel sends to the
    # clients' next segments: RSTs are counted apart, every other segment must be signed.
    total=$(tcpdump -n -r "$pcap" 'tcp[tcpflags] & tcp-rst == 0' 2>/dev/null | wc -l)
    valid=$(tcpdump -n -v -M "$RR_KEY" -r "$pcap" 'tcp[tcpflags] & tcp-rst == 0' 2>/dev/null | grep -c 'md5 valid')
    unsigned=$((total - valid))
    if ((total > 0 && unsigned == 0)); then
        pass "rr restart: every BGP segment through the router carried a valid TCP MD5 signature ($valid segments, reconnects included; $(tcpdump -n -r "$pcap" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l) RSTs from the killed agent's kernel)"
    else
        fail "rr restart: BGP segments through the router: $total, with a valid MD5 signature: $valid"
        tcpdump -n -v -M "$RR_KEY" -r "$pcap" 2>/dev/null | grep -v 'md5 valid' | head -n 6 | sed 's/^/    /'
    fi
    # The clients keep the reflected routes as stale while it is away, and the restarted
    # reflector defers its End-of-RIB until every client has re-sent its routes: no client
    # may remove a route meanwhile (not even for a moment, which pings could miss).
    local i=0
    for h in "${HOSTS[@]}"; do
        if [[ $h != "$RR_NODE" ]]; then
            removed=$(tail -n +"$((before[i] + 1))" "$E2E_WORK/agent-$h.log" | grep -E 'route .* removed' | head -n 3)
            if [[ -z $removed ]]; then
                pass "rr restart: $h removed no route while the reflector restarted (its log)"
            else
                fail "rr restart: $h removed routes while the reflector restarted: $(tr '\n' ';' <<<"$removed")"
            fi
        fi
        i=$((i + 1))
    done
    check_rr "$mode (after the reflector's restart)"
}

# ---- break it on purpose ---------------------------------------------------------------
rr_inject() {
    local f=$E2E_WORK/rr-inject.yaml
    [[ -n ${RR_NODE:-} ]] || rr_from_manifest
    case $1 in
        rr-mesh-session) # walker-1 and walker-2 peer directly, as the mesh would
            cat >"$f" <<EOF
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: injected-walker-1-to-walker-2}
spec: {node: walker-1, peerIP: ${H_IP[walker-2]}, asNumber: 64512, password: $RR_KEY}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: injected-walker-2-to-walker-1}
spec: {node: walker-2, peerIP: ${H_IP[walker-1]}, asNumber: 64512, password: $RR_KEY}
EOF
            rr_agent apply --socket "$(agent_sock walker-1)" -f "$f" >/dev/null &&
                rr_agent apply --socket "$(agent_sock walker-2)" -f "$f" >/dev/null
            ;;
        rr-wrong-key) # walker-2's side of its session to the reflector has another key
            cat >"$f" <<EOF
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: peer-with-route-reflector}
spec: {nodeSelector: all(), peerIP: ${H_IP[$RR_NODE]}, asNumber: 64512, password: not-$RR_KEY}
EOF
            rr_agent apply --socket "$(agent_sock walker-2)" -f "$f" >/dev/null
            ;;
        *) return 1 ;;
    esac
}
