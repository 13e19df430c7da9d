// MRT framing (RFC 6396 §2): record boundaries, damaged framing and
// resynchronisation, names.
#include <catch2/catch_test_macros.hpp>

#include <random>

#include "bgp/mrt/reader.hpp"
#include "mrt_test_support.hpp"

using namespace bgp;
using namespace bgp::mrt;
using mrt_test::Bytes;

namespace {

constexpr std::uint32_t t0 = 1000000000;

// A BGP4MP STATE_CHANGE_AS4 record (RFC 6396 §4.4.4): 24 octets of body.
Bytes state_change(std::uint32_t ts, std::uint16_t old_state, std::uint16_t new_state,
                   std::int64_t length = -1) {
    Bytes body;
    mrt_test::put32(body, 65001);  // peer AS
    mrt_test::put32(body, 65002);  // local AS
    mrt_test::put16(body, 0);      // interface index
    mrt_test::put16(body, 1);      // AFI IPv4
    body.insert(body.end(), {192, 0, 2, 1, 192, 0, 2, 2});
    mrt_test::put16(body, old_state);
    mrt_test::put16(body, new_state);
    return mrt_test::record(ts, type::bgp4mp, bgp4mp_subtype::state_change_as4, body, length);
}

// A BGP4MP MESSAGE record holding a KEEPALIVE: 16 + 19 octets of body.
Bytes keepalive(std::uint32_t ts, std::int64_t length = -1) {
    Bytes body = {0xfd, 0xe9, 0xfd, 0xea, 0x00, 0x00, 0x00, 0x01, 192, 0, 2, 1, 192, 0, 2, 2};
    const auto msg = mrt_test::bgp_header(19, 4);
    body.insert(body.end(), msg.begin(), msg.end());
    return mrt_test::record(ts, type::bgp4mp, bgp4mp_subtype::message, body, length);
}

// Records must tile the input: each starts where the previous ended.
void check_tiling(const std::vector<Record>& recs, std::size_t input_size) {
    REQUIRE_FALSE(recs.empty());
    CHECK(recs.front().offset == 0);
    for (std::size_t i = 1; i < recs.size(); ++i) CHECK(recs[i].offset > recs[i - 1].offset);
    CHECK(recs.back().offset < input_size);
}

std::uint16_t new_state_of(const Record& r) {
    REQUIRE(std::holds_alternative<StateChange>(r.body));
    return std::get<StateChange>(r.body).new_state;
}

}  // namespace

TEST_CASE("MRT reader: sound framing", "[mrt][reader]") {
    const auto data =
        mrt_test::concat({state_change(t0, 1, 2), keepalive(t0 + 1), state_change(t0 + 2, 2, 3)});
    Reader r(data);
    std::vector<Record> recs;
    while (auto rec = r.next()) recs.push_back(std::move(*rec));
    CHECK_FALSE(r.next());  // stays at the end
    REQUIRE(recs.size() == 3);
    CHECK(recs[0].offset == 0);
    CHECK(recs[1].offset == 36);
    CHECK(recs[2].offset == 36 + 47);
    CHECK(r.offset() == data.size());
    for (const auto& rec : recs) CHECK_FALSE(rec.error);
    CHECK(r.stats().records == 3);
    CHECK(r.stats().damaged == 0);
    CHECK(r.stats().resyncs == 0);
    CHECK(r.stats().skipped_octets == 0);
    CHECK_FALSE(r.stats().truncated_tail);
    CHECK(new_state_of(recs[2]) == 3);
}

TEST_CASE("MRT reader: empty input", "[mrt][reader]") {
    Reader r(std::span<const std::uint8_t>{});
    CHECK_FALSE(r.next());
    CHECK(r.stats().records == 0);
}

