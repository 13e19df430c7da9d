// Names of NOTIFICATION error codes and subcodes, and the RFC 7606 actions.
//
// The names follow the IANA "BGP Error (Notification) Codes" registry and its
// per-code subcode registries (Border Gateway Protocol (BGP) Parameters):
//   codes          RFC 4271 §4.5, RFC 7313 §5 (7), RFC 9687 §3 (8)
//   header         RFC 4271 §6.1
//   OPEN           RFC 4271 §6.2 (0 per RFC 4271 §6.2 last paragraph and
//                  erratum 4493), RFC 5492 §5 (7), RFC 9234 §4.2 (11);
//                  5 deprecated by RFC 5492; 8-10 marked deprecated by IANA
//                  (squatted values, draft-ietf-idr-deprecate-8-9-10)
//   UPDATE         RFC 4271 §6.3 (7 deprecated)
//   FSM            RFC 6608 §3
//   Cease          RFC 4486 §4 (1-8), RFC 8538 §3 (9), RFC 9384 §3 (10)
//   ROUTE-REFRESH  RFC 7313 §5
// RFC 4271 §4.5: "If no appropriate Error Subcode is defined, then a zero
// (Unspecific) value is used for the Error Subcode field."
#include <string>
#include <utility>

#include "bgp/wire/error.hpp"

namespace bgp::wire {

std::string_view to_string(ErrorAction a) {
    switch (a) {
        case ErrorAction::attribute_discard:
            return "attribute-discard";
        case ErrorAction::treat_as_withdraw:
            return "treat-as-withdraw";
        case ErrorAction::afi_safi_disable:
            return "afi-safi-disable";
        case ErrorAction::session_reset:
            return "session-reset";
    }
    return "session-reset";
}

std::string code_name(std::uint8_t code) {
    switch (code) {
        case 1:
            return "Message Header Error";
        case 2:
            return "OPEN Message Error";
        case 3:
            return "UPDATE Message Error";
        case 4:
            return "Hold Timer Expired";
        case 5:
            return "Finite State Machine Error";
        case 6:
            return "Cease";
        case 7:
            return "ROUTE-REFRESH Message Error";
        case 8:
            return "Send Hold Timer Expired";  // RFC 9687
        default:
            return "Unknown error code " + std::to_string(code);
    }
}

namespace {

const char* header_name(std::uint8_t s) {
    switch (s) {
        case 1:
            return "Connection Not Synchronized";
        case 2:
            return "Bad Message Length";
        case 3:
            return "Bad Message Type";
        default:
            return nullptr;
    }
}

const char* open_name(std::uint8_t s) {
    switch (s) {
        case 1:
            return "Unsupported Version Number";
        case 2:
            return "Bad Peer AS";
        case 3:
            return "Bad BGP Identifier";
        case 4:
            return "Unsupported Optional Parameter";
        case 5:
            return "Authentication Failure (deprecated)";
        case 6:
            return "Unacceptable Hold Time";
        case 7:
            return "Unsupported Capability";
        case 8:
        case 9:
        case 10:
            return "Deprecated";
        case 11:
            return "Role Mismatch";
        default:
            return nullptr;
    }
}

const char* update_name(std::uint8_t s) {
    switch (s) {
        case 1:
            return "Malformed Attribute List";
        case 2:
            return "Unrecognized Well-known Attribute";
        case 3:
            return "Missing Well-known Attribute";
        case 4:
            return "Attribute Flags Error";
        case 5:
            return "Attribute Length Error";
        case 6:
            return "Invalid ORIGIN Attribute";
        case 7:
            return "AS Routing Loop (deprecated)";
        case 8:
            return "Invalid NEXT_HOP Attribute";
        case 9:
            return "Optional Attribute Error";
        case 10:
            return "Invalid Network Field";
        case 11:
            return "Malformed AS_PATH";
        default:
            return nullptr;
    }
}

const char* fsm_name(std::uint8_t s) {
    switch (s) {
        case 0:
            return "Unspecified Error";  // RFC 6608 §3 names 0 so
        case 1:
            return "Receive Unexpected Message in OpenSent State";
        case 2:
            return "Receive Unexpected Message in OpenConfirm State";
        case 3:
            return "Receive Unexpected Message in Established State";
        default:
            return nullptr;
    }
}

const char* cease_name(std::uint8_t s) {
    switch (s) {
        case 1:
            return "Maximum Number of Prefixes Reached";
        case 2:
            return "Administrative Shutdown";
        case 3:
            return "Peer De-configured";
        case 4:
            return "Administrative Reset";
        case 5:
            return "Connection Rejected";
        case 6:
            return "Other Configuration Change";
        case 7:
            return "Connection Collision Resolution";
        case 8:
            return "Out of Resources";
        case 9:
            return "Hard Reset";
        case 10:
            return "BFD Down";
        default:
            return nullptr;
    }
}

const char* route_refresh_name(std::uint8_t s) {
    return s == 1 ? "Invalid Message Length" : nullptr;
}

}  // namespace

std::string subcode_name(std::uint8_t code, std::uint8_t subcode) {
    const char* name = nullptr;
    switch (code) {
        case 1:
            name = header_name(subcode);
            break;
        case 2:
            name = open_name(subcode);
            break;
        case 3:
            name = update_name(subcode);
            break;
        case 5:
            name = fsm_name(subcode);
            break;
        case 6:
            name = cease_name(subcode);
            break;
        case 7:
            name = route_refresh_name(subcode);
            break;
        default:
            break;  // 4 and 8 define no subcodes
    }
    if (name != nullptr) return name;
    if (subcode == 0) return "Unspecific";
    return "Unknown subcode " + std::to_string(subcode);
}

DecodeError make_error(std::uint8_t code, std::uint8_t subcode, ErrorAction action,
                       std::string reason, std::vector<std::uint8_t> data) {
    DecodeError e;
    e.code = code;
    e.subcode = subcode;
    e.data = std::move(data);
    e.action = action;
    e.reason = std::move(reason);
    return e;
}

}  // namespace bgp::wire
