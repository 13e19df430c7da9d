// Reading MRT files: route collectors publish them gzip- (RIPE RIS) or
// bzip2-compressed (RouteViews). The format is recognised by its magic
// number: 1f 8b (RFC 1952 §2.3.1) or "BZh".
#include <bzlib.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "bgp/mrt/reader.hpp"

namespace bgp::mrt {

namespace {

using Bytes = std::vector<std::uint8_t>;
using BytesOrError = Expected<Bytes, std::string>;

constexpr std::size_t chunk = std::size_t{1} << 18;
// Decompressed output is capped so that a small hostile file cannot exhaust
// memory (a real full-table dump is a few hundred MiB).
constexpr std::size_t max_output = std::size_t{4} << 30;

bool is_gzip(std::span<const std::uint8_t> d) {
    return d.size() >= 2 && d[0] == 0x1f && d[1] == 0x8b;
}
bool is_bzip2(std::span<const std::uint8_t> d) {
    return d.size() >= 3 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h';
}

// Every gzip member in turn (concatenated members are one stream, RFC 1952 §2.2).
BytesOrError gunzip(std::span<const std::uint8_t> in) {
    Bytes out;
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return unexpected(std::string("zlib init failed"));
    std::size_t consumed = 0;
    int rc = Z_OK;
    while (true) {
        const std::size_t give =
            std::min<std::size_t>(in.size() - consumed, std::numeric_limits<uInt>::max());
        zs.next_in = const_cast<Bytef*>(in.data() + consumed);  // zlib's API is not const
        zs.avail_in = static_cast<uInt>(give);
        const std::size_t before_out = out.size();
        if (out.size() + chunk > max_output) {
            inflateEnd(&zs);
            return unexpected(std::string("decompressed data larger than the limit"));
        }
        out.resize(out.size() + chunk);
        zs.next_out = out.data() + before_out;
        zs.avail_out = static_cast<uInt>(chunk);
        rc = inflate(&zs, Z_NO_FLUSH);
        out.resize(out.size() - zs.avail_out);
        consumed += give - zs.avail_in;
        if (rc == Z_STREAM_END) {
            // Another member may follow; trailing zero padding is tolerated.
            const bool more = consumed < in.size() && in[consumed] == 0x1f;
            if (!more) break;
            if (inflateReset(&zs) != Z_OK) break;
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && consumed >= in.size()) {
            inflateEnd(&zs);
            return unexpected(std::string("gzip data truncated"));
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
            inflateEnd(&zs);
            return unexpected("gzip: " + msg);
        }
    }
    inflateEnd(&zs);
    return out;
}

// Every bzip2 stream in turn (parallel compressors write several).
BytesOrError bunzip2(std::span<const std::uint8_t> in) {
    Bytes out;
    std::size_t consumed = 0;
    while (consumed < in.size()) {
        bz_stream bs{};
        if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) {
            return unexpected(std::string("bzip2 init failed"));
        }
        int rc = BZ_OK;
        while (rc == BZ_OK) {
            const std::size_t give =
                std::min<std::size_t>(in.size() - consumed, std::numeric_limits<unsigned>::max());
            // libbz2's API is not const.
            bs.next_in = reinterpret_cast<char*>(const_cast<std::uint8_t*>(in.data() + consumed));
            bs.avail_in = static_cast<unsigned>(give);
            const std::size_t before_out = out.size();
            if (out.size() + chunk > max_output) {
                BZ2_bzDecompressEnd(&bs);
                return unexpected(std::string("decompressed data larger than the limit"));
            }
            out.resize(out.size() + chunk);
            bs.next_out = reinterpret_cast<char*>(out.data() + before_out);
            bs.avail_out = static_cast<unsigned>(chunk);
            rc = BZ2_bzDecompress(&bs);
            out.resize(out.size() - bs.avail_out);
            consumed += give - bs.avail_in;
            if (rc == BZ_OK && bs.avail_in == 0 && consumed >= in.size() &&
                out.size() == before_out) {
                BZ2_bzDecompressEnd(&bs);
                return unexpected(std::string("bzip2 data truncated"));
            }
        }
        BZ2_bzDecompressEnd(&bs);
        if (rc != BZ_STREAM_END) return unexpected("bzip2: error " + std::to_string(rc));
        if (!is_bzip2(in.subspan(consumed))) break;  // trailing padding
    }
    return out;
}

}  // namespace

Expected<std::vector<std::uint8_t>, std::string> decompress(std::span<const std::uint8_t> data) {
    if (is_gzip(data)) return gunzip(data);
    if (is_bzip2(data)) return bunzip2(data);
    return Bytes(data.begin(), data.end());
}

Expected<std::vector<std::uint8_t>, std::string> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return unexpected(path + ": " + std::strerror(errno));
    Bytes raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) return unexpected(path + ": read error");
    if (!is_gzip(raw) && !is_bzip2(raw)) return raw;
    auto out = decompress(raw);
    if (!out) return unexpected(path + ": " + out.error());
    return out;
}

}  // namespace bgp::mrt