TEST_CASE("MRT reader: truncated tail", "[mrt][reader]") {
    SECTION("inside a record body") {
        auto data = mrt_test::concat({state_change(t0, 1, 2), state_change(t0, 2, 3)});
        data.resize(data.size() - 6);  // the last record loses its states
        Reader r(data);
        auto first = r.next();
        REQUIRE(first);
        CHECK_FALSE(first->error);
        auto last = r.next();
        REQUIRE(last);
        REQUIRE(last->error);
        CHECK(last->error->find("truncated") != std::string::npos);
        CHECK(last->type == type::bgp4mp);
        CHECK(std::holds_alternative<StateChange>(last->body));  // what could be read
        CHECK_FALSE(r.next());
        CHECK(r.stats().truncated_tail);
        CHECK(r.stats().damaged == 1);
    }
    SECTION("inside a record header") {
        auto data = mrt_test::concat({state_change(t0, 1, 2), state_change(t0, 2, 3)});
        data.resize(36 + 7);
        const auto recs = mrt_test::read_all(data);
        REQUIRE(recs.size() == 2);
        CHECK_FALSE(recs[0].error);
        CHECK(recs[1].offset == 36);
        CHECK(recs[1].type == 0);
        REQUIRE(recs[1].error);
        CHECK(recs[1].error->find("too few for an MRT header") != std::string::npos);
        CHECK(std::get<Unsupported>(recs[1].body).raw.size() == 7);
    }
    SECTION("a single record cut short") {
        auto data = keepalive(t0);
        data.resize(data.size() - 10);
        Reader r(data);
        auto rec = r.next();
        REQUIRE(rec);
        REQUIRE(rec->error);
        CHECK(rec->type == type::bgp4mp);
        CHECK_FALSE(r.next());
        CHECK(r.stats().truncated_tail);
    }
}

TEST_CASE("MRT reader: garbage between records", "[mrt][reader]") {
    const Bytes junk = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                        0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
    const auto data = mrt_test::concat(
        {state_change(t0, 1, 2), junk, state_change(t0, 2, 3), state_change(t0, 3, 4)});
    Reader r(data);
    std::vector<Record> recs;
    while (auto rec = r.next()) recs.push_back(std::move(*rec));
    check_tiling(recs, data.size());
    REQUIRE(recs.size() == 4);
    CHECK_FALSE(recs[0].error);  // sound within its length: the junk is separate
    CHECK(recs[1].type == 0);
    CHECK(recs[1].offset == 36);
    REQUIRE(recs[1].error);
    CHECK(std::get<Unsupported>(recs[1].body).raw == junk);
    CHECK_FALSE(recs[2].error);
    CHECK(new_state_of(recs[2]) == 3);
    CHECK(new_state_of(recs[3]) == 4);
    CHECK(r.stats().skipped_octets == junk.size());
    CHECK(r.stats().damaged == 1);
}

TEST_CASE("MRT reader: garbage before the first record", "[mrt][reader]") {
    const Bytes junk(30, 0x55);
    const auto data = mrt_test::concat({junk, state_change(t0, 1, 2), keepalive(t0)});
    const auto recs = mrt_test::read_all(data);
    check_tiling(recs, data.size());
    REQUIRE(recs.size() == 3);
    CHECK(recs[0].type == 0);
    CHECK(recs[0].error);
    CHECK(recs[1].offset == 30);
    CHECK_FALSE(recs[1].error);
    CHECK_FALSE(recs[2].error);
}

TEST_CASE("MRT reader: input that frames as nothing", "[mrt][reader]") {
    const Bytes junk(100, 0x55);
    Reader r(junk);
    auto rec = r.next();
    REQUIRE(rec);
    CHECK(rec->type == 0);
    CHECK(rec->error);
    CHECK_FALSE(r.next());
    CHECK(r.stats().skipped_octets == 100);
}

