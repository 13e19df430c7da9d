// The MRT reader over the real dumps of tests/corpus (see its README):
// - bgpdump/: every route bgpdump prints (`bgpdump -vm`, test_expect/) must be
//   what this reader and the wire decoder produce, line for line (kind, time,
//   peer, peer AS, prefix, path id; state changes);
// - mrtparse/: record counts by type and subtype, BGP message types inside;
// - bgpkit-parser/ripe/: old and damaged RIPE dumps read to the end, damage
//   reported where it is.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/mrt/reader.hpp"
#include "bgp/wire/message.hpp"
#include "wire/nlri.hpp"

using namespace bgp;
using namespace bgp::mrt;

namespace {

const std::string corpus = std::string(BGP_TEST_DATA_DIR) + "/corpus/";

std::vector<std::uint8_t> load(const std::string& rel) {
    auto d = read_file(corpus + rel);
    INFO(rel);
    REQUIRE(d);
    return std::move(*d);
}

// What a whole file holds.
struct Summary {
    std::map<std::string, std::size_t> records;   // "BGP4MP/MESSAGE_AS4" -> count
    std::map<std::string, std::size_t> messages;  // BGP message type inside -> count
    std::map<std::string, std::size_t> routes;    // "A ipv4" / "W ipv6" / "B ipv4" / "STATE"
    std::vector<std::string> lines;               // bgpdump -m style keys (Lines::strings)
    std::vector<std::uint64_t> hashes;            // their hashes (Lines::hashes)
    std::size_t undecodable = 0;                  // BGP messages the wire codec rejects
    std::size_t rib_entries = 0;
    std::size_t entry_errors = 0;
    ReaderStats stats;
    std::vector<std::pair<std::uint64_t, std::string>> errors;  // offset, Record::error
};

std::string family_of(const wire::Prefix& p) {
    return p.afi() == wire::Afi::ipv4 ? "ipv4" : "ipv6";
}

std::string time_of(const Record& r) {
    if (r.type != type::bgp4mp_et) return std::to_string(r.timestamp);
    char us[16];
    std::snprintf(us, sizeof us, ".%06u", static_cast<unsigned>(r.microseconds));
    return std::to_string(r.timestamp) + us;
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// What bgpdump prints of an UPDATE the codec rejects as a whole: the IPv4
// withdrawn routes and NLRI up to the first prefix that does not parse.
bool salvage_update(const BgpMessage& m, wire::Update& out) {
    const auto& b = m.message;
    if (b.size() < wire::header_size + 4 || b[18] != 2) return false;
    std::size_t at = wire::header_size;
    const std::size_t wlen = std::min<std::size_t>(be16(&b[at]), b.size() - at - 2);
    const std::span<const std::uint8_t> bytes(b);
    (void)wire::detail::decode_prefixes(bytes.subspan(at + 2, wlen), wire::Afi::ipv4, m.add_path,
                                        out.withdrawn, 0);
    at += 2 + wlen;
    if (b.size() - at < 2) return true;
    const std::size_t alen = be16(&b[at]);
    at += 2;
    if (alen > b.size() - at) return true;
    at += alen;
    (void)wire::detail::decode_prefixes(bytes.subspan(at), wire::Afi::ipv4, m.add_path, out.nlri,
                                        0);
    return true;
}

// What summarize keeps of each route line: nothing, its hash (cheap to sort
// for the big files), or the text (for diagnostics and small checks).
enum class Lines { none, hashes, strings };

Summary summarize(const std::vector<std::uint8_t>& data, Lines keep) {
    Summary s;
    Reader reader(data);
    auto add = [&](std::string kind, const std::string& family, std::string line) {
        ++s.routes[family.empty() ? kind : kind + " " + family];
        if (keep == Lines::strings) s.lines.push_back(std::move(line));
        if (keep == Lines::hashes) s.hashes.push_back(std::hash<std::string>{}(line));
    };
    while (auto rec = reader.next()) {
        ++s.records[type_name(rec->type) + "/" + subtype_name(rec->type, rec->subtype)];
        if (rec->error) s.errors.emplace_back(rec->offset, *rec->error);
        const std::string tag = rec->type == type::bgp4mp_et ? "BGP4MP_ET" : "BGP4MP";
        if (const auto* m = std::get_if<BgpMessage>(&rec->body)) {
            if (m->message.size() >= wire::header_size) {
                ++s.messages[wire::message_type_name(m->message[18])];
            } else {
                ++s.messages["(no header)"];
            }
            auto decoded = wire::decode_message(m->message, m->codec_options());
            wire::Update salvaged;
            const wire::Update* u = nullptr;
            if (decoded) {
                u = std::get_if<wire::Update>(&*decoded);
            } else {
                ++s.undecodable;
                if (salvage_update(*m, salvaged)) u = &salvaged;
            }
            if (!u) continue;
            const std::string head = tag + "|" + time_of(*rec) + "|";
            const std::string peer =
                "|" + m->peer_address.to_string() + "|" + std::to_string(m->peer_as) + "|";
            auto announce = [&](const std::vector<wire::Nlri>& v) {
                for (const auto& n : v) {
                    add("A", family_of(n.prefix), head + "A" + peer + n.prefix.to_string());
                }
            };
            auto withdraw = [&](const std::vector<wire::Nlri>& v) {
                for (const auto& n : v) {
                    add("W", family_of(n.prefix), head + "W" + peer + n.prefix.to_string());
                }
            };
            withdraw(u->withdrawn);
            if (u->attributes.mp_unreach) withdraw(u->attributes.mp_unreach->nlri);
            announce(u->nlri);
            if (u->attributes.mp_reach) announce(u->attributes.mp_reach->nlri);
        } else if (const auto* sc = std::get_if<StateChange>(&rec->body)) {
            add("STATE", "",
                tag + "|" + time_of(*rec) + "|STATE|" + sc->peer_address.to_string() + "|" +
                    std::to_string(sc->peer_as) + "|" + std::to_string(sc->old_state) + "|" +
                    std::to_string(sc->new_state));
        } else if (const auto* rib = std::get_if<RibRecord>(&rec->body)) {
            for (const auto& e : rib->entries) {
                ++s.rib_entries;
                if (!e.errors.empty()) ++s.entry_errors;
                std::string t = rec->type == type::table_dump ? "TABLE_DUMP"
                                : e.path_id                   ? "TABLE_DUMP2_AP"
                                                              : "TABLE_DUMP2";
                std::string line = t + "|" + std::to_string(rec->timestamp) + "|B|" +
                                   e.peer.address.to_string() + "|" + std::to_string(e.peer.asn) +
                                   "|" + e.prefix.to_string();
                if (e.path_id) line += "|" + std::to_string(*e.path_id);
                add("B", family_of(e.prefix), std::move(line));
            }
        }
    }
    s.stats = reader.stats();
    return s;
}

// bgpdump's inet_ntop shortened a single zero group of an IPv6 address with
// "::", which RFC 5952 §4.2.2 forbids; IpAddress::to_string follows RFC 5952.
// Compare canonical text. (IPv4 text is canonical already.)
std::string canonical_address(std::string_view text) {
    if (text.find(':') == std::string_view::npos) return std::string(text);
    const auto a = wire::IpAddress::parse(text);
    REQUIRE(a);
    return a->to_string();
}

std::string canonical_prefix(std::string_view text) {
    if (text.find(':') == std::string_view::npos) return std::string(text);
    const auto p = wire::Prefix::parse(text);
    REQUIRE(p);
    return p->to_string();
}

// The same keys from bgpdump's output: the fields up to the prefix (and the
// path id of TABLE_DUMP2_AP lines); the whole line for STATE.
Summary expected_from_bgpdump(const std::string& text, Lines keep) {
    Summary s;
    auto keep_line = [&](std::string line) {
        if (keep == Lines::strings) s.lines.push_back(std::move(line));
        if (keep == Lines::hashes) s.hashes.push_back(std::hash<std::string>{}(line));
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        const std::string_view line(text.data() + pos, eol - pos);
        pos = eol + 1;
        if (line.empty()) continue;
        std::vector<std::string_view> f;
        std::size_t a = 0;
        while (true) {
            const std::size_t b = line.find('|', a);
            f.push_back(
                line.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a));
            if (b == std::string_view::npos) break;
            a = b + 1;
        }
        REQUIRE(f.size() >= 6);
        if (f[2] == "STATE") {
            ++s.routes["STATE"];
            REQUIRE(f.size() == 7);
            keep_line(std::string(f[0]) + "|" + std::string(f[1]) + "|STATE|" +
                      canonical_address(f[3]) + "|" + std::string(f[4]) + "|" + std::string(f[5]) +
                      "|" + std::string(f[6]));
            continue;
        }
        const std::string family = f[5].find(':') != std::string_view::npos ? "ipv6" : "ipv4";
        ++s.routes[std::string(f[2]) + " " + family];
        std::string key = std::string(f[0]) + "|" + std::string(f[1]) + "|" + std::string(f[2]) +
                          "|" + canonical_address(f[3]) + "|" + std::string(f[4]) + "|" +
                          canonical_prefix(f[5]);
        if (f[0] == "TABLE_DUMP2_AP") key += "|" + std::string(f[6]);
        keep_line(std::move(key));
    }
    return s;
}

void compare_with_bgpdump(const std::string& file, std::size_t undecodable = 0) {
    INFO("bgpdump/test_data/" << file);
    const auto data = load("bgpdump/test_data/" + file);
    const auto expect_gz = load("bgpdump/test_expect/" + file + ".bgp.gz");
    const std::string text(expect_gz.begin(), expect_gz.end());

    auto got = summarize(data, Lines::hashes);
    auto want = expected_from_bgpdump(text, Lines::hashes);
    CHECK(got.stats.damaged == 0);
    CHECK(got.undecodable == undecodable);
    CHECK(got.routes == want.routes);
    CHECK(got.hashes.size() == want.hashes.size());
    std::sort(got.hashes.begin(), got.hashes.end());
    std::sort(want.hashes.begin(), want.hashes.end());
    if (got.hashes == want.hashes) return;

    // They differ: say how, from the text.
    got = summarize(data, Lines::strings);
    want = expected_from_bgpdump(text, Lines::strings);
    std::sort(got.lines.begin(), got.lines.end());
    std::sort(want.lines.begin(), want.lines.end());
    std::vector<std::string> missing;
    std::vector<std::string> extra;
    std::set_difference(want.lines.begin(), want.lines.end(), got.lines.begin(), got.lines.end(),
                        std::back_inserter(missing));
    std::set_difference(got.lines.begin(), got.lines.end(), want.lines.begin(), want.lines.end(),
                        std::back_inserter(extra));
    for (std::size_t i = 0; i < std::min<std::size_t>(missing.size(), 5); ++i) {
        UNSCOPED_INFO("bgpdump has, we do not: " << missing[i]);
    }
    for (std::size_t i = 0; i < std::min<std::size_t>(extra.size(), 5); ++i) {
        UNSCOPED_INFO("we have, bgpdump does not: " << extra[i]);
    }
    CHECK(missing.size() == 0);
    CHECK(extra.size() == 0);
    CHECK(got.hashes == want.hashes);  // fails here at the latest
}

}  // namespace

