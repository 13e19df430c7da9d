// BGP messages and the top-level codec (RFC 4271 §4).
//
// Header framing with the 4096-octet limit, or 65535 once RFC 8654 extended
// messages are negotiated; OPEN (§4.2, RFC 5492 capabilities, RFC 9072
// extended optional parameters length); UPDATE (§4.3, with RFC 7606 error
// handling); NOTIFICATION (§4.5, RFC 9003 shutdown communication, RFC 8538
// hard reset); KEEPALIVE (§4.4); ROUTE-REFRESH (RFC 2918, RFC 7313 subtypes).
//
// Decoders never throw and never read past their input: they return a
// Result whose error carries the NOTIFICATION to send and the RFC 7606 action.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/capability.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::wire {

inline constexpr std::size_t header_size = 19;
inline constexpr std::size_t max_message_size = 4096;
inline constexpr std::size_t max_extended_message_size = 65535;

enum class MessageType : std::uint8_t {
    open = 1,
    update = 2,
    notification = 3,
    keepalive = 4,
    route_refresh = 5,
};

/// "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH".
[[nodiscard]] std::string message_type_name(std::uint8_t type);

/// A set of families, e.g. those for which ADD-PATH path ids are on the wire.
class FamilySet {
  public:
    void insert(Family f);
    void erase(Family f);
    [[nodiscard]] bool contains(Family f) const;
    [[nodiscard]] bool empty() const { return bits_.none(); }
    void clear() { bits_.reset(); }
    friend bool operator==(const FamilySet&, const FamilySet&) = default;

  private:
    static std::optional<std::size_t> index(Family f);
    std::bitset<1024> bits_;  // afi 1..2 (and 25) x safi 0..255
};

/// What the session negotiated, which changes how bytes are read and written.
struct CodecOptions {
    bool four_octet_as = true;      ///< RFC 6793 negotiated (AS_PATH with 4-octet ASNs)
    bool extended_message = false;  ///< RFC 8654 negotiated (65535-octet limit)
    /// Families whose NLRI carry ADD-PATH path ids in this direction (RFC 7911).
    FamilySet add_path;
    /// Whether the peer is internal. Unset: unknown (as in a capture), so the
    /// iBGP-only checks of RFC 7606 §7.5, §7.9, §7.10 are not applied.
    std::optional<bool> ibgp;
    /// Reading an MRT TABLE_DUMP_V2 RIB entry: MP_REACH_NLRI may be the
    /// abbreviated form holding only the next hop (RFC 6396 §4.3.4).
    bool mrt_rib_entry = false;
    /// Analysis tools only (bgp-decode, MRT readers): when the withdrawn-routes
    /// or NLRI field is malformed, keep the prefixes read before the fault and
    /// return the UPDATE with the session-reset error in Update::errors,
    /// instead of failing. A session must never set this (RFC 7606 §5.3).
    bool salvage = false;

    [[nodiscard]] std::size_t max_size() const {
        return extended_message ? max_extended_message_size : max_message_size;
    }
};

/// Non-capability optional parameter of OPEN (kept raw; RFC 4271 §4.2).
struct OptionalParameter {
    std::uint8_t type = 0;
    std::vector<std::uint8_t> value;
    friend bool operator==(const OptionalParameter&, const OptionalParameter&) = default;
};

struct Open {
    std::uint8_t version = 4;
    std::uint16_t my_as = 0;  ///< AS_TRANS (23456) when the real ASN needs 4 octets
    std::uint16_t hold_time = 0;
    std::uint32_t bgp_identifier = 0;  ///< host order
    std::vector<Capability> capabilities;
    std::vector<OptionalParameter> other_parameters;
    /// RFC 9072 extended optional parameters format was used (or must be).
    bool extended_parameters = false;
    /// How many capabilities each capability parameter (type 2) held, in wire
    /// order. Empty: all in one parameter. Kept so re-encoding is exact.
    std::vector<std::uint8_t> capability_grouping;

    /// The 4-octet AS from capability 65 if present, else my_as.
    [[nodiscard]] std::uint32_t asn() const;
    template <class Cap>
    [[nodiscard]] const Cap* find() const {
        for (const auto& c : capabilities)
            if (const auto* p = std::get_if<Cap>(&c)) return p;
        return nullptr;
    }
    friend bool operator==(const Open&, const Open&) = default;
};

