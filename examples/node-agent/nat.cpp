// natOutgoing through libnftables (nat.hpp): one table of our own, replaced
// in a single transaction ("add table; delete table; table { ... }" is one
// nft batch, so the kernel swaps the old rules for the new ones atomically).
#include "nat.hpp"

#include <nftables/libnftables.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace node_agent {

namespace {

void check_name(const std::string& table) {
    const bool ok =
        !table.empty() && table.size() <= 64 && std::all_of(table.begin(), table.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        });
    if (!ok) throw std::invalid_argument("nat: invalid nftables table name '" + table + "'");
}

// The prefixes of one family, sorted, none inside another (interval sets refuse overlaps).
std::vector<bgp::wire::Prefix> normalise(std::span<const bgp::wire::Prefix> in,
                                         bgp::wire::Afi afi) {
    std::vector<bgp::wire::Prefix> v;
    for (const auto& p : in) {
        if (p.afi() == afi) v.push_back(p);
    }
    std::sort(v.begin(), v.end(), [](const bgp::wire::Prefix& a, const bgp::wire::Prefix& b) {
        return a.length() < b.length();
    });
    std::vector<bgp::wire::Prefix> out;
    for (const auto& p : v) {
        const bool covered = std::any_of(out.begin(), out.end(), [&p](const bgp::wire::Prefix& o) {
            return o.contains(p.address());
        });
        if (!covered) out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string set_text(const char* name, const char* type, const std::vector<bgp::wire::Prefix>& v) {
    std::string s = std::string("    set ") + name + " { type " + type + "; flags interval; ";
    if (!v.empty()) {
        s += "elements = { ";
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) s += ", ";
            s += v[i].to_string();
        }
        s += " } ";
    }
    return s + "}\n";
}

}  // namespace

Nat::Nat(std::string table) : table_(std::move(table)) {
    check_name(table_);
    ctx_ = nft_ctx_new(NFT_CTX_DEFAULT);
    if (ctx_ == nullptr) throw std::runtime_error("nat: nft_ctx_new failed");
    nft_ctx_buffer_output(ctx_);
    nft_ctx_buffer_error(ctx_);
}

Nat::~Nat() { nft_ctx_free(ctx_); }

std::string Nat::script(const std::string& table, std::span<const bgp::wire::Prefix> masquerade,
                        std::span<const bgp::wire::Prefix> all) {
    check_name(table);
    const auto masq4 = normalise(masquerade, bgp::wire::Afi::ipv4);
    const auto masq6 = normalise(masquerade, bgp::wire::Afi::ipv6);
    if (masq4.empty() && masq6.empty()) return "";
    // A NAT pool is always "inside", even if the caller forgot it in `all`.
    std::vector<bgp::wire::Prefix> inside(all.begin(), all.end());
    inside.insert(inside.end(), masquerade.begin(), masquerade.end());
    const auto all4 = normalise(inside, bgp::wire::Afi::ipv4);
    const auto all6 = normalise(inside, bgp::wire::Afi::ipv6);

    std::string s = "add table inet " + table + "\ndelete table inet " + table + "\n";
    s += "table inet " + table + " {\n";
    s += set_text("masq4", "ipv4_addr", masq4);
    s += set_text("all4", "ipv4_addr", all4);
    s += set_text("masq6", "ipv6_addr", masq6);
    s += set_text("all6", "ipv6_addr", all6);
    s += "    chain postrouting {\n";
    s += "        type nat hook postrouting priority srcnat; policy accept;\n";
    if (!masq4.empty()) {
        s += "        ip saddr @masq4 ip daddr != @all4 counter masquerade fully-random\n";
    }
    if (!masq6.empty()) {
        s += "        ip6 saddr @masq6 ip6 daddr != @all6 counter masquerade fully-random\n";
    }
    s += "    }\n}\n";
    return s;
}

void Nat::set_pools(std::span<const bgp::wire::Prefix> masquerade,
                    std::span<const bgp::wire::Prefix> all) {
    std::string next = script(table_, masquerade, all);
    if (next.empty()) {
        remove();
        return;
    }
    // Unchanged and still there: nothing to write (a table deleted behind our back is rewritten).
    if (next == applied_ && !list().empty()) return;
    if (std::string error = run(next); !error.empty()) {
        throw std::runtime_error("nat: nft refused table " + table_ + ": " + error);
    }
    applied_ = std::move(next);
}

void Nat::set_pools(std::span<const bgp::fib::Pool> pools) {
    std::vector<bgp::wire::Prefix> masquerade;
    std::vector<bgp::wire::Prefix> all;
    for (const auto& pool : pools) {
        all.push_back(pool.cidr);
        if (pool.nat_outgoing) masquerade.push_back(pool.cidr);
    }
    set_pools(masquerade, all);
}

void Nat::remove() {
    // "add" first makes the delete succeed whether or not the table exists.
    if (std::string error =
            run("add table inet " + table_ + "\ndelete table inet " + table_ + "\n");
        !error.empty()) {
        throw std::runtime_error("nat: cannot delete table " + table_ + ": " + error);
    }
    applied_.clear();
}

std::string Nat::list() const {
    if (nft_run_cmd_from_buffer(ctx_, ("list table inet " + table_).c_str()) != 0) {
        (void)nft_ctx_get_error_buffer(ctx_);  // reset
        return "";
    }
    return nft_ctx_get_output_buffer(ctx_);
}

std::string Nat::run(const std::string& commands) const {
    if (nft_run_cmd_from_buffer(ctx_, commands.c_str()) == 0) {
        (void)nft_ctx_get_output_buffer(ctx_);
        return "";
    }
    std::string error = nft_ctx_get_error_buffer(ctx_);
    return error.empty() ? "nft failed" : error;
}

}  // namespace node_agent
