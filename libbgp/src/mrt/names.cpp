// Names of MRT types, subtypes (RFC 6396 §4, RFC 8050, IANA "MRT" registry)
// and BGP FSM states as MRT STATE_CHANGE records number them.
#include <array>
#include <string>
#include <string_view>

#include "bgp/mrt/reader.hpp"
#include "mrt/records.hpp"

namespace bgp::mrt {

std::string type_name(std::uint16_t t) {
    switch (t) {
        case 0:
            return "NULL";
        case 1:
            return "START";
        case 2:
            return "DIE";
        case 3:
            return "I_AM_DEAD";
        case 4:
            return "PEER_DOWN";
        case type::bgp:
            return "BGP";
        case 6:
            return "RIP";
        case 7:
            return "IDRP";
        case 8:
            return "RIPNG";
        case 9:
            return "BGP4PLUS";
        case 10:
            return "BGP4PLUS_01";
        case 11:
            return "OSPFv2";
        case type::table_dump:
            return "TABLE_DUMP";
        case type::table_dump_v2:
            return "TABLE_DUMP_V2";
        case type::bgp4mp:
            return "BGP4MP";
        case type::bgp4mp_et:
            return "BGP4MP_ET";
        case 32:
            return "ISIS";
        case 33:
            return "ISIS_ET";
        case 48:
            return "OSPFv3";
        case 49:
            return "OSPFv3_ET";
        default:
            return "type " + std::to_string(t);
    }
}

std::string subtype_name(std::uint16_t t, std::uint16_t subtype) {
    auto pick = [subtype](auto const& names) -> std::string {
        if (subtype < names.size() && !names[subtype].empty()) return std::string(names[subtype]);
        return "subtype " + std::to_string(subtype);
    };
    switch (t) {
        case type::bgp: {
            static constexpr std::array<std::string_view, 8> names{
                "BGP_NULL", "BGP_UPDATE", "BGP_PREF_UPDATE", "BGP_STATE_CHANGE",
                "BGP_SYNC", "BGP_OPEN",   "BGP_NOTIFY",      "BGP_KEEPALIVE"};
            return pick(names);
        }
        case type::table_dump: {
            static constexpr std::array<std::string_view, 3> names{"", "AFI_IPv4", "AFI_IPv6"};
            return pick(names);
        }
        case type::table_dump_v2: {
            static constexpr std::array<std::string_view, 13> names{"",
                                                                    "PEER_INDEX_TABLE",
                                                                    "RIB_IPV4_UNICAST",
                                                                    "RIB_IPV4_MULTICAST",
                                                                    "RIB_IPV6_UNICAST",
                                                                    "RIB_IPV6_MULTICAST",
                                                                    "RIB_GENERIC",
                                                                    "GEO_PEER_TABLE",
                                                                    "RIB_IPV4_UNICAST_ADDPATH",
                                                                    "RIB_IPV4_MULTICAST_ADDPATH",
                                                                    "RIB_IPV6_UNICAST_ADDPATH",
                                                                    "RIB_IPV6_MULTICAST_ADDPATH",
                                                                    "RIB_GENERIC_ADDPATH"};
            return pick(names);
        }
        case type::bgp4mp:
        case type::bgp4mp_et: {
            static constexpr std::array<std::string_view, 12> names{"STATE_CHANGE",
                                                                    "MESSAGE",
                                                                    "ENTRY",
                                                                    "SNAPSHOT",
                                                                    "MESSAGE_AS4",
                                                                    "STATE_CHANGE_AS4",
                                                                    "MESSAGE_LOCAL",
                                                                    "MESSAGE_AS4_LOCAL",
                                                                    "MESSAGE_ADDPATH",
                                                                    "MESSAGE_AS4_ADDPATH",
                                                                    "MESSAGE_LOCAL_ADDPATH",
                                                                    "MESSAGE_AS4_LOCAL_ADDPATH"};
            return pick(names);
        }
        default:
            return "subtype " + std::to_string(subtype);
    }
}

std::string state_name(std::uint16_t state) {
    static constexpr std::array<std::string_view, 9> names{
        "",         "Idle",   "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
        "Clearing", "Deleted"};
    if (state < names.size() && !names[state].empty()) return std::string(names[state]);
    return "state " + std::to_string(state);
}

namespace detail {

std::string kind_name(std::uint16_t t, std::uint16_t subtype) {
    return type_name(t) + " " + subtype_name(t, subtype);
}

}  // namespace detail
}  // namespace bgp::mrt
