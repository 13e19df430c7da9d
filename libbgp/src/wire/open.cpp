// OPEN message codec (RFC 4271 §4.2, §6.1, §6.2; RFC 5492 §4 capabilities;
// RFC 9072 extended optional parameters length; RFC 6286 §2.2 and RFC 7607 §2
// for the identifier and AS checks that need no configuration).
//
// The codec checks the message itself. What depends on the session (the
// expected peer AS, Hold Time 1 or 2 refused per RFC 4271 §6.2, unsupported
// optional parameters answered with 2/4, required capabilities, role
// mismatch) is the FSM's job: the codec keeps every parameter so it can judge.
//
// Normalisations on re-encoding (decode -> encode gives the same bytes
// otherwise): the RFC 9072 "Non-Ext OP Len." octet is written as 255 (its
// received value is ignored, RFC 9072 §2); capability parameters are written
// before the other optional parameters (their interleaving is not kept); the
// reserved octet of a multiprotocol capability is written as 0.
#include <string>

#include "bgp/wire/message.hpp"
#include "wire/bodies.hpp"
#include "wire/capability_codec.hpp"
#include "wire/reader.hpp"

namespace bgp::wire {

std::uint32_t Open::asn() const {
    if (const auto* c = find<CapFourOctetAs>()) return c->asn;
    return my_as;
}

namespace {

constexpr std::uint8_t bgp_version = 4;
constexpr std::uint8_t param_capabilities = 2;  // RFC 5492 §4
constexpr std::uint8_t ext_op_marker = 255;     // RFC 9072 §2 Non-Ext OP Type / Len
constexpr std::size_t fixed_size = 10;          // Version .. Opt Parm Len

std::vector<std::uint8_t> be(std::uint32_t v, std::size_t octets) {
    std::vector<std::uint8_t> out(octets);
    for (std::size_t i = 0; i < octets; ++i)
        out[octets - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
    return out;
}

Unexpected<DecodeError> open_error(std::uint8_t subcode, std::string reason,
                                   std::vector<std::uint8_t> data = {}) {
    return unexpected(
        make_error(2, subcode, ErrorAction::session_reset, std::move(reason), std::move(data)));
}

}  // namespace

Result<Open> decode_open(std::span<const std::uint8_t> body) {
    // RFC 4271 §6.1: an OPEN shorter than its 29-octet minimum is Bad Message
    // Length, the Data field holding the erroneous Length field.
    if (body.size() < fixed_size) {
        const auto length = static_cast<std::uint32_t>(body.size() + header_size);
        return unexpected(
            make_error(1, header_subcode::bad_message_length, ErrorAction::session_reset,
                       "OPEN length " + std::to_string(length) + " below the 29-octet minimum",
                       be(length, 2)));
    }
    detail::Reader r(body);
    Open m;
    std::uint8_t opt_len = 0;
    (void)r.u8(m.version);
    // RFC 4271 §6.2: Unsupported Version Number; the Data field holds the
    // largest locally supported version below the bid or, if none, the
    // smallest supported one: 4 either way.
    if (m.version != bgp_version) {
        return open_error(open_subcode::unsupported_version_number,
                          "unsupported BGP version " + std::to_string(m.version),
                          be(bgp_version, 2));
    }
    (void)r.u16(m.my_as);
    (void)r.u16(m.hold_time);  // 1 and 2 are refused by the FSM (§6.2), not here
    (void)r.u32(m.bgp_identifier);
    (void)r.u8(opt_len);

    // RFC 9072 §2: when Non-Ext OP Len is non-zero, the next octet (Non-Ext OP
    // Type) decides the format; 255 means a 2-octet Extended Opt. Parm. Length
    // follows and every parameter has a 2-octet length. Non-Ext OP Len is then
    // ignored. §3: a first type code of 255 is the extended format even when
    // Non-Ext OP Len is not 255.
    std::size_t params_len = opt_len;
    if (opt_len != 0 && r.remaining() >= 1 && *r.pos() == ext_op_marker) {
        m.extended_parameters = true;
        std::uint16_t ext_len = 0;
        (void)r.skip(1);
        if (!r.u16(ext_len)) {
            return open_error(open_subcode::unspecific,
                              "RFC 9072 Extended Opt. Parm. Length is truncated");
        }
        params_len = ext_len;
    }
    // The Optional Parameters must fill the rest of the message exactly. A
    // mismatch is a malformed OPEN: 2/0, as BIRD (bgp_read_options) and FRR
    // (bgp_open_receive) answer an overrun. Trailing octets are refused too:
    // they could not be re-encoded.
    if (params_len != r.remaining()) {
        return open_error(open_subcode::unspecific,
                          std::string(m.extended_parameters ? "Extended Opt. Parm. Length "
                                                            : "Optional Parameters Length ") +
                              std::to_string(params_len) + " but " + std::to_string(r.remaining()) +
                              " octets follow");
    }

    std::vector<std::size_t> per_parameter;  // capabilities in each type-2 parameter
    while (!r.empty()) {
        // RFC 4271 §4.2: Parm. Type (1), Parm. Length (1, or 2 per RFC 9072), value.
        std::uint8_t type = 0;
        std::size_t len = 0;
        bool ok = r.u8(type);
        if (m.extended_parameters) {
            std::uint16_t l = 0;
            ok = ok && r.u16(l);
            len = l;
        } else {
            std::uint8_t l = 0;
            ok = ok && r.u8(l);
            len = l;
        }
        std::span<const std::uint8_t> value;
        if (!ok || !r.bytes(len, value)) {
            return open_error(open_subcode::unspecific,
                              "optional parameter " + std::to_string(type) + " (length " +
                                  std::to_string(len) + ") overruns the Optional Parameters");
        }
        if (type == param_capabilities) {
            const std::size_t before = m.capabilities.size();
            if (auto e = detail::decode_capabilities(value, m.capabilities))
                return unexpected(std::move(*e));
            per_parameter.push_back(m.capabilities.size() - before);
        } else {
            // Unknown parameters (and type 255 anywhere but as the RFC 9072
            // marker, §3) are kept: the FSM answers 2/4 (RFC 4271 §6.2).
            m.other_parameters.push_back({type, {value.begin(), value.end()}});
        }
    }
    // Record the grouping unless it is the common case (one parameter holding
    // every capability). A count above 255 cannot be recorded: such an OPEN is
    // re-encoded with all capabilities in one parameter.
    const bool single = per_parameter.size() == 1 && per_parameter[0] > 0;
    bool representable = true;
    for (auto n : per_parameter) representable = representable && n <= 255;
    if (!per_parameter.empty() && !single && representable) {
        for (auto n : per_parameter) m.capability_grouping.push_back(static_cast<std::uint8_t>(n));
    }

    // RFC 7607 §2: an OPEN claiming AS 0 (in My Autonomous System or in the
    // 4-octet AS capability) is refused with Bad Peer AS. The data is the
    // offending field, as FRR sends it.
    if (m.my_as == 0)
        return open_error(open_subcode::bad_peer_as, "My Autonomous System is 0", be(m.my_as, 2));
    if (const auto* as4 = m.find<CapFourOctetAs>(); as4 != nullptr && as4->asn == 0)
        return open_error(open_subcode::bad_peer_as, "4-octet AS capability carries AS 0",
                          be(as4->asn, 4));
    // RFC 6286 §2.2: the BGP Identifier is a non-zero 4-octet integer; zero is
    // Bad BGP Identifier. The data is the identifier, as BIRD and FRR send it.
    // (The same-as-ours check for internal peers needs the configuration: FSM.)
    if (m.bgp_identifier == 0)
        return open_error(open_subcode::bad_bgp_identifier, "BGP Identifier is 0",
                          be(m.bgp_identifier, 4));
    return m;
}

namespace detail {

std::optional<EncodeError> encode_open_body(const Open& m, Writer& w) {
    // Capability parameters, as grouped on the wire (RFC 5492 §4 allows one
    // capability per parameter or many), then the other parameters.
    std::vector<std::size_t> groups;
    if (m.capability_grouping.empty()) {
        if (!m.capabilities.empty()) groups.push_back(m.capabilities.size());
    } else {
        std::size_t sum = 0;
        for (auto n : m.capability_grouping) {
            groups.push_back(n);
            sum += n;
        }
        if (sum != m.capabilities.size()) {
            return EncodeError{"capability_grouping counts " + std::to_string(sum) +
                               " capabilities but the OPEN has " +
                               std::to_string(m.capabilities.size())};
        }
    }
    struct Param {
        std::uint8_t type;
        std::vector<std::uint8_t> value;
    };
    std::vector<Param> params;
    std::size_t next = 0;
    for (auto n : groups) {
        Param p{param_capabilities, {}};
        Writer pw(p.value);
        for (std::size_t i = 0; i < n; ++i)
            if (auto e = encode_capability(m.capabilities[next++], pw)) return e;
        params.push_back(std::move(p));
    }
    for (const auto& o : m.other_parameters) params.push_back({o.type, o.value});

    // RFC 9072 §2: the extended format when asked for, or when the
    // parameters do not fit the 1-octet lengths.
    std::size_t classic_total = 0, ext_total = 0;
    bool any_long = false;
    for (const auto& p : params) {
        classic_total += 2 + p.value.size();
        ext_total += 3 + p.value.size();
        any_long = any_long || p.value.size() > 255;
    }
    const bool ext = m.extended_parameters || any_long || classic_total > 255;
    if (ext && ext_total > 0xFFFF) {
        return EncodeError{"optional parameters of " + std::to_string(ext_total) +
                           " octets exceed the RFC 9072 limit of 65535"};
    }
    // RFC 9072 §3: type 255 is not a parameter type; first in the classic
    // format it would be read as the extended-format marker.
    if (!ext && !params.empty() && params.front().type == ext_op_marker) {
        return EncodeError{
            "optional parameter type 255 would be read as the RFC 9072 extended-format marker"};
    }

    w.u8(m.version);
    w.u16(m.my_as);
    w.u16(m.hold_time);
    w.u32(m.bgp_identifier);
    if (ext) {
        w.u8(ext_op_marker);  // Non-Ext OP Len: SHOULD be 255
        w.u8(ext_op_marker);  // Non-Ext OP Type: MUST be 255
        w.u16(static_cast<std::uint16_t>(ext_total));
        for (const auto& p : params) {
            w.u8(p.type);
            w.u16(static_cast<std::uint16_t>(p.value.size()));
            w.bytes(p.value);
        }
    } else {
        w.u8(static_cast<std::uint8_t>(classic_total));
        for (const auto& p : params) {
            w.u8(p.type);
            w.u8(static_cast<std::uint8_t>(p.value.size()));
            w.bytes(p.value);
        }
    }
    return std::nullopt;
}

}  // namespace detail
}  // namespace bgp::wire
