#!/usr/bin/env python3
"""Builds the libFuzzer seed corpora under tests/fuzz/corpus/<target>/ from the test corpus.

    python3 tests/fuzz/make_seeds.py        # (re)writes tests/fuzz/corpus/{message,open,...}/

Sources (all under tests/corpus/, see its README for provenance and licences):
  tcpdump/*.pcap, *.pcapng  TCP payloads (tshark), reassembled per direction by sequence
                            number and split into BGP messages by the header length field;
                            captures tshark cannot read are scanned for the marker instead
  mrtparse/*                whole files (small) for the MRT target
  bgpdump/test_data/*.gz,   the first few records of each file for the MRT target
  bgpkit-parser/ripe/*.gz

Input formats (see tests/fuzz/fuzz_options.hpp for the option byte):
  message  option byte + a stream of whole BGP messages
  open     an OPEN body (after the 19-octet header)
  update   option byte + an UPDATE body
  nlri     flag byte (bit 0 IPv6, bit 1 ADD-PATH) + an NLRI field
  mrt      MRT records as in a file (uncompressed)

Deterministic: same corpus in, same seeds out. Needs python3 and tshark. Files named
fuzz-<sha1> are inputs the fuzzers found (minimised with -merge=1, see docs/performance.md)
and are left alone.
"""

import gzip
import hashlib
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "corpus")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
MARKER = b"\xff" * 16

# Option bits (tests/fuzz/fuzz_options.hpp).
OPT_AS4 = 0x01
OPT_ADD_PATH_V4 = 0x04
OPT_ADD_PATH_V6 = 0x08

MAX_STREAM = 16 * 1024   # message seeds: at most this many octets of one stream
MRT_RECORDS = 12         # records taken from the head of each large MRT file
MRT_MAX = 24 * 1024      # and at most this many octets of it


