// Tests for libbgp/src/wire/notification.cpp: NOTIFICATION golden vectors from
// the corpus captures, RFC 9003 shutdown communication, RFC 8538 hard reset,
// describe(), Notification::shutdown() and the length error.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/wire/message.hpp"
#include "wire/bodies.hpp"

using namespace bgp::wire;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes hex(std::string_view s) {
    Bytes out;
    int hi = -1;
    for (char c : s) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    REQUIRE(hi < 0);
    return out;
}

Bytes hex_of_text(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// The golden vector is the capture's bytes: it occurs verbatim in the file.
bool in_capture(const std::string& rel, const Bytes& msg) {
    std::ifstream f(std::string(BGP_TEST_DATA_DIR) + "/corpus/" + rel, std::ios::binary);
    REQUIRE(f.good());
    const Bytes file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return std::search(file.begin(), file.end(), msg.begin(), msg.end()) != file.end();
}

/// bytes -> Notification -> the same bytes.
Notification round_trip(const Bytes& msg) {
    auto m = decode_message(msg, CodecOptions{});
    if (!m) FAIL("decode failed: " << m.error().reason);
    REQUIRE(std::holds_alternative<Notification>(*m));
    const Notification n = std::get<Notification>(*m);
    auto again = encode(Message{n}, CodecOptions{});
    REQUIRE(again);
    CHECK(*again == msg);
    Bytes body;
    detail::Writer w(body);
    detail::encode_notification_body(n, w);
    CHECK(body == Bytes(msg.begin() + header_size, msg.end()));
    return n;
}

const std::string kTestText = "This is a test of the shutdown communication system.";

}  // namespace

TEST_CASE("NOTIFICATION golden vector, RFC 4271 §4.5 layout", "[wire][notification]") {
    const Bytes msg = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
        0x00, 0x17,                                      // length 23
        0x03,                                            // type NOTIFICATION
        0x02,                                            // OPEN Message Error
        0x01,                                            // Unsupported Version Number
        0x00, 0x04,                                      // data: version 4
    };
    const Notification expected{2, 1, {0x00, 0x04}};
    CHECK(round_trip(msg) == expected);
    CHECK(encode(Message{expected}, CodecOptions{}).value() == msg);
    CHECK(expected.describe() == "OPEN Message Error / Unsupported Version Number (data 0004)");
    CHECK_FALSE(expected.shutdown_communication());
    CHECK_FALSE(expected.hard_reset_cause());
}

TEST_CASE("Real NOTIFICATIONs: shutdown communication", "[wire][notification][corpus]") {
    // tests/corpus/tcpdump/bgp-shutdown-communication.pcapng, frames 1 and 2
    const Bytes shutdown =
        hex("ffffffffffffffffffffffffffffffff 004a 03"  // marker, length 74, NOTIFICATION
            "06 02"                                     // Cease / Administrative Shutdown
            "34"                                        // communication length 52
            "5468697320697320612074657374206f66207468652073687574646f776e20636f6d6d756e69636174"
            "696f6e2073797374656d2e"  // "This is a test of the shutdown communication system."
        );
    REQUIRE(in_capture("tcpdump/bgp-shutdown-communication.pcapng", shutdown));
    const Notification a = round_trip(shutdown);
    CHECK(a.code == 6);
    CHECK(a.subcode == cease_subcode::administrative_shutdown);
    CHECK(a.shutdown_communication() == kTestText);
    CHECK(a.describe() == "Cease / Administrative Shutdown: \"" + kTestText + "\"");
    CHECK_FALSE(a.hard_reset_cause());

    Bytes reset = shutdown;
    reset[20] = cease_subcode::administrative_reset;  // frame 2 differs only there
    REQUIRE(in_capture("tcpdump/bgp-shutdown-communication.pcapng", reset));
    const Notification b = round_trip(reset);
    CHECK(b.shutdown_communication() == kTestText);
    CHECK(b.describe() == "Cease / Administrative Reset: \"" + kTestText + "\"");

    // The same data under another Cease subcode is not a communication.
    Notification other = a;
    other.subcode = cease_subcode::peer_deconfigured;
    CHECK_FALSE(other.shutdown_communication());
    CHECK(other.describe().rfind("Cease / Peer De-configured (data 34546869", 0) == 0);
}

