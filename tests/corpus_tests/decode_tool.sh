#!/usr/bin/env bash
# The bgp-decode command-line contract (issue 2; examples/bgp-decode/README.md):
#   --hex   golden messages (annotated below) and exact JSON fields, malformed ones
#           reported while decoding goes on, the ADD-PATH and AS-size guesses;
#   --mrt   BGP4MP messages and STATE objects (mrtparse/bird_bgp), RIB objects of an
#           RFC 8050 ADD-PATH table dump against bgpdump's expected output;
#   --pcap  with --port on a capture whose BGP port was moved off 179;
#   exit statuses: 0 for input read, 2 for bad arguments and unreadable files.
#
# Environment: BGP_BIN (directory holding bgp-decode, default build/bin), BGP_TESTS (the
# tests directory, default tests). Exit 0 when every check passes, 1 otherwise.
set -uo pipefail

BGP_BIN=${BGP_BIN:-build/bin}
BGP_TESTS=${BGP_TESTS:-tests}
decoder="$BGP_BIN/bgp-decode"
if [[ ! -x "$decoder" ]]; then
    echo "FAIL: $decoder not found or not executable (set BGP_BIN)" >&2
    exit 1
fi

python3 - "$decoder" "$BGP_TESTS" <<'PY'
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

decoder, tests = sys.argv[1], sys.argv[2]
failures = []
checks = 0


def check(cond, what, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append(what + (("\n    " + str(detail)[:1500]) if detail != "" else ""))


def run(args, stdin=b""):
    p = subprocess.run([decoder] + args, input=stdin, capture_output=True, check=False)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def lines(out):
    objs = []
    for n, line in enumerate(out.splitlines(), 1):
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            failures.append("output line %d is not JSON: %s: %s" % (n, e, line[:300]))
    return objs


def msg(*parts):
    """A BGP message: marker, length, type, body (parts are lists of octets)."""
    body = bytes(b for part in parts[1:] for b in part)
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), parts[0]) + body


def attrs(*items):
    body = bytes(b for item in items for b in item)
    return list(struct.pack("!H", len(body))) + list(body)


ORIGIN_IGP = [0x40, 0x01, 0x01, 0x00]                          # ORIGIN IGP
AS_PATH_4 = [0x40, 0x02, 0x0a, 0x02, 0x02,                    # AS_SEQUENCE of 2
             0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0xfd, 0xea]  #   65001 65002 (4 octets)
AS_PATH_2 = [0x40, 0x02, 0x06, 0x02, 0x02,                    # AS_SEQUENCE of 2
             0xfd, 0xe9, 0xfd, 0xea]                          #   65001 65002 (2 octets)
NEXT_HOP = [0x40, 0x03, 0x04, 192, 0, 2, 1]                   # NEXT_HOP 192.0.2.1
COMMUNITIES = [0xc0, 0x08, 0x04, 0xfd, 0xe8, 0x00, 0x64]      # 65000:100
LARGE = [0xc0, 0x20, 0x0c,                                    # LARGE_COMMUNITY
         0x00, 0x00, 0xfd, 0xe8, 0, 0, 0, 1, 0, 0, 0, 2]      #   65000:1:2
