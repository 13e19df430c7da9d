// Reading MRT files: gzip and bzip2 recognised by magic number, plain input
// passed through.
#include <catch2/catch_test_macros.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bgp/mrt/reader.hpp"
#include "mrt_test_support.hpp"

using namespace bgp::mrt;
using mrt_test::Bytes;

namespace {

// "MRT\0\1\2 test data " three times (51 octets).
Bytes plain() {
    Bytes out;
    for (int i = 0; i < 3; ++i) {
        const std::string piece = std::string("MRT\0\1\2 test data ", 17);
        out.insert(out.end(), piece.begin(), piece.end());
    }
    return out;
}

// The same, gzip-compressed (RFC 1952; mtime 0).
const Bytes gzipped = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,  // header: deflate, no flags
    0xf3, 0x0d, 0x0a, 0x61, 0x60, 0x64, 0x52, 0x28, 0x49, 0x2d, 0x2e,
    0x51, 0x48, 0x49, 0x2c, 0x49, 0x54, 0xf0, 0x25, 0x28, 0x00, 0x00,  // deflate data
    0xe8, 0x59, 0xa2, 0xfa,                                            // CRC-32
    0x33, 0x00, 0x00, 0x00,                                            // ISIZE 51
};

// The same, bzip2-compressed.
const Bytes bzipped = {
    0x42, 0x5a, 0x68, 0x39,  // "BZh9"
    0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0xfb, 0x62, 0x7e, 0xe2, 0x00, 0x00, 0x0a, 0x57, 0x80, 0x70,
    0x00, 0x40, 0x00, 0x00, 0x02, 0x14, 0x00, 0x26, 0x00, 0x0c, 0x00, 0x20, 0x00, 0x22, 0xbf, 0xd5,
    0x43, 0x46, 0x40, 0x40, 0xd0, 0x34, 0x36, 0xbb, 0x09, 0x79, 0xa6, 0xd2, 0xa4, 0x38, 0x86, 0x1d,
    0x79, 0x48, 0x7c, 0x5d, 0xc9, 0x14, 0xe1, 0x42, 0x43, 0xed, 0x89, 0xfb, 0x88,
};

std::string temp_file(const std::string& name, const Bytes& content) {
    const auto path = std::filesystem::temp_directory_path() / ("bgp-mrt-test-" + name);
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(content.data()),
            static_cast<std::streamsize>(content.size()));
    return path.string();
}

}  // namespace

TEST_CASE("MRT decompress: gzip, bzip2, plain", "[mrt][file]") {
    REQUIRE(plain().size() == 51);
    auto g = decompress(gzipped);
    REQUIRE(g);
    CHECK(*g == plain());
    auto b = decompress(bzipped);
    REQUIRE(b);
    CHECK(*b == plain());
    auto p = decompress(plain());
    REQUIRE(p);
    CHECK(*p == plain());
}

TEST_CASE("MRT decompress: concatenated members", "[mrt][file]") {
    auto g = decompress(mrt_test::concat({gzipped, gzipped}));
    REQUIRE(g);
    CHECK(*g == mrt_test::concat({plain(), plain()}));
    auto b = decompress(mrt_test::concat({bzipped, bzipped}));
    REQUIRE(b);
    CHECK(*b == mrt_test::concat({plain(), plain()}));
}

TEST_CASE("MRT decompress: damaged streams are errors", "[mrt][file]") {
    SECTION("gzip cut short") {
        const Bytes cut(gzipped.begin(), gzipped.begin() + 20);
        CHECK_FALSE(decompress(cut));
    }
    SECTION("gzip with a bad CRC") {
        Bytes bad = gzipped;
        bad[bad.size() - 6] ^= 0xFF;
        CHECK_FALSE(decompress(bad));
    }
    SECTION("bzip2 cut short") {
        const Bytes cut(bzipped.begin(), bzipped.begin() + 30);
        CHECK_FALSE(decompress(cut));
    }
    SECTION("bzip2 corrupted") {
        Bytes bad = bzipped;
        bad[20] ^= 0x5A;
        CHECK_FALSE(decompress(bad));
    }
}

TEST_CASE("MRT read_file", "[mrt][file]") {
    const auto gz = temp_file("a.gz", gzipped);
    const auto bz = temp_file("a.bz2", bzipped);
    const auto raw = temp_file("a.mrt", plain());
    for (const auto& path : {gz, bz, raw}) {
        INFO(path);
        auto d = read_file(path);
        REQUIRE(d);
        CHECK(*d == plain());
        std::filesystem::remove(path);
    }
    auto missing = read_file("/nonexistent/bgp-mrt-test");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().find("/nonexistent/bgp-mrt-test") != std::string::npos);
}