TEST_CASE("MRT corpus: bgpdump table dumps", "[mrt][corpus]") {
    compare_with_bgpdump("bview.20020722.2337.gz");
    compare_with_bgpdump("bview.64k_stream_overflow.gz");
    compare_with_bgpdump("bview.ipv4_unicast_add_path.gz");
    compare_with_bgpdump("bview.ipv6_unicast_add_path.gz");
}

TEST_CASE("MRT corpus: bgpdump updates", "[mrt][corpus]") {
    compare_with_bgpdump("updates.20020722.2238.gz");
    compare_with_bgpdump("updates.20070211.0141.gz");
    compare_with_bgpdump("updates.20071015.1505.gz");
    compare_with_bgpdump("updates.20100722.2015.gz");
    compare_with_bgpdump("updates.20160811.1600.gz");
}

TEST_CASE("MRT corpus: bgpdump BGP4MP_ET", "[mrt][corpus]") {
    compare_with_bgpdump("updates.et-header.2015.gz");
}

TEST_CASE("MRT corpus: bgpdump special cases", "[mrt][corpus]") {
    // A 36,894-octet UPDATE (beyond RFC 4271's 4096) withdrawing 4096 /64s.
    compare_with_bgpdump("updates.long_withdrawal.gz");
    // An NLRI with host bits set: bgpdump (and we) print it masked. A stray
    // octet follows it (a /11 without its octets), which makes the UPDATE
    // malformed for the codec (RFC 7606 §5.3); bgpdump prints what it could
    // read, and so does the salvage above.
    compare_with_bgpdump("updates.nlri_mask_trailing_bits.gz", 1);
    const auto s =
        summarize(load("bgpdump/test_data/updates.nlri_mask_trailing_bits.gz"), Lines::strings);
    REQUIRE(s.lines.size() == 1);
    CHECK(s.lines[0] == "BGP4MP|1289168632|A|12.0.1.63|7018|11.8.0.0/13");
}