UNKNOWN_99 = [0xc0, 0x63, 0x02, 0xbe, 0xef]                   # type 99, opt. transitive
MP_REACH_V6 = [0x80, 0x0e, 0x1a,                              # MP_REACH_NLRI
               0x00, 0x02, 0x01,                              #   AFI 2, SAFI 1
               0x10, 0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [1] + [  # next hop 2001:db8::1
               0x00,                                          #   no SNPA
               0x20, 0x20, 0x01, 0x0d, 0xb8]                  #   2001:db8::/32
MP_UNREACH_V6 = [0x80, 0x0f, 0x08,                            # MP_UNREACH_NLRI
                 0x00, 0x02, 0x01,                            #   AFI 2, SAFI 1
                 0x20, 0x20, 0x01, 0x0d, 0xb9]                #   2001:db9::/32

keepalive = msg(4)
update_v4 = msg(2,
                [0x00, 0x03, 0x10, 0x0a, 0x01],               # withdrawn: 10.1.0.0/16
                attrs(ORIGIN_IGP, AS_PATH_4, NEXT_HOP, COMMUNITIES, LARGE, UNKNOWN_99),
                [0x18, 0x0a, 0x00, 0x00])                     # NLRI: 10.0.0.0/24
update_v6 = msg(2, [0x00, 0x00], attrs(ORIGIN_IGP, AS_PATH_4, MP_REACH_V6, MP_UNREACH_V6))
update_addpath = msg(2, [0x00, 0x00], attrs(ORIGIN_IGP, AS_PATH_4, NEXT_HOP),
                     [0x00, 0x00, 0x00, 0x01, 0x18, 0x0a, 0x00, 0x00,   # id 1 10.0.0.0/24
                      0x00, 0x00, 0x00, 0x02, 0x18, 0x0a, 0x00, 0x00])  # id 2 10.0.0.0/24
update_as2 = msg(2, [0x00, 0x00], attrs(ORIGIN_IGP, AS_PATH_2, NEXT_HOP),
                 [0x18, 0x0a, 0x00, 0x00])
update_bad_origin = msg(2, [0x00, 0x00],
                        attrs([0x40, 0x01, 0x01, 0x05], AS_PATH_4, NEXT_HOP),  # ORIGIN 5
                        [0x18, 0x0a, 0x00, 0x00])
update_bad_withdrawn = msg(2, [0x00, 0x20, 0x18, 0x0a], [0x00, 0x00])  # 32 octets claimed
bad_marker = b"\xff" * 15 + b"\xfe" + b"\x00\x13\x04"
notification = msg(3, [0x06, 0x02, 0x0b] + list(b"maintenance"))  # Cease/Admin Shutdown
open_msg = msg(1, [0x04, 0x5b, 0xa0, 0x00, 0xb4, 192, 0, 2, 9,   # v4, AS_TRANS, 180 s, id
                   0x14,                                         # optional parameters: 20
                   0x02, 0x12,                                   # capabilities, 18 octets
                   0x01, 0x04, 0x00, 0x01, 0x00, 0x01,           #   MP ipv4-unicast
                   0x41, 0x04, 0xfa, 0x56, 0xea, 0x00,           #   4-octet AS 4200000000
                   0x45, 0x04, 0x00, 0x01, 0x01, 0x03])          #   ADD-PATH v4 uni both
route_refresh = msg(5, [0x00, 0x01, 0x01, 0x01])                 # AFI 1, BoRR, SAFI 1

hex_input = "\n".join([
    "# comment lines and blank lines are skipped",
    keepalive.hex(),
    "",
    update_v4.hex().upper(),                 # upper case is fine
    update_v6.hex(),
    update_addpath.hex(),
    update_as2.hex(),
    update_bad_origin.hex(),
    update_bad_withdrawn.hex(),
    bad_marker.hex(),
    "not hex at all",
    notification.hex(),
    open_msg.hex(),
    route_refresh.hex(),
    (keepalive + keepalive).hex(),           # two messages on one line
]) + "\n"

rc, out, err = run(["--hex"], hex_input.encode())
check(rc == 0, "--hex exits 0 on input with malformed messages", (rc, err))
objs = lines(out)
by_line = {}
for o in objs:
    by_line.setdefault(o.get("line"), []).append(o)
# 13 non-empty lines; the last holds two messages (the broken-marker line is one object).
check(len(objs) == 14, "--hex: 14 objects", [o.get("type") for o in objs])


def first(line_no):
    return by_line.get(line_no, [{}])[0]


o = first(2)
check(o == {"type": "KEEPALIVE", "line": 2, "length": 19}, "KEEPALIVE object", o)

o = first(4)
check(o.get("type") == "UPDATE", "UPDATE type", o)
check(o.get("announced") == [{"prefix": "10.0.0.0/24", "family": "ipv4-unicast"}],
      "UPDATE announced", o.get("announced"))
check(o.get("withdrawn") == [{"prefix": "10.1.0.0/16", "family": "ipv4-unicast"}],
      "UPDATE withdrawn", o.get("withdrawn"))
a = o.get("attributes", {})
check(a.get("origin") == "IGP", "origin", a)
check(a.get("as_path") == [{"type": "AS_SEQUENCE", "asns": [65001, 65002]}], "as_path", a)
check(a.get("next_hop") == "192.0.2.1", "next_hop", a)
check(a.get("communities") == ["65000:100"], "communities", a)
check(a.get("large_communities") == ["65000:1:2"], "large_communities", a)
unknown = a.get("unknown", [])
check(len(unknown) == 1 and unknown[0].get("type") == 99 and unknown[0].get("hex") == "beef"
      and (unknown[0].get("flags", 0) & 0xc0) == 0xc0, "unknown attribute with type code", a)
check(list(a)[:3] == ["origin", "as_path", "next_hop"], "attributes in wire order", list(a))
check("error" not in o and "errors" not in o and "add_path" not in o and
      "two_octet_as" not in o, "clean UPDATE has no error/guess fields", o)

o = first(5)
check(o.get("announced") == [{"prefix": "2001:db8::/32", "family": "ipv6-unicast"}],
      "MP_REACH prefixes in announced", o)
check(o.get("withdrawn") == [{"prefix": "2001:db9::/32", "family": "ipv6-unicast"}],
      "MP_UNREACH prefixes in withdrawn", o)
check(o.get("attributes", {}).get("mp_reach") ==
      {"family": "ipv6-unicast", "next_hops": ["2001:db8::1"]}, "mp_reach value", o)

o = first(6)
check(o.get("add_path") == "guessed", "ADD-PATH guessed without OPENs", o)
check(o.get("announced") == [{"prefix": "10.0.0.0/24", "family": "ipv4-unicast", "path_id": 1},
                             {"prefix": "10.0.0.0/24", "family": "ipv4-unicast", "path_id": 2}],
      "path ids in announced", o.get("announced"))

o = first(7)
check(o.get("two_octet_as") == "guessed", "2-octet AS guessed", o)
check(o.get("attributes", {}).get("as_path") == [{"type": "AS_SEQUENCE", "asns": [65001, 65002]}],
      "2-octet AS_PATH read", o)

o = first(8)
check(o.get("treat_as_withdraw") is True, "bad ORIGIN: treat_as_withdraw", o)
errs = o.get("errors", [])
check(len(errs) >= 1 and errs[0].get("code") == 3 and errs[0].get("subcode") == 6 and
      errs[0].get("action") == "treat-as-withdraw" and errs[0].get("reason"),
      "bad ORIGIN: RFC 7606 error listed (3/6 treat-as-withdraw)", errs)

o = first(9)
e = o.get("error", {})
check(o.get("type") == "UPDATE" and e.get("code") == 3 and e.get("subcode") == 1 and
      e.get("action") == "session-reset" and e.get("reason"),
      "overrunning withdrawn length: error 3/1 session-reset with a reason", o)
check(o.get("hex") == update_bad_withdrawn.hex(), "failed message keeps its hex", o)

o = first(10)
e = o.get("error", {})
check(e.get("code") == 1 and e.get("subcode") == 1, "broken marker: error 1/1", o)

o = first(11)
check(o.get("type") == "ERROR" and o.get("error", {}).get("code") == 0,
      "non-hex line: ERROR with an input error (code 0)", o)

o = first(12)
check(o.get("type") == "NOTIFICATION" and o.get("code") == 6 and o.get("subcode") == 2 and
      o.get("shutdown_message") == "maintenance", "NOTIFICATION with shutdown message", o)

o = first(13)
caps = o.get("capabilities", [])
check(o.get("type") == "OPEN" and o.get("version") == 4 and o.get("my_as") == 23456 and
      o.get("asn") == 4200000000 and o.get("hold_time") == 180 and
      o.get("bgp_id") == "192.0.2.9", "OPEN fields", o)
check([(c.get("code"), c.get("name")) for c in caps] ==
      [(1, "multiprotocol"), (65, "four-octet-as"), (69, "add-path")] and
      caps[0].get("value") == "ipv4-unicast" and caps[1].get("value") == 4200000000 and
      caps[2].get("value") == [{"family": "ipv4-unicast", "mode": "both"}],
      "OPEN capabilities with names, codes and values", caps)

o = first(14)
check(o.get("type") == "ROUTE-REFRESH" and o.get("afi") == 1 and o.get("safi") == 1 and
      o.get("subtype") == 1, "ROUTE-REFRESH fields", o)

check([x.get("type") for x in by_line.get(15, [])] == ["KEEPALIVE", "KEEPALIVE"],
      "two messages on one line", by_line.get(15))

# --add-path and --two-octet-as settle what the input does not say.
rc, out, err = run(["--hex", "--add-path"], (update_addpath.hex() + "\n").encode())
o = (lines(out) or [{}])[0]
check(rc == 0 and o.get("add_path") == "forced" and len(o.get("announced", [])) == 2,
      "--add-path forces path ids", o)
rc, out, err = run(["--hex", "--two-octet-as"], (update_as2.hex() + "\n").encode())
o = (lines(out) or [{}])[0]
check(rc == 0 and o.get("two_octet_as") == "forced", "--two-octet-as forces 2-octet AS", o)

# --pretty: the same object, indented.
rc, out, err = run(["--hex", "--pretty"], (keepalive.hex() + "\n").encode())
check(rc == 0 and json.loads(out) == {"type": "KEEPALIVE", "line": 1, "length": 19} and
      "\n  " in out, "--pretty prints indented JSON", out)

# ---- --mrt ------------------------------------------------------------------------
bird = os.path.join(tests, "corpus", "mrtparse", "bird_bgp")
rc, out, err = run(["--mrt", bird])
check(rc == 0, "--mrt bird_bgp exits 0", (rc, err))
objs = lines(out)
counts = {}
for o in objs:
    counts[o.get("type")] = counts.get(o.get("type"), 0) + 1
# tests/corpus/README.md (MRT header scan): KEEPALIVE 5, NOTIFICATION 1, OPEN 2,
# ROUTE-REFRESH 1, UPDATE 8 in BGP4MP messages, and 12 STATE_CHANGE_AS4 records.
check(counts == {"KEEPALIVE": 5, "NOTIFICATION": 1, "OPEN": 2, "ROUTE-REFRESH": 1,
                 "UPDATE": 8, "STATE": 12}, "bird_bgp object types", counts)
states = [o for o in objs if o.get("type") == "STATE"]
check(all({"peer", "peer_as", "timestamp", "old_state", "new_state"} <= set(s) for s in states),
      "STATE objects carry peer, peer_as, timestamp, old_state, new_state", states[:1])
msgs = [o for o in objs if o.get("type") in ("OPEN", "UPDATE", "KEEPALIVE")]
check(all({"peer", "peer_as", "timestamp"} <= set(m) for m in msgs),
      "BGP4MP messages carry peer, peer_as, timestamp", msgs[:1])
check(not any("error" in o for o in objs), "bird_bgp decodes without errors",
      [o for o in objs if "error" in o][:2])
check(any("large_communities" in o.get("attributes", {}) for o in objs),
      "bird_bgp: LARGE_COMMUNITY decoded", "")

# RFC 8050 RIB_IPV4_UNICAST_ADDPATH against bgpdump -m (test_expect).
bview = os.path.join(tests, "corpus", "bgpdump", "test_data", "bview.ipv4_unicast_add_path.gz")
expect = os.path.join(tests, "corpus", "bgpdump", "test_expect",
                      "bview.ipv4_unicast_add_path.gz.bgp.gz")
rc, out, err = run(["--mrt", bview])
check(rc == 0, "--mrt bview.ipv4_unicast_add_path.gz exits 0", (rc, err))
ribs = [o for o in lines(out) if o.get("type") == "RIB"]
got = sorted((o.get("peer"), o.get("peer_as"), o.get("prefix"), o.get("path_id"),
              " ".join(str(a) for seg in o.get("attributes", {}).get("as_path", [])
                       for a in seg["asns"]),
              o.get("attributes", {}).get("origin"), o.get("attributes", {}).get("next_hop"),
              o.get("family"), o.get("timestamp")) for o in ribs)
want = []
with gzip.open(expect, "rt") as f:
    for line in f:
        x = line.rstrip("\n").split("|")
        # TABLE_DUMP2_AP|time|B|peer|peer AS|prefix|path id|AS path|origin|next hop|...
        origin, next_hop = x[8], x[9]
        if x[7] == "" and origin == "INCOMPLETE" and next_hop == "255.255.255.255":
            # An entry without attributes (the collector's own routes, peer 0.0.0.0):
            # bgpdump prints its defaults for the absent ORIGIN and NEXT_HOP.
            origin, next_hop = None, None
        want.append((x[3], int(x[4]), x[5], int(x[6]), x[7], origin, next_hop,
                     "ipv4-unicast", int(x[1])))
want.sort()
check(got == want, "RIB objects equal bgpdump's expected entries (%d)" % len(want),
      [g for g in got if g not in want][:3] + ["--- missing:"] + [w for w in want if w not in got][:3])

rc, out, err = run(["--mrt", os.path.join(tests, "corpus", "mrtparse", "bird-mrtdump_bgp")])
objs = lines(out)
check(rc == 0 and any(o.get("add_path") == "mrt" for o in objs),
      "BGP4MP_MESSAGE_AS4_ADDPATH: path ids from the subtype (\"add_path\": \"mrt\")",
      [o for o in objs if o.get("type") == "UPDATE"][:1])

# ---- --pcap and --port ------------------------------------------------------------
def move_port(src, dst, old, new):
    """Copies a classic pcap of Ethernet/IPv4/TCP frames, replacing TCP port old by new."""
    data = bytearray(open(src, "rb").read())
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frame = off + 16
        if caplen >= 34 and data[frame + 12:frame + 14] == b"\x08\x00" and data[frame + 23] == 6:
            tcp = frame + 14 + (data[frame + 14] & 0x0f) * 4
            for p in (tcp, tcp + 2):
                if struct.unpack("!H", data[p:p + 2])[0] == old:
                    data[p:p + 2] = struct.pack("!H", new)
        off = frame + caplen
    open(dst, "wb").write(bytes(data))


capture = os.path.join(tests, "corpus", "tcpdump", "bgp-4byte-asn.pcap")
rc, out, err = run(["--pcap", capture])
reference = [o for o in lines(out) if o.get("type") != "ERROR"]
check(rc == 0 and len(reference) == 35, "--pcap bgp-4byte-asn.pcap: 35 messages",
      (rc, len(reference), err))
check(all(set(o) >= {"src", "dst"} for o in reference), "--pcap objects name src and dst",
      reference[:1])
with tempfile.TemporaryDirectory() as tmp:
    moved = os.path.join(tmp, "bgp-on-1790.pcap")
    move_port(capture, moved, 179, 1790)
    rc, out, err = run(["--pcap", moved])
    check(rc == 0 and lines(out) == [], "BGP on port 1790 is not decoded without --port",
          out[:300])
    rc, out, err = run(["--pcap", moved, "--port", "1790"])
    objs = [o for o in lines(out) if o.get("type") != "ERROR"]
    strip = lambda o: {k: v for k, v in o.items() if k not in ("src", "dst")}
    check(rc == 0 and [strip(o) for o in objs] == [strip(o) for o in reference],
          "--port 1790 decodes the same messages", (rc, len(objs), err))
    check(all(o["src"].endswith(":1790") or o["dst"].endswith(":1790") for o in objs),
          "src/dst show port 1790", objs[:1])
    # A damaged file: cut in the middle of a frame.
    cut = os.path.join(tmp, "cut.pcap")
    open(cut, "wb").write(open(capture, "rb").read()[:1000])
    rc, out, err = run(["--pcap", cut])
    check(rc == 1 and lines(out) and lines(out)[-1].get("type") == "ERROR",
          "truncated capture: messages so far, an ERROR, exit 1", (rc, out[-300:], err))
    not_a_capture = os.path.join(tmp, "text.pcap")
    open(not_a_capture, "w").write("hello\n")
    rc, out, err = run(["--pcap", not_a_capture])
    check(rc == 2 and "bgp-decode" in err, "not a capture: exit 2 with a message", (rc, err))

# ---- arguments and exit statuses ---------------------------------------------------
rc, out, err = run(["--help"])
check(rc == 0 and "ADD-PATH" in out and "--port" in out and "Exit status" in out,
      "--help exits 0 and documents the decision rule", (rc, out[:200]))
for args, why in ((["--pcap", "/nonexistent/x.pcap"], "missing capture"),
                  (["--mrt", "/nonexistent/x.mrt"], "missing MRT file"),
                  (["--mrt", tests], "a directory as MRT file"),
                  (["--pcap", tests], "a directory as capture"),
                  ([], "no input given"),
                  (["--bogus"], "unknown option"),
                  (["--pcap"], "--pcap without FILE"),
                  (["--pcap", capture, "--port", "http"], "--port not a number"),
                  (["--pcap", capture, "--port", "70000"], "--port out of range"),
                  (["--hex", "--mrt", bird], "two inputs"),
                  (["--hex", "--port", "1790"], "--port without --pcap")):
    rc, out, err = run(args)
    check(rc == 2 and err.startswith("bgp-decode: ") and out == "",
          "bad arguments (%s): exit 2, message on stderr, nothing on stdout" % why,
          (args, rc, err, out[:100]))

if failures:
    print("%d of %d checks failed:\n" % (len(failures), checks))
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1)
print("all %d checks pass" % checks)
PY
