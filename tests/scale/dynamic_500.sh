#!/usr/bin/env bash
# Dynamic neighbours at scale (issue 5 proof): bgp-reflector with a dynamic-neighbors range
# 127.100.0.0/16, and bgp-swarm opening N sessions (default 500) from 127.100.0.1 upwards,
# each announcing one /26. Passes when every session is Established and holds every other
# session's block (N-1 routes each), and then the daemon is healthy: SIGTERM -> every
# session gets Cease / Administrative Shutdown, exit status 0.
#
#   bash tests/scale/dynamic_500.sh build/bin/bgp-reflector build/bin/bgp-swarm [N]
#
# Environment: BGP_SCALE_SESSIONS (N), BGP_SCALE_TIMEOUT (seconds for the swarm to
# converge, default 120), BGP_SCALE_PORT (first port tried, 28500..28999), BGP_SCALE_KEEP
# (a directory: the logs, the configuration and the swarm's report are copied there, for
# measurements by hand). Everything is on loopback; every wait is bounded; only the
# processes started here are signalled.
set -uo pipefail

reflector=${1:?usage: dynamic_500.sh BGP_REFLECTOR BGP_SWARM [SESSIONS]}
swarm=${2:?usage: dynamic_500.sh BGP_REFLECTOR BGP_SWARM [SESSIONS]}
count=${3:-${BGP_SCALE_SESSIONS:-500}}
timeout=${BGP_SCALE_TIMEOUT:-120}
port=${BGP_SCALE_PORT:-$((28500 + $$ % 400))}

work=$(mktemp -d "${TMPDIR:-/tmp}/bgp-scale.XXXXXX")
rpid='' spid=''
cleanup() {
    [[ -n ${BGP_SCALE_KEEP:-} ]] && mkdir -p "$BGP_SCALE_KEEP" && cp "$work"/* "$BGP_SCALE_KEEP"/ 2>/dev/null
    [[ -n $spid ]] && kill -KILL "$spid" 2>/dev/null
    [[ -n $rpid ]] && kill -KILL "$rpid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "scale: FAIL: $*"
    if [[ -f $work/reflector.log ]]; then
        echo "scale: last lines of the reflector's log:"
        tail -n 20 "$work/reflector.log" | sed 's/^/  | /'
    fi
    exit 1
}

# Seconds of CPU (user + system) of PID so far, from /proc/PID/stat.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# 1. The reflector, on the first free port of a few tried.
started=0
for attempt in 1 2 3 4 5; do
    cat >"$work/reflector.yaml" <<EOF
router-id: 10.255.0.1
asn: 64512
log-level: info
listen: { address: 127.0.0.1, port: $port }
dynamic-neighbors:
  - prefix: 127.100.0.0/16
    asn: 64512
    route-reflector-client: true
    max-sessions: 10000
    hold-time: 90
EOF
    "$reflector" --config "$work/reflector.yaml" 2>"$work/reflector.log" &
    rpid=$!
    for _ in $(seq 1 100); do  # 10 s
        grep -q 'listening on' "$work/reflector.log" && { started=1; break; }
        kill -0 "$rpid" 2>/dev/null || break
        sleep 0.1
    done
    [[ $started == 1 ]] && break
    kill -KILL "$rpid" 2>/dev/null
    wait "$rpid" 2>/dev/null
    rpid=''
    grep -q 'cannot listen' "$work/reflector.log" || fail "bgp-reflector did not start"
    port=$((port + 1))
done
[[ $started == 1 ]] || fail "no free port found for bgp-reflector"
echo "scale: bgp-reflector pid $rpid on 127.0.0.1:$port; $count sessions from 127.100.0.1"
grep -m1 'open files limit' "$work/reflector.log" | sed 's/^/scale: reflector: /'

# 2. The swarm: stays connected once converged, until the reflector ends the sessions.
"$swarm" --target "127.0.0.1:$port" --count "$count" --sources 127.100.0.1 \
    --prefix-base 10.128.0.0/26 --asn 64512 --hold 90 --timeout $((timeout + 30)) \
    --stay --ready-file "$work/ready" --json >"$work/swarm.json" 2>"$work/swarm.err" &
spid=$!
deadline=$((SECONDS + timeout))
while [[ ! -f $work/ready ]]; do
    kill -0 "$spid" 2>/dev/null || break
    kill -0 "$rpid" 2>/dev/null || fail "bgp-reflector exited while the swarm connected"
    ((SECONDS < deadline)) || break
    sleep 0.2
done
if [[ ! -f $work/ready ]]; then
    echo "scale: the swarm did not converge within $timeout s"
    kill -TERM "$spid" 2>/dev/null
fi

# 3. The daemon's cost so far, then SIGTERM: exit 0, every session gets Cease.
hwm=$(status_kib "$rpid" VmHWM)
rss=$(status_kib "$rpid" VmRSS)
cpu=$(cpu_seconds "$rpid")
kill -TERM "$rpid"
rc=''
for _ in $(seq 1 250); do  # 25 s (the daemon's own backstop is 15 s)
    if ! kill -0 "$rpid" 2>/dev/null; then
        wait "$rpid"
        rc=$?
        break
    fi
    sleep 0.1
done
[[ -n $rc ]] || fail "bgp-reflector still running 25 s after SIGTERM"
rpid=''
for _ in $(seq 1 300); do  # 30 s
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$spid" 2>/dev/null && fail "bgp-swarm still running 30 s after the reflector's exit"
wait "$spid"
src=$?
spid=''

# 4. The verdict.
echo "scale: bgp-swarm exit $src: $(cat "$work/swarm.json")"
[[ -s $work/swarm.err ]] && sed 's/^/scale: swarm stderr: /' "$work/swarm.err"
echo "scale: bgp-reflector exit $rc; VmHWM ${hwm} KiB, VmRSS ${rss} KiB, ${cpu} CPU s" \
    "(before SIGTERM); log: $(grep -c ' warning ' "$work/reflector.log") warning(s)," \
    "$(grep -c ' error ' "$work/reflector.log") error(s)"
python3 - "$work/swarm.json" "$count" <<'EOF' || fail "the swarm's report does not meet the expectation"
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
cease = sum(x["count"] for x in r["notifications_received"] if x["code"] == 6 and x["subcode"] == 2)
checks = [
    ("every session established", r["established"] == n),
    ("every session converged", r["converged"]),
    (f"every session holds {n - 1} routes (min {r['routes_min']}, max {r['routes_max']})",
     r["routes_min"] == n - 1 and r["routes_max"] == n - 1 and r["expected_routes"] == n - 1),
    ("End-of-RIB at every session", r["end_of_rib"] == n),
    ("no prefix outside the swarm's blocks", r["unexpected_prefixes"] == 0),
    ("no error at any session", not r["errors"]),
    (f"Cease / Administrative Shutdown at every session ({cease})", cease == n),
    ("every session ended by the reflector", r["closed_by_peer"] == n),
]
for what, ok in checks:
    print(f"scale: {'ok  ' if ok else 'FAIL'} {what}")
print(f"scale: {n} sessions: all established after {r['all_established_seconds']} s, "
      f"every route at every session after {r['converged_seconds']} s")
sys.exit(0 if all(ok for _, ok in checks) and r["ok"] else 1)
EOF
[[ $src -eq 0 ]] || fail "bgp-swarm exit status $src"
[[ $rc -eq 0 ]] || fail "bgp-reflector exit status $rc after SIGTERM"
echo "scale: PASS"