namespace {

struct SampleCounts {
    const char* file;
    std::map<std::string, std::size_t> records;
    std::map<std::string, std::size_t> messages;
};

}  // namespace

// Counts from the corpus README ("MRT files" table).
TEST_CASE("MRT corpus: mrtparse samples", "[mrt][corpus]") {
    const std::vector<SampleCounts> cases = {
        {"bird-mrtdump_bgp",
         {{"BGP4MP/MESSAGE", 1},
          {"BGP4MP/MESSAGE_AS4_ADDPATH", 14},
          {"BGP4MP/STATE_CHANGE_AS4", 12}},
         {{"KEEPALIVE", 5}, {"NOTIFICATION", 1}, {"OPEN", 2}, {"ROUTE-REFRESH", 1}, {"UPDATE", 6}}},
        {"bird-mrtdump_rib",
         {{"TABLE_DUMP_V2/PEER_INDEX_TABLE", 2},
          {"TABLE_DUMP_V2/RIB_IPV4_UNICAST", 4},
          {"TABLE_DUMP_V2/RIB_IPV4_UNICAST_ADDPATH", 8}},
         {}},
        {"bird6-mrtdump_bgp",
         {{"BGP4MP/MESSAGE", 1},
          {"BGP4MP/MESSAGE_AS4_ADDPATH", 14},
          {"BGP4MP/STATE_CHANGE_AS4", 12}},
         {{"KEEPALIVE", 5}, {"NOTIFICATION", 1}, {"OPEN", 2}, {"ROUTE-REFRESH", 1}, {"UPDATE", 6}}},
        {"bird6-mrtdump_rib",
         {{"TABLE_DUMP_V2/PEER_INDEX_TABLE", 2},
          {"TABLE_DUMP_V2/RIB_IPV6_UNICAST", 2},
          {"TABLE_DUMP_V2/RIB_IPV6_UNICAST_ADDPATH", 5}},
         {}},
        {"bird6_bgp",
         {{"BGP4MP/MESSAGE", 1}, {"BGP4MP/MESSAGE_AS4", 16}, {"BGP4MP/STATE_CHANGE_AS4", 12}},
         {{"KEEPALIVE", 5}, {"NOTIFICATION", 1}, {"OPEN", 2}, {"ROUTE-REFRESH", 1}, {"UPDATE", 8}}},
        {"bird_bgp",
         {{"BGP4MP/MESSAGE", 1}, {"BGP4MP/MESSAGE_AS4", 16}, {"BGP4MP/STATE_CHANGE_AS4", 12}},
         {{"KEEPALIVE", 5}, {"NOTIFICATION", 1}, {"OPEN", 2}, {"ROUTE-REFRESH", 1}, {"UPDATE", 8}}},
        {"openbgpd_bgp",
         {{"BGP4MP/MESSAGE", 4},
          {"BGP4MP/MESSAGE_AS4", 67},
          {"BGP4MP/STATE_CHANGE", 8},
          {"BGP4MP/STATE_CHANGE_AS4", 8}},
         {{"KEEPALIVE", 13},
          {"NOTIFICATION", 2},
          {"OPEN", 4},
          {"ROUTE-REFRESH", 4},
          {"UPDATE", 48}}},
        {"openbgpd_rib_table", {{"TABLE_DUMP/AFI_IPv4", 11}, {"TABLE_DUMP/AFI_IPv6", 20}}, {}},
        {"openbgpd_rib_table-mp", {{"BGP4MP/ENTRY", 31}}, {}},
        {"openbgpd_rib_table-v2",
         {{"TABLE_DUMP_V2/PEER_INDEX_TABLE", 1},
          {"TABLE_DUMP_V2/RIB_GENERIC", 2},
          {"TABLE_DUMP_V2/RIB_IPV4_UNICAST", 11},
          {"TABLE_DUMP_V2/RIB_IPV6_UNICAST", 10}},
         {}},
        {"quagga_bgp",
         {{"BGP4MP/MESSAGE", 4}, {"BGP4MP/MESSAGE_AS4", 43}, {"BGP4MP/STATE_CHANGE_AS4", 20}},
         {{"KEEPALIVE", 10},
          {"NOTIFICATION", 2},
          {"OPEN", 4},
          {"ROUTE-REFRESH", 7},
          {"UPDATE", 24}}},
        {"quagga_rib",
         {{"TABLE_DUMP_V2/PEER_INDEX_TABLE", 1},
          {"TABLE_DUMP_V2/RIB_IPV4_UNICAST", 3},
          {"TABLE_DUMP_V2/RIB_IPV6_UNICAST", 3}},
         {}},
    };
    for (const auto& c : cases) {
        INFO("mrtparse/" << c.file);
        const auto s = summarize(load(std::string("mrtparse/") + c.file), Lines::none);
        CHECK(s.records == c.records);
        CHECK(s.messages == c.messages);
        CHECK(s.stats.damaged == 0);
        CHECK(s.stats.resyncs == 0);
    }
}

