// A YAML node that knows its file, line and key path, with strict readers for
// the value kinds of Calico manifests. Every failure throws ManifestError
// naming the file, the line, the key and what was expected:
//   pools.yaml:7: spec.ipipMode: expected Always, CrossSubnet or Never, got "sometimes"
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bgp/wire/types.hpp"

namespace bgp::node_agent {

class ManifestError : public std::runtime_error {
  public:
    ManifestError(std::string file, int line, std::string key, const std::string& message);
    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] int line() const { return line_; }
    [[nodiscard]] const std::string& key() const { return key_; }

  private:
    std::string file_;
    int line_;
    std::string key_;
};

/// An address with the length of its subnet: 172.16.6.47/24 (host bits kept).
struct HostAddress {
    wire::IpAddress address;
    std::uint8_t length = 32;
    [[nodiscard]] wire::Prefix subnet() const { return wire::Prefix(address, length); }
    [[nodiscard]] std::string to_string() const;
    static std::optional<HostAddress> parse(std::string_view text);  ///< "A" or "A/N"
    friend bool operator==(const HostAddress&, const HostAddress&) = default;
};

class YamlNode {
  public:
    YamlNode(const std::string& file, YAML::Node node, std::string path, int line);

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] int line() const { return line_; }
    [[nodiscard]] const std::string& file() const { return *file_; }
    [[noreturn]] void fail(const std::string& message) const;

    [[nodiscard]] bool is_null() const { return node_.IsNull(); }
    [[nodiscard]] bool is_map() const { return node_.IsMap(); }
    /// Requires a mapping whose keys are all in `allowed` or `ignored` (the latter
    /// are Calico fields this agent accepts and does not use).
    void expect_map(std::initializer_list<std::string_view> allowed,
                    std::initializer_list<std::string_view> ignored = {}) const;
    [[nodiscard]] std::optional<YamlNode> get(std::string_view key) const;
    [[nodiscard]] YamlNode require(std::string_view key) const;
    [[nodiscard]] std::size_t size() const { return node_.size(); }
    [[nodiscard]] YamlNode item(std::size_t index) const;

    [[nodiscard]] std::string text() const;
    [[nodiscard]] bool boolean() const;
    [[nodiscard]] std::uint64_t integer(std::uint64_t lo, std::uint64_t hi) const;
    [[nodiscard]] wire::IpAddress address() const;
    [[nodiscard]] wire::Prefix prefix() const;  ///< host bits must be zero
    [[nodiscard]] HostAddress host_address() const;
    [[nodiscard]] std::uint32_t asn() const;  ///< "64512" or "1.10" (asdot)
    /// One of `choices` (compared case-sensitively); returns its index.
    [[nodiscard]] std::size_t choice(std::initializer_list<std::string_view> choices) const;

  private:
    const std::string* file_;
    YAML::Node node_;
    std::string path_;
    int line_;
};

}  // namespace bgp::node_agent
