// RFC 7606 (Revised Error Handling for BGP UPDATE Messages), rule by rule:
// §3 a-j, §4, §5.1-§5.4, §7.1-§7.16, plus RFC 6793 §6 (AS4_*), RFC 8092 §5
// (LARGE_COMMUNITY), RFC 9234 §5 (OTC) and RFC 9012 §13 (TUNNEL
// ENCAPSULATION). Each case checks code, subcode, action, and whether the
// UPDATE still decodes as the RFC says, through decode_update where the
// UPDATE as a whole matters and through the attribute block codec otherwise.
#include <catch2/catch_test_macros.hpp>

#include "attributes_test_support.hpp"

using namespace bgp::wire;
using namespace bgp::wire::test;

namespace {

constexpr auto taw = ErrorAction::treat_as_withdraw;
constexpr auto discard = ErrorAction::attribute_discard;
constexpr auto disable = ErrorAction::afi_safi_disable;
constexpr auto reset = ErrorAction::session_reset;

Bytes u16(std::size_t v) {
    return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

/// An UPDATE body: withdrawn routes, path attributes, NLRI.
Bytes update_body(const Bytes& withdrawn, const Bytes& attrs, const Bytes& nlri) {
    return cat({u16(withdrawn.size()), withdrawn, u16(attrs.size()), attrs, nlri});
}

const Bytes nlri_10 = {0x08, 0x0a};                    // 10.0.0.0/8
const Bytes nlri_10_1 = {0x10, 0x0a, 0x01};            // 10.1.0.0/16
const Bytes withdrawn_192 = {0x18, 0xc0, 0x00, 0x02};  // 192.0.2.0/24

/// An UPDATE announcing 10.0.0.0/8 with the mandatory attributes plus `extra`.
Result<Update> announce(const Bytes& extra, const CodecOptions& o = {}) {
    return decode_update(update_body({}, cat({mandatory, extra}), nlri_10), o);
}

void check_error(const DecodeError& e, std::uint8_t subcode, ErrorAction action) {
    CHECK(e.code == 3);
    CHECK(e.subcode == subcode);
    CHECK(e.action == action);
    CHECK_FALSE(e.reason.empty());
}

/// The UPDATE decoded, its routes withdrawn, with one error about `type`.
DecodeError withdrawn_because(const Result<Update>& u, std::uint8_t type) {
    REQUIRE(u);
    CHECK(u->treat_as_withdraw);
    CHECK(u->nlri.size() == 1);  // the NLRI are parsed: they are what gets withdrawn
    for (const auto& e : u->errors)
        if (e.attribute == type && e.action == taw) return e;
    FAIL("no treat-as-withdraw error for attribute " << int(type));
    return {};
}

/// The UPDATE decoded, routes kept, attribute `type` discarded.
DecodeError discarded(const Result<Update>& u, std::uint8_t type) {
    REQUIRE(u);
    CHECK_FALSE(u->treat_as_withdraw);
    CHECK(u->nlri.size() == 1);
    CHECK_FALSE(u->attributes.has(type));
    for (const auto& e : u->errors)
        if (e.attribute == type && e.action == discard) return e;
    FAIL("no attribute-discard error for attribute " << int(type));
    return {};
}

CodecOptions ebgp() {
    CodecOptions o;
    o.ibgp = false;
    return o;
}
CodecOptions ibgp() {
    CodecOptions o;
    o.ibgp = true;
    return o;
}
CodecOptions two_octet() {
    CodecOptions o;
    o.four_octet_as = false;
    return o;
}

}  // namespace

// ---------------------------------------------------------------------------
// §3 Revision to BGP UPDATE Message Error Handling
// ---------------------------------------------------------------------------

TEST_CASE("RFC 7606 §3 a: a session reset is an UPDATE Message Error NOTIFICATION",
          "[wire][rfc7606]") {
    // RFC 4271 §6.3: an unrecognized well-known attribute (Optional bit 0).
    const Bytes bad = {0x40, 0x63, 0x02, 0xab, 0xcd};
    const auto u = announce(bad);
    REQUIRE_FALSE(u);
    check_error(u.error(), update_subcode::unrecognized_well_known_attribute, reset);
    CHECK(u.error().data == bad);  // the unrecognized attribute
    CHECK(u.error().attribute == 0x63);
}

TEST_CASE("RFC 7606 §3 b: withdrawn or attribute lengths too large", "[wire][rfc7606]") {
    Bytes body = update_body(withdrawn_192, mandatory, nlri_10);
    body[1] = 0x40;  // withdrawn routes length 64
    auto u = decode_update(body, {});
    REQUIRE_FALSE(u);
    check_error(u.error(), update_subcode::malformed_attribute_list, reset);

    body = update_body({}, mandatory, nlri_10);
    body[3] = 0x60;  // total path attribute length 96
    u = decode_update(body, {});
    REQUIRE_FALSE(u);
    check_error(u.error(), update_subcode::malformed_attribute_list, reset);
}

TEST_CASE("RFC 7606 §3 c: Optional/Transitive bits in conflict", "[wire][rfc7606]") {
    struct Case {
        AttrType type;
        Bytes value;
        std::uint8_t bad_flags;
        ErrorAction action;
        CodecOptions opts;
    };
    const std::vector<Case> cases = {
        {AttrType::origin, {0x00}, 0xc0, taw, {}},  // marked optional
        {AttrType::origin, {0x00}, 0x00, taw, {}},  // transitive cleared
        {AttrType::as_path, {}, 0x80, taw, {}},
        {AttrType::next_hop, {10, 0, 0, 9}, 0xc0, taw, {}},
        {AttrType::multi_exit_disc, {0, 0, 0, 1}, 0xc0, taw, {}},
        {AttrType::multi_exit_disc, {0, 0, 0, 1}, 0x40, taw, {}},
        {AttrType::local_pref, {0, 0, 0, 1}, 0x80, taw, {}},
        // §3 f: ATOMIC_AGGREGATE and AGGREGATOR use attribute discard
        {AttrType::atomic_aggregate, {}, 0xc0, discard, {}},
        {AttrType::aggregator, {0, 0, 0, 1, 10, 0, 0, 1}, 0x40, discard, {}},
        {AttrType::aggregator, {0, 0, 0, 1, 10, 0, 0, 1}, 0x80, discard, {}},
        {AttrType::communities, {0, 1, 0, 1}, 0x40, taw, {}},
        {AttrType::communities, {0, 1, 0, 1}, 0x80, taw, {}},
        {AttrType::originator_id, {10, 0, 0, 1}, 0xc0, taw, ibgp()},
        {AttrType::cluster_list, {10, 0, 0, 1}, 0x40, taw, ibgp()},
        {AttrType::extended_communities, {0, 2, 0, 1, 0, 0, 0, 1}, 0x80, taw, {}},
        // RFC 6793 §6: attribute discard for the AS4_* attributes
        {AttrType::as4_path, {2, 1, 0, 0, 0, 1}, 0x80, discard, two_octet()},
        {AttrType::as4_aggregator, {0, 0, 0, 1, 10, 0, 0, 1}, 0x40, discard, two_octet()},
        {AttrType::large_community, {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, 0x40, taw, {}},
        {AttrType::otc, {0, 0, 0, 1}, 0x80, taw, {}},
        {AttrType::tunnel_encapsulation, {0, 8, 0, 0}, 0x80, taw, {}},
    };
    for (const auto& c : cases) {
        INFO("attribute " << int(code(c.type)) << " flags " << int(c.bad_flags));
        const Bytes attr =
            cat({{c.bad_flags, code(c.type), static_cast<std::uint8_t>(c.value.size())}, c.value});
        // Leave the type's own mandatory slot empty if it is one of them.
        Bytes block;
        for (const auto& [t, bytes] :
             {std::pair{AttrType::origin, origin_igp}, std::pair{AttrType::as_path, as_path_empty},
              std::pair{AttrType::next_hop, next_hop_10_0_0_1}})
            if (t != c.type) block = cat({block, bytes});
        block = cat({block, attr});
        const auto u = decode_update(update_body({}, block, nlri_10), c.opts);
        REQUIRE(u);
        const DecodeError* e = nullptr;
        for (const auto& x : u->errors)
            if (x.attribute == code(c.type)) e = &x;
        REQUIRE(e);
        check_error(*e, update_subcode::attribute_flags_error, c.action);
        CHECK(e->data == attr);  // RFC 4271 §6.3: the erroneous attribute
        CHECK_FALSE(u->attributes.has(code(c.type)));
        CHECK(u->treat_as_withdraw == (c.action == taw));
        CHECK(u->nlri.size() == 1);
    }

    SECTION("MP_REACH_NLRI / MP_UNREACH_NLRI: AFI/SAFI disable (RFC 7606 §5.3)") {
        const Bytes reach = {0xc0, 0x0e, 0x05, 0x00, 0x02, 0x01, 0x00, 0x00};
        auto d = decode_attrs(reach, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::attribute_flags_error, disable);
        CHECK(d.fatal->data == reach);
        const Bytes unreach = {0x40, 0x0f, 0x03, 0x00, 0x02, 0x01};
        d = decode_attrs(unreach, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::attribute_flags_error, disable);
        // too short to name a family: nothing to disable but the session
        d = decode_attrs({0x40, 0x0f, 0x02, 0x00, 0x02}, {}, false);
        REQUIRE(d.fatal);
        CHECK(d.fatal->action == reset);
    }
    SECTION("only Optional and Transitive are compared: Partial is tolerated and kept") {
        const Bytes block = {
            0x60, 0x01, 0x01, 0x00,                    // ORIGIN with Partial
            0x40, 0x02, 0x00,                          // AS_PATH
            0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,  // NEXT_HOP
            0xa0, 0x04, 0x04, 0x00, 0x00, 0x00, 0x05,  // MED with Partial
            0x4f, 0x06, 0x00,                          // ATOMIC_AGGREGATE, unused bits set
        };
        const auto d = decode_attrs(block);
        REQUIRE_FALSE(d.fatal);
        CHECK(d.errors.empty());
        CHECK(d.attrs.origin == Origin::igp);
        CHECK(d.attrs.med == 5u);
        CHECK(encode_attrs(d.attrs) == block);
    }
}

TEST_CASE("RFC 7606 §3 d: missing well-known mandatory attributes", "[wire][rfc7606]") {
    SECTION("with classic NLRI: ORIGIN, AS_PATH and NEXT_HOP are required") {
        for (const auto& [type, rest] :
             {std::pair{AttrType::origin, cat({as_path_empty, next_hop_10_0_0_1})},
              std::pair{AttrType::as_path, cat({origin_igp, next_hop_10_0_0_1})},
              std::pair{AttrType::next_hop, cat({origin_igp, as_path_empty})}}) {
            const auto u = decode_update(update_body({}, rest, nlri_10), {});
            const auto& e = withdrawn_because(u, code(type));
            check_error(e, update_subcode::missing_well_known_attribute, taw);
            CHECK(e.data == Bytes{code(type)});  // RFC 4271 §6.3: the missing type code
        }
    }
    SECTION("NLRI in MP_REACH_NLRI only: NEXT_HOP is not needed, ORIGIN is") {
        const Bytes mp = {0x80, 0x0e, 0x0b, 0x00, 0x01, 0x01, 0x04, 10, 0, 0, 1, 0x00, 0x08, 0x0a};
        auto u = decode_update(update_body({}, cat({origin_igp, as_path_empty, mp}), {}), {});
        REQUIRE(u);
        CHECK(u->errors.empty());
        CHECK_FALSE(u->treat_as_withdraw);
        u = decode_update(update_body({}, cat({as_path_empty, mp}), {}), {});
        REQUIRE(u);
        CHECK(u->treat_as_withdraw);
        REQUIRE(u->errors.size() == 1);
        check_error(u->errors[0], update_subcode::missing_well_known_attribute, taw);
        CHECK(u->errors[0].attribute == code(AttrType::origin));
    }
    SECTION("no NLRI at all: nothing is missing") {
        auto u = decode_update(update_body(withdrawn_192, {}, {}), {});
        REQUIRE(u);
        CHECK(u->errors.empty());
        const Bytes unreach = {0x80, 0x0f, 0x05, 0x00, 0x01, 0x01, 0x08, 0x0a};
        u = decode_update(update_body({}, unreach, {}), {});
        REQUIRE(u);
        CHECK(u->errors.empty());
        REQUIRE(u->attributes.mp_unreach);
        CHECK(u->attributes.mp_unreach->nlri == std::vector<Nlri>{nlri("10.0.0.0/8")});
    }
}

TEST_CASE(
    "RFC 7606 §3 e: ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF errors are "
    "treat-as-withdraw",
    "[wire][rfc7606]") {
    struct Case {
        Bytes block;
        AttrType type;
    };
    const std::vector<Case> cases = {
        {cat({{0x40, 0x01, 0x01, 0x07}, as_path_empty, next_hop_10_0_0_1}), AttrType::origin},
        {cat({origin_igp, {0x40, 0x02, 0x02, 0x02, 0x00}, next_hop_10_0_0_1}), AttrType::as_path},
        {cat({origin_igp, as_path_empty, {0x40, 0x03, 0x03, 10, 0, 0}}), AttrType::next_hop},
        {cat({mandatory, {0x80, 0x04, 0x03, 0, 0, 1}}), AttrType::multi_exit_disc},
        {cat({mandatory, {0x40, 0x05, 0x05, 0, 0, 0, 0, 1}}), AttrType::local_pref},
    };
    for (const auto& c : cases) {
        INFO("attribute " << int(code(c.type)));
        const auto u = decode_update(update_body({}, c.block, nlri_10), {});
        const auto& e = withdrawn_because(u, code(c.type));
        CHECK(e.action == taw);
        CHECK_FALSE(e.data.empty());
    }
}

TEST_CASE("RFC 7606 §3 f: ATOMIC_AGGREGATE and AGGREGATOR errors are attribute discard",
          "[wire][rfc7606]") {
    check_error(discarded(announce({0x40, 0x06, 0x01, 0x00}), code(AttrType::atomic_aggregate)),
                update_subcode::attribute_length_error, discard);
    check_error(
        discarded(announce({0xc0, 0x07, 0x07, 0, 0, 1, 10, 0, 0, 1}), code(AttrType::aggregator)),
        update_subcode::attribute_length_error, discard);
}

TEST_CASE("RFC 7606 §3 g: attributes appearing more than once", "[wire][rfc7606]") {
    const Bytes mp_reach = {0x80, 0x0e, 0x0b, 0x00, 0x01, 0x01, 0x04,
                            10,   0,    0,    1,    0x00, 0x08, 0x0a};
    const Bytes mp_unreach = {0x80, 0x0f, 0x03, 0x00, 0x02, 0x01};
    SECTION("MP_REACH_NLRI twice: Malformed Attribute List, session reset") {
        const auto u = decode_update(update_body({}, cat({mandatory, mp_reach, mp_reach}), {}), {});
        REQUIRE_FALSE(u);
        check_error(u.error(), update_subcode::malformed_attribute_list, reset);
        CHECK(u.error().attribute == code(AttrType::mp_reach_nlri));
    }
    SECTION("MP_UNREACH_NLRI twice: session reset") {
        const auto d = decode_attrs(cat({mp_unreach, mp_unreach}), {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::malformed_attribute_list, reset);
    }
    SECTION("any other attribute: the first is kept, the rest discarded") {
        const auto u = announce({
            0xc0, 0x08, 0x04, 0x00, 0x01, 0x00, 0x01,  // COMMUNITIES 1:1
            0xc0, 0x08, 0x04, 0x00, 0x02, 0x00, 0x02,  // COMMUNITIES 2:2, discarded
            0xc0, 0x63, 0x01, 0x01,                    // unknown type 99
            0xc0, 0x63, 0x01, 0x02,                    // again, discarded
            0x40, 0x01, 0x01, 0x02,                    // ORIGIN again, discarded
        });
        REQUIRE(u);
        CHECK_FALSE(u->treat_as_withdraw);
        CHECK(u->attributes.communities == std::vector<std::uint32_t>{0x00010001});
        CHECK(u->attributes.unknown == std::vector<RawAttribute>{{0xc0, 99, {0x01}}});
        CHECK(u->attributes.origin == Origin::igp);
        REQUIRE(u->errors.size() == 3);
        for (const auto& e : u->errors)
            check_error(e, update_subcode::malformed_attribute_list, discard);
        CHECK(u->errors[0].attribute == code(AttrType::communities));
        CHECK(u->errors[1].attribute == 99);
        CHECK(u->errors[2].attribute == code(AttrType::origin));
    }
}

TEST_CASE("RFC 7606 §3 h: several errors, the strongest action wins", "[wire][rfc7606]") {
    SECTION("attribute discard and treat-as-withdraw: withdrawn") {
        const auto u = announce({
            0x40, 0x06, 0x01, 0x00,              // ATOMIC_AGGREGATE length 1: discard
            0xc0, 0x08, 0x03, 0x00, 0x01, 0x00,  // COMMUNITIES length 3: treat-as-withdraw
        });
        REQUIRE(u);
        CHECK(u->treat_as_withdraw);
        REQUIRE(u->errors.size() == 2);
        CHECK(u->errors[0].action == discard);
        CHECK(u->errors[1].action == taw);
    }
    SECTION("treat-as-withdraw and AFI/SAFI disable: the disable is returned") {
        const auto u = announce({
            0xc0, 0x08, 0x03, 0x00, 0x01, 0x00,                    // COMMUNITIES, t-a-w
            0x80, 0x0e, 0x06, 0x00, 0x02, 0x01, 0x04, 0x00, 0x00,  // IPv6 next hop of 4
        });
        REQUIRE_FALSE(u);
        CHECK(u.error().action == disable);
    }
    SECTION("only discards: the routes stay") {
        const auto u = announce({0x40, 0x06, 0x01, 0x00, 0xc0, 0x07, 0x01, 0x00});
        REQUIRE(u);
        CHECK_FALSE(u->treat_as_withdraw);
        CHECK(u->errors.size() == 2);
    }
}

TEST_CASE("RFC 7606 §3 i: the withdrawn routes field is checked like the NLRI field",
          "[wire][rfc7606]") {
    auto u = decode_update(update_body({0x21, 10, 0, 0, 0, 0}, {}, {}), {});  // /33
    REQUIRE_FALSE(u);
    CHECK(u.error().code == 3);
    CHECK(u.error().action == reset);
    u = decode_update(update_body({0x18, 10, 0}, {}, {}), {});  // /24 with 2 octets
    REQUIRE_FALSE(u);
    CHECK(u.error().action == reset);
}

TEST_CASE("RFC 7606 §3 j: treat-as-withdraw needs the MP attributes parsed", "[wire][rfc7606]") {
    // MP_REACH_NLRI whose length runs past the path attributes: its NLRI cannot
    // be located, so the session is reset rather than routes withdrawn.
    const Bytes truncated = {0x80, 0x0e, 0x20, 0x00, 0x01, 0x01, 0x04, 10, 0, 0, 1, 0x00};
    const auto u = decode_update(update_body({}, cat({mandatory, truncated}), {}), {});
    REQUIRE_FALSE(u);
    check_error(u.error(), update_subcode::malformed_attribute_list, reset);
    CHECK(u.error().attribute == code(AttrType::mp_reach_nlri));
}

// ---------------------------------------------------------------------------
// §4 Attribute Length Fields
// ---------------------------------------------------------------------------

TEST_CASE("RFC 7606 §4: attribute lengths in conflict with the Total Attribute Length",
          "[wire][rfc7606]") {
    SECTION("the last attribute overruns: treat-as-withdraw, the NLRI still located") {
        const Bytes block = cat({mandatory, {0xc0, 0x08, 0x08, 0x00, 0x01, 0x00, 0x01}});
        const auto u = decode_update(update_body({}, block, nlri_10_1), {});
        REQUIRE(u);
        CHECK(u->treat_as_withdraw);
        CHECK(u->nlri == std::vector<Nlri>{nlri("10.1.0.0/16")});
        REQUIRE(u->errors.size() == 1);
        check_error(u->errors[0], update_subcode::malformed_attribute_list, taw);
        CHECK(u->errors[0].attribute == code(AttrType::communities));
        CHECK(u->errors[0].reason.find("overruns") != std::string::npos);
    }
    SECTION("fewer than 3 octets left for an attribute header") {
        const auto u = decode_update(update_body({}, cat({mandatory, {0x40, 0x05}}), nlri_10), {});
        REQUIRE(u);
        CHECK(u->treat_as_withdraw);
        REQUIRE(u->errors.size() == 1);
        check_error(u->errors[0], update_subcode::malformed_attribute_list, taw);
        CHECK(u->errors[0].reason.find("2 trailing octets") != std::string::npos);
    }
    SECTION("fewer than 4 octets with the Extended Length bit") {
        const auto u =
            decode_update(update_body({}, cat({mandatory, {0x50, 0x05, 0x00}}), nlri_10), {});
        REQUIRE(u);
        CHECK(u->treat_as_withdraw);
        CHECK(u->nlri.size() == 1);
    }
    SECTION("zero length is an error except for AS_PATH and ATOMIC_AGGREGATE") {
        auto u = announce({0x40, 0x06, 0x00});
        REQUIRE(u);
        CHECK(u->errors.empty());
        CHECK(u->attributes.as_path == AsPath{});
        const std::vector<std::pair<Bytes, ErrorAction>> zero = {
            {{0x80, 0x04, 0x00}, taw},      // MED
            {{0xc0, 0x08, 0x00}, taw},      // COMMUNITIES
            {{0xc0, 0x10, 0x00}, taw},      // EXTENDED COMMUNITIES
            {{0xc0, 0x20, 0x00}, taw},      // LARGE_COMMUNITY
            {{0xc0, 0x23, 0x00}, taw},      // OTC
            {{0xc0, 0x17, 0x00}, taw},      // TUNNEL_ENCAPSULATION
            {{0xc0, 0x07, 0x00}, discard},  // AGGREGATOR
        };
        for (const auto& [attr, action] : zero) {
            INFO("attribute " << int(attr[1]));
            u = announce(attr);
            REQUIRE(u);
            REQUIRE(u->errors.size() == 1);
            CHECK(u->errors[0].action == action);
            CHECK(u->errors[0].attribute == attr[1]);
            CHECK(u->errors[0].data == attr);
        }
    }
    SECTION("a framing error in an UPDATE without reachable NLRI resets (§5.2)") {
        const auto u = decode_update(update_body(withdrawn_192, {0x40, 0x01, 0x05, 0x00}, {}), {});
        REQUIRE_FALSE(u);
        CHECK(u.error().action == reset);
    }
}

// ---------------------------------------------------------------------------
// §5 Parsing of Network Layer Reachability Information (NLRI) Fields
// ---------------------------------------------------------------------------

TEST_CASE("RFC 7606 §5.1: MP attributes in any position and combination are accepted",
          "[wire][rfc7606]") {
    const Bytes reach = {0x80, 0x0e, 0x1a, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d,
                         0xb8, 0,    0,    0,    0,    0,    0,    0,    0,    0,
                         0,    0,    0x01, 0x00, 0x20, 0x20, 0x01, 0x0d, 0xb8};  // 2001:db8::/32
    const Bytes unreach = {0x80, 0x0f, 0x05, 0x00, 0x01, 0x01, 0x08, 0x0b};      // 11.0.0.0/8
    const auto u =
        decode_update(update_body(withdrawn_192, cat({unreach, mandatory, reach}), nlri_10), {});
    REQUIRE(u);
    CHECK(u->errors.empty());
    CHECK(u->withdrawn.size() == 1);
    CHECK(u->nlri.size() == 1);
    REQUIRE(u->attributes.mp_reach);
    CHECK(u->attributes.mp_reach->nlri == std::vector<Nlri>{nlri("2001:db8::/32")});
    REQUIRE(u->attributes.mp_unreach);
    CHECK(u->attributes.mp_unreach->nlri == std::vector<Nlri>{nlri("11.0.0.0/8")});
    const auto again = encode(Message{*u}, {});
    REQUIRE(again);
    CHECK(Bytes(again->begin() + 19, again->end()) ==
          update_body(withdrawn_192, cat({unreach, mandatory, reach}), nlri_10));
}

TEST_CASE("RFC 7606 §5.2: attribute errors without reachable NLRI reset the session",
          "[wire][rfc7606]") {
    const Bytes bad_communities = {0xc0, 0x08, 0x03, 0x00, 0x01, 0x00};
    SECTION("withdrawals only, treat-as-withdraw error: session reset") {
        const auto u =
            decode_update(update_body(withdrawn_192, cat({mandatory, bad_communities}), {}), {});
        REQUIRE_FALSE(u);
        check_error(u.error(), update_subcode::attribute_length_error, reset);
        CHECK(u.error().reason.find("§5.2") != std::string::npos);
    }
    SECTION("MP_REACH_NLRI without NLRI counts as no reachable NLRI") {
        const Bytes empty_reach = {0x80, 0x0e, 0x09, 0x00, 0x01, 0x01, 0x04, 10, 0, 0, 1, 0x00};
        const auto u =
            decode_update(update_body({}, cat({mandatory, empty_reach, bad_communities}), {}), {});
        REQUIRE_FALSE(u);
        CHECK(u.error().action == reset);
    }
    SECTION("attribute discard is still fine") {
        const auto u = decode_update(
            update_body(withdrawn_192, cat({mandatory, {0x40, 0x06, 0x01, 0}}), {}), {});
        REQUIRE(u);
        REQUIRE(u->errors.size() == 1);
        CHECK(u->errors[0].action == discard);
        CHECK(u->withdrawn.size() == 1);
    }
    SECTION("End-of-RIB forms decode cleanly") {
        auto u = decode_update(update_body({}, {}, {}), {});
        REQUIRE(u);
        CHECK(u->end_of_rib() == ipv4_unicast);
        u = decode_update(update_body({}, {0x80, 0x0f, 0x03, 0x00, 0x02, 0x01}, {}), {});
        REQUIRE(u);
        CHECK(u->errors.empty());
        CHECK(u->end_of_rib() == ipv6_unicast);
    }
}

TEST_CASE("RFC 7606 §5.3: syntactically incorrect NLRI", "[wire][rfc7606]") {
    SECTION("NLRI field: prefix length over 32 or overrun: session reset") {
        auto u = decode_update(update_body({}, mandatory, {0x21, 10, 0, 0, 0, 0}), {});
        REQUIRE_FALSE(u);
        check_error(u.error(), update_subcode::invalid_network_field, reset);
        u = decode_update(update_body({}, mandatory, {0x18, 10}), {});
        REQUIRE_FALSE(u);
        CHECK(u.error().action == reset);
    }
    SECTION("MP_REACH_NLRI: prefix longer than 128: AFI/SAFI disable, Optional Attribute Error") {
        const Bytes reach = {0x80, 0x0e, 0x16, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01,
                             0x0d, 0xb8, 0,    0,    0,    0,    0,    0,    0,
                             0,    0,    0,    0,    0x01, 0x00, 0x81};  // /129
        const auto d = decode_attrs(reach, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::optional_attribute_error, disable);
        CHECK(d.fatal->data == reach);
        CHECK(d.fatal->attribute == code(AttrType::mp_reach_nlri));
        CHECK(d.fatal->reason.find("ipv6-unicast") != std::string::npos);
    }
    SECTION("MP_REACH_NLRI: the last prefix overruns the attribute") {
        const Bytes reach = {0x80, 0x0e, 0x0b, 0x00, 0x01, 0x01, 0x04, 10, 0, 0, 1, 0x00, 0x18, 10};
        const auto d = decode_attrs(reach, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::optional_attribute_error, disable);
    }
    SECTION("MP_UNREACH_NLRI: the last prefix overruns the attribute") {
        const auto d = decode_attrs({0x80, 0x0f, 0x05, 0x00, 0x01, 0x01, 0x18, 10}, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::optional_attribute_error, disable);
    }
    SECTION("ADD-PATH: a truncated path identifier") {
        CodecOptions ap;
        ap.add_path.insert(ipv6_unicast);
        const auto d = decode_attrs({0x80, 0x0f, 0x05, 0x00, 0x02, 0x01, 0x00, 0x00}, ap, false);
        REQUIRE(d.fatal);
        CHECK(d.fatal->action == disable);
    }
    SECTION("MP_UNREACH_NLRI shorter than 3, MP_REACH_NLRI shorter than 5") {
        auto d = decode_attrs({0x80, 0x0f, 0x02, 0x00, 0x01}, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::optional_attribute_error, reset);
        d = decode_attrs({0x80, 0x0e, 0x04, 0x00, 0x01, 0x01, 0x00}, {}, false);
        REQUIRE(d.fatal);
        check_error(*d.fatal, update_subcode::optional_attribute_error, disable);
        d = decode_attrs({0x80, 0x0e, 0x02, 0x00, 0x01}, {}, false);
        REQUIRE(d.fatal);
        CHECK(d.fatal->action == reset);
    }
}

TEST_CASE("RFC 7606 §5.4: typed NLRI families are kept as bytes, never an error",
          "[wire][rfc7606]") {
    // EVPN route type 99 (unrecognized): the codec keeps the NLRI raw; judging
    // route types (and discarding unknown ones) belongs to whoever interprets
    // the family.
    const Bytes reach = {0x80, 0x0e, 0x0d, 0x00, 0x19, 0x46, 0x04, 10,
                         0,    0,    1,    0x00, 0x63, 0x02, 0xaa, 0xbb};
    const auto d = decode_attrs(cat({origin_igp, as_path_empty, reach}), {}, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    REQUIRE(d.attrs.mp_reach);
    CHECK(d.attrs.mp_reach->raw_nlri == Bytes{0x63, 0x02, 0xaa, 0xbb});
}

// ---------------------------------------------------------------------------
// §7 Error Handling Procedures for Existing Attributes
// ---------------------------------------------------------------------------

TEST_CASE("RFC 7606 §7.1 ORIGIN", "[wire][rfc7606]") {
    const Bytes wrong_length = {0x40, 0x01, 0x02, 0x00, 0x00};
    auto u = decode_update(
        update_body({}, cat({wrong_length, as_path_empty, next_hop_10_0_0_1}), nlri_10), {});
    auto e = withdrawn_because(u, code(AttrType::origin));
    check_error(e, update_subcode::attribute_length_error, taw);
    CHECK(e.data == wrong_length);
    CHECK(e.reason == "ORIGIN: length 2, expected 1");

    const Bytes undefined = {0x40, 0x01, 0x01, 0x03};
    u = decode_update(update_body({}, cat({undefined, as_path_empty, next_hop_10_0_0_1}), nlri_10),
                      {});
    e = withdrawn_because(u, code(AttrType::origin));
    check_error(e, update_subcode::invalid_origin_attribute, taw);
    CHECK(e.data == undefined);
    CHECK(e.reason == "ORIGIN: undefined value 3");
}

TEST_CASE("RFC 7606 §7.2 AS_PATH", "[wire][rfc7606]") {
    auto with_path = [](const Bytes& path, const CodecOptions& o = {}) {
        return decode_update(update_body({}, cat({origin_igp, path, next_hop_10_0_0_1}), nlri_10),
                             o);
    };
    struct Case {
        Bytes path;
        const char* reason;
    };
    const std::vector<Case> malformed = {
        {{0x40, 0x02, 0x06, 0x05, 0x01, 0, 0, 0, 1}, "AS_PATH: unrecognized segment type 5"},
        {{0x40, 0x02, 0x06, 0x02, 0x05, 0, 0, 0, 1},
         "AS_PATH: segment length 5 overruns attribute (needs 20 octets, 4 left)"},
        {{0x40, 0x02, 0x07, 0x02, 0x01, 0, 0, 0, 1, 0x02},
         "AS_PATH: 1 octet left after the last segment, too short for a segment header "
         "(underrun)"},
        {{0x40, 0x02, 0x02, 0x02, 0x00}, "AS_PATH: segment of type 2 has length 0"},
    };
    for (const auto& c : malformed) {
        const auto u = with_path(c.path);
        const auto& e = withdrawn_because(u, code(AttrType::as_path));
        check_error(e, update_subcode::malformed_as_path, taw);
        CHECK(e.reason == c.reason);
        CHECK(e.data == c.path);
    }
    SECTION("2- and 4-octet AS numbers follow the session") {
        const Bytes two = {0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe8};
        auto u = with_path(two, two_octet());
        REQUIRE(u);
        CHECK(u->errors.empty());
        CHECK(u->attributes.as_path->to_string() == "65000");
        u = with_path(two);  // read with 4-octet ASNs it overruns
        withdrawn_because(u, code(AttrType::as_path));
    }
    SECTION("confederation segments: malformed from an external peer (RFC 5065 §5.3)") {
        const Bytes confed = {0x40, 0x02, 0x06, 0x03, 0x01, 0, 0, 0xfc, 0x00};
        auto u = with_path(confed, ebgp());
        const auto& e = withdrawn_because(u, code(AttrType::as_path));
        check_error(e, update_subcode::malformed_as_path, taw);
        for (const auto& o : {ibgp(), CodecOptions{}}) {  // internal or unknown: fine
            u = with_path(confed, o);
            REQUIRE(u);
            CHECK(u->errors.empty());
            CHECK(u->attributes.as_path->to_string() == "(64512)");
        }
    }
}

TEST_CASE("RFC 7606 §7.3 NEXT_HOP", "[wire][rfc7606]") {
    // As in tcpdump's bgp-addpath.pcap: a NEXT_HOP of length 0.
    const Bytes empty = {0x40, 0x03, 0x00};
    auto u = decode_update(update_body({}, cat({origin_igp, as_path_empty, empty}), nlri_10), {});
    auto e = withdrawn_because(u, code(AttrType::next_hop));
    check_error(e, update_subcode::attribute_length_error, taw);
    CHECK(e.reason == "NEXT_HOP: length 0, expected 4");
    CHECK(e.data == empty);
    const Bytes v6 = {0x40, 0x03, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    u = decode_update(update_body({}, cat({origin_igp, as_path_empty, v6}), nlri_10), {});
    withdrawn_because(u, code(AttrType::next_hop));
    // 0.0.0.0 is syntactically fine: semantics are the validator's.
    u = decode_update(
        update_body({}, cat({origin_igp, as_path_empty, {0x40, 0x03, 0x04, 0, 0, 0, 0}}), nlri_10),
        {});
    REQUIRE(u);
    CHECK(u->errors.empty());
}

TEST_CASE("RFC 7606 §7.4 MULTI_EXIT_DISC", "[wire][rfc7606]") {
    const auto u = announce({0x80, 0x04, 0x02, 0x00, 0x01});
    check_error(withdrawn_because(u, code(AttrType::multi_exit_disc)),
                update_subcode::attribute_length_error, taw);
}

TEST_CASE("RFC 7606 §7.5 LOCAL_PREF", "[wire][rfc7606]") {
    const Bytes good = {0x40, 0x05, 0x04, 0, 0, 0, 100};
    const Bytes bad = {0x40, 0x05, 0x03, 0, 0, 100};
    SECTION("from an external peer: attribute discard, whatever its value") {
        for (const auto& a : {good, bad}) {
            const auto& e = discarded(announce(a, ebgp()), code(AttrType::local_pref));
            CHECK(e.subcode == 0);  // nothing wrong with it as such
        }
    }
    SECTION("from an internal peer: length other than 4 is treat-as-withdraw") {
        check_error(withdrawn_because(announce(bad, ibgp()), code(AttrType::local_pref)),
                    update_subcode::attribute_length_error, taw);
        const auto u = announce(good, ibgp());
        REQUIRE(u);
        CHECK(u->attributes.local_pref == 100u);
    }
    SECTION("session type unknown (a capture): kept") {
        const auto u = announce(good);
        REQUIRE(u);
        CHECK(u->attributes.local_pref == 100u);
    }
}

TEST_CASE("RFC 7606 §7.6 ATOMIC_AGGREGATE", "[wire][rfc7606]") {
    const Bytes bad = {0x40, 0x06, 0x02, 0x00, 0x00};
    const auto& e = discarded(announce(bad), code(AttrType::atomic_aggregate));
    check_error(e, update_subcode::attribute_length_error, discard);
    CHECK(e.data == bad);
}

TEST_CASE("RFC 7606 §7.7 AGGREGATOR", "[wire][rfc7606]") {
    const Bytes six = {0xc0, 0x07, 0x06, 0xfd, 0xe8, 10, 0, 0, 1};
    const Bytes eight = {0xc0, 0x07, 0x08, 0, 0, 0xfd, 0xe8, 10, 0, 0, 1};
    check_error(discarded(announce(six), code(AttrType::aggregator)),
                update_subcode::attribute_length_error, discard);
    check_error(discarded(announce(eight, two_octet()), code(AttrType::aggregator)),
                update_subcode::attribute_length_error, discard);
    auto u = announce(six, two_octet());
    REQUIRE(u);
    CHECK(u->attributes.aggregator == Aggregator{65000, ip("10.0.0.1")});
    u = announce(eight);
    REQUIRE(u);
    CHECK(u->attributes.aggregator == Aggregator{65000, ip("10.0.0.1")});
}

TEST_CASE("RFC 7606 §7.8 COMMUNITIES", "[wire][rfc7606]") {
    const Bytes bad = {0xc0, 0x08, 0x06, 0, 1, 0, 1, 0, 2};
    const auto& e = withdrawn_because(announce(bad), code(AttrType::communities));
    check_error(e, update_subcode::attribute_length_error, taw);
    CHECK(e.data == bad);
    withdrawn_because(announce({0xc0, 0x08, 0x00}), code(AttrType::communities));
}

TEST_CASE("RFC 7606 §7.9 ORIGINATOR_ID", "[wire][rfc7606]") {
    const Bytes good = {0x80, 0x09, 0x04, 10, 0, 0, 9};
    const Bytes bad = {0x80, 0x09, 0x05, 10, 0, 0, 9, 0};
    discarded(announce(good, ebgp()), code(AttrType::originator_id));
    discarded(announce(bad, ebgp()), code(AttrType::originator_id));
    check_error(withdrawn_because(announce(bad, ibgp()), code(AttrType::originator_id)),
                update_subcode::attribute_length_error, taw);
    const auto u = announce(good, ibgp());
    REQUIRE(u);
    CHECK(u->attributes.originator_id == ip("10.0.0.9"));
}

TEST_CASE("RFC 7606 §7.10 CLUSTER_LIST", "[wire][rfc7606]") {
    const Bytes good = {0x80, 0x0a, 0x04, 10, 0, 0, 9};
    discarded(announce(good, ebgp()), code(AttrType::cluster_list));
    for (const Bytes& bad : {Bytes{0x80, 0x0a, 0x06, 10, 0, 0, 9, 0, 0}, Bytes{0x80, 0x0a, 0x00}}) {
        check_error(withdrawn_because(announce(bad, ibgp()), code(AttrType::cluster_list)),
                    update_subcode::attribute_length_error, taw);
    }
    const auto u = announce(good, ibgp());
    REQUIRE(u);
    CHECK(u->attributes.cluster_list == std::vector<std::uint32_t>{0x0a000009});
}

TEST_CASE("RFC 7606 §7.11 MP_REACH_NLRI next hop length", "[wire][rfc7606]") {
    struct Case {
        Bytes attr;
        const char* what;
    };
    const std::vector<Case> cases = {
        // IPv4 unicast with an 8-octet next hop
        {{0x80, 0x0e, 0x0f, 0x00, 0x01, 0x01, 0x08, 10, 0, 0, 1, 10, 0, 0, 2, 0x00, 0x08, 0x0a},
         "next hop length 8 is inconsistent"},
        // IPv6 unicast with a 4-octet next hop
        {{0x80, 0x0e, 0x0b, 0x00, 0x02, 0x01, 0x04, 10, 0, 0, 1, 0x00, 0x08, 0x20},
         "next hop length 4 is inconsistent"},
        // next hop running past the attribute
        {{0x80, 0x0e, 0x07, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d}, "overruns the attribute"},
    };
    for (const auto& c : cases) {
        const auto u = decode_update(update_body({}, cat({mandatory, c.attr}), {}), {});
        REQUIRE_FALSE(u);
        check_error(u.error(), update_subcode::optional_attribute_error, disable);
        CHECK(u.error().data == c.attr);
        CHECK(u.error().attribute == code(AttrType::mp_reach_nlri));
        CHECK(u.error().reason.find(c.what) != std::string::npos);
    }
}

TEST_CASE("RFC 7606 §7.12 MP_UNREACH_NLRI", "[wire][rfc7606]") {
    const Bytes bad = {0x80, 0x0f, 0x06, 0x00, 0x02, 0x01, 0x40, 0x20, 0x01};  // /64, 2 octets
    const auto u = decode_update(update_body({}, bad, {}), {});
    REQUIRE_FALSE(u);
    check_error(u.error(), update_subcode::optional_attribute_error, disable);
    CHECK(u.error().data == bad);
}

TEST_CASE("RFC 7606 §7.13, §7.15, §7.16: attributes this codec passes through", "[wire][rfc7606]") {
    // Traffic Engineering (24), IPv6 Address Specific Extended Community (25)
    // and ATTR_SET (128) are not interpreted: kept as bytes, even when their
    // contents would be judged malformed by a speaker that interprets them.
    const Bytes te = {0xc0, 0x18, 0x01, 0x00};
    const Bytes v6ec = {0xc0, 0x19, 0x03, 0x00, 0x02, 0x00};
    const Bytes attr_set = {0xc0, 0x80, 0x02, 0x00, 0x00};
    const auto u = announce(cat({te, v6ec, attr_set}));
    REQUIRE(u);
    CHECK(u->errors.empty());
    CHECK(u->attributes.unknown.size() == 3);
}

TEST_CASE("RFC 7606 §7.14 EXTENDED COMMUNITIES", "[wire][rfc7606]") {
    for (const Bytes& bad :
         {Bytes{0xc0, 0x10, 0x0c, 0, 2, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}, Bytes{0xc0, 0x10, 0x00}}) {
        const auto& e = withdrawn_because(announce(bad), code(AttrType::extended_communities));
        check_error(e, update_subcode::attribute_length_error, taw);
        CHECK(e.data == bad);
    }
    // Unrecognized types and sub-types are not errors.
    const auto u = announce({0xc0, 0x10, 0x08, 0xee, 0xee, 1, 2, 3, 4, 5, 6});
    REQUIRE(u);
    CHECK(u->errors.empty());
    REQUIRE(u->attributes.ext_communities);
    CHECK((*u->attributes.ext_communities)[0].to_string() == "0xeeee010203040506");
}

TEST_CASE("RFC 6793 §6: AS4_PATH and AS4_AGGREGATOR", "[wire][rfc7606]") {
    const Bytes as4_path = {0xc0, 0x11, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00};
    const Bytes as4_aggr = {0xc0, 0x12, 0x08, 0xfa, 0x56, 0xea, 0x00, 10, 0, 0, 1};
    SECTION("between two NEW speakers: discarded") {
        const auto e = discarded(announce(as4_path), code(AttrType::as4_path));
        CHECK(e.subcode == 0);
        discarded(announce(as4_aggr), code(AttrType::as4_aggregator));
    }
    SECTION("from an OLD speaker: kept") {
        const auto u = announce(cat({as4_path, as4_aggr}), two_octet());
        REQUIRE(u);
        CHECK(u->errors.empty());
        CHECK(u->attributes.as4_path->to_string() == "4200000000");
        CHECK(u->attributes.as4_aggregator == Aggregator{4200000000u, ip("10.0.0.1")});
    }
    SECTION("malformed AS4_PATH: attribute discard") {
        const std::vector<Bytes> bad = {
            {0xc0, 0x11, 0x04, 0x02, 0x01, 0x00, 0x01},     // under 6 octets
            {0xc0, 0x11, 0x07, 0x02, 0x01, 0, 0, 0, 1, 0},  // odd length
            {0xc0, 0x11, 0x06, 0x02, 0x00, 0, 0, 0, 1},     // zero segment length
            {0xc0, 0x11, 0x06, 0x02, 0x02, 0, 0, 0, 1},     // inconsistent
            {0xc0, 0x11, 0x06, 0x07, 0x01, 0, 0, 0, 1},     // segment type 7
        };
        for (const auto& b : bad) {
            const auto& e = discarded(announce(b, two_octet()), code(AttrType::as4_path));
            CHECK(e.data == b);
        }
    }
    SECTION("confederation segments in AS4_PATH are removed, the rest kept") {
        const Bytes with_confed = {0xc0, 0x11, 0x0c, 0x03, 0x01, 0,    0,   0xfc,
                                   0x00, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00};
        const auto u = announce(with_confed, two_octet());
        REQUIRE(u);
        CHECK_FALSE(u->treat_as_withdraw);
        CHECK(u->attributes.as4_path->to_string() == "4200000000");
        REQUIRE(u->errors.size() == 1);
        CHECK(u->errors[0].action == discard);
        CHECK(u->errors[0].reason.find("confederation") != std::string::npos);
    }
    SECTION("AS4_AGGREGATOR of the wrong length: attribute discard") {
        check_error(discarded(announce({0xc0, 0x12, 0x06, 0, 1, 10, 0, 0, 1}, two_octet()),
                              code(AttrType::as4_aggregator)),
                    update_subcode::attribute_length_error, discard);
    }
    SECTION("in an MRT table dump there is no session to judge: kept") {
        CodecOptions mrt;
        mrt.mrt_rib_entry = true;
        const auto d = decode_attrs(cat({mandatory, as4_path}), mrt, false);
        REQUIRE_FALSE(d.fatal);
        CHECK(d.errors.empty());
        CHECK(d.attrs.as4_path);
    }
}

TEST_CASE("RFC 8092 §5: LARGE_COMMUNITY", "[wire][rfc7606]") {
    for (const Bytes& bad :
         {Bytes{0xc0, 0x20, 0x08, 0, 0, 0, 1, 0, 0, 0, 2}, Bytes{0xc0, 0x20, 0x00}}) {
        const auto& e = withdrawn_because(announce(bad), code(AttrType::large_community));
        check_error(e, update_subcode::attribute_length_error, taw);
        CHECK(e.data == bad);
    }
}

TEST_CASE("RFC 9234 §5: OTC", "[wire][rfc7606]") {
    const Bytes bad = {0xc0, 0x23, 0x03, 0, 0, 1};
    const auto& e = withdrawn_because(announce(bad), code(AttrType::otc));
    check_error(e, update_subcode::attribute_length_error, taw);
    CHECK(e.data == bad);
}

TEST_CASE("RFC 9012 §13: TUNNEL_ENCAPSULATION", "[wire][rfc7606]") {
    // A sub-TLV running past its Tunnel TLV: treat-as-withdraw (more cases in
    // tunnel_encap_test.cpp).
    const Bytes bad = {0xc0, 0x17, 0x08, 0x00, 0x08, 0x00, 0x04, 0x08, 0x03, 0x12, 0xb5};
    const auto& e = withdrawn_because(announce(bad), code(AttrType::tunnel_encapsulation));
    check_error(e, update_subcode::optional_attribute_error, taw);
    CHECK(e.data == bad);
}

TEST_CASE("Unrecognized attributes (RFC 4271 §5, §6.3)", "[wire][rfc7606]") {
    // Optional ones, transitive or not, are accepted and kept; a well-known one
    // resets the session (RFC 7606 leaves this rule as it was).
    auto u = announce({0xc0, 0x63, 0x00, 0x80, 0x64, 0x01, 0x07});
    REQUIRE(u);
    CHECK(u->errors.empty());
    CHECK(u->attributes.unknown.size() == 2);
    u = announce({0x00, 0x63, 0x00});
    REQUIRE_FALSE(u);
    check_error(u.error(), update_subcode::unrecognized_well_known_attribute, reset);
}
