// Catch2 v3 spellings on top of Catch2 v2 (Debian 12 ships catch2 2.13.10 only).
//
// tests/CMakeLists.txt puts this directory on the include path only when the Catch2 found
// is v2, so unit tests may be written against v3's headers and names:
//   #include <catch2/catch_test_macros.hpp>      TEST_CASE, SECTION, REQUIRE, ...
//   #include <catch2/catch_approx.hpp>           Catch::Approx
//   #include <catch2/matchers/...>               Catch::Matchers::ContainsSubstring, ...
//   #include <catch2/generators/...>             GENERATE, ...
// Everything resolves to <catch2/catch.hpp>. With Catch2 v3 installed these files are not
// used at all. Only the common subset is bridged: keep to it.
#pragma once

#include <catch2/catch.hpp>
#include <string>

namespace Catch {

using Detail::Approx;  // v3: Catch::Approx

namespace Matchers {

// v3 renamed the string Contains matcher (v3's Contains is for ranges).
inline StdString::ContainsMatcher ContainsSubstring(const std::string& str,
                                                    CaseSensitive::Choice cs = CaseSensitive::Yes) {
    return Contains(str, cs);
}

}  // namespace Matchers
}  // namespace Catch
