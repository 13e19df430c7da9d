// Tests for libbgp/src/wire/error.cpp: RFC 7606 action names, the IANA names
// of every NOTIFICATION code and subcode, and make_error.
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "bgp/wire/error.hpp"

using namespace bgp::wire;

TEST_CASE("ErrorAction names", "[wire][error]") {
    CHECK(to_string(ErrorAction::attribute_discard) == "attribute-discard");
    CHECK(to_string(ErrorAction::treat_as_withdraw) == "treat-as-withdraw");
    CHECK(to_string(ErrorAction::afi_safi_disable) == "afi-safi-disable");
    CHECK(to_string(ErrorAction::session_reset) == "session-reset");
}

TEST_CASE("Error code names (IANA BGP Error Codes)", "[wire][error]") {
    CHECK(code_name(1) == "Message Header Error");
    CHECK(code_name(2) == "OPEN Message Error");
    CHECK(code_name(3) == "UPDATE Message Error");
    CHECK(code_name(4) == "Hold Timer Expired");
    CHECK(code_name(5) == "Finite State Machine Error");
    CHECK(code_name(6) == "Cease");
    CHECK(code_name(7) == "ROUTE-REFRESH Message Error");
    CHECK(code_name(8) == "Send Hold Timer Expired");
    CHECK(code_name(0) == "Unknown error code 0");
    CHECK(code_name(9) == "Unknown error code 9");
    CHECK(code_name(255) == "Unknown error code 255");
    // The enum agrees with the names.
    CHECK(code_name(static_cast<std::uint8_t>(NotifCode::cease)) == "Cease");
    CHECK(code_name(static_cast<std::uint8_t>(NotifCode::route_refresh_message_error)) ==
          "ROUTE-REFRESH Message Error");
}

TEST_CASE("Subcode names (IANA subcode registries)", "[wire][error]") {
    struct Row {
        std::uint8_t code, subcode;
        const char* name;
    };
    const std::vector<Row> rows = {
        // RFC 4271 §6.1
        {1, header_subcode::connection_not_synchronized, "Connection Not Synchronized"},
        {1, header_subcode::bad_message_length, "Bad Message Length"},
        {1, header_subcode::bad_message_type, "Bad Message Type"},
        // RFC 4271 §6.2, RFC 5492, RFC 9234
        {2, open_subcode::unspecific, "Unspecific"},
        {2, open_subcode::unsupported_version_number, "Unsupported Version Number"},
        {2, open_subcode::bad_peer_as, "Bad Peer AS"},
        {2, open_subcode::bad_bgp_identifier, "Bad BGP Identifier"},
        {2, open_subcode::unsupported_optional_parameter, "Unsupported Optional Parameter"},
        {2, 5, "Authentication Failure (deprecated)"},
        {2, open_subcode::unacceptable_hold_time, "Unacceptable Hold Time"},
        {2, open_subcode::unsupported_capability, "Unsupported Capability"},
        {2, 8, "Deprecated"},
        {2, 9, "Deprecated"},
        {2, 10, "Deprecated"},
        {2, open_subcode::role_mismatch, "Role Mismatch"},
        // RFC 4271 §6.3
        {3, 0, "Unspecific"},
        {3, update_subcode::malformed_attribute_list, "Malformed Attribute List"},
        {3, update_subcode::unrecognized_well_known_attribute, "Unrecognized Well-known Attribute"},
        {3, update_subcode::missing_well_known_attribute, "Missing Well-known Attribute"},
        {3, update_subcode::attribute_flags_error, "Attribute Flags Error"},
        {3, update_subcode::attribute_length_error, "Attribute Length Error"},
        {3, update_subcode::invalid_origin_attribute, "Invalid ORIGIN Attribute"},
        {3, 7, "AS Routing Loop (deprecated)"},
        {3, update_subcode::invalid_next_hop_attribute, "Invalid NEXT_HOP Attribute"},
        {3, update_subcode::optional_attribute_error, "Optional Attribute Error"},
        {3, update_subcode::invalid_network_field, "Invalid Network Field"},
        {3, update_subcode::malformed_as_path, "Malformed AS_PATH"},
        // Hold Timer Expired has no subcodes
        {4, 0, "Unspecific"},
        // RFC 6608 §3
        {5, fsm_subcode::unspecified, "Unspecified Error"},
        {5, fsm_subcode::unexpected_message_in_open_sent,
         "Receive Unexpected Message in OpenSent State"},
        {5, fsm_subcode::unexpected_message_in_open_confirm,
         "Receive Unexpected Message in OpenConfirm State"},
        {5, fsm_subcode::unexpected_message_in_established,
         "Receive Unexpected Message in Established State"},
        // RFC 4486 §4, RFC 8538 §3, RFC 9384 §3
        {6, 0, "Unspecific"},
        {6, cease_subcode::maximum_prefixes_reached, "Maximum Number of Prefixes Reached"},
        {6, cease_subcode::administrative_shutdown, "Administrative Shutdown"},
        {6, cease_subcode::peer_deconfigured, "Peer De-configured"},
        {6, cease_subcode::administrative_reset, "Administrative Reset"},
        {6, cease_subcode::connection_rejected, "Connection Rejected"},
        {6, cease_subcode::other_configuration_change, "Other Configuration Change"},
        {6, cease_subcode::connection_collision_resolution, "Connection Collision Resolution"},
        {6, cease_subcode::out_of_resources, "Out of Resources"},
        {6, cease_subcode::hard_reset, "Hard Reset"},
        {6, cease_subcode::bfd_down, "BFD Down"},
        // RFC 7313 §5
        {7, route_refresh_subcode::invalid_message_length, "Invalid Message Length"},
        {7, 0, "Unspecific"},
        // RFC 9687: no subcodes
        {8, 0, "Unspecific"},
    };
    for (const auto& r : rows) {
        INFO("code " << int(r.code) << " subcode " << int(r.subcode));
        CHECK(subcode_name(r.code, r.subcode) == r.name);
    }
}

TEST_CASE("Unknown subcodes", "[wire][error]") {
    CHECK(subcode_name(1, 0) == "Unspecific");
    CHECK(subcode_name(1, 4) == "Unknown subcode 4");
    CHECK(subcode_name(2, 12) == "Unknown subcode 12");
    CHECK(subcode_name(3, 12) == "Unknown subcode 12");
    CHECK(subcode_name(4, 1) == "Unknown subcode 1");
    CHECK(subcode_name(5, 4) == "Unknown subcode 4");
    CHECK(subcode_name(6, 11) == "Unknown subcode 11");
    CHECK(subcode_name(7, 2) == "Unknown subcode 2");
    CHECK(subcode_name(42, 0) == "Unspecific");
    CHECK(subcode_name(42, 255) == "Unknown subcode 255");
}

TEST_CASE("make_error fills every field", "[wire][error]") {
    const DecodeError e = make_error(2, open_subcode::unsupported_version_number,
                                     ErrorAction::session_reset, "version 3", {0x00, 0x04});
    CHECK(e.code == 2);
    CHECK(e.subcode == 1);
    CHECK(e.action == ErrorAction::session_reset);
    CHECK(e.reason == "version 3");
    CHECK(e.data == std::vector<std::uint8_t>{0x00, 0x04});
    CHECK_FALSE(e.attribute);

    const DecodeError d = make_error(3, 9, ErrorAction::attribute_discard, "x");
    CHECK(d.data.empty());
    CHECK(d.action == ErrorAction::attribute_discard);
    CHECK(d != e);
    CHECK(d == make_error(3, 9, ErrorAction::attribute_discard, "x"));
}
