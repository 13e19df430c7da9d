#!/usr/bin/env bash
# The first thing to run: installs the dependencies, builds the project, decodes a real
# BGP capture (tcpdump's bgp-role.pcapng: OPENs with the BGP Role capability, UPDATEs with
# the Only-To-Customer attribute), then runs a live session between two bgp-announce
# speakers on loopback (127.0.0.1 and 127.0.0.2, unprivileged ports; BGP_DEMO_PORT sets the
# first, default 17901) that exchange routes and stop with an RFC 9003 shutdown message.
#
#   bash scripts/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/build.sh

decoder=build/bin/bgp-decode
capture=tests/corpus/tcpdump/bgp-role.pcapng
if [[ ! -x $decoder ]]; then
    echo "demo: $decoder was not built (the bgp-decode program is missing from this tree)" >&2
    exit 1
fi

echo
echo "=== $decoder --pcap $capture | head -n 20"
# head closes the pipe early; that is not a failure of the decoder.
set +o pipefail
"$decoder" --pcap "$capture" | head -n 20
status=${PIPESTATUS[0]}
set -o pipefail
# 141 = SIGPIPE after head exited: the decoder had more to print.
if [[ $status -ne 0 && $status -ne 141 ]]; then
    echo "demo: $decoder exited with status $status" >&2
    exit "$status"
fi

# ---- a live session: two bgp-announce speakers on loopback -----------------------------
announce=build/bin/bgp-announce
if [[ ! -x $announce ]]; then
    echo "demo: $announce was not built" >&2
    exit 1
fi
# Unprivileged ports on 127.0.0.1 / 127.0.0.2 (both on lo by default). Both sides listen
# and connect, so the RFC 4271 §6.8 collision resolution runs too. The next hops are in
# 198.18.0.0/15 (RFC 2544 benchmark range): only attributes, nothing is sent there.
port_a=${BGP_DEMO_PORT:-17901}
port_b=$((port_a + 1))
out_b=$(mktemp)
err_b=$(mktemp)
trap 'rm -f "$out_b" "$err_b"' EXIT

echo
echo "=== two speakers: AS 64512 on 127.0.0.1:$port_a, AS 64513 on 127.0.0.2:$port_b"
echo "=== (AS 64512's view, JSON Lines on stdout; its log on stderr; both stop after 6 s)"
"$announce" --local-as 64513 --router-id 10.0.0.2 --peer "127.0.0.1:$port_a" --peer-as 64512 \
    --listen "127.0.0.2:$port_b" --local-address 127.0.0.2 --hold-time 9 \
    --next-hop 198.18.0.2 --community 64513:7 --exit-after 5 --log-level warning \
    192.168.20.0/26 192.168.20.64/26 >"$out_b" 2>"$err_b" &
pid_b=$!
status=0
"$announce" --local-as 64512 --router-id 10.0.0.1 --peer "127.0.0.2:$port_b" --peer-as 64513 \
    --listen "127.0.0.1:$port_a" --local-address 127.0.0.1 --hold-time 9 \
    --next-hop 198.18.0.1 --route 192.168.10.0/26,med=10,large-community=64512:1:2 \
    --exit-after 6 || status=$?
wait "$pid_b" || status=$?
echo
echo "=== what AS 64513 received:"
grep '"type":"ROUTE"' "$out_b" || true
if [[ $status -ne 0 ]]; then
    echo "demo: a speaker failed (status $status); its log:" >&2
    cat "$err_b" >&2
    exit "$status"
fi

# ---- the seed end to end (issue 6): per pool mode, each node's route table and the ping
# matrix. tests/e2e/run.sh --show: walker-1, walker-2, demi-1 and a router in lbe- network
# namespaces, bgp-node-agent in each host namespace; never -> vxlan-always ->
# vxlan-cross-subnet -> never switched live here, then never -> ipip-always ->
# ipip-cross-subnet with a real tunl0 in a QEMU guest (docs/e2e.md).
echo
if [[ $(id -u) -ne 0 ]]; then
    echo "demo: the end-to-end part needs root (network namespaces); skipped"
elif [[ ! -x build/bin/bgp-node-agent ]]; then
    echo "demo: build/bin/bgp-node-agent was not built; the end-to-end part is skipped"
else
    echo "=== the seed, end to end: bash tests/e2e/run.sh --show --no-restart"
    bash tests/e2e/run.sh --show --no-restart
fi
