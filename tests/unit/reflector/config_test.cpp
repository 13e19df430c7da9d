// The reflector's configuration file: every key read into the plain struct,
// defaults, the example file, and the mapping onto bgp::SpeakerConfig /
// PeerConfig / DynamicPeerConfig.
#include "config.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>

#include "config_mapping.hpp"

namespace {

namespace wire = bgp::wire;
namespace policy = bgp::policy;
using bgp::reflector::Config;
using bgp::reflector::parse_config;
using namespace std::chrono_literals;

wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }
wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }

const char* full_config = R"(
router-id: 10.0.0.1
asn: 64512
cluster-id: 10.9.9.9
log-level: debug
listen:
  - { address: 0.0.0.0, port: 179 }
  - { address: "::1", port: 1179 }
api: { listen: "[::1]:8179" }
graceful-restart: { restart-time: 90, stale-path-time: 300 }
neighbors:
  - address: 10.0.0.2
    asn: 64512
    port: 1790
    route-reflector-client: true
    password: s3cret
    passive: true
    hold-time: 90
    keepalive-time: 30
    connect-retry-time: 10s
    families: [ipv4-unicast, ipv6-unicast]
    import: accept-pod-pools
    export: [ tag, all ]
    description: walker-1
    local-address: 10.0.0.1
    multihop: 2
    ttl-security: true
    next-hop-self: true
  - address: "fd00::2"
    asn: 65001
    graceful-restart: { enabled: false }
dynamic-neighbors:
  - prefix: 10.1.0.0/16
    asn: 64512
    route-reflector-client: true
    max-sessions: 5000
    hold-time: 30
    import: accept-pod-pools
    families: ipv4-unicast
policies:
  prefix-lists:
    pod-pools:
      - 192.168.0.0/16 ge 26 le 26
      - { prefix: "fd00:10::/48", ge: 122, le: 122 }
      - { prefix: 10.0.0.0/8, le: 32, action: deny }
  community-lists:
    blackhole: [ blackhole ]
    own: [ "64512:*" ]
  large-community-lists:
    rack7: [ "64512:7:*" ]
  ext-community-lists:
    vxlan: [ "0x030c000000000008" ]
  definitions:
    accept-pod-pools:
      default-action: reject
      terms:
        - name: no-blackholes
          match: { communities: blackhole }
          action: reject
        - name: pools
          match:
            family: [ ipv4-unicast ]
            prefix-list: { list: pod-pools, match: any }
            as-path: { max-length: 0, contains: [ 65000 ] }
            origin: igp
            next-hop: [ 10.0.0.0/8 ]
            neighbor: 10.0.0.2
            neighbor-as: [ 64512 ]
            large-communities: { list: rack7, match: none }
            ext-communities: vxlan
          modify:
            origin: egp
            local-pref: 200
            med: "+10"
            next-hop: self
            prepend: { as: last-as, count: 2 }
            communities: { set: [ "64512:1" ], remove: [ "64512:*" ], add: [ "64512:100", no-export ] }
            large-communities: { add: [ "64512:1:2" ] }
            ext-communities: { add: [ "rt:64512:100" ] }
          action: accept
    tag:
      terms:
        - modify: { med: remove }
)";

}  // namespace

