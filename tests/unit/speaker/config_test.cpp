// The public headers compile on their own and keep their defaults.
#include "bgp/speaker/speaker.hpp"

#include <catch2/catch_test_macros.hpp>
#include <type_traits>

TEST_CASE("speaker API: defaults", "[speaker]") {
    static_assert(!std::is_copy_constructible_v<bgp::Speaker>);
    bgp::PeerConfig p;
    CHECK(p.port == 179);
    CHECK_FALSE(p.passive);
    CHECK(p.export_routes);
    CHECK(p.multihop == 0);
    bgp::SpeakerConfig s;
    CHECK(s.listen.empty());
    CHECK(s.log_level == bgp::LogLevel::info);
    CHECK(s.write_queue_limit > 0);
    CHECK(bgp::to_string(bgp::RouteEvent::Kind::end_of_rib) == "end-of-rib");
}