TEST_CASE("Real NOTIFICATION: extended shutdown communication (RFC 9003)",
          "[wire][notification][corpus]") {
    // tests/corpus/tcpdump/bgp-extended-shutdown-msg.pcapng, frame 1: 210
    // octets, above RFC 8203's 128 and valid under RFC 9003.
    const std::string part =
        "[TICKET-1-1438367390] software upgrade; Expected downtime for 2 hours;";
    const std::string text = part + part + part;
    REQUIRE(text.size() == 210);
    Bytes msg = hex("ffffffffffffffffffffffffffffffff 00e8 03 06 02 d2");  // length 232, 6/2, 210
    const Bytes t = hex_of_text(text);
    msg.insert(msg.end(), t.begin(), t.end());
    REQUIRE(in_capture("tcpdump/bgp-extended-shutdown-msg.pcapng", msg));
    const Notification n = round_trip(msg);
    CHECK(n.shutdown_communication() == text);
    CHECK(n.describe() == "Cease / Administrative Shutdown: \"" + text + "\"");
}

TEST_CASE("Real NOTIFICATIONs: shutdown communication variations", "[wire][notification][corpus]") {
    // tests/corpus/tcpdump/bgp-shutdown-msg-variations.pcap
    // frame 1: length 10, then 9 octets of extra data (ignored)
    const Bytes trailing =
        hex("ffffffffffffffffffffffffffffffff 0029 03"  // marker, length 41, NOTIFICATION
            "06 04"                                     // Cease / Administrative Reset
            "0a 30313233343536373839"                   // length 10, "0123456789"
            "457874726144617461"                        // "ExtraData"
        );
    // frame 2: empty communication
    const Bytes empty = hex("ffffffffffffffffffffffffffffffff 0016 03 06 04 00");
    // frame 3: length 64 but only 10 octets follow: invalid
    const Bytes overrun =
        hex("ffffffffffffffffffffffffffffffff 0020 03 06 04 40 30313233343536373839");
    for (const Bytes* m : {&trailing, &empty, &overrun})
        REQUIRE(in_capture("tcpdump/bgp-shutdown-msg-variations.pcap", *m));

    const Notification a = round_trip(trailing);
    CHECK(a.shutdown_communication() == "0123456789");
    CHECK(a.describe() == "Cease / Administrative Reset: \"0123456789\"");

    const Notification b = round_trip(empty);
    CHECK(b.shutdown_communication() == std::string());
    CHECK(b.describe() == "Cease / Administrative Reset");

    const Notification c = round_trip(overrun);
    CHECK_FALSE(c.shutdown_communication());
    CHECK(c.describe() == "Cease / Administrative Reset (data 4030313233343536373839)");
}

TEST_CASE("Real NOTIFICATIONs: hard reset and BFD down", "[wire][notification][corpus]") {
    // tests/corpus/tcpdump/bgp-cease-hard-reset.pcap, frame 3: Hard Reset
    // wrapping Cease / Peer De-configured (RFC 8538 §3)
    const Bytes hard =
        hex("ffffffffffffffffffffffffffffffff 0017 03"  // marker, length 23, NOTIFICATION
            "06 09"                                     // Cease / Hard Reset
            "06 03"                                     // inner: Cease / Peer De-configured
        );
    REQUIRE(in_capture("tcpdump/bgp-cease-hard-reset.pcap", hard));
    const Notification h = round_trip(hard);
    auto inner = h.hard_reset_cause();
    REQUIRE(inner);
    CHECK(*inner == Notification{6, cease_subcode::peer_deconfigured, {}});
    CHECK(h.describe() == "Cease / Hard Reset: Cease / Peer De-configured");
    CHECK_FALSE(h.shutdown_communication());

    // tests/corpus/tcpdump/bgp-malformed-hard-reset.pcap, frame 1: no inner error
    const Bytes bare = hex("ffffffffffffffffffffffffffffffff 0015 03 06 09");
    REQUIRE(in_capture("tcpdump/bgp-malformed-hard-reset.pcap", bare));
    const Notification m = round_trip(bare);
    CHECK_FALSE(m.hard_reset_cause());
    CHECK(m.describe() == "Cease / Hard Reset");

    // tests/corpus/tcpdump/bgp-bfd-cease.pcap, frame 1 (RFC 9384)
    const Bytes bfd = hex("ffffffffffffffffffffffffffffffff 0015 03 06 0a");
    REQUIRE(in_capture("tcpdump/bgp-bfd-cease.pcap", bfd));
    const Notification b = round_trip(bfd);
    CHECK(b == Notification{6, cease_subcode::bfd_down, {}});
    CHECK(b.describe() == "Cease / BFD Down");
}