def tcp_streams(path):
    """Payload of each TCP direction, reassembled by sequence number (first copy wins)."""
    try:
        out = subprocess.run(
            ["tshark", "-r", path, "-Y", "tcp.len>0", "-o", "tcp.relative_sequence_numbers:TRUE",
             "-o", "tcp.desegment_tcp_streams:FALSE", "-T", "fields", "-e", "tcp.stream",
             "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq", "-e", "tcp.payload"],
            capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        sys.exit("make_seeds: tshark not found")
    segments = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or not parts[4]:
            continue
        key = (int(parts[0]), int(parts[1]), int(parts[2]))
        seq = int(parts[3])
        segments.setdefault(key, {}).setdefault(seq, bytes.fromhex(parts[4].replace(":", "")))
    streams = []
    for key in sorted(segments):
        data = bytearray()
        for seq in sorted(segments[key]):
            payload = segments[key][seq]
            start = seq - 1  # relative sequence numbers start at 1
            if start < len(data):
                payload = payload[len(data) - start:]
            data += payload
        streams.append(bytes(data))
    return streams


def split_messages(data):
    """Whole BGP messages found in a byte stream (resynchronising on the marker)."""
    msgs = []
    i = data.find(MARKER)
    while i >= 0 and i + 19 <= len(data):
        length = struct.unpack(">H", data[i + 16:i + 18])[0]
        if 19 <= length <= 65535 and i + length <= len(data):
            msgs.append(data[i:i + length])
            i = data.find(MARKER, i + length)
        else:
            i = data.find(MARKER, i + 1)
    return msgs


def update_fields(body):
    """(withdrawn, attributes, nlri) of an UPDATE body, or None if it does not parse."""
    if len(body) < 4:
        return None
    wlen = struct.unpack(">H", body[:2])[0]
    if 2 + wlen + 2 > len(body):
        return None
    alen = struct.unpack(">H", body[2 + wlen:4 + wlen])[0]
    if 4 + wlen + alen > len(body):
        return None
    return body[2:2 + wlen], body[4 + wlen:4 + wlen + alen], body[4 + wlen + alen:]


def mp_nlri_fields(attrs):
    """(afi, nlri bytes) of the MP_REACH / MP_UNREACH attributes for IPv4/IPv6 unicast."""
    out = []
    i = 0
    while i + 3 <= len(attrs):
        flags, code = attrs[i], attrs[i + 1]
        if flags & 0x10:
            if i + 4 > len(attrs):
                break
            length, hdr = struct.unpack(">H", attrs[i + 2:i + 4])[0], 4
        else:
            length, hdr = attrs[i + 2], 3
        value = attrs[i + hdr:i + hdr + length]
        i += hdr + length
        if code not in (14, 15) or len(value) < 3:
            continue
        afi, safi = struct.unpack(">HB", value[:3])
        if afi not in (1, 2) or safi != 1:
            continue
        if code == 14:
            if len(value) < 5:
                continue
            nh_len = value[3]
            rest = value[4 + nh_len:]
            if not rest:
                continue
            out.append((afi, rest[1:]))  # skip the reserved octet
        else:
            out.append((afi, value[3:]))
    return out


class SeedDir:
    def __init__(self, name):
        self.path = os.path.join(OUT, name)
        self.seen = set()
        self.count = 0
        self.size = 0
        os.makedirs(self.path, exist_ok=True)
        for old in os.listdir(self.path):  # keep the fuzzer-found units (fuzz-*)
            if not old.startswith("fuzz-"):
                os.remove(os.path.join(self.path, old))

    def add(self, label, data):
        digest = hashlib.sha1(data).hexdigest()
        if digest in self.seen:
            return
        self.seen.add(digest)
        with open(os.path.join(self.path, "%s-%s" % (label, digest[:10])), "wb") as f:
            f.write(data)
        self.count += 1
        self.size += len(data)


def mrt_records(data, limit_records, limit_bytes):
    """The first records of an MRT stream (header length respected, ET included)."""
    i = 0
    n = 0
    while i + 12 <= len(data) and n < limit_records:
        length = struct.unpack(">I", data[i + 8:i + 12])[0]
        end = i + 12 + length
        if end > len(data) or end > limit_bytes:
            break
        i = end
        n += 1
    return data[:i]


def main():
    dirs = {name: SeedDir(name) for name in ("message", "open", "update", "nlri", "mrt")}

    tcpdump = os.path.join(CORPUS, "tcpdump")
    for fname in sorted(os.listdir(tcpdump)):
        if not fname.endswith((".pcap", ".pcapng")):
            continue
        path = os.path.join(tcpdump, fname)
        label = os.path.splitext(fname)[0]
        streams = tcp_streams(path)
        if not streams:
            with open(path, "rb") as f:
                streams = [f.read()]  # tshark could not read it: scan the raw file
        opt = OPT_AS4
        if "addpath" in fname:
            opt |= OPT_ADD_PATH_V4 | OPT_ADD_PATH_V6
        for s_index, stream in enumerate(streams):
            msgs = split_messages(stream)
            if not msgs:
                continue
            blob = bytearray()
            for m in msgs:
                if len(blob) + len(m) > MAX_STREAM:
                    break
                blob += m
            dirs["message"].add("%s-s%d" % (label, s_index), bytes([opt]) + bytes(blob))
            for m in msgs:
                mtype, body = m[18], m[19:]
                if mtype == 1:
                    dirs["open"].add(label, body)
                elif mtype == 2:
                    dirs["update"].add(label, bytes([opt]) + body)
                    fields = update_fields(body)
                    if fields is None:
                        continue
                    ap = 0x02 if opt & OPT_ADD_PATH_V4 else 0x00
                    withdrawn, attrs, nlri = fields
                    for field in (withdrawn, nlri):
                        if field:
                            dirs["nlri"].add(label + "-v4", bytes([ap]) + field)
                    for afi, field in mp_nlri_fields(attrs):
                        if field:
                            flag = (0x01 if afi == 2 else 0x00) | ap
                            dirs["nlri"].add(label + ("-v6" if afi == 2 else "-mp4"),
                                             bytes([flag]) + field)

    mrtparse = os.path.join(CORPUS, "mrtparse")
    for fname in sorted(os.listdir(mrtparse)):
        with open(os.path.join(mrtparse, fname), "rb") as f:
            dirs["mrt"].add(fname, f.read())
    for sub in (os.path.join("bgpdump", "test_data"), os.path.join("bgpkit-parser", "ripe")):
        folder = os.path.join(CORPUS, sub)
        for fname in sorted(os.listdir(folder)):
            if not fname.endswith(".gz"):
                continue
            with gzip.open(os.path.join(folder, fname), "rb") as f:
                head = f.read(MRT_MAX + 65536 + 12)
            records = mrt_records(head, MRT_RECORDS, MRT_MAX)
            if records:
                dirs["mrt"].add(fname[:-3], records)

    for name, d in dirs.items():
        print("%-8s %4d seeds, %7d bytes" % (name, d.count, d.size))


if __name__ == "__main__":
    main()