TEST_CASE("MRT corpus: mrtparse RFC 8050 samples decode with path ids", "[mrt][corpus]") {
    for (const char* file : {"bird-mrtdump_bgp", "bird6-mrtdump_bgp"}) {
        INFO(file);
        const auto s = summarize(load(std::string("mrtparse/") + file), Lines::none);
        CHECK(s.undecodable == 0);
    }
    const auto rib = summarize(load("mrtparse/bird-mrtdump_rib"), Lines::strings);
    // BIRD's own routes (0.0.0.0/0, 169.254.169.254/32, ...) are dumped
    // without attributes: the codec notes the missing ORIGIN, AS_PATH and
    // NEXT_HOP (RFC 7606 §3 d) for those entries only.
    CHECK(rib.entry_errors == 6);
    const auto with_path_id =
        std::count_if(rib.lines.begin(), rib.lines.end(),
                      [](const std::string& l) { return l.rfind("TABLE_DUMP2_AP|", 0) == 0; });
    CHECK(with_path_id > 0);
}

// Old RIPE dumps. Counts from the corpus README; damage where it says.
TEST_CASE("MRT corpus: RIPE deprecated BGP type 5 dumps", "[mrt][corpus]") {
    struct Case {
        const char* file;
        std::map<std::string, std::size_t> records;
    };
    const Case cases[] = {
        {"rrc00_updates.19990903.1041.gz",
         {{"BGP/BGP_UPDATE", 24216},
          {"BGP/BGP_STATE_CHANGE", 4},
          {"BGP/BGP_OPEN", 1},
          {"BGP/BGP_KEEPALIVE", 21}}},
        {"rrc00_updates.19991214.1621.gz",
         {{"BGP/BGP_UPDATE", 18054},
          {"BGP/BGP_STATE_CHANGE", 27},
          {"BGP/BGP_OPEN", 1},
          {"BGP/BGP_NOTIFY", 1},
          {"BGP/BGP_KEEPALIVE", 120}}},
        {"rrc00_updates.20000102.2014.gz",
         {{"BGP/BGP_UPDATE", 3818}, {"BGP/BGP_STATE_CHANGE", 16}, {"BGP/BGP_KEEPALIVE", 123}}},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        const auto s = summarize(load(std::string("bgpkit-parser/ripe/") + c.file), Lines::none);
        CHECK(s.records == c.records);
        CHECK(s.stats.damaged == 0);
        CHECK(s.undecodable == 0);
        CHECK(s.routes.count("A ipv4") == 1);
    }
}