TEST_CASE("Hard reset cause carries the inner data", "[wire][notification]") {
    // RFC 8538 §3: a hard reset standing for an UPDATE error with its data,
    // and one standing for an administrative shutdown with a communication.
    const Notification upd{6, 9, {0x03, 0x05, 0x40, 0x01, 0x02}};
    auto inner = upd.hard_reset_cause();
    REQUIRE(inner);
    CHECK(*inner == Notification{3, 5, {0x40, 0x01, 0x02}});
    CHECK(upd.describe() ==
          "Cease / Hard Reset: UPDATE Message Error / Attribute Length Error (data 400102)");

    const Notification nested{6, 9, {0x06, 0x02, 0x03, 'b', 'y', 'e'}};
    REQUIRE(nested.hard_reset_cause());
    CHECK(nested.hard_reset_cause()->shutdown_communication() == "bye");
    CHECK(nested.describe() == "Cease / Hard Reset: Cease / Administrative Shutdown: \"bye\"");

    CHECK_FALSE((Notification{6, 9, {0x06}}).hard_reset_cause());        // one octet only
    CHECK_FALSE((Notification{6, 4, {0x06, 0x03}}).hard_reset_cause());  // not subcode 9
    CHECK_FALSE((Notification{3, 9, {0x06, 0x03}}).hard_reset_cause());  // not Cease
}

TEST_CASE("Real NOTIFICATION: ROUTE-REFRESH Message Error", "[wire][notification][corpus]") {
    // tests/corpus/tcpdump/bgp_notification_rr_msg_error.pcap, frame 1
    const Bytes msg =
        hex("ffffffffffffffffffffffffffffffff 0017 03"  // marker, length 23, NOTIFICATION
            "07 01"  // ROUTE-REFRESH Message Error / Invalid Length
            "feb0"   // data
        );
    REQUIRE(in_capture("tcpdump/bgp_notification_rr_msg_error.pcap", msg));
    const Notification n = round_trip(msg);
    CHECK(n == Notification{7, 1, {0xfe, 0xb0}});
    CHECK(n.describe() == "ROUTE-REFRESH Message Error / Invalid Message Length (data feb0)");
}

TEST_CASE("Shutdown communication validity (RFC 9003 §4)", "[wire][notification]") {
    auto comm = [](const Bytes& data) { return Notification{6, 2, data}.shutdown_communication(); };
    CHECK(comm({0x02, 'o', 'k'}) == "ok");
    CHECK(comm({0x00}) == "");
    CHECK_FALSE(comm({}));                // no data at all
    CHECK_FALSE(comm({0x03, 'o', 'k'}));  // length beyond the data
    // Multibyte UTF-8 is fine: "é" and "€" and U+1F600.
    CHECK(comm({0x02, 0xc3, 0xa9}) == "\xc3\xa9");
    CHECK(comm({0x03, 0xe2, 0x82, 0xac}) == "\xe2\x82\xac");
    CHECK(comm({0x04, 0xf0, 0x9f, 0x98, 0x80}) == "\xf0\x9f\x98\x80");
    // Invalid UTF-8 is not interpreted.
    CHECK_FALSE(comm({0x01, 0x80}));                    // lone continuation octet
    CHECK_FALSE(comm({0x02, 0xc0, 0x80}));              // overlong NUL
    CHECK_FALSE(comm({0x03, 0xe0, 0x80, 0x80}));        // overlong
    CHECK_FALSE(comm({0x03, 0xed, 0xa0, 0x80}));        // UTF-16 surrogate
    CHECK_FALSE(comm({0x04, 0xf4, 0x90, 0x80, 0x80}));  // above U+10FFFF
    CHECK_FALSE(comm({0x01, 0xf5}));                    // never a lead octet
    CHECK_FALSE(comm({0x02, 0xe2, 0x82}));              // cut sequence
    CHECK_FALSE(comm({0x02, 0xc3, 0x41}));              // bad continuation
    // The cut is judged within the communication, not the trailing data.
    CHECK_FALSE(comm({0x01, 0xc3, 0xa9}));
    CHECK(comm({0x01, 'x', 0xff}) == "x");
    // Only Cease subcodes 2 and 4 carry a communication.
    CHECK_FALSE((Notification{2, 2, {0x02, 'o', 'k'}}).shutdown_communication());
    CHECK_FALSE((Notification{6, 1, {0x02, 'o', 'k'}}).shutdown_communication());
}

