// A small expected-style result type for the wire layer.
//
// std::expected needs C++23 and is unusable with the clang that builds our
// fuzzers, so the library carries this minimal equivalent. Decoders return
// Result<T>: either a value or a DecodeError, never an exception.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace bgp {

template <class E>
struct Unexpected {
    E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
    return Unexpected<std::decay_t<E>>{std::forward<E>(e)};
}

template <class T, class E>
class Expected {
  public:
    Expected(const T& v) : v_(std::in_place_index<0>, v) {}                        // NOLINT
    Expected(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}                  // NOLINT
    Expected(Unexpected<E> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    E& error() & {
        assert(!has_value());
        return std::get<1>(v_);
    }
    const E& error() const& {
        assert(!has_value());
        return std::get<1>(v_);
    }

  private:
    std::variant<T, E> v_;
};

}  // namespace bgp
