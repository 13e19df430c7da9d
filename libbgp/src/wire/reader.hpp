// Bounds-checked cursor over input octets, and an appending writer.
// Internal to the wire layer: every read checks the remaining length first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace bgp::wire::detail {

class Reader {
  public:
    Reader() = default;
    explicit Reader(std::span<const std::uint8_t> s)
        : begin_(s.data()), p_(s.data()), end_(s.data() + s.size()) {}

    [[nodiscard]] std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
    [[nodiscard]] bool empty() const { return p_ == end_; }
    [[nodiscard]] std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }
    [[nodiscard]] const std::uint8_t* pos() const { return p_; }
    [[nodiscard]] std::span<const std::uint8_t> rest() const { return {p_, remaining()}; }

    [[nodiscard]] bool u8(std::uint8_t& v) {
        if (remaining() < 1) return false;
        v = *p_++;
        return true;
    }
    [[nodiscard]] bool u16(std::uint16_t& v) {
        if (remaining() < 2) return false;
        v = static_cast<std::uint16_t>((p_[0] << 8) | p_[1]);
        p_ += 2;
        return true;
    }
    [[nodiscard]] bool u24(std::uint32_t& v) {
        if (remaining() < 3) return false;
        v = (std::uint32_t{p_[0]} << 16) | (std::uint32_t{p_[1]} << 8) | p_[2];
        p_ += 3;
        return true;
    }
    [[nodiscard]] bool u32(std::uint32_t& v) {
        if (remaining() < 4) return false;
        v = (std::uint32_t{p_[0]} << 24) | (std::uint32_t{p_[1]} << 16) |
            (std::uint32_t{p_[2]} << 8) | p_[3];
        p_ += 4;
        return true;
    }
    /// Takes the next n octets as a span.
    [[nodiscard]] bool bytes(std::size_t n, std::span<const std::uint8_t>& out) {
        if (remaining() < n) return false;
        out = {p_, n};
        p_ += n;
        return true;
    }
    /// Takes the next n octets as a sub-reader.
    [[nodiscard]] bool sub(std::size_t n, Reader& out) {
        std::span<const std::uint8_t> s;
        if (!bytes(n, s)) return false;
        out = Reader(s);
        return true;
    }
    [[nodiscard]] bool skip(std::size_t n) {
        if (remaining() < n) return false;
        p_ += n;
        return true;
    }

  private:
    const std::uint8_t* begin_ = nullptr;
    const std::uint8_t* p_ = nullptr;
    const std::uint8_t* end_ = nullptr;
};

class Writer {
  public:
    explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}

    [[nodiscard]] std::size_t size() const { return out_.size(); }
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) {
        out_.push_back(static_cast<std::uint8_t>(v >> 8));
        out_.push_back(static_cast<std::uint8_t>(v));
    }
    void u24(std::uint32_t v) {
        out_.push_back(static_cast<std::uint8_t>(v >> 16));
        out_.push_back(static_cast<std::uint8_t>(v >> 8));
        out_.push_back(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) {
        out_.push_back(static_cast<std::uint8_t>(v >> 24));
        out_.push_back(static_cast<std::uint8_t>(v >> 16));
        out_.push_back(static_cast<std::uint8_t>(v >> 8));
        out_.push_back(static_cast<std::uint8_t>(v));
    }
    void bytes(std::span<const std::uint8_t> s) { out_.insert(out_.end(), s.begin(), s.end()); }
    void bytes(const std::uint8_t* p, std::size_t n) { out_.insert(out_.end(), p, p + n); }
    /// Overwrites a 16-bit value written earlier at `at`.
    void patch_u16(std::size_t at, std::uint16_t v) {
        out_[at] = static_cast<std::uint8_t>(v >> 8);
        out_[at + 1] = static_cast<std::uint8_t>(v);
    }
    void patch_u8(std::size_t at, std::uint8_t v) { out_[at] = v; }
    std::vector<std::uint8_t>& buffer() { return out_; }

  private:
    std::vector<std::uint8_t>& out_;
};

}  // namespace bgp::wire::detail