TEST_CASE("every key of a full configuration is read", "[reflector]") {
    const Config c = parse_config(full_config, "full.yaml");
    CHECK(c.file == "full.yaml");
    CHECK(c.router_id == ip("10.0.0.1").v4_value());
    CHECK(c.asn == 64512);
    CHECK(c.cluster_id == ip("10.9.9.9").v4_value());
    CHECK(c.log_level == bgp::LogLevel::debug);
    REQUIRE(c.listen.size() == 2);
    CHECK(c.listen[0].address == ip("0.0.0.0"));
    CHECK(c.listen[0].port == 179);
    CHECK(c.listen[1].address == ip("::1"));
    CHECK(c.listen[1].port == 1179);
    REQUIRE(c.api);
    CHECK(c.api->listen == "[::1]:8179");
    REQUIRE(c.api->tcp);
    CHECK(c.api->tcp->address == ip("::1"));
    CHECK(c.api->tcp->port == 8179);
    CHECK(c.graceful_restart.enabled);
    CHECK(c.graceful_restart.restart_time == 90s);
    CHECK(c.graceful_restart.stale_path_time == 300s);

    REQUIRE(c.neighbors.size() == 2);
    const auto& n = c.neighbors[0];
    CHECK(n.address == ip("10.0.0.2"));
    CHECK(n.port == 1790);
    CHECK(n.passive);
    const auto& s = n.settings;
    CHECK(s.asn == 64512);
    CHECK(s.route_reflector_client);
    CHECK(s.password == "s3cret");
    CHECK(s.hold_time == 90);
    CHECK(s.keepalive_time == 30);
    CHECK(s.connect_retry_time == 10);
    CHECK(s.families == std::vector<wire::Family>{wire::ipv4_unicast, wire::ipv6_unicast});
    CHECK(s.import_policies == std::vector<std::string>{"accept-pod-pools"});
    CHECK(s.export_policies == std::vector<std::string>{"tag", "all"});
    CHECK(s.description == "walker-1");
    CHECK(s.local_address == ip("10.0.0.1"));
    CHECK(s.multihop == 2);
    CHECK(s.ttl_security);
    CHECK(s.next_hop_self);
    CHECK(s.graceful_restart.enabled);  // inherited from the top level
    CHECK(s.graceful_restart.restart_time == 90s);

    const auto& n2 = c.neighbors[1];
    CHECK(n2.address == ip("fd00::2"));
    CHECK(n2.settings.asn == 65001);
    CHECK_FALSE(n2.settings.graceful_restart.enabled);  // its own block
    CHECK(n2.settings.graceful_restart.restart_time == 90s);
    CHECK_FALSE(n2.passive);
    CHECK(n2.port == 179);
    CHECK(n2.settings.families.empty());  // library default (ipv4-unicast)

    REQUIRE(c.dynamic_neighbors.size() == 1);
    const auto& d = c.dynamic_neighbors[0];
    CHECK(d.prefix == pfx("10.1.0.0/16"));
    CHECK(d.max_sessions == 5000);
    CHECK(d.settings.asn == 64512);
    CHECK(d.settings.route_reflector_client);
    CHECK(d.settings.hold_time == 30);
    CHECK(d.settings.families == std::vector<wire::Family>{wire::ipv4_unicast});
}

TEST_CASE("the policies key becomes a PolicyConfig", "[reflector]") {
    const Config c = parse_config(full_config, "full.yaml");
    const policy::PolicyConfig& p = c.policies.config();
    REQUIRE(p.prefix_lists.size() == 1);
    const auto& pl = p.prefix_lists[0];
    CHECK(pl.name == "pod-pools");
    REQUIRE(pl.entries.size() == 3);
    CHECK(pl.entries[0].prefix == pfx("192.168.0.0/16"));
    CHECK(pl.entries[0].ge == 26);
    CHECK(pl.entries[0].le == 26);
    CHECK(pl.entries[1].prefix == pfx("fd00:10::/48"));
    CHECK(pl.entries[1].ge == 122);
    CHECK_FALSE(pl.entries[1].deny);
    CHECK(pl.entries[2].deny);
    CHECK_FALSE(pl.entries[2].ge);
    CHECK(pl.entries[2].le == 32);

    REQUIRE(p.community_lists.size() == 2);
    CHECK(p.community_lists[0].name == "blackhole");
    CHECK(p.community_lists[0].members.at(0).value() == 0xFFFF029A);
    CHECK(p.community_lists[1].members.at(0) == *policy::CommunityPattern::parse("64512:*"));
    REQUIRE(p.large_community_lists.size() == 1);
    REQUIRE(p.ext_community_lists.size() == 1);

    REQUIRE(p.definitions.size() == 2);
    const auto& def = p.definitions[0];
    CHECK(def.name == "accept-pod-pools");
    CHECK(def.default_action == policy::TermAction::reject);
    REQUIRE(def.terms.size() == 2);
    CHECK(def.terms[0].name == "no-blackholes");
    CHECK(def.terms[0].action == policy::TermAction::reject);
    CHECK(def.terms[0].match.communities == policy::SetRef{"blackhole", policy::MatchSet::any});

    const auto& m = def.terms[1].match;
    CHECK(m.families == std::vector<wire::Family>{wire::ipv4_unicast});
    CHECK(m.prefix_list == policy::SetRef{"pod-pools", policy::MatchSet::any});
    CHECK(m.as_path.max_length == 0u);
    CHECK(m.as_path.contains == std::vector<std::uint32_t>{65000});
    CHECK(m.origin == std::vector<wire::Origin>{wire::Origin::igp});
    CHECK(m.next_hop == std::vector<wire::Prefix>{pfx("10.0.0.0/8")});
    CHECK(m.neighbor == std::vector<wire::Prefix>{pfx("10.0.0.2/32")});
    CHECK(m.neighbor_as == std::vector<std::uint32_t>{64512});
    CHECK(m.large_communities == policy::SetRef{"rack7", policy::MatchSet::none});
    CHECK(m.ext_communities == policy::SetRef{"vxlan", policy::MatchSet::any});

    const auto& mod = def.terms[1].modify;
    CHECK(mod.origin == wire::Origin::egp);
    CHECK(mod.local_pref == 200u);
    REQUIRE(mod.med);
    CHECK(mod.med->op == policy::MedChange::Op::add);
    CHECK(mod.med->value == 10);
    REQUIRE(mod.next_hop);
    CHECK(mod.next_hop->kind == policy::NextHopChange::Kind::self);
    REQUIRE(mod.prepend);
    CHECK(mod.prepend->last_as);
    CHECK(mod.prepend->count == 2);
    CHECK(mod.communities.replace == std::vector<std::uint32_t>{(64512u << 16) | 1});
    CHECK(mod.communities.remove.size() == 1);
    CHECK(mod.communities.add == std::vector<std::uint32_t>{(64512u << 16) | 100, 0xFFFFFF01});
    CHECK(mod.large_communities.add == std::vector<wire::LargeCommunity>{{64512, 1, 2}});
    CHECK(mod.ext_communities.add.size() == 1);
    CHECK(def.terms[1].action == policy::TermAction::accept);

    CHECK(p.definitions[1].name == "tag");
    CHECK(p.definitions[1].terms.at(0).modify.med->op == policy::MedChange::Op::remove);
    CHECK(c.policies.contains("tag"));
}