TEST_CASE("describe() escapes the communication", "[wire][notification]") {
    const Notification n{6, 2, {0x06, 'a', '"', 'b', '\\', '\n', 'c'}};
    CHECK(n.describe() == "Cease / Administrative Shutdown: \"a\\\"b\\\\\\x0ac\"");
    CHECK((Notification{4, 0, {}}).describe() == "Hold Timer Expired");
    CHECK((Notification{8, 0, {}}).describe() == "Send Hold Timer Expired");
    CHECK((Notification{4, 3, {}}).describe() == "Hold Timer Expired / Unknown subcode 3");
    CHECK((Notification{6, 0, {}}).describe() == "Cease / Unspecific");
    CHECK((Notification{5, 2, {}}).describe() ==
          "Finite State Machine Error / Receive Unexpected Message in OpenConfirm State");
    CHECK((Notification{99, 1, {0x01}}).describe() ==
          "Unknown error code 99 / Unknown subcode 1 (data 01)");
}

TEST_CASE("Notification::shutdown builds RFC 9003 data", "[wire][notification]") {
    const Notification n =
        Notification::shutdown(cease_subcode::administrative_shutdown, "maintenance window");
    CHECK(n.code == 6);
    CHECK(n.subcode == 2);
    Bytes expected = {18};
    const Bytes t = hex_of_text("maintenance window");
    expected.insert(expected.end(), t.begin(), t.end());
    CHECK(n.data == expected);
    CHECK(n.describe() == "Cease / Administrative Shutdown: \"maintenance window\"");
    const auto msg = encode(Message{n}, CodecOptions{});
    REQUIRE(msg);
    CHECK(msg->size() == 19 + 2 + 1 + 18);

    // No text: a plain Cease with no data.
    const Notification quiet = Notification::shutdown(cease_subcode::administrative_reset, "");
    CHECK(quiet == Notification{6, 4, {}});

    // Longer than 255 octets: cut to 255.
    const Notification longer = Notification::shutdown(2, std::string(300, 'x'));
    REQUIRE(longer.data.size() == 256);
    CHECK(longer.data[0] == 255);
    CHECK(longer.shutdown_communication() == std::string(255, 'x'));
    // Exactly 255 stays whole.
    CHECK(Notification::shutdown(2, std::string(255, 'y')).shutdown_communication() ==
          std::string(255, 'y'));

    // Cut at a character boundary: 254 x "a" + "é" (2 octets) -> 254 octets;
    // 253 x "a" + "€" (3 octets) -> 253 octets. The result stays valid UTF-8.
    const Notification e = Notification::shutdown(2, std::string(254, 'a') + "\xc3\xa9");
    CHECK(e.data[0] == 254);
    CHECK(e.shutdown_communication() == std::string(254, 'a'));
    const Notification euro = Notification::shutdown(2, std::string(253, 'a') + "\xe2\x82\xac!");
    CHECK(euro.data[0] == 253);
    CHECK(euro.shutdown_communication() == std::string(253, 'a'));
    // A multibyte character that fits is kept.
    const Notification fits = Notification::shutdown(2, std::string(252, 'a') + "\xe2\x82\xac!");
    CHECK(fits.data[0] == 255);
    CHECK(fits.shutdown_communication() == std::string(252, 'a') + "\xe2\x82\xac");
}

TEST_CASE("NOTIFICATION length error", "[wire][notification][errors]") {
    // RFC 4271 §6.1: below 21 octets -> 1/2, data = the Length field.
    for (const auto& [body, length] :
         std::vector<std::pair<Bytes, std::uint8_t>>{{{}, 19}, {{0x06}, 20}}) {
        auto r = decode_notification(body);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == 1);
        CHECK(r.error().subcode == header_subcode::bad_message_length);
        CHECK(r.error().data == Bytes{0x00, length});
        CHECK(r.error().action == ErrorAction::session_reset);
    }
    // Two octets is the minimum: no data.
    auto ok = decode_notification(Bytes{0x04, 0x00});
    REQUIRE(ok);
    CHECK(*ok == Notification{4, 0, {}});
    CHECK(ok->describe() == "Hold Timer Expired");
}