TEST_CASE("MRT corpus: RIPE BGP4MP dumps with Quagga states 7 and 8", "[mrt][corpus]") {
    struct Case {
        const char* file;
        std::map<std::string, std::size_t> records;
    };
    const Case cases[] = {
        {"rrc03_updates.20100227.1600.first-796-records.gz",
         {{"BGP4MP/MESSAGE", 277}, {"BGP4MP/MESSAGE_AS4", 515}, {"BGP4MP/STATE_CHANGE_AS4", 4}}},
        {"rrc15_updates.20100227.1600.gz",
         {{"BGP4MP/MESSAGE", 542}, {"BGP4MP/MESSAGE_AS4", 6053}, {"BGP4MP/STATE_CHANGE_AS4", 20}}},
        {"rrc15_updates.20100227.1610.gz",
         {{"BGP4MP/MESSAGE", 631}, {"BGP4MP/MESSAGE_AS4", 1306}, {"BGP4MP/STATE_CHANGE_AS4", 16}}},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        const auto s = summarize(load(std::string("bgpkit-parser/ripe/") + c.file), Lines::strings);
        CHECK(s.records == c.records);
        CHECK(s.stats.damaged == 0);
        CHECK(s.undecodable == 0);
        const bool quagga_states =
            std::any_of(s.lines.begin(), s.lines.end(), [](const std::string& l) {
                return l.find("|STATE|") != std::string::npos &&
                       (l.size() > 2 && (l.ends_with("|7") || l.ends_with("|8")));
            });
        CHECK(quagga_states);
    }
}