TEST_CASE("defaults of a minimal configuration", "[reflector]") {
    const Config c = parse_config("router-id: 10.0.0.1\nasn: 4200000000\n", "min.yaml");
    CHECK(c.asn == 4200000000u);
    CHECK_FALSE(c.cluster_id);
    REQUIRE(c.listen.size() == 1);
    CHECK(c.listen[0].address == ip("0.0.0.0"));
    CHECK(c.listen[0].port == 179);
    CHECK_FALSE(c.api);
    CHECK(c.log_level == bgp::LogLevel::info);
    CHECK_FALSE(c.graceful_restart.enabled);
    CHECK(c.neighbors.empty());
    CHECK(c.dynamic_neighbors.empty());
    CHECK(c.policies.config().definitions.empty());

    const Config one = parse_config(
        "router-id: 167772161\nasn: 1\nlisten: { address: 127.0.0.1 }\napi: { listen: "
        "/run/bgp-reflector.sock }\n",
        "one.yaml");
    CHECK(one.router_id == 167772161u);
    REQUIRE(one.listen.size() == 1);
    CHECK(one.listen[0].address == ip("127.0.0.1"));
    CHECK(one.listen[0].port == 179);
    REQUIRE(one.api);
    CHECK(one.api->unix_path == "/run/bgp-reflector.sock");
    CHECK_FALSE(one.api->tcp);
}

TEST_CASE("lines of keys are remembered for later errors", "[reflector]") {
    const Config c = parse_config(full_config, "full.yaml");
    CHECK(c.line_of("router-id") == 2);
    CHECK(c.line_of("neighbors[0].hold-time") == 18);
    CHECK(c.line_of("neighbors[1].address") == 29);
    CHECK(c.line_of("neighbors[1].no-such-key") == 29);  // nearest parent: the item
    CHECK(c.line_of("nothing-here") == 0);
}

TEST_CASE("the example configuration is valid", "[reflector]") {
    const Config c = bgp::reflector::load_config(BGP_REFLECTOR_DIR "/reflector.example.yaml");
    CHECK(c.asn == 64512);
    CHECK_FALSE(c.neighbors.empty());
    CHECK_FALSE(c.dynamic_neighbors.empty());
    CHECK(c.policies.contains("accept-pod-pools"));
    CHECK(c.api);
    // and it maps onto the speaker's configuration
    CHECK_NOTHROW(bgp::reflector::to_speaker_config(c));
    for (const auto& n : c.neighbors) CHECK_NOTHROW(bgp::reflector::to_peer_config(c, n));
}

