#!/usr/bin/env bash
# The bgp-reflector CLI on the built binary (docs/cli.md): starts the daemon with
# its API on 127.0.0.1:27620 (BGP on 127.0.0.1:27621, one configured neighbour
# that never connects), then runs the commands as an operator would and checks
# their output and exit statuses: show status/neighbors/neighbor/rib, --json,
# reload (a good file, then a broken one: exit 1 and nothing changes), watch's
# snapshot, --config FILE to find the API, a unix-socket API, and SIGTERM.
#
# Environment: BGP_BIN (directory holding bgp-reflector, default build/bin).
# Exit 0 when every check passes, 1 otherwise.
set -uo pipefail

BGP_BIN=${BGP_BIN:-build/bin}
bin="$BGP_BIN/bgp-reflector"
if [[ ! -x "$bin" ]]; then
    echo "FAIL: $bin not found or not executable (set BGP_BIN)" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/bgp-cli-smoke.XXXXXX)
pid=""
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    rm -rf "$dir"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect NAME STATUS PATTERN -- ARGS...: runs the CLI, checks its exit status and that
# stdout+stderr match the extended regex PATTERN.
expect() {
    local name=$1 status=$2 pattern=$3
    shift 4
    local out rc
    out=$("$bin" "$@" 2>&1)
    rc=$?
    if [[ $rc -ne $status ]]; then
        fail "$name: exit $rc, expected $status; output:"$'\n'"$out"
    elif ! grep -Eq -- "$pattern" <<<"$out"; then
        fail "$name: output does not match /$pattern/:"$'\n'"$out"
    else
        echo "ok: $name"
    fi
}

config="$dir/reflector.yaml"
write_config() {  # $1: the api line
    cat >"$config" <<YAML
router-id: 10.0.0.1
asn: 64512
log-level: warning
listen: { address: 127.0.0.1, port: 27621 }
$1
neighbors:
  - { address: 127.0.0.2, asn: 64512, passive: true, route-reflector-client: true }
YAML
}

# start_daemon API: starts it and waits (10 s at most) until `show status` answers.
start_daemon() {
    "$bin" --config "$config" 2>"$dir/daemon.log" &
    pid=$!
    for _ in $(seq 1 100); do
        if "$bin" show status --api "$1" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    fail "the daemon's API at $1 did not answer; log:"$'\n'"$(cat "$dir/daemon.log")"
    return 1
}

stop_daemon() {
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    pid=""
    [[ $rc -eq 0 ]] || fail "the daemon exited $rc after SIGTERM"
}

api=127.0.0.1:27620
write_config "api: { listen: $api }"
if start_daemon "$api"; then
    expect "show status" 0 '^Router ID: +10\.0\.0\.1$' -- show status --api "$api"
    expect "show status (api.listen of --config)" 0 'Neighbors: +1 configured, 0 dynamic, 0 established' \
        -- show status --config "$config"
    expect "show neighbors" 0 '^127\.0\.0\.2 +64512 +(Idle|Active|Connect) +- +' -- show neighbors --api "$api"
    expect "show neighbors --json" 0 '"address": "127\.0\.0\.2"' -- show neighbors --json --api "$api"
    out=$("$bin" show neighbors --json --api "$api" 2>&1)
    python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["neighbors"][0]["asn"]==64512' \
        <<<"$out" && echo "ok: --json parses" || fail "--json does not parse: $out"
    expect "show neighbor ADDRESS" 0 '^Neighbor 127\.0\.0\.2, AS 64512 \(route-reflector client\)$' \
        -- show neighbor 127.0.0.2 --api "$api"
    expect "show neighbor unknown" 1 '^bgp-reflector: .*\(HTTP 404 Not Found\)$' \
        -- show neighbor 127.0.0.99 --api "$api"
    expect "show rib (empty)" 0 '^ +Network +Next Hop +AS Path +LocPrf +MED +From$' -- show rib --api "$api"
    expect "show route (none)" 1 '^10\.9\.0\.0/16 \(ipv4-unicast\): not in the RIB$' \
        -- show route 10.9.0.0/16 --api "$api"
    expect "watch (snapshot of an empty RIB)" 0 '^snapshot begin
snapshot end$' -- watch --count 2 --api "$api"
    expect "reload" 0 '^reload applied: 0 added, 0 removed, 0 changed, 1 unchanged; policies unchanged$' \
        -- reload --api "$api"
    cp "$config" "$dir/good.yaml"
    echo "asn: [broken" >>"$config"
    expect "reload (a broken file)" 1 '^bgp-reflector: reload refused, nothing changed: .*reflector\.yaml' \
        -- reload --api "$api"
    cp "$dir/good.yaml" "$config"
    expect "show neighbors after the refused reload" 0 '^127\.0\.0\.2 ' -- show neighbors --api "$api"
    expect "dump --mrt" 0 '^wrote [0-9]+ octets of TABLE_DUMP_V2 to ' -- dump --mrt "$dir/rib.mrt" --api "$api"
    if command -v bgpdump >/dev/null; then
        bgpdump -q -m "$dir/rib.mrt" >/dev/null 2>"$dir/bgpdump.err" && echo "ok: bgpdump reads the dump" ||
            fail "bgpdump cannot read the dump: $(cat "$dir/bgpdump.err")"
    fi
    expect "dump without --mrt" 2 'dump needs --mrt FILE' -- dump --api "$api"
    stop_daemon
fi
expect "no daemon" 1 '^bgp-reflector: cannot connect to the API at 127\.0\.0\.1:27620: Connection refused \(is bgp-reflector running\? is api\.listen set\?\)$' \
    -- show neighbors --api "$api"

sock="$dir/api.sock"
write_config "api: { listen: $sock }"
if start_daemon "$sock"; then
    expect "unix socket: show status" 0 '^AS: +64512$' -- show status --config "$config"
    stop_daemon
fi

if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
