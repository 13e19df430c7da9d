// bgp-decode --pcap: frames of a pcap/pcapng capture (read with libpcap) down
// to TCP segments.
//
// Link layers: Ethernet (802.1Q/802.1ad VLAN tags, 802.3 LLC/SNAP, MPLS, PPPoE
// session), Linux cooked SLL and SLL2, Cisco HDLC, Frame Relay (RFC 2427
// NLPID/SNAP and Cisco encapsulation), PPP (RFC 1661/1662, also in HDLC-like
// and Cisco HDLC framing), PPPoE, raw IP, BSD loopback (null and loop) and
// Juniper Ethernet. Network layers: IPv4 (RFC 791; fragments are not
// reassembled: a first fragment is read for the TCP data it holds, the others
// are counted and skipped) and IPv6 (RFC 8200, through hop-by-hop, routing, destination
// options and AH headers). Transport: TCP (RFC 9293).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "tcp_stream.hpp"

namespace bgp_decode {

enum class FrameKind {
    tcp,               ///< a TCP segment: `segment` is set
    not_ip,            ///< the link layer carries something else
    not_tcp,           ///< IP, another protocol
    ip_fragment,       ///< IPv4/IPv6 fragment other than a first one (not reassembled)
    truncated,         ///< cut before the end of the TCP header
    unsupported_link,  ///< link-layer type this tool does not decode
};

struct ParsedFrame {
    FrameKind kind = FrameKind::not_ip;
    Segment segment;
};

/// Decodes a frame of link-layer type `dlt` (pcap_datalink()).
[[nodiscard]] ParsedFrame parse_frame(int dlt, std::span<const std::uint8_t> frame);

/// "EN10MB", "LINUX_SLL", ... (pcap_datalink_val_to_name) or "DLT N".
[[nodiscard]] std::string link_type_name(int dlt);

/// Whether parse_frame decodes this link-layer type.
[[nodiscard]] bool link_type_supported(int dlt);

}  // namespace bgp_decode