TEST_CASE("mapping onto SpeakerConfig, PeerConfig and DynamicPeerConfig", "[reflector]") {
    const Config c = parse_config(full_config, "full.yaml");
    const bgp::SpeakerConfig sc = bgp::reflector::to_speaker_config(c);
    CHECK(sc.local_as == 64512);
    CHECK(sc.router_id == ip("10.0.0.1").v4_value());
    CHECK(sc.log_level == bgp::LogLevel::debug);
    REQUIRE(sc.listen.size() == 2);
    CHECK(sc.listen[1].address == ip("::1"));
    CHECK(sc.listen[1].port == 1179);
    CHECK(sc.forward_routes);  // a route reflector
    CHECK(sc.cluster_id == ip("10.9.9.9").v4_value());
    CHECK(sc.policies.contains("accept-pod-pools"));
    CHECK(bgp::reflector::to_speaker_config(parse_config("router-id: 10.0.0.7\nasn: 1\n"))
              .cluster_id == ip("10.0.0.7").v4_value());  // default: the router id

    // `::` listens on IPv4 too (a second socket, 0.0.0.0, on that port) unless listed.
    const auto any = bgp::reflector::to_speaker_config(
        parse_config("router-id: 10.0.0.7\nasn: 1\nlisten: { address: \"::\", port: 1179 }\n"));
    REQUIRE(any.listen.size() == 2);
    CHECK(any.listen[0].address == ip("::"));
    CHECK(any.listen[1].address == ip("0.0.0.0"));
    CHECK(any.listen[1].port == 1179);
    const auto both = bgp::reflector::to_speaker_config(
        parse_config("router-id: 10.0.0.7\nasn: 1\nlisten:\n  - { address: \"::\" }\n"
                     "  - { address: 0.0.0.0 }\n"));
    CHECK(both.listen.size() == 2);

    const bgp::PeerConfig p = bgp::reflector::to_peer_config(c, c.neighbors[0]);
    CHECK(p.address == ip("10.0.0.2"));
    CHECK(p.port == 1790);
    CHECK(p.peer_as == 64512);
    CHECK(p.passive);
    CHECK(p.password == "s3cret");
    CHECK(p.local_address == ip("10.0.0.1"));
    CHECK(p.ttl_security);
    CHECK(p.multihop == 2);
    CHECK(p.description == "walker-1");
    CHECK(p.route_reflector_client);
    CHECK(p.next_hop_self);
    CHECK(p.import_policy == c.policies.chain({"accept-pod-pools"}));
    CHECK(p.export_policy == c.policies.chain({"tag", "all"}));
    CHECK_FALSE(p.export_policy == c.policies.chain({"all", "tag"}));  // order kept
    CHECK(p.session.local_as == 64512);
    CHECK(p.session.peer_as == 64512);
    CHECK(p.session.peer_address == ip("10.0.0.2"));
    CHECK(p.session.passive);
    CHECK(p.session.hold_time == 90s);
    CHECK(p.session.keepalive_time == 30s);
    CHECK(p.session.connect_retry_time == 10s);
    CHECK(p.session.families == std::vector<wire::Family>{wire::ipv4_unicast, wire::ipv6_unicast});
    CHECK(p.session.graceful_restart.enabled);
    CHECK(p.session.graceful_restart.restart_time == 90s);
    CHECK(p.session.graceful_restart.stale_path_time == 300s);

    const bgp::PeerConfig p2 = bgp::reflector::to_peer_config(c, c.neighbors[1]);
    CHECK(p2.session.families == std::vector<wire::Family>{wire::ipv4_unicast});
    CHECK(p2.session.hold_time == 180s);  // library default
    CHECK_FALSE(p2.session.graceful_restart.enabled);
    CHECK(p2.multihop == 0);
    CHECK_FALSE(p2.route_reflector_client);
    CHECK(p2.import_policy == bgp::policy::PolicyChain{});  // none given: accept all

    const bgp::DynamicPeerConfig d =
        bgp::reflector::to_dynamic_peer_config(c, c.dynamic_neighbors[0]);
    CHECK(d.range == pfx("10.1.0.0/16"));
    CHECK(d.max_peers == 5000);
    CHECK(d.settings.passive);
    CHECK(d.settings.peer_as == 64512);
    CHECK(d.settings.session.hold_time == 30s);
    CHECK(d.settings.route_reflector_client);
    CHECK(d.settings.import_policy == c.policies.chain({"accept-pod-pools"}));
}
