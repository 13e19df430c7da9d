// The compiled form behind PolicyTable: the configuration as given, with every
// set name resolved to a pointer into it.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "bgp/policy/config.hpp"
#include "policy/prefix_trie.hpp"

namespace bgp::policy::detail {

struct CompiledTerm {
    const Term* term = nullptr;
    std::string name;
    const PrefixTrie* prefix_list = nullptr;
    const CommunityList* communities = nullptr;
    const LargeCommunityList* large_communities = nullptr;
    const ExtCommunityList* ext_communities = nullptr;
    bool has_modify = false;  // !term->modify.empty(), computed once
};

struct CompiledPolicy {
    std::string name;
    std::vector<CompiledTerm> terms;
    TermAction default_action = TermAction::next;
};

struct TableData {
    PolicyConfig config;  // never modified after compilation: the pointers point into it
    std::deque<PrefixTrie> prefix_lists;   // one per config.prefix_lists entry, same order
    std::vector<CompiledPolicy> policies;  // built-ins first, then config.definitions
};

}  // namespace bgp::policy::detail
