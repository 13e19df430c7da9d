// PolicyTable (libbgp/src/policy/table.cpp): validation with the offending key
// named, term and policy order, defaults, chains, traces and explanations.
#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

namespace {

/// The path of the ConfigError `config` raises ("" if none).
std::string error_path(PolicyConfig config) {
    try {
        PolicyTable t(std::move(config));
    } catch (const ConfigError& e) {
        return e.path();
    }
    return "";
}

Term term(std::string name, Match m, Modify mod, TermAction a) {
    return Term{std::move(name), std::move(m), std::move(mod), a};
}

Modify local_pref(std::uint32_t v) {
    Modify m;
    m.local_pref = v;
    return m;
}

Modify add_comm(std::uint32_t c) {
    Modify m;
    m.communities.add = {c};
    return m;
}

/// The pod-pool import policy of docs/policy.md.
PolicyConfig pod_config() {
    PolicyConfig c;
    c.prefix_lists.push_back({"pod-pools",
                              {PrefixListEntry{pfx("192.168.0.0/16"), 26, 26},
                               PrefixListEntry{pfx("fd00:10::/48"), 122, 122}}});
    c.community_lists.push_back({"blackhole", {*CommunityPattern::parse("blackhole")}});
    Match bh;
    bh.communities = SetRef{"blackhole"};
    Match pools;
    pools.prefix_list = SetRef{"pod-pools"};
    c.definitions.push_back({"accept-pod-pools",
                             {term("no-blackholes", bh, {}, TermAction::reject),
                              term("tag", {}, add_comm(comm(64512, 100)), TermAction::next),
                              term("pools", pools, local_pref(200), TermAction::accept)},
                             TermAction::reject});
    return c;
}

}  // namespace