struct Update {
    std::vector<Nlri> withdrawn;  ///< IPv4 unicast withdrawn routes field
    PathAttributes attributes;
    std::vector<Nlri> nlri;  ///< IPv4 unicast NLRI field

    /// RFC 7606 outcome: when true, every NLRI of this UPDATE (classic and
    /// MP_REACH) is to be handled as withdrawn. `errors` says why.
    bool treat_as_withdraw = false;
    /// Non-fatal problems found (attribute discard, treat-as-withdraw).
    std::vector<DecodeError> errors;

    /// End-of-RIB marker (RFC 4724 §2): the family, if this UPDATE is one.
    [[nodiscard]] std::optional<Family> end_of_rib() const;

    friend bool operator==(const Update&, const Update&) = default;
};

struct Notification {
    std::uint8_t code = 0;
    std::uint8_t subcode = 0;
    std::vector<std::uint8_t> data;

    /// RFC 9003 shutdown communication, for Cease / Administrative Shutdown or
    /// Administrative Reset, when data holds a valid one.
    [[nodiscard]] std::optional<std::string> shutdown_communication() const;
    /// RFC 8538: for Cease / Hard Reset, the NOTIFICATION it wraps.
    [[nodiscard]] std::optional<Notification> hard_reset_cause() const;
    /// "Cease / Administrative Shutdown: \"maintenance\"".
    [[nodiscard]] std::string describe() const;

    static Notification shutdown(std::uint8_t subcode, std::string_view message);

    friend bool operator==(const Notification&, const Notification&) = default;
};

struct Keepalive {
    friend bool operator==(const Keepalive&, const Keepalive&) = default;
};

/// RFC 7313 §3 message subtypes.
namespace route_refresh_subtype {
inline constexpr std::uint8_t normal = 0;
inline constexpr std::uint8_t borr = 1;
inline constexpr std::uint8_t eorr = 2;
}  // namespace route_refresh_subtype

struct RouteRefresh {
    std::uint16_t afi = 1;
    std::uint8_t subtype = 0;  ///< the RFC 2918 reserved octet
    std::uint8_t safi = 1;
    std::vector<std::uint8_t> orf;  ///< RFC 5291 ORF entries, raw

    friend bool operator==(const RouteRefresh&, const RouteRefresh&) = default;
};

using Message = std::variant<Open, Update, Notification, Keepalive, RouteRefresh>;

[[nodiscard]] MessageType type_of(const Message& m);

struct Header {
    std::uint16_t length = 0;
    std::uint8_t type = 0;
};

/// Checks a header (marker, length bounds for the type and the session's size
/// limit, known type). `bytes` must hold at least header_size octets.
[[nodiscard]] Result<Header> decode_header(std::span<const std::uint8_t> bytes,
                                           const CodecOptions& opts);

/// Decodes one whole message (header included; `bytes.size()` must equal the
/// header's length).
[[nodiscard]] Result<Message> decode_message(std::span<const std::uint8_t> bytes,
                                             const CodecOptions& opts);

/// Decoders for one message body (the octets after the 19-octet header).
[[nodiscard]] Result<Open> decode_open(std::span<const std::uint8_t> body);
[[nodiscard]] Result<Update> decode_update(std::span<const std::uint8_t> body,
                                           const CodecOptions& opts);
[[nodiscard]] Result<Notification> decode_notification(std::span<const std::uint8_t> body);
[[nodiscard]] Result<RouteRefresh> decode_route_refresh(std::span<const std::uint8_t> body);

struct EncodeError {
    std::string reason;
};

/// Appends the encoded message (header included) to `out`. Fails, leaving
/// `out` unchanged, when the message would exceed the size limit or a value
/// cannot be represented.
[[nodiscard]] Expected<std::size_t, EncodeError> encode_message(const Message& m,
                                                                const CodecOptions& opts,
                                                                std::vector<std::uint8_t>& out);

/// Convenience: the encoded bytes of one message.
[[nodiscard]] Expected<std::vector<std::uint8_t>, EncodeError> encode(const Message& m,
                                                                      const CodecOptions& opts);

/// End-of-RIB marker for a family (RFC 4724 §2).
[[nodiscard]] Update make_end_of_rib(Family f);

}  // namespace bgp::wire