TEST_CASE("MRT corpus: RIPE rrc00 bview of January 2000 (lengths 4 short, batched)",
          "[mrt][corpus]") {
    const auto s = summarize(load("bgpkit-parser/ripe/rrc00_bview.20000111.0032.gz"), Lines::none);
    // Every record is damaged the same way, and all of them are still read.
    CHECK(s.records.size() == 1);
    CHECK(s.records.count("TABLE_DUMP/AFI_IPv4") == 1);
    CHECK(s.stats.records == s.records.at("TABLE_DUMP/AFI_IPv4"));
    CHECK(s.stats.records > 2000);
    CHECK(s.stats.damaged == s.stats.records);
    CHECK(s.stats.skipped_octets == 0);
    CHECK_FALSE(s.stats.truncated_tail);
    for (const auto& [offset, error] : s.errors) {
        INFO("offset " << offset << ": " << error);
        CHECK(error.find("length field says") != std::string::npos);
    }
    CHECK(s.rib_entries > 400000);
    CHECK(s.entry_errors < s.rib_entries / 100);
}

TEST_CASE("MRT corpus: RIPE rrc00 updates of March 2000 (two damaged boundaries)",
          "[mrt][corpus]") {
    const auto s =
        summarize(load("bgpkit-parser/ripe/rrc00_updates.20000325.0345.gz"), Lines::none);
    REQUIRE(s.errors.size() == 2);
    CHECK(s.errors[0].first == 188);
    CHECK(s.errors[0].second.find("cut short") != std::string::npos);
    CHECK(s.errors[1].first == 4554);
    CHECK(s.errors[1].second.find("14 octets") != std::string::npos);
    CHECK(s.stats.skipped_octets == 14);
    CHECK(s.records.at("BGP/BGP_UPDATE") > 2000);
    CHECK(s.undecodable == 0);
}

TEST_CASE("MRT corpus: RIPE rrc01 updates of November 2000 (shortened records)", "[mrt][corpus]") {
    const auto s =
        summarize(load("bgpkit-parser/ripe/rrc01_updates.20001104.0124.gz"), Lines::none);
    CHECK(s.records == std::map<std::string, std::size_t>{{"BGP4MP/MESSAGE", 922},
                                                          {"BGP4MP/STATE_CHANGE", 364}});
    // 21 sessions opened: STATE_CHANGE, OPEN, STATE_CHANGE each shortened.
    CHECK(s.errors.size() == 63);
    for (const auto& [offset, error] : s.errors) {
        INFO("offset " << offset);
        CHECK(error.find("shortened") != std::string::npos);
    }
    CHECK(s.stats.resyncs == 0);
    CHECK(s.undecodable == 0);
}