TEST_CASE("Evaluation: terms in order, first accept or reject decides", "[policy][table]") {
    const PolicyTable table(pod_config());
    const PolicyChain chain = table.chain({"accept-pod-pools"});
    REQUIRE(chain.policies.size() == 1);

    // Accepted by "pools", after "tag" added a community.
    Result ok = table.evaluate(chain, pfx("192.168.135.64/26"), v4_attrs(), ctx_in());
    CHECK(ok.accepted());
    CHECK(ok.decided_by == DecidedBy::term);
    REQUIRE(ok.modified());
    CHECK(ok.attributes->local_pref == 200u);
    CHECK(ok.attributes->communities->back() == comm(64512, 100));
    REQUIRE(ok.trace.size() == 2);
    CHECK(table.term_name(ok.trace[0].policy, ok.trace[0].term) == "tag");
    CHECK(ok.trace[0].action == TermAction::next);
    CHECK(ok.trace[0].modified);
    CHECK(table.term_name(ok.trace[1].policy, ok.trace[1].term) == "pools");
    CHECK(ok.trace[1].action == TermAction::accept);
    CHECK(table.explain(ok) ==
          "accepted by accept-pod-pools/pools (matched: accept-pod-pools/tag modified, "
          "accept-pod-pools/pools modified)");

    // Not a pod block: only "tag" matches, then the policy's default rejects, and
    // the changes made on the way are dropped.
    Result no = table.evaluate(chain, pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK_FALSE(no.accepted());
    CHECK(no.decided_by == DecidedBy::policy_default);
    CHECK_FALSE(no.modified());
    CHECK(table.policy_name(no.policy) == "accept-pod-pools");
    CHECK(table.explain(no) ==
          "rejected by the default of accept-pod-pools (matched: accept-pod-pools/tag "
          "modified)");

    // Blackhole community: rejected by the first term.
    auto bh = v4_attrs();
    bh.communities->push_back(comm(65535, 666));
    Result dropped = table.evaluate(chain, pfx("192.168.135.64/26"), bh, ctx_in());
    CHECK_FALSE(dropped.accepted());
    CHECK(dropped.decided_by == DecidedBy::term);
    REQUIRE(dropped.trace.size() == 1);
    CHECK(table.explain(dropped) ==
          "rejected by accept-pod-pools/no-blackholes (matched: accept-pod-pools/no-blackholes)");

    // IPv6 pod block.
    Result v6 = table.evaluate(chain, pfx("fd00:10::40/122"), v6_attrs(), ctx_in());
    CHECK(v6.accepted());
}

TEST_CASE("Later terms see the changes of earlier ones", "[policy][table]") {
    PolicyConfig c;
    c.community_lists.push_back({"tagged", {*CommunityPattern::parse("64512:77")}});
    Match tagged;
    tagged.communities = SetRef{"tagged"};
    c.definitions.push_back({"p",
                             {term("tag", {}, add_comm(comm(64512, 77)), TermAction::next),
                              term("use", tagged, local_pref(50), TermAction::accept)},
                             TermAction::reject});
    const PolicyTable table(std::move(c));
    Result r = table.evaluate(table.chain({"p"}), pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK(r.accepted());
    CHECK(r.attributes->local_pref == 50u);
}

TEST_CASE("Chains: next policy, policy defaults, chain default", "[policy][table]") {
    PolicyConfig c;
    Match v6_only;
    v6_only.families = {wire::ipv6_unicast};
    c.definitions.push_back(
        {"lp", {term("lp", {}, local_pref(150), TermAction::next)}, TermAction::next});
    c.definitions.push_back(
        {"v6-reject", {term("v6", v6_only, {}, TermAction::reject)}, TermAction::next});
    c.definitions.push_back({"stop", {}, TermAction::accept});
    const PolicyTable table(std::move(c));

    // Falls through both policies: the chain's default decides, keeping the changes.
    Result r =
        table.evaluate(table.chain({"lp", "v6-reject"}), pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK(r.accepted());
    CHECK(r.decided_by == DecidedBy::chain_default);
    CHECK(r.attributes->local_pref == 150u);
    CHECK(table.explain(r) == "accepted by default (no policy decided) (matched: lp/lp modified)");

    Result rejected = table.evaluate(table.chain({"lp", "v6-reject"}, Verdict::reject),
                                     pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK_FALSE(rejected.accepted());
    CHECK_FALSE(rejected.modified());

    Result v6 = table.evaluate(table.chain({"lp", "v6-reject", "stop"}), pfx("2001:db8::/64"),
                               v6_attrs(), ctx_in());
    CHECK_FALSE(v6.accepted());
    CHECK(v6.decided_by == DecidedBy::term);

    Result stop = table.evaluate(table.chain({"v6-reject", "stop", "reject-all"}),
                                 pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK(stop.accepted());
    CHECK(stop.decided_by == DecidedBy::policy_default);
    CHECK(table.policy_name(stop.policy) == "stop");

    // An empty chain: the default.
    CHECK(table.evaluate(table.chain({}), pfx("10.0.0.0/24"), v4_attrs(), ctx_in()).accepted());
    CHECK_FALSE(
        table.evaluate(table.chain({}, Verdict::reject), pfx("10.0.0.0/24"), v4_attrs(), ctx_in())
            .accepted());
}

TEST_CASE("Built-in policies all / none", "[policy][table]") {
    const PolicyTable table;
    for (const char* name : {"all", "accept-all"}) {
        Result r = table.evaluate(table.chain({name}, Verdict::reject), pfx("10.0.0.0/24"),
                                  v4_attrs(), ctx_in());
        CHECK(r.accepted());
        CHECK_FALSE(r.modified());
        CHECK(r.decided_by == DecidedBy::policy_default);
    }
    for (const char* name : {"none", "reject-all"}) {
        CHECK_FALSE(table.evaluate(table.chain({name}), pfx("10.0.0.0/24"), v4_attrs(), ctx_in())
                        .accepted());
    }
    CHECK(table.contains("all"));
    CHECK_FALSE(table.contains("accept-pod-pools"));
    CHECK_THROWS_AS(table.chain({"all", "missing"}), ConfigError);
    try {
        (void)table.chain({"all", "missing"});
    } catch (const ConfigError& e) {
        CHECK(e.path() == "policies[1]");
        CHECK(std::string(e.what()) == "policies[1]: unknown policy 'missing'");
    }
}

TEST_CASE("A change undone by a later term leaves the route unmodified", "[policy][table]") {
    PolicyConfig c;
    c.definitions.push_back({"p",
                             {term("up", {}, local_pref(500), TermAction::next),
                              term("back", {}, local_pref(100), TermAction::accept)},
                             TermAction::reject});
    const PolicyTable table(std::move(c));
    Result r = table.evaluate(table.chain({"p"}), pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK(r.accepted());
    CHECK_FALSE(r.modified());
    REQUIRE(r.trace.size() == 2);
    CHECK(r.trace[0].modified);
    CHECK(r.trace[1].modified);
}

TEST_CASE("The trace keeps the deciding step when it overflows", "[policy][table]") {
    PolicyConfig c;
    std::vector<Term> terms;
    for (int i = 0; i < 40; ++i)
        terms.push_back(term("t" + std::to_string(i), {}, {}, TermAction::next));
    terms.push_back(term("last", {}, {}, TermAction::accept));
    c.definitions.push_back({"long", std::move(terms), TermAction::reject});
    const PolicyTable table(std::move(c));
    Result r = table.evaluate(table.chain({"long"}), pfx("10.0.0.0/24"), v4_attrs(), ctx_in());
    CHECK(r.accepted());
    CHECK(r.trace.truncated());
    CHECK(r.trace.size() == Trace::capacity);
    CHECK(table.term_name(r.trace.back().policy, r.trace.back().term) == "last");
    CHECK(table.term_name(r.trace[0].policy, r.trace[0].term) == "t0");
    CHECK(table.explain(r).find(", ...)") != std::string::npos);
}

TEST_CASE("Unnamed terms are named by position", "[policy][table]") {
    PolicyConfig c;
    c.definitions.push_back({"p", {Term{}, Term{}}, TermAction::accept});
    const PolicyTable table(std::move(c));
    const auto chain = table.chain({"p"});
    CHECK(table.term_name(chain.policies[0], 1) == "term-1");
    CHECK(table.term_name(chain.policies[0], 7) == "?");
    CHECK(table.policy_name(999) == "?");
}

TEST_CASE("Configuration errors name the offending key", "[policy][table]") {
    CHECK(error_path(pod_config()).empty());

    auto c = pod_config();
    c.definitions[0].terms[2].match.prefix_list = SetRef{"nope"};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[2].match.prefix-list");

    c = pod_config();
    c.definitions[0].terms[2].match.prefix_list->mode = MatchSet::all;
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[2].match.prefix-list");

    c = pod_config();
    c.definitions[0].terms[0].match.communities = SetRef{"missing"};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[0].match.communities");

    c = pod_config();
    c.definitions[0].terms[0].match.large_communities = SetRef{"missing"};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[0].match.large-communities");

    c = pod_config();
    c.definitions[0].terms[0].match.ext_communities = SetRef{"missing"};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[0].match.ext-communities");

    c = pod_config();
    c.prefix_lists[0].entries[1].le = 129;
    CHECK(error_path(c) == "prefix-lists.pod-pools[1]");

    c = pod_config();
    c.prefix_lists.push_back(c.prefix_lists[0]);
    CHECK(error_path(c) == "prefix-lists.pod-pools");

    c = pod_config();
    c.community_lists.push_back({"", {}});
    CHECK(error_path(c) == "community-lists[1]");

    c = pod_config();
    c.definitions.push_back(c.definitions[0]);
    CHECK(error_path(c) == "definitions.accept-pod-pools");

    c = pod_config();
    c.definitions[0].name = "all";
    CHECK(error_path(c) == "definitions.all");

    c = pod_config();
    c.definitions[0].name = "";
    CHECK(error_path(c) == "definitions[0]");

    c = pod_config();
    c.definitions[0].terms[1].name = "pools";
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[2].name");

    c = pod_config();
    c.definitions[0].terms[1].match.as_path.min_length = 5;
    c.definitions[0].terms[1].match.as_path.max_length = 2;
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[1].match.as-path");

    c = pod_config();
    c.definitions[0].terms[1].match.families = {wire::Family{wire::Afi::l2vpn, wire::Safi::evpn}};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[1].match.family");

    c = pod_config();
    c.definitions[0].terms[1].modify.prepend = Prepend{{}, false, 33};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[1].modify.prepend.count");

    c = pod_config();
    c.definitions[0].terms[1].modify.prepend = Prepend{0u, false, 1};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[1].modify.prepend.as");

    c = pod_config();
    c.definitions[0].terms[1].modify.prepend = Prepend{65000u, true, 1};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[1].modify.prepend");

    c = pod_config();
    c.definitions[0].terms[1].modify.next_hop =
        NextHopChange{NextHopChange::Kind::address, wire::IpAddress{}};
    CHECK(error_path(c) == "definitions.accept-pod-pools.terms[1].modify.next-hop");
}

TEST_CASE("Copies of a table share its data; the config is kept as given", "[policy][table]") {
    const PolicyTable a(pod_config());
    const PolicyTable b = a;
    CHECK(&a.config() == &b.config());
    CHECK(a.config() == pod_config());
    const auto chain = a.chain({"accept-pod-pools"});
    CHECK(b.evaluate(chain, pfx("192.168.135.64/26"), v4_attrs(), ctx_in()).accepted());
}

TEST_CASE("Reload: which policies changed", "[policy][table]") {
    const PolicyTable before(pod_config());
    CHECK(PolicyTable(pod_config()).changed_since(before).empty());

    auto extra = pod_config();
    extra.definitions.push_back({"new-one", {}, TermAction::accept});
    extra.prefix_lists.push_back({"unused", {}});  // a set nobody names changes nothing
    CHECK(PolicyTable(extra).changed_since(before) == std::vector<std::string>{"new-one"});
    CHECK(before.changed_since(PolicyTable(extra)) == std::vector<std::string>{"new-one"});

    auto term_changed = pod_config();
    term_changed.definitions[0].terms[2].modify.local_pref = 250;
    CHECK(PolicyTable(term_changed).changed_since(before) ==
          std::vector<std::string>{"accept-pod-pools"});

    auto default_changed = pod_config();
    default_changed.definitions[0].default_action = TermAction::accept;
    CHECK(PolicyTable(default_changed).changed_since(before) ==
          std::vector<std::string>{"accept-pod-pools"});

    auto set_changed = pod_config();
    set_changed.prefix_lists[0].entries[0].le = 28;
    CHECK(PolicyTable(set_changed).changed_since(before) ==
          std::vector<std::string>{"accept-pod-pools"});

    auto community_changed = pod_config();
    community_changed.community_lists[0].members.push_back(*CommunityPattern::parse("64512:666"));
    CHECK(PolicyTable(community_changed).changed_since(before) ==
          std::vector<std::string>{"accept-pod-pools"});

    // Chains: equal chains of one table are interchangeable.
    CHECK(before.chain({"accept-pod-pools"}) == before.chain({"accept-pod-pools"}));
    CHECK_FALSE(before.chain({"accept-pod-pools"}) ==
                before.chain({"accept-pod-pools"}, Verdict::reject));
    CHECK_FALSE(before.chain({"all"}) == before.chain({"none"}));
}
