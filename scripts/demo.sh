#!/usr/bin/env bash
# The first thing to run: installs the dependencies, builds the project and decodes a real
# BGP capture (tcpdump's bgp-role.pcapng: OPENs with the BGP Role capability, UPDATEs with
# the Only-To-Customer attribute).
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
