// OPEN construction, validation and capability negotiation (RFC 4271 §4.2, §6.2;
// RFC 5492; RFC 6793; RFC 7911; RFC 8654; RFC 8950; RFC 9234; RFC 4724; RFC 9494).
#include "bgp/fsm/negotiate.hpp"

#include <algorithm>
#include <string>

#include "wire/capability_codec.hpp"
#include "wire/reader.hpp"

namespace bgp::fsm {

namespace {

constexpr std::uint16_t as_trans = 23456;  // RFC 6793 §9

wire::Notification open_error(std::uint8_t subcode, std::vector<std::uint8_t> data = {}) {
    return wire::Notification{static_cast<std::uint8_t>(wire::NotifCode::open_message_error),
                              subcode, std::move(data)};
}

std::vector<std::uint8_t> be(std::uint32_t v, std::size_t octets) {
    std::vector<std::uint8_t> out(octets);
    for (std::size_t i = 0; i < octets; ++i)
        out[octets - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
    return out;
}

std::vector<wire::Family> families_of(const wire::Open& open) {
    std::vector<wire::Family> out;
    for (const auto& c : open.capabilities)
        if (const auto* mp = std::get_if<wire::CapMultiprotocol>(&c)) out.push_back(mp->family);
    return out;
}

bool has_code(const wire::Open& open, std::uint8_t code) {
    return std::any_of(open.capabilities.begin(), open.capabilities.end(),
                       [&](const wire::Capability& c) { return wire::capability_code(c) == code; });
}

std::uint8_t add_path_mode_of(const wire::Open& open, wire::Family f) {
    std::uint8_t mode = 0;
    for (const auto& c : open.capabilities)
        if (const auto* ap = std::get_if<wire::CapAddPath>(&c))
            for (const auto& e : ap->entries)
                if (e.family == f) mode = e.mode;
    return mode;
}

bool enh_covers(const wire::Open& open, const wire::CapExtendedNextHop::Entry& want) {
    for (const auto& c : open.capabilities)
        if (const auto* x = std::get_if<wire::CapExtendedNextHop>(&c))
            for (const auto& e : x->entries)
                if (e == want) return true;
    return false;
}

/// RFC 9234 §4.2: the allowed pairs (local, remote).
bool roles_match(wire::BgpRole local, wire::BgpRole remote) {
    using R = wire::BgpRole;
    switch (local) {
        case R::provider:
            return remote == R::customer;
        case R::customer:
            return remote == R::provider;
        case R::rs:
            return remote == R::rs_client;
        case R::rs_client:
            return remote == R::rs;
        case R::peer:
            return remote == R::peer;
    }
    return false;
}

}  // namespace

bool Negotiated::has_family(wire::Family f) const {
    return std::find(families.begin(), families.end(), f) != families.end();
}

wire::CodecOptions Negotiated::receive_options() const {
    wire::CodecOptions o;
    o.four_octet_as = four_octet_as;
    o.extended_message = extended_message;
    o.add_path = add_path_receive;
    o.ibgp = ibgp;
    return o;
}

wire::CodecOptions Negotiated::send_options() const {
    wire::CodecOptions o;
    o.four_octet_as = four_octet_as;
    o.extended_message = extended_message;
    o.add_path = add_path_send;
    o.ibgp = ibgp;
    return o;
}

wire::Open make_open(const SessionConfig& config) {
    wire::Open open;
    open.version = 4;
    open.my_as = config.local_as > 0xFFFF ? as_trans : static_cast<std::uint16_t>(config.local_as);
    open.hold_time = static_cast<std::uint16_t>(config.hold_time.count());
    open.bgp_identifier = config.router_id;
    auto& caps = open.capabilities;
    // RFC 4760 §8: one Multiprotocol capability per family.
    for (const auto& f : config.families) caps.emplace_back(wire::CapMultiprotocol{f});
    if (config.route_refresh) caps.emplace_back(wire::CapRouteRefresh{});
    if (config.enhanced_route_refresh) caps.emplace_back(wire::CapEnhancedRouteRefresh{});
    if (config.extended_next_hop) {
        // RFC 8950 §3: IPv4 NLRI (unicast / multicast) with IPv6 next hops.
        wire::CapExtendedNextHop x;
        for (const auto& f : config.families)
            if (f.afi == wire::Afi::ipv4)
                x.entries.push_back(
                    {wire::Afi::ipv4, static_cast<std::uint16_t>(f.safi), wire::Afi::ipv6});
        if (!x.entries.empty()) caps.emplace_back(std::move(x));
    }
    if (config.extended_message) caps.emplace_back(wire::CapExtendedMessage{});
    // RFC 9234 §4.1: the role only on eBGP sessions (an internal peer ignores it).
    if (config.role && config.peer_as != config.local_as)
        caps.emplace_back(wire::CapRole{static_cast<std::uint8_t>(*config.role)});
    const auto& gr = config.graceful_restart;
    if (gr.enabled) {
        // RFC 4724 §3: R bit while restarting; F bit per family whose
        // forwarding state survived. RFC 8538 §2: N bit.
        wire::CapGracefulRestart g;
        g.restart_state = gr.restarting;
        g.notification = gr.notification;
        g.restart_time =
            static_cast<std::uint16_t>(std::min<std::int64_t>(gr.restart_time.count(), 4095));
        for (const auto& f : config.families) {
            wire::CapGracefulRestart::Entry e;
            e.family = f;
            e.forwarding_state = gr.restarting && gr.forwarding_preserved;
            e.flags = e.forwarding_state ? 0x80 : 0;
            g.families.push_back(e);
        }
        caps.emplace_back(std::move(g));
    }
    if (config.four_octet_as) caps.emplace_back(wire::CapFourOctetAs{config.local_as});
    if (!config.add_path.empty()) {
        wire::CapAddPath ap;
        for (const auto& a : config.add_path) {
            std::uint8_t mode = 0;
            if (a.receive) mode |= wire::add_path_mode::receive;
            if (a.send) mode |= wire::add_path_mode::send;
            if (mode != 0) ap.entries.push_back({a.family, mode});
        }
        if (!ap.entries.empty()) caps.emplace_back(std::move(ap));
    }
    if (gr.enabled && gr.long_lived_stale_time.count() > 0) {
        // RFC 9494 §2: one entry per family, F bit as for GR.
        wire::CapLongLivedGr l;
        const auto stale = static_cast<std::uint32_t>(
            std::min<std::int64_t>(gr.long_lived_stale_time.count(), 0xFFFFFF));
        for (const auto& f : config.families) {
            const bool fwd = gr.restarting && gr.forwarding_preserved;
            l.entries.push_back({f, static_cast<std::uint8_t>(fwd ? 0x80 : 0), stale});
        }
        caps.emplace_back(std::move(l));
    }
    if (config.hostname) caps.emplace_back(wire::CapFqdn{*config.hostname, {}});
    return open;
}

Expected<Negotiated, wire::Notification> negotiate(const SessionConfig& config,
                                                   const wire::Open& local,
                                                   const wire::Open& peer) {
    // §6.2: version (the decoder refuses it already; checked again for OPENs built by hand).
    if (peer.version != 4)
        return unexpected(open_error(wire::open_subcode::unsupported_version_number, be(4, 2)));
    // §6.2: non-capability optional parameters are not supported.
    if (!peer.other_parameters.empty()) {
        return unexpected(open_error(wire::open_subcode::unsupported_optional_parameter));
    }
    // §6.2 Bad Peer AS (RFC 6793 §4.1: the 4-octet capability carries the real AS).
    const auto* as4 = peer.find<wire::CapFourOctetAs>();
    const std::uint32_t peer_as = peer.asn();
    if (peer_as == 0 || (config.peer_as != 0 && peer_as != config.peer_as)) {
        return unexpected(
            open_error(wire::open_subcode::bad_peer_as, as4 ? be(as4->asn, 4) : be(peer.my_as, 2)));
    }
    // RFC 6793 §4.2.1 / RFC 7607: AS_TRANS as the peer's own AS without the
    // capability cannot be the real AS of a configured peer.
    if (as4 == nullptr && peer.my_as == as_trans && config.peer_as != as_trans) {
        return unexpected(open_error(wire::open_subcode::bad_peer_as, be(peer.my_as, 2)));
    }
    const bool ibgp = peer_as == config.local_as;
    // §6.2 + RFC 6286 §2.2: identifier 0, or ours on an internal session.
    if (peer.bgp_identifier == 0 || (ibgp && peer.bgp_identifier == config.router_id)) {
        return unexpected(
            open_error(wire::open_subcode::bad_bgp_identifier, be(peer.bgp_identifier, 4)));
    }
    // §6.2 / §4.2: hold time 1 or 2 is refused; and anything below our minimum.
    const auto peer_hold = std::chrono::seconds(peer.hold_time);
    if (peer.hold_time != 0 && (peer.hold_time < 3 || peer_hold < config.min_hold_time)) {
        return unexpected(
            open_error(wire::open_subcode::unacceptable_hold_time, be(peer.hold_time, 2)));
    }

    Negotiated n;
    n.peer_as = peer_as;
    n.peer_id = peer.bgp_identifier;
    n.ibgp = ibgp;
    n.local_open = local;
    n.peer_open = peer;

    // §4.2 / §10: the smaller hold time; 0 on either side means no keepalives.
    const auto our_hold = std::chrono::seconds(local.hold_time);
    n.hold_time = (local.hold_time == 0 || peer.hold_time == 0) ? std::chrono::seconds(0)
                                                                : std::min(our_hold, peer_hold);
    if (n.hold_time.count() > 0) {
        auto ka = n.hold_time / 3;
        if (config.keepalive_time.count() > 0) ka = std::min(ka, config.keepalive_time);
        n.keepalive_time = std::max(ka, std::chrono::seconds(1));
    }

    const bool local_as4 = local.find<wire::CapFourOctetAs>() != nullptr;
    n.four_octet_as = local_as4 && as4 != nullptr;
    n.extended_message =
        local.find<wire::CapExtendedMessage>() && peer.find<wire::CapExtendedMessage>();
    // RFC 2918: code 2, or the pre-standard Cisco code 128 some peers still send.
    n.route_refresh = local.find<wire::CapRouteRefresh>() &&
                      (peer.find<wire::CapRouteRefresh>() || has_code(peer, 128));
    n.enhanced_route_refresh = n.route_refresh && local.find<wire::CapEnhancedRouteRefresh>() &&
                               peer.find<wire::CapEnhancedRouteRefresh>();

    // RFC 4760 §8 / RFC 5492: families both sides advertised. A peer without
    // any Multiprotocol capability speaks IPv4 unicast only (RFC 4760 §1).
    auto ours = families_of(local);
    auto theirs = families_of(peer);
    if (theirs.empty()) theirs.push_back(wire::ipv4_unicast);
    if (ours.empty()) ours.push_back(wire::ipv4_unicast);
    for (const auto& f : ours)
        if (std::find(theirs.begin(), theirs.end(), f) != theirs.end() &&
            std::find(n.families.begin(), n.families.end(), f) == n.families.end())
            n.families.push_back(f);
    if (n.families.empty()) {
        // RFC 5492 §5: Unsupported Capability, data = the capabilities we need.
        std::vector<std::uint8_t> data;
        wire::detail::Writer w(data);
        for (const auto& f : ours)
            (void)wire::detail::encode_capability(wire::CapMultiprotocol{f}, w);
        return unexpected(open_error(wire::open_subcode::unsupported_capability, std::move(data)));
    }

    // RFC 7911 §4: we send path ids where we said send and the peer said receive.
    for (const auto& f : n.families) {
        const auto lm = add_path_mode_of(local, f);
        const auto pm = add_path_mode_of(peer, f);
        if ((lm & wire::add_path_mode::send) && (pm & wire::add_path_mode::receive))
            n.add_path_send.insert(f);
        if ((lm & wire::add_path_mode::receive) && (pm & wire::add_path_mode::send))
            n.add_path_receive.insert(f);
    }

    // RFC 8950 §3: an entry counts when both advertised it.
    if (const auto* x = local.find<wire::CapExtendedNextHop>()) {
        for (const auto& e : x->entries) {
            const wire::Family f{e.nlri_afi, static_cast<wire::Safi>(e.nlri_safi)};
            if (enh_covers(peer, e) && n.has_family(f) &&
                std::find(n.extended_next_hop.begin(), n.extended_next_hop.end(), f) ==
                    n.extended_next_hop.end())
                n.extended_next_hop.push_back(f);
        }
    }

    // RFC 9234 §4.2: roles on eBGP sessions. Several Role capabilities with
    // different values, an unknown value, a pair that does not match, or no
    // role from the peer in strict mode: Role Mismatch.
    if (!ibgp && config.role) {
        n.local_role = config.role;
        std::optional<std::uint8_t> seen;
        bool conflicting = false;
        for (const auto& c : peer.capabilities) {
            if (const auto* r = std::get_if<wire::CapRole>(&c)) {
                if (seen && *seen != r->role) conflicting = true;
                seen = r->role;
            }
        }
        if (conflicting || (seen && *seen > 4)) {
            return unexpected(open_error(wire::open_subcode::role_mismatch));
        }
        if (seen) {
            n.peer_role = static_cast<wire::BgpRole>(*seen);
            if (!roles_match(*config.role, *n.peer_role))
                return unexpected(open_error(wire::open_subcode::role_mismatch));
        } else if (config.strict_role) {
            return unexpected(open_error(wire::open_subcode::role_mismatch));
        }
    }

    if (const auto* g = peer.find<wire::CapGracefulRestart>()) n.peer_graceful_restart = *g;
    n.graceful_restart = local.find<wire::CapGracefulRestart>() && n.peer_graceful_restart;
    if (const auto* l = peer.find<wire::CapLongLivedGr>()) n.peer_long_lived_gr = *l;
    return n;
}

}  // namespace bgp::fsm
