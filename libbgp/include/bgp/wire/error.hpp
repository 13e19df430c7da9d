// Decode errors and NOTIFICATION codes.
//
// RFC 4271 §4.5 and §6 (codes and subcodes), RFC 4486 and RFC 8538 (Cease
// subcodes), RFC 6608 (FSM error subcodes), RFC 7313 (ROUTE-REFRESH error),
// RFC 9234 (Role Mismatch), RFC 7606 (revised error handling: the action a
// receiver takes for a malformed UPDATE).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/wire/result.hpp"

namespace bgp::wire {

/// What a receiver does about an error (RFC 7606 §2, most to least severe).
enum class ErrorAction : std::uint8_t {
    attribute_discard,  ///< drop the attribute, keep the route (RFC 7606 §2)
    treat_as_withdraw,  ///< the UPDATE's NLRI are withdrawn (RFC 7606 §2)
    afi_safi_disable,   ///< disable the family (RFC 4760 §7), or reset
    session_reset,      ///< send the NOTIFICATION and close (RFC 4271 §6)
};

[[nodiscard]] std::string_view to_string(ErrorAction a);

/// NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313).
enum class NotifCode : std::uint8_t {
    message_header_error = 1,
    open_message_error = 2,
    update_message_error = 3,
    hold_timer_expired = 4,
    fsm_error = 5,
    cease = 6,
    route_refresh_message_error = 7,
    send_hold_timer_expired = 8,  // RFC 9687
};

namespace header_subcode {
inline constexpr std::uint8_t connection_not_synchronized = 1;
inline constexpr std::uint8_t bad_message_length = 2;
inline constexpr std::uint8_t bad_message_type = 3;
}  // namespace header_subcode

namespace open_subcode {
inline constexpr std::uint8_t unspecific = 0;
inline constexpr std::uint8_t unsupported_version_number = 1;
inline constexpr std::uint8_t bad_peer_as = 2;
inline constexpr std::uint8_t bad_bgp_identifier = 3;
inline constexpr std::uint8_t unsupported_optional_parameter = 4;
inline constexpr std::uint8_t unacceptable_hold_time = 6;
inline constexpr std::uint8_t unsupported_capability = 7;  // RFC 5492
inline constexpr std::uint8_t role_mismatch = 11;          // RFC 9234
}  // namespace open_subcode

namespace update_subcode {
inline constexpr std::uint8_t malformed_attribute_list = 1;
inline constexpr std::uint8_t unrecognized_well_known_attribute = 2;
inline constexpr std::uint8_t missing_well_known_attribute = 3;
inline constexpr std::uint8_t attribute_flags_error = 4;
inline constexpr std::uint8_t attribute_length_error = 5;
inline constexpr std::uint8_t invalid_origin_attribute = 6;
inline constexpr std::uint8_t invalid_next_hop_attribute = 8;
inline constexpr std::uint8_t optional_attribute_error = 9;
inline constexpr std::uint8_t invalid_network_field = 10;
inline constexpr std::uint8_t malformed_as_path = 11;
}  // namespace update_subcode

namespace fsm_subcode {  // RFC 6608
inline constexpr std::uint8_t unspecified = 0;
inline constexpr std::uint8_t unexpected_message_in_open_sent = 1;
inline constexpr std::uint8_t unexpected_message_in_open_confirm = 2;
inline constexpr std::uint8_t unexpected_message_in_established = 3;
}  // namespace fsm_subcode

namespace cease_subcode {  // RFC 4486, RFC 8538, RFC 9384
inline constexpr std::uint8_t maximum_prefixes_reached = 1;
inline constexpr std::uint8_t administrative_shutdown = 2;
inline constexpr std::uint8_t peer_deconfigured = 3;
inline constexpr std::uint8_t administrative_reset = 4;
inline constexpr std::uint8_t connection_rejected = 5;
inline constexpr std::uint8_t other_configuration_change = 6;
inline constexpr std::uint8_t connection_collision_resolution = 7;
inline constexpr std::uint8_t out_of_resources = 8;
inline constexpr std::uint8_t hard_reset = 9;
inline constexpr std::uint8_t bfd_down = 10;
}  // namespace cease_subcode

namespace route_refresh_subcode {  // RFC 7313
inline constexpr std::uint8_t invalid_message_length = 1;
}

/// "Message Header Error", "Cease", ... ("Unknown error code N" otherwise).
[[nodiscard]] std::string code_name(std::uint8_t code);
/// "Bad Message Length", "Administrative Shutdown", ... ("Unknown subcode N").
[[nodiscard]] std::string subcode_name(std::uint8_t code, std::uint8_t subcode);

/// A decode failure: the NOTIFICATION to send (code, subcode, data), the
/// RFC 7606 action, and a reason in words.
struct DecodeError {
    std::uint8_t code = 0;
    std::uint8_t subcode = 0;
    std::vector<std::uint8_t> data;
    ErrorAction action = ErrorAction::session_reset;
    std::string reason;
    /// The path attribute type involved, when there is one.
    std::optional<std::uint8_t> attribute;

    friend bool operator==(const DecodeError&, const DecodeError&) = default;
};

template <class T>
using Result = Expected<T, DecodeError>;

/// Shorthand used by decoders: unexpected(make_error(...)).
[[nodiscard]] DecodeError make_error(std::uint8_t code, std::uint8_t subcode, ErrorAction action,
                                     std::string reason, std::vector<std::uint8_t> data = {});

}  // namespace bgp::wire