TEST_CASE("MRT reader: length field too long", "[mrt][reader]") {
    SECTION("pointing inside a later record") {
        const auto data = mrt_test::concat({state_change(t0, 1, 2, 24 + 40), state_change(t0, 2, 3),
                                            state_change(t0, 3, 4), state_change(t0, 4, 5)});
        const auto recs = mrt_test::read_all(data);
        check_tiling(recs, data.size());
        REQUIRE(recs.size() == 4);
        REQUIRE(recs[0].error);
        CHECK(recs[0].error->find("length field says 64") != std::string::npos);
        CHECK(new_state_of(recs[0]) == 2);
        CHECK(recs[1].offset == 36);
        CHECK(new_state_of(recs[1]) == 3);
        CHECK(new_state_of(recs[3]) == 5);
    }
    SECTION("past the end of the input") {
        const auto data = mrt_test::concat(
            {state_change(t0, 1, 2, 100000), state_change(t0, 2, 3), state_change(t0, 3, 4)});
        const auto recs = mrt_test::read_all(data);
        REQUIRE(recs.size() == 3);
        REQUIRE(recs[0].error);
        CHECK(recs[0].error->find("past the end of the input") != std::string::npos);
        CHECK_FALSE(recs[1].error);
        CHECK_FALSE(recs[2].error);
    }
}

// Every record declares 4 octets less than it holds (RIPE rrc00, January
// 2000). The body read within the declared length is damaged, so the reader
// extends each record to the next header.
TEST_CASE("MRT reader: length field too short", "[mrt][reader]") {
    const auto data = mrt_test::concat({keepalive(t0, 35 - 4), keepalive(t0, 35 - 4),
                                        keepalive(t0, 35 - 4), keepalive(t0, 35 - 4)});
    Reader r(data);
    std::vector<Record> recs;
    while (auto rec = r.next()) recs.push_back(std::move(*rec));
    check_tiling(recs, data.size());
    REQUIRE(recs.size() == 4);
    for (std::size_t i = 0; i < recs.size(); ++i) {
        INFO("record " << i);
        CHECK(recs[i].offset == i * 47);
        REQUIRE(recs[i].error);
        CHECK(recs[i].error->find("length field says 31") != std::string::npos);
        REQUIRE(std::holds_alternative<BgpMessage>(recs[i].body));
        CHECK(std::get<BgpMessage>(recs[i].body).message == mrt_test::bgp_header(19, 4));
    }
    CHECK(r.stats().resyncs == 4);
    CHECK(r.stats().skipped_octets == 0);
}

TEST_CASE("MRT reader: header cut short", "[mrt][reader]") {
    // As in RIPE rrc00 updates of 25 March 2000: a header whose length field
    // is missing, the next record's timestamp read in its place.
    Bytes cut = {0x3b, 0x9a, 0xca, 0x00, 0x00, 0x10, 0x00, 0x05, 0x00, 0x00};
    const auto data = mrt_test::concat(
        {state_change(t0, 1, 2), cut, state_change(t0, 2, 3), state_change(t0, 3, 4)});
    const auto recs = mrt_test::read_all(data);
    check_tiling(recs, data.size());
    REQUIRE(recs.size() == 4);
    CHECK_FALSE(recs[0].error);
    CHECK(recs[1].offset == 36);
    CHECK(recs[1].error);  // as junk between records, or as a record cut short
    CHECK(recs[2].offset == 46);
    CHECK(new_state_of(recs[2]) == 3);
    CHECK_FALSE(recs[2].error);
    CHECK_FALSE(recs[3].error);
}

TEST_CASE("MRT reader: a jump in time is not damage", "[mrt][reader]") {
    // Two dumps concatenated, ten days apart.
    const auto data = mrt_test::concat({state_change(t0, 1, 2), state_change(t0, 2, 3),
                                        state_change(t0 + 864000, 1, 2), keepalive(t0 + 864000)});
    Reader r(data);
    std::vector<Record> recs;
    while (auto rec = r.next()) recs.push_back(std::move(*rec));
    REQUIRE(recs.size() == 4);
    for (const auto& rec : recs) CHECK_FALSE(rec.error);
    CHECK(r.stats().damaged == 0);
}

