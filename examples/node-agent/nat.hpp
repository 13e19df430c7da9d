// natOutgoing for the node agent (Calico's IPPool `natOutgoing`): pod traffic
// from a NAT pool to a destination outside every pool leaves the node
// masqueraded to the node's address, through an nftables table of our own
// (libnftables; nothing else in the ruleset is touched):
//
//   table inet libbgp-nat {
//     set masq4 { type ipv4_addr; flags interval; elements = { 192.168.0.0/16 } }
//     set all4  { type ipv4_addr; flags interval; elements = { 192.168.0.0/16, ... } }
//     (masq6, all6 likewise)
//     chain postrouting {
//       type nat hook postrouting priority srcnat; policy accept;
//       ip saddr @masq4 ip daddr != @all4 masquerade fully-random
//       ip6 saddr @masq6 ip6 daddr != @all6 masquerade fully-random
//     }
//   }
//
// set_pools() replaces the table in one nftables transaction (atomic: no
// moment without the rule while it changes); with no NAT pool left the table
// is deleted. Unchanged pools are not rewritten. Everything happens in the
// calling thread's network namespace.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bgp/fib/planner.hpp"
#include "bgp/wire/types.hpp"

struct nft_ctx;

namespace node_agent {

class Nat {
  public:
    /// `table`: letters, digits, '-' and '_' (std::invalid_argument otherwise).
    explicit Nat(std::string table = "libbgp-nat");
    ~Nat();  ///< leaves the rules in place (an agent restart keeps masquerading)
    Nat(const Nat&) = delete;
    Nat& operator=(const Nat&) = delete;

    /// Masquerade traffic from `masquerade` to anything outside `all`. Throws
    /// std::runtime_error with nft's message if the kernel refuses the ruleset.
    void set_pools(std::span<const bgp::wire::Prefix> masquerade,
                   std::span<const bgp::wire::Prefix> all);
    /// The same from the agent's pools (nat_outgoing ones masquerade; all count as inside).
    void set_pools(std::span<const bgp::fib::Pool> pools);
    /// Deletes the table (idempotent).
    void remove();

    /// The nft script set_pools() would apply ("" for none: table deleted).
    [[nodiscard]] static std::string script(const std::string& table,
                                            std::span<const bgp::wire::Prefix> masquerade,
                                            std::span<const bgp::wire::Prefix> all);
    /// `nft list table inet <table>` ("" if there is none).
    [[nodiscard]] std::string list() const;
    [[nodiscard]] const std::string& table() const { return table_; }

  private:
    // Runs one nft script as a transaction; "" or the error text.
    std::string run(const std::string& commands) const;

    std::string table_;
    std::string applied_;  // the last script applied ("" = none)
    nft_ctx* ctx_ = nullptr;
};

}  // namespace node_agent
