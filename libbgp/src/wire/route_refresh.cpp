// ROUTE-REFRESH message codec (RFC 2918 §3; RFC 7313 §3 subtypes and §5 error
// handling; RFC 5291 §4 ORF entries kept raw).
#include <string>

#include "bgp/wire/message.hpp"
#include "wire/bodies.hpp"
#include "wire/reader.hpp"

namespace bgp::wire {

Result<RouteRefresh> decode_route_refresh(std::span<const std::uint8_t> body) {
    // RFC 2918 §3: AFI (2), Reserved (1) -- the RFC 7313 §3 Message Subtype --,
    // SAFI (1). RFC 5291 §4: with subtype 0, ORF entries may follow.
    const auto length = static_cast<std::uint16_t>(body.size() + header_size);
    if (body.size() >= 3 && body.size() != 4 &&
        (body[2] == route_refresh_subtype::borr || body[2] == route_refresh_subtype::eorr)) {
        // RFC 7313 §5: a BoRR or EoRR whose body is not 4 octets is ROUTE-REFRESH
        // Message Error / Invalid Message Length, the Data field holding the
        // complete message. The header was checked by decode_header (marker all
        // ones, type 5), so it is rebuilt here.
        std::vector<std::uint8_t> whole(16, 0xFF);
        whole.push_back(static_cast<std::uint8_t>(length >> 8));
        whole.push_back(static_cast<std::uint8_t>(length));
        whole.push_back(static_cast<std::uint8_t>(MessageType::route_refresh));
        whole.insert(whole.end(), body.begin(), body.end());
        return unexpected(make_error(
            7, route_refresh_subcode::invalid_message_length, ErrorAction::session_reset,
            std::string(body[2] == route_refresh_subtype::borr ? "BoRR" : "EoRR") +
                " ROUTE-REFRESH body of " + std::to_string(body.size()) + " octets, expected 4",
            std::move(whole)));
    }
    if (body.size() < 4) {
        // Too short for any subtype: RFC 4271 §6.1 Bad Message Length, with the
        // erroneous Length field as data.
        return unexpected(make_error(
            1, header_subcode::bad_message_length, ErrorAction::session_reset,
            "ROUTE-REFRESH length " + std::to_string(length) + " below the 23-octet minimum",
            {static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)}));
    }
    detail::Reader r(body);
    RouteRefresh m;
    (void)r.u16(m.afi);
    (void)r.u8(m.subtype);
    (void)r.u8(m.safi);
    // Whatever follows is kept raw: ORF entries with subtype 0 (RFC 5291 §4,
    // for the session to judge against the negotiated ORF capability), and
    // anything with subtypes 3-255, which the receiver ignores (RFC 7313 §5)
    // -- the codec returns the message as it is.
    const auto rest = r.rest();
    m.orf.assign(rest.begin(), rest.end());
    return m;
}

namespace detail {

void encode_route_refresh_body(const RouteRefresh& m, Writer& w) {
    w.u16(m.afi);
    w.u8(m.subtype);
    w.u8(m.safi);
    w.bytes(m.orf);
}

}  // namespace detail
}  // namespace bgp::wire
