#include "speaker/log.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

using bgp::LogLevel;

TEST_CASE("log levels print and parse", "[speaker]") {
    for (auto l : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warning,
                   LogLevel::error, LogLevel::off})
        CHECK(bgp::parse_log_level(bgp::to_string(l)) == l);
    CHECK(bgp::parse_log_level("warn") == LogLevel::warning);
    CHECK_FALSE(bgp::parse_log_level("loud").has_value());
}

TEST_CASE("logger filters by level and formats with fmt", "[speaker]") {
    std::vector<std::string> lines;
    bgp::speaker_detail::Logger log(LogLevel::info, [&](LogLevel l, std::string_view s) {
        lines.push_back(std::string(bgp::to_string(l)) + " " + std::string(s));
    });
    log.log(LogLevel::debug, "hidden {}", 1);
    log.log(LogLevel::info, "peer {} up", "127.0.0.2");
    log.log(LogLevel::error, "x={:04x}", 255);
    log.set_level(LogLevel::off);
    log.log(LogLevel::error, "silenced");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "info peer 127.0.0.2 up");
    CHECK(lines[1] == "error x=00ff");
}

TEST_CASE("a throwing log handler is contained", "[speaker]") {
    bgp::speaker_detail::Logger log(LogLevel::trace, [](LogLevel, std::string_view) { throw 42; });
    CHECK_NOTHROW(log.log(LogLevel::info, "boom"));
}
