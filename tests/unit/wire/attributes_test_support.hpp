// Helpers shared by the path attribute tests (attributes_test.cpp,
// tunnel_encap_test.cpp, rfc7606_test.cpp): run the attribute block codec
// on annotated hex and look at what came out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/message.hpp"
#include "wire/attributes_codec.hpp"
#include "wire/reader.hpp"

namespace bgp::wire::test {

using Bytes = std::vector<std::uint8_t>;

struct Decoded {
    PathAttributes attrs;
    std::vector<DecodeError> errors;  ///< non-fatal
    std::optional<DecodeError> fatal;

    /// The first non-fatal error about `type`, if any.
    [[nodiscard]] const DecodeError* error_for(std::uint8_t type) const {
        for (const auto& e : errors)
            if (e.attribute == type) return &e;
        return nullptr;
    }
    [[nodiscard]] bool treat_as_withdraw() const {
        for (const auto& e : errors)
            if (e.action == ErrorAction::treat_as_withdraw) return true;
        return false;
    }
};

inline Decoded decode_attrs(const Bytes& b, const CodecOptions& o = {}, bool has_nlri = true) {
    Decoded d;
    d.fatal = detail::decode_attributes(b, o, has_nlri, d.attrs, d.errors);
    return d;
}

/// Encoded attribute block, or nullopt with the reason in `why`.
inline std::optional<Bytes> encode_attrs(const PathAttributes& a, const CodecOptions& o = {},
                                         std::string* why = nullptr) {
    Bytes out;
    detail::Writer w(out);
    if (auto e = detail::encode_attributes(a, o, w)) {
        if (why) *why = e->reason;
        return std::nullopt;
    }
    return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline std::uint8_t code(AttrType t) { return static_cast<std::uint8_t>(t); }

inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

inline Nlri nlri(const char* prefix, std::optional<std::uint32_t> path_id = std::nullopt) {
    return Nlri{*Prefix::parse(prefix), path_id};
}

// The three well-known mandatory attributes, for blocks that need them.
inline const Bytes origin_igp = {0x40, 0x01, 0x01, 0x00};  // ORIGIN IGP
inline const Bytes as_path_empty = {0x40, 0x02, 0x00};     // AS_PATH empty
inline const Bytes next_hop_10_0_0_1 = {0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01};
inline const Bytes mandatory = cat({origin_igp, as_path_empty, next_hop_10_0_0_1});

}  // namespace bgp::wire::test
