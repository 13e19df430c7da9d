// bgp-decode --pcap: libpcap reading, link/IP/TCP decoding. See pcap_input.hpp.
#include "pcap_input.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "inputs.hpp"

namespace bgp_decode {

namespace w = bgp::wire;

namespace {

using Bytes = std::span<const std::uint8_t>;

// Link-layer types as pcap_datalink() returns them (pcap/dlt.h values on Linux).
constexpr int dlt_null = 0;
constexpr int dlt_en10mb = 1;
constexpr int dlt_ppp = 9;
constexpr int dlt_raw = 12;  // DLT_RAW on Linux (LINKTYPE_RAW 101 maps to it)
constexpr int dlt_raw_bsd = 14;
constexpr int dlt_ppp_serial = 50;
constexpr int dlt_ppp_ether = 51;
constexpr int linktype_raw = 101;
constexpr int dlt_c_hdlc = 104;
constexpr int dlt_frelay = 107;
constexpr int dlt_loop = 108;
constexpr int dlt_linux_sll = 113;
constexpr int dlt_juniper_ether = 178;
constexpr int dlt_ipv4 = 228;
constexpr int dlt_ipv6 = 229;
constexpr int dlt_linux_sll2 = 276;

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t ethertype_vlan = 0x8100;
constexpr std::uint16_t ethertype_qinq = 0x88a8;
constexpr std::uint16_t ethertype_qinq_old = 0x9100;
constexpr std::uint16_t ethertype_mpls = 0x8847;
constexpr std::uint16_t ethertype_mpls_mc = 0x8848;
constexpr std::uint16_t ethertype_pppoe_session = 0x8864;

constexpr std::uint8_t ip_proto_tcp = 6;

std::uint16_t be16(Bytes b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

std::uint32_t be32(Bytes b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

ParsedFrame kind_only(FrameKind k) {
    ParsedFrame p;
    p.kind = k;
    return p;
}

/// TCP header and payload (RFC 9293 §3.1). `payload_len` is what the IP
/// header says; fewer octets may have been captured.
ParsedFrame parse_tcp(Bytes tcp, std::size_t ip_payload_len, const w::IpAddress& src,
                      const w::IpAddress& dst) {
    if (tcp.size() < 20) return kind_only(FrameKind::truncated);
    const std::size_t header_len = std::size_t{static_cast<std::uint8_t>(tcp[12] >> 4)} * 4;
    if (header_len < 20 || header_len > tcp.size() || header_len > ip_payload_len)
        return kind_only(FrameKind::truncated);
    ParsedFrame p;
    p.kind = FrameKind::tcp;
    p.segment.src = Endpoint{src, be16(tcp, 0)};
    p.segment.dst = Endpoint{dst, be16(tcp, 2)};
    p.segment.seq = be32(tcp, 4);
    p.segment.syn = (tcp[13] & 0x02) != 0;
    if (tcp[13] & 0x10) p.segment.ack = be32(tcp, 8);
    const std::size_t payload_len = ip_payload_len - header_len;
    const std::size_t captured = std::min(payload_len, tcp.size() - header_len);
    p.segment.payload = tcp.subspan(header_len, captured);
    p.segment.missing = payload_len - captured;
    return p;
}

/// IPv4 (RFC 791).
ParsedFrame parse_ipv4(Bytes ip) {
    if (ip.size() < 20 || (ip[0] >> 4) != 4) return kind_only(FrameKind::truncated);
    const std::size_t ihl = std::size_t{static_cast<std::uint8_t>(ip[0] & 0x0f)} * 4;
    const std::size_t total = be16(ip, 2);
    if (ihl < 20 || ihl > ip.size() || total < ihl) return kind_only(FrameKind::truncated);
    if (ip[9] != ip_proto_tcp) return kind_only(FrameKind::not_tcp);
    // Fragments are not reassembled: the first one (offset 0) is read for what
    // it holds, the stream then has a hole where the others were; later ones
    // are skipped.
    const std::uint16_t frag = be16(ip, 6);
    if ((frag & 0x1fff) != 0) return kind_only(FrameKind::ip_fragment);
    // Link layers may pad short frames: the IP total length is authoritative.
    const Bytes body = ip.subspan(ihl, std::min(ip.size(), total) - ihl);
    return parse_tcp(body, total - ihl, w::IpAddress::v4_bytes(ip.data() + 12),
                     w::IpAddress::v4_bytes(ip.data() + 16));
}

/// IPv6 (RFC 8200) with its extension headers.
ParsedFrame parse_ipv6(Bytes ip) {
    if (ip.size() < 40 || (ip[0] >> 4) != 6) return kind_only(FrameKind::truncated);
    std::size_t remaining = be16(ip, 4);  // octets after the fixed header
    std::uint8_t next = ip[6];
    std::size_t off = 40;
    for (;;) {
        if (next == ip_proto_tcp) break;
        std::size_t ext_len = 0;
        switch (next) {
            case 0:   // hop-by-hop options
            case 43:  // routing
            case 60:  // destination options
                if (ip.size() < off + 2) return kind_only(FrameKind::truncated);
                ext_len = (std::size_t{ip[off + 1]} + 1) * 8;
                break;
            case 44:  // fragment
                if (ip.size() < off + 8) return kind_only(FrameKind::truncated);
                if ((be16(ip, off + 2) & 0xfff8) != 0) return kind_only(FrameKind::ip_fragment);
                ext_len = 8;  // a first fragment: read what it holds
                break;
            case 51:  // authentication header (RFC 4302)
                if (ip.size() < off + 2) return kind_only(FrameKind::truncated);
                ext_len = (std::size_t{ip[off + 1]} + 2) * 4;
                break;
            default:
                return kind_only(FrameKind::not_tcp);
        }
        if (ip.size() < off + ext_len || remaining < ext_len)
            return kind_only(FrameKind::truncated);
        next = ip[off];
        off += ext_len;
        remaining -= ext_len;
    }
    const Bytes body = ip.subspan(off, std::min(ip.size() - off, remaining));
    return parse_tcp(body, remaining, w::IpAddress::v6_bytes(ip.data() + 8),
                     w::IpAddress::v6_bytes(ip.data() + 24));
}

/// IP of either version, by the version nibble.
ParsedFrame parse_ip(Bytes ip) {
    if (ip.empty()) return kind_only(FrameKind::truncated);
    switch (ip[0] >> 4) {
        case 4:
            return parse_ipv4(ip);
        case 6:
            return parse_ipv6(ip);
        default:
            return kind_only(FrameKind::not_ip);
    }
}

/// PPP protocol field (RFC 1661 §2; 1 octet when compressed, RFC 1661 §6.5).
ParsedFrame parse_ppp_protocol(Bytes b) {
    if (b.empty()) return kind_only(FrameKind::truncated);
    std::uint16_t proto = 0;
    std::size_t len = 0;
    if (b[0] & 0x01) {
        proto = b[0];
        len = 1;
    } else {
        if (b.size() < 2) return kind_only(FrameKind::truncated);
        proto = be16(b, 0);
        len = 2;
    }
    switch (proto) {
        case 0x0021:
            return parse_ipv4(b.subspan(len));
        case 0x0057:
            return parse_ipv6(b.subspan(len));
        default:
            return kind_only(FrameKind::not_ip);
    }
}

ParsedFrame parse_ethertype(std::uint16_t type, Bytes rest);

/// MPLS label stack (RFC 3032): pop to the bottom of stack, then guess IP.
ParsedFrame parse_mpls(Bytes b) {
    for (std::size_t off = 0; off + 4 <= b.size(); off += 4)
        if (b[off + 2] & 0x01) return parse_ip(b.subspan(off + 4));
    return kind_only(FrameKind::truncated);
}

/// Cisco HDLC: address, control, EtherType.
ParsedFrame parse_c_hdlc(Bytes b) {
    if (b.size() < 4) return kind_only(FrameKind::truncated);
    return parse_ethertype(be16(b, 2), b.subspan(4));
}

/// PPP in HDLC-like framing (RFC 1662: 0xff 0x03, possibly omitted) or in
/// Cisco HDLC framing (address 0x0f / 0x8f).
ParsedFrame parse_ppp(Bytes b) {
    if (b.size() >= 2 && (b[0] == 0x0f || b[0] == 0x8f)) return parse_c_hdlc(b);
    if (b.size() >= 2 && b[0] == 0xff && b[1] == 0x03) return parse_ppp_protocol(b.subspan(2));
    return parse_ppp_protocol(b);
}

/// PPPoE session stage (RFC 2516 §4): 6-octet header, then PPP protocol.
ParsedFrame parse_pppoe(Bytes b) {
    if (b.size() < 6) return kind_only(FrameKind::truncated);
    return parse_ppp_protocol(b.subspan(6));
}

ParsedFrame parse_ethertype(std::uint16_t type, Bytes rest) {
    switch (type) {
        case ethertype_ipv4:
            return parse_ipv4(rest);
        case ethertype_ipv6:
            return parse_ipv6(rest);
        case ethertype_mpls:
        case ethertype_mpls_mc:
            return parse_mpls(rest);
        case ethertype_pppoe_session:
            return parse_pppoe(rest);
        default:
            return kind_only(FrameKind::not_ip);
    }
}

/// Ethernet II / 802.3 (IEEE 802.3, with 802.1Q tags and LLC/SNAP).
ParsedFrame parse_ethernet(Bytes b) {
    if (b.size() < 14) return kind_only(FrameKind::truncated);
    std::size_t off = 12;
    std::uint16_t type = be16(b, off);
    off += 2;
    while (type == ethertype_vlan || type == ethertype_qinq || type == ethertype_qinq_old) {
        if (b.size() < off + 4) return kind_only(FrameKind::truncated);
        type = be16(b, off + 2);
        off += 4;
    }
    if (type <= 1500) {
        // 802.3 length field: LLC, and SNAP (AA AA 03, OUI, EtherType) carries IP.
        if (b.size() < off + 8) return kind_only(FrameKind::truncated);
        if (b[off] != 0xaa || b[off + 1] != 0xaa || b[off + 2] != 0x03)
            return kind_only(FrameKind::not_ip);
        type = be16(b, off + 6);
        off += 8;
    }
    return parse_ethertype(type, b.subspan(off));
}

/// Frame Relay (RFC 2427): Q.922 address, then either UI control + NLPID
/// (0xcc IPv4, 0x8e IPv6, 0x80 SNAP) or Cisco's EtherType encapsulation.
ParsedFrame parse_frame_relay(Bytes b) {
    std::size_t off = 0;
    while (off < b.size() && off < 4 && (b[off] & 0x01) == 0) ++off;  // EA bit ends it
    ++off;
    if (b.size() < off + 2) return kind_only(FrameKind::truncated);
    if (b[off] != 0x03) return parse_ethertype(be16(b, off), b.subspan(off + 2));  // Cisco
    ++off;
    if (off < b.size() && b[off] == 0x00) ++off;  // padding before the NLPID
    if (off >= b.size()) return kind_only(FrameKind::truncated);
    const std::uint8_t nlpid = b[off++];
    switch (nlpid) {
        case 0xcc:
            return parse_ipv4(b.subspan(off));
        case 0x8e:
            return parse_ipv6(b.subspan(off));
        case 0x80:  // SNAP: OUI then PID; OUI 0 means the PID is an EtherType
            if (b.size() < off + 5) return kind_only(FrameKind::truncated);
            if (b[off] != 0 || b[off + 1] != 0 || b[off + 2] != 0)
                return kind_only(FrameKind::not_ip);
            return parse_ethertype(be16(b, off + 3), b.subspan(off + 5));
        default:
            return kind_only(FrameKind::not_ip);
    }
}

/// BSD loopback: a 4-octet address family, host order (null) or network order (loop).
ParsedFrame parse_loopback(Bytes b) {
    if (b.size() < 4) return kind_only(FrameKind::truncated);
    const std::uint32_t be = be32(b, 0);
    const std::uint32_t le = (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) |
                             (std::uint32_t{b[1]} << 8) | b[0];
    for (std::uint32_t af : {be, le}) {
        if (af == 2) return parse_ipv4(b.subspan(4));
        if (af == 10 || af == 24 || af == 28 || af == 30) return parse_ipv6(b.subspan(4));
    }
    return kind_only(FrameKind::not_ip);
}

/// Juniper Ethernet: "MGC" magic, flags, optional extension TLVs (flag 0x80,
/// 2-octet total length), then an Ethernet frame unless flag 0x02 says the
/// layer-2 header is absent.
ParsedFrame parse_juniper_ether(Bytes b) {
    if (b.size() < 4) return kind_only(FrameKind::truncated);
    if (b[0] != 'M' || b[1] != 'G' || b[2] != 'C') return kind_only(FrameKind::not_ip);
    const std::uint8_t flags = b[3];
    std::size_t off = 4;
    if (flags & 0x80) {
        if (b.size() < 6) return kind_only(FrameKind::truncated);
        off = 6 + be16(b, 4);
    }
    if (b.size() < off) return kind_only(FrameKind::truncated);
    if (flags & 0x02) {
        // No layer 2: IP, possibly after a 4-octet protocol cookie.
        Bytes rest = b.subspan(off);
        ParsedFrame p = parse_ip(rest);
        if (p.kind == FrameKind::not_ip && rest.size() > 4) p = parse_ip(rest.subspan(4));
        return p;
    }
    return parse_ethernet(b.subspan(off));
}

}  // namespace

bool link_type_supported(int dlt) {
    switch (dlt) {
        case dlt_null:
        case dlt_en10mb:
        case dlt_ppp:
        case dlt_raw:
        case dlt_raw_bsd:
        case dlt_ppp_serial:
        case dlt_ppp_ether:
        case linktype_raw:
        case dlt_c_hdlc:
        case dlt_frelay:
        case dlt_loop:
        case dlt_linux_sll:
        case dlt_juniper_ether:
        case dlt_ipv4:
        case dlt_ipv6:
        case dlt_linux_sll2:
            return true;
        default:
            return false;
    }
}

ParsedFrame parse_frame(int dlt, Bytes b) {
    switch (dlt) {
        case dlt_en10mb:
            return parse_ethernet(b);
        case dlt_linux_sll:  // 16-octet header, protocol (EtherType) last
            if (b.size() < 16) return kind_only(FrameKind::truncated);
            return parse_ethertype(be16(b, 14), b.subspan(16));
        case dlt_linux_sll2:  // 20-octet header, protocol first
            if (b.size() < 20) return kind_only(FrameKind::truncated);
            return parse_ethertype(be16(b, 0), b.subspan(20));
        case dlt_c_hdlc:
            return parse_c_hdlc(b);
        case dlt_frelay:
            return parse_frame_relay(b);
        case dlt_ppp:
        case dlt_ppp_serial:
            return parse_ppp(b);
        case dlt_ppp_ether:
            return parse_pppoe(b);
        case dlt_raw:
        case dlt_raw_bsd:
        case linktype_raw:
            return parse_ip(b);
        case dlt_ipv4:
            return parse_ipv4(b);
        case dlt_ipv6:
            return parse_ipv6(b);
        case dlt_null:
        case dlt_loop:
            return parse_loopback(b);
        case dlt_juniper_ether:
            return parse_juniper_ether(b);
        default:
            return kind_only(FrameKind::unsupported_link);
    }
}

std::string link_type_name(int dlt) {
    if (const char* n = pcap_datalink_val_to_name(dlt)) return n;
    return "DLT " + std::to_string(dlt);
}

int run_pcap(const std::string& path, const Settings& s) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (p == nullptr) {
        std::fprintf(stderr, "bgp-decode: %s: %s\n", path.c_str(), errbuf);
        return exit_usage;
    }
    const int dlt = pcap_datalink(p);
    const bool supported = link_type_supported(dlt);

    StreamTable streams(s);
    std::map<FrameKind, std::uint64_t> skipped;
    std::uint64_t frames = 0;
    std::uint64_t on_bgp_ports = 0;
    int status = exit_ok;
    const auto is_bgp_port = [&](std::uint16_t port) {
        return std::find(s.ports.begin(), s.ports.end(), port) != s.ports.end();
    };

    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        ++frames;
        const FrameInfo info{frames, static_cast<std::int64_t>(hdr->ts.tv_sec),
                             static_cast<std::uint32_t>(hdr->ts.tv_usec)};
        const ParsedFrame f = parse_frame(dlt, Bytes(data, hdr->caplen));
        if (f.kind != FrameKind::tcp) {
            ++skipped[f.kind];
            continue;
        }
        if (!is_bgp_port(f.segment.src.port) && !is_bgp_port(f.segment.dst.port)) continue;
        ++on_bgp_ports;
        streams.add(f.segment, info);
    }
    if (rc == PCAP_ERROR) {
        // A damaged or truncated file: what was read is decoded, then it is reported.
        streams.finish();
        emit(stream_error_json(0, 0,
                               "capture file damaged after frame " + std::to_string(frames) + ": " +
                                   pcap_geterr(p)),
             s);
        std::fprintf(stderr, "bgp-decode: %s: %s\n", path.c_str(), pcap_geterr(p));
        status = exit_input_damaged;
    } else {
        streams.finish();
    }
    pcap_close(p);

    if (!supported && frames > 0)
        std::fprintf(stderr,
                     "bgp-decode: %s: link-layer type %s (%d) not supported: %llu frames "
                     "skipped\n",
                     path.c_str(), link_type_name(dlt).c_str(), dlt,
                     static_cast<unsigned long long>(frames));
    if (s.stats) {
        std::fprintf(stderr,
                     "bgp-decode: %s: link type %s, %llu frames, %llu TCP segments on BGP "
                     "ports, %zu connections, %llu messages, %llu gaps",
                     path.c_str(), link_type_name(dlt).c_str(),
                     static_cast<unsigned long long>(frames),
                     static_cast<unsigned long long>(on_bgp_ports), streams.connections(),
                     static_cast<unsigned long long>(streams.messages()),
                     static_cast<unsigned long long>(streams.gaps()));
        static constexpr const char* names[] = {"tcp",         "not IP",    "not TCP",
                                                "IP fragment", "truncated", "unsupported link"};
        for (const auto& [kind, n] : skipped)
            std::fprintf(stderr, ", %llu %s", static_cast<unsigned long long>(n),
                         names[static_cast<int>(kind)]);
        std::fprintf(stderr, "\n");
    }
    return status;
}

}  // namespace bgp_decode