TEST_CASE("MRT reader: unknown types are reported and skipped", "[mrt][reader]") {
    const auto data =
        mrt_test::concat({state_change(t0, 1, 2), mrt_test::record(t0, 99, 3, {1, 2, 3, 4, 5}),
                          mrt_test::record(t0, 11, 0, {1, 2, 3}),  // OSPFv2
                          state_change(t0, 2, 3)});
    const auto recs = mrt_test::read_all(data);
    REQUIRE(recs.size() == 4);
    for (const auto& rec : recs) CHECK_FALSE(rec.error);
    CHECK(recs[1].type == 99);
    const auto& u = std::get<Unsupported>(recs[1].body);
    CHECK(u.what == "type 99 subtype 3");
    CHECK(u.raw == Bytes{1, 2, 3, 4, 5});
    CHECK(std::get<Unsupported>(recs[2].body).what == "OSPFv2 subtype 0");
    CHECK(new_state_of(recs[3]) == 3);
}

// Whatever the damage, the reader ends, returns records that tile the input
// and never reads outside it (the ASan build checks the last point).
TEST_CASE("MRT reader: mutated input", "[mrt][reader]") {
    const auto good = mrt_test::concat(
        {state_change(t0, 1, 2), keepalive(t0 + 1), state_change(t0 + 2, 2, 3), keepalive(t0 + 3),
         mrt_test::record(t0 + 4, 13, 2, {0, 0, 0, 1, 8, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}),
         state_change(t0 + 5, 3, 4)});
    std::mt19937 rng(20240601);
    for (int iter = 0; iter < 3000; ++iter) {
        Bytes data = good;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            const auto at = static_cast<std::size_t>(rng() % data.size());
            switch (rng() % 4) {
                case 0:
                    data[at] = static_cast<std::uint8_t>(rng());
                    break;
                case 1:
                    data.erase(data.begin() + static_cast<std::ptrdiff_t>(at));
                    break;
                case 2:
                    data.insert(data.begin() + static_cast<std::ptrdiff_t>(at),
                                static_cast<std::uint8_t>(rng()));
                    break;
                default:
                    data.resize(at + 1);
                    break;
            }
            if (data.empty()) data.push_back(0);
        }
        Reader r(data);
        std::vector<std::uint64_t> offsets;
        while (auto rec = r.next()) {
            offsets.push_back(rec->offset);
            if (offsets.size() > data.size()) break;
        }
        INFO("iteration " << iter);
        REQUIRE(offsets.size() <= data.size());
        REQUIRE(offsets.front() == 0);
        for (std::size_t i = 1; i < offsets.size(); ++i) REQUIRE(offsets[i] > offsets[i - 1]);
        REQUIRE(r.offset() == data.size());
    }
}

TEST_CASE("MRT names", "[mrt][reader]") {
    CHECK(type_name(type::bgp) == "BGP");
    CHECK(type_name(type::table_dump) == "TABLE_DUMP");
    CHECK(type_name(type::table_dump_v2) == "TABLE_DUMP_V2");
    CHECK(type_name(type::bgp4mp) == "BGP4MP");
    CHECK(type_name(type::bgp4mp_et) == "BGP4MP_ET");
    CHECK(type_name(77) == "type 77");
    CHECK(subtype_name(type::bgp4mp, bgp4mp_subtype::message_as4_local_addpath) ==
          "MESSAGE_AS4_LOCAL_ADDPATH");
    CHECK(subtype_name(type::bgp4mp_et, bgp4mp_subtype::state_change) == "STATE_CHANGE");
    CHECK(subtype_name(type::table_dump_v2, table_dump_v2_subtype::rib_ipv6_unicast_addpath) ==
          "RIB_IPV6_UNICAST_ADDPATH");
    CHECK(subtype_name(type::table_dump_v2, 0) == "subtype 0");
    CHECK(subtype_name(type::table_dump, 2) == "AFI_IPv6");
    CHECK(subtype_name(type::bgp, bgp_subtype::keepalive) == "BGP_KEEPALIVE");
    CHECK(subtype_name(type::bgp4mp, 12) == "subtype 12");
    CHECK(state_name(1) == "Idle");
    CHECK(state_name(4) == "OpenSent");
    CHECK(state_name(5) == "OpenConfirm");
    CHECK(state_name(6) == "Established");
    CHECK(state_name(7) == "Clearing");
    CHECK(state_name(8) == "Deleted");
    CHECK(state_name(0) == "state 0");
    CHECK(state_name(9) == "state 9");
}
