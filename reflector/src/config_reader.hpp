// A YAML node with its key path and line, and strict readers for the value
// kinds of the configuration file: every failure throws ConfigError naming the
// file, the line and the key, and what was expected. Private to the loader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bgp/policy/config.hpp"
#include "bgp/wire/types.hpp"
#include "config.hpp"

namespace bgp::reflector::detail {

/// What every node of one parse shares: the file name and the line table.
struct Source {
    std::string file;
    std::map<std::string, int, std::less<>>* lines = nullptr;
};

class Node {
  public:
    /// Records `path` -> line in the source's line table: the node's own line, or
    /// `line` when the node has none or `at_key` (a mapping value: its key's line).
    Node(const Source& source, YAML::Node node, std::string path, int line, bool at_key = false);

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] int line() const { return line_; }
    [[nodiscard]] const YAML::Node& yaml() const { return node_; }
    [[noreturn]] void fail(const std::string& message) const;

    [[nodiscard]] bool is_map() const { return node_.IsMap(); }
    [[nodiscard]] bool is_sequence() const { return node_.IsSequence(); }
    [[nodiscard]] bool is_scalar() const { return node_.IsScalar(); }
    [[nodiscard]] bool is_null() const { return node_.IsNull(); }

    // ---- mappings --------------------------------------------------------------
    /// Requires a mapping whose keys are all in `allowed` (each at most once).
    void expect_map(std::initializer_list<std::string_view> allowed) const;
    [[nodiscard]] std::optional<Node> get(std::string_view key) const;
    [[nodiscard]] Node require(std::string_view key) const;
    /// A mapping keyed by names (prefix lists, policies): each name once, in file
    /// order. The child paths are "<path>.<name>".
    [[nodiscard]] std::vector<std::pair<std::string, Node>> named_entries() const;

    // ---- sequences -------------------------------------------------------------
    [[nodiscard]] std::vector<Node> items() const;
    /// A sequence, or one scalar read as a sequence of one.
    [[nodiscard]] std::vector<Node> items_or_one() const;

    // ---- scalars ---------------------------------------------------------------
    [[nodiscard]] std::string text() const;
    /// Decimal integer in lo..hi; `expected` describes the range for the message.
    [[nodiscard]] std::uint64_t integer(std::uint64_t lo, std::uint64_t hi,
                                        std::string_view expected = {}) const;
    /// Seconds: an integer, optionally followed by "s".
    [[nodiscard]] std::uint64_t seconds(std::uint64_t lo, std::uint64_t hi,
                                        std::string_view expected = {}) const;
    [[nodiscard]] bool boolean() const;
    [[nodiscard]] wire::IpAddress address() const;
    [[nodiscard]] wire::Prefix prefix() const;
    /// IPv4 address or a 32-bit integer (router-id, cluster-id); host order.
    [[nodiscard]] std::uint32_t ipv4_id() const;
    [[nodiscard]] std::uint32_t asn() const;
    [[nodiscard]] wire::Family family() const;
    [[nodiscard]] std::vector<std::string> names() const;

  private:
    const Source* source_;
    YAML::Node node_;
    std::string path_;
    int line_;
};

/// The `policies:` key (docs/policy.md's YAML form), syntax only.
policy::PolicyConfig read_policies(const Node& policies);

/// A short description of what a node holds, for "got ..." in messages.
std::string describe(const YAML::Node& node);

}  // namespace bgp::reflector::detail
