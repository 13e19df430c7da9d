#!/usr/bin/env bash
# The TABLE_DUMP_V2 writer (libbgp/include/bgp/mrt/writer.hpp) against a real
# implementation: RIPE NCC's bgpdump (Debian package bgpdump) must read what we
# write.
#   1. `mrt-rewrite --sample` writes a small known table (IPv4, IPv6, ADD-PATH,
#      2- and 4-octet AS peers); `bgpdump -m` must print exactly the routes
#      below (each field checked by hand against the table in
#      tests/tools/mrt_rewrite.cpp).
#   2. Real dumps of tests/corpus (TABLE_DUMP_V2 with and without ADD-PATH,
#      TABLE_DUMP; from RIPE RIS, OpenBGPD, Quagga, BIRD) rewritten as
#      TABLE_DUMP_V2 by `mrt-rewrite IN OUT`: `bgpdump -m` prints the same
#      routes for OUT as for IN, line for line. Left out, because bgpdump
#      misreads the original: openbgpd_rib_table-mp (no route printed),
#      openbgpd_rib_table (an AGGREGATOR of 8 octets in a 2-octet-AS record,
#      which our reader discards as RFC 7606 says), rrc00_bview.20000111
#      (entries batched in one record: bgpdump prints one route of 452,018).
#      tests/unit/mrt/writer_corpus_test.cpp checks those with our reader.
#
# Environment: BGP_BIN (directory holding mrt-rewrite, default build/bin),
# BGP_TESTS (the tests directory, default tests). Exit 0 when every check
# passes, 1 otherwise.
set -uo pipefail

BGP_BIN=${BGP_BIN:-build/bin}
BGP_TESTS=${BGP_TESTS:-tests}
tool="$BGP_BIN/mrt-rewrite"
if [[ ! -x "$tool" ]]; then
    echo "FAIL: $tool not found or not executable (set BGP_BIN)" >&2
    exit 1
fi
if ! command -v bgpdump >/dev/null 2>&1; then
    echo "FAIL: bgpdump not installed (scripts/setup.sh installs the Debian package)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# bgpdump -m, route lines only (it logs "logging to syslog" on stderr).
dump() { bgpdump -m "$1" 2>/dev/null; }

# ---- 1. the sample table ------------------------------------------------------------
checks=$((checks + 1))
if ! "$tool" --sample "$tmp/sample.mrt"; then
    fail "mrt-rewrite --sample failed"
else
    expected=$(cat <<'EOF'
TABLE_DUMP2|1700000000|B|192.0.2.1|64512|10.1.0.0/16|64512 65001|IGP|192.0.2.1|100|10|65001:7|NAG||
TABLE_DUMP2|1700000000|B|192.0.2.2|4200000000|10.1.0.0/16|4200000000 65002|INCOMPLETE|192.0.2.2|200|0||NAG||
TABLE_DUMP2|1700000000|B|192.0.2.2|4200000000|10.2.3.0/24|4200000000 65002|INCOMPLETE|192.0.2.2|200|0||NAG||
TABLE_DUMP2|1700000000|B|2001:db8::3|65003|2001:db8:100::/40|65003 65004 65005|EGP|2001:db8::3|0|0||NAG||
TABLE_DUMP2_AP|1700000000|B|192.0.2.1|64512|198.51.100.0/24|1|64512 65010|IGP|192.0.2.1|0|0||NAG||
TABLE_DUMP2_AP|1700000000|B|192.0.2.1|64512|198.51.100.0/24|2|64512 65020 65021|IGP|192.0.2.9|0|0||NAG||
EOF
)
    got=$(dump "$tmp/sample.mrt")
    if [[ "$got" != "$expected" ]]; then
        fail "bgpdump -m of the sample table differs:"
        diff <(echo "$expected") <(echo "$got") >&2
    fi
    # -v: what -m leaves out (originated times, large communities, sequence numbers).
    verbose=$(TZ=UTC bgpdump -v "$tmp/sample.mrt" 2>/dev/null)
    for want in "ORIGINATED: 11/14/23 19:26:40" "ORIGINATED: 11/14/23 19:26:45" \
        "LARGE_COMMUNITY: 4200000000:1:2" "SEQUENCE: 3" "TYPE: TABLE_DUMP_V2/IPV6_UNICAST" \
        "FROM: 2001:db8::3 AS65003"; do
        checks=$((checks + 1))
        grep -qF "$want" <<<"$verbose" || fail "bgpdump -v of the sample table lacks \"$want\""
    done
fi

# ---- 2. real dumps rewritten ----------------------------------------------------------
corpus="$BGP_TESTS/corpus"
for f in bgpdump/test_data/bview.ipv4_unicast_add_path.gz \
    bgpdump/test_data/bview.ipv6_unicast_add_path.gz \
    bgpdump/test_data/bview.64k_stream_overflow.gz \
    bgpdump/test_data/bview.20020722.2337.gz mrtparse/openbgpd_rib_table-v2 \
    mrtparse/quagga_rib mrtparse/bird-mrtdump_rib mrtparse/bird6-mrtdump_rib; do
    checks=$((checks + 1))
    out="$tmp/$(basename "$f").rewritten"
    if ! "$tool" "$corpus/$f" "$out" 2>"$tmp/err"; then
        fail "mrt-rewrite $f: $(cat "$tmp/err")"
        continue
    fi
    # A TABLE_DUMP original prints as TABLE_DUMP, ours as TABLE_DUMP2: the rest must match.
    dump "$corpus/$f" | sed 's/^TABLE_DUMP|/TABLE_DUMP2|/' >"$tmp/a"
    dump "$out" >"$tmp/b"
    n=$(wc -l <"$tmp/a")
    if [[ $n -eq 0 ]]; then
        fail "$f: bgpdump printed no route of the original"
    elif ! cmp -s "$tmp/a" "$tmp/b"; then
        fail "$f: bgpdump prints other routes for the rewritten file ($n lines before):"
        diff "$tmp/a" "$tmp/b" | head -20 >&2
    else
        echo "ok: $f: $n routes, the same from the rewritten file"
    fi
done

if [[ $failures -gt 0 ]]; then
    echo "$failures of $checks checks failed" >&2
    exit 1
fi
echo "all $checks checks passed"
