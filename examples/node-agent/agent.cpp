// The node agent's runtime (see agent.hpp): speaker set-up and peers, own
// blocks, best path -> plan -> FIB sink, live apply, `show routes`.
#include "agent.hpp"

#include "autodetect.hpp"
#include "links.hpp"
#ifdef BGP_NODE_AGENT_VXLAN
#include "bgp/fib/vxlan.hpp"
#endif

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

namespace bgp::node_agent {

namespace {

std::string json_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

wire::Family family_of(const wire::Prefix& p) {
    return p.address().is_v4() ? wire::ipv4_unicast : wire::ipv6_unicast;
}

}  // namespace

Agent::Agent(boost::asio::io_context& io, AgentOptions options, Cluster cluster,
             std::unique_ptr<RouteSink> sink, Logger logger)
    : io_(io),
      options_(std::move(options)),
      cluster_(std::move(cluster)),
      me_(node_agent::identity(cluster_, options_.node, options_.detected)),
      sink_(std::move(sink)),
      log_(std::move(logger)) {
    if (!sink_) sink_ = std::make_unique<MemorySink>();
    // The sink first: whether it adopted routes of a previous run decides how the
    // speaker starts (graceful restart).
    sink_->on_kernel_change([this] {
        if (replan_posted_) return;
        replan_posted_ = true;
        boost::asio::post(io_, [this] {
            replan_posted_ = false;
            replan_all();
        });
    });
    sink_->on_error([this](const fib::Route& r, std::string_view what) {
        log(LogLevel::error, fmt::format("kernel refused route {}: {}", route_text(r), what));
        if (auto it = entries_.find(r.prefix.to_string()); it != entries_.end())
            it->second.kernel_error = std::string(what);
    });
    sink_->start();
    restarting_ = sink_->adopted() > 0;
    if (restarting_)
        log(LogLevel::info,
            fmt::format("adopted {} routes left by a previous run: graceful restart, "
                        "kept until the peers have re-sent theirs",
                        sink_->adopted()));
    SpeakerConfig config;
    config.local_as = me_.as_number;
    config.router_id = me_.ipv4.address.v4_value();
    config.listen.push_back({me_.ipv4.address, options_.bgp_port});
    if (me_.ipv6) config.listen.push_back({me_.ipv6->address, options_.bgp_port});
    config.log_level = options_.log_level;
    config.log = [this](LogLevel level, std::string_view line) { log(level, std::string(line)); };
    config.decision.max_paths = options_.max_paths;
    ImportPolicy pools_only = import_policy(cluster_);
    config.policies = std::move(pools_only.table);
    import_chain_ = std::move(pools_only.chain);
    if (me_.rr_cluster_id) {
        config.forward_routes = true;
        config.cluster_id = me_.rr_cluster_id;
        // A restarted reflector defers selection (RFC 4724 §4.1): it sends its table and
        // End-of-RIB to a client only once every client has re-sent its routes, else a
        // client would sweep the other clients' routes it keeps as stale, and relearn
        // them a moment later. (A plain node advertises only its own blocks: no wait.)
        config.restarting = restarting_;
    }
    speaker_ = std::make_unique<Speaker>(io_, std::move(config));
    log(LogLevel::info,
        fmt::format(
            "node {}: address {}, AS {}{}, {} sink", me_.name, me_.ipv4.to_string(), me_.as_number,
            me_.rr_cluster_id ? fmt::format(", route reflector cluster {}",
                                            wire::IpAddress::v4(*me_.rr_cluster_id).to_string())
                              : std::string(),
            sink_->kernel() ? "kernel" : "in-memory (no kernel routes)"));
}

Agent::~Agent() = default;

void Agent::log(LogLevel level, const std::string& text) const {
    if (level < options_.log_level || !log_) return;
    log_(level, text);
}

NodeNet Agent::node_net() const { return NodeNet{me_.ipv4, "tunl0", "vxlan.calico"}; }

PeerConfig Agent::peer_config(const PeerPlan& p) const {
    PeerConfig c;
    c.address = p.address;
    c.port = options_.bgp_port;
    c.peer_as = p.as_number;
    c.password = p.password;
    c.route_reflector_client = p.rr_client;
    c.description = p.description;
    c.import_policy = import_chain_;
    if (p.address.is_v4()) {
        c.local_address = me_.ipv4.address;
        c.session.families = {wire::ipv4_unicast};
    } else {
        if (me_.ipv6) c.local_address = me_.ipv6->address;
        c.session.families = {wire::ipv6_unicast};
    }
    c.session.graceful_restart.enabled = true;
    c.session.graceful_restart.restarting = restarting_;
    c.session.graceful_restart.forwarding_preserved = restarting_;
    return c;
}

void Agent::prepare_devices() {
    bool ipip = false, vxlan = false;
    for (const auto& [name, p] : cluster_.pools) {
        if (p.disabled) continue;
        ipip = ipip || p.ipip != Mode::never;
        vxlan = vxlan || p.vxlan != Mode::never;
    }
    std::string note;
    if (ipip && sink_->kernel()) {
        if (!link_exists("tunl0")) {
            note =
                "a pool uses IP-in-IP but there is no tunl0 device (kernel without the ipip "
                "module?): its routes cannot be installed";
        } else if (auto why = link_up("tunl0"); !why.empty()) {
            note = fmt::format("cannot bring tunl0 up: {}", why);
        }
    }
#ifdef BGP_NODE_AGENT_VXLAN
    if (vxlan && sink_->kernel() && options_.vxlan && !vxlan_) {
        std::string underlay;
        for (const auto& ia : system_interfaces())
            if (ia.address.address == me_.ipv4.address) underlay = ia.interface;
        try {
            fib::VxlanOptions o;
            o.local = me_.ipv4.address;
            o.underlay = underlay;
            vxlan_ = std::make_shared<fib::Vxlan>(o);
            log(LogLevel::info,
                fmt::format("VXLAN device {} (VNI {}, port {}, local {}, underlay {})", o.device,
                            o.vni, o.port, o.local.to_string(), underlay.empty() ? "-" : underlay));
        } catch (const std::exception& e) {
            note = fmt::format("cannot set up the VXLAN device: {}", e.what());
        }
    }
#endif
    if (vxlan && sink_->kernel() && !vxlan_ && !link_exists("vxlan.calico"))
        note += (note.empty() ? "" : "; ") +
                std::string("a pool uses VXLAN but there is no vxlan.calico device");
    if (!note.empty() && note != device_note_) log(LogLevel::warning, note);
    device_note_ = note;
}

void Agent::apply_nat() {
    if (!options_.nat) return;
    std::vector<wire::Prefix> masquerade, all;
    for (const auto& [name, p] : cluster_.pools) {
        if (p.disabled) continue;
        all.push_back(p.cidr);
        if (p.nat_outgoing) masquerade.push_back(p.cidr);
    }
    std::string state = "natOutgoing: no pool, no masquerading";
    if (!masquerade.empty()) {
        state = "natOutgoing: pod traffic leaving the pools is masqueraded from";
        for (const auto& m : masquerade) state += " " + m.to_string();
    }
    if (state == nat_state_) return;
    if (masquerade.empty() && nat_state_.empty()) {  // nothing was ever set up
        nat_state_ = state;
        return;
    }
    try {
        options_.nat(masquerade, all);
        log(LogLevel::info, state);
        nat_state_ = state;
    } catch (const std::exception& e) {
        log(LogLevel::error, fmt::format("natOutgoing: {}", e.what()));
    }
}

void Agent::update_vxlan() {
#ifdef BGP_NODE_AGENT_VXLAN
    if (!vxlan_) return;
    std::vector<fib::Route> routes;
    for (const auto& [key, e] : entries_)
        if (e.plan.route) routes.push_back(*e.plan.route);
    // Until the FIB is in sync after a restart, the routes adopted from the previous run
    // still forward through their VTEPs: the first relearned route must not remove the
    // other VTEPs' entries.
    std::vector<wire::IpAddress> remotes =
        vxlan_vteps(routes, sink_->installed(), synced_, "vxlan.calico");
    if (remotes == vteps_) return;
    try {
        static_cast<fib::Vxlan*>(vxlan_.get())->set_vteps(remotes);
        vteps_ = std::move(remotes);
        std::string list;
        for (const auto& r : vteps_) list += " " + r.to_string();
        log(LogLevel::info, fmt::format("VXLAN remote VTEPs:{}", list.empty() ? " none" : list));
    } catch (const std::exception& e) {
        log(LogLevel::error, fmt::format("VXLAN entries: {}", e.what()));
    }
#endif
}

void Agent::start() {
    if (restarting_) {
        // The routes adopted from the kernel stay as they are until every peer has
        // re-sent its routes (End-of-RIB), or until this timer gives up waiting.
        deferral_timer_.expires_after(options_.selection_deferral);
        deferral_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec || !deferring()) return;
            deferral_over_ = true;
            log(LogLevel::warning,
                fmt::format("graceful restart: not every peer sent End-of-RIB within {} s: "
                            "installing the routes learnt so far",
                            options_.selection_deferral.count()));
            replan_all();
        });
    }
    speaker_->on_state_change([this](const PeerEvent& e) {
        log(LogLevel::debug,
            fmt::format("session {} {} -> {}{}", e.peer.to_string(), fsm::to_string(e.from),
                        fsm::to_string(e.to), e.reason.text.empty() ? "" : ": " + e.reason.text));
    });
    speaker_->on_route([this](const RouteEvent& e) {
        if (e.kind == RouteEvent::Kind::end_of_rib) on_end_of_rib(e.peer);
    });
    speaker_->on_best_path([this](const BestPathEvent& e) { replan(e.prefix); });
    prepare_devices();
    apply_nat();
    reconcile_blocks();
    reconcile_peers();
    speaker_->start();
    if (peers_.empty()) on_end_of_rib(wire::IpAddress());
}

void Agent::stop(std::function<void()> done) {
    sink_->flush();
    // No NOTIFICATION: the connections just close, so the peers keep our routes
    // as stale for the restart time (RFC 4724) while we are away, and the
    // kernel keeps theirs here: an agent restart does not interrupt forwarding.
    speaker_.reset();
    log(LogLevel::info,
        "sessions closed without NOTIFICATION (graceful restart); routes stay in the kernel");
    if (done) boost::asio::post(io_, std::move(done));
}

void Agent::on_end_of_rib(const wire::IpAddress& peer) {
    if (!peers_.empty()) {
        end_of_rib_.insert(peer);
        log(LogLevel::debug, fmt::format("End-of-RIB from {}", peer.to_string()));
    }
    if (synced_) return;
    for (const auto& p : peers_)
        if (!end_of_rib_.contains(p.address)) return;
    synced_ = true;
    restarting_ = false;  // peers added from now on: a normal start
    deferral_timer_.cancel();
    replan_all();
    sink_->sync_done();
    update_vxlan();  // VTEPs only adopted routes used are gone now
    log(LogLevel::info, "End-of-RIB from every peer: FIB in sync, stale adopted routes swept");
}

void Agent::reconcile_peers() {
    const std::vector<PeerPlan> wanted = plan_peers(cluster_, me_);
    std::map<wire::IpAddress, const PeerPlan*> now;
    for (const auto& p : peers_) now[p.address] = &p;
    for (const auto& p : wanted) {
        auto it = now.find(p.address);
        if (it == now.end()) {
            speaker_->add_peer(peer_config(p));
            log(LogLevel::info,
                fmt::format("peer {} AS{} added: {}{}{}", p.address.to_string(), p.as_number,
                            p.description, p.password.empty() ? "" : ", TCP MD5",
                            p.rr_client ? ", route reflector client" : ""));
        } else {
            if (!(*it->second == p)) {
                speaker_->change_peer(peer_config(p));
                log(LogLevel::info,
                    fmt::format("peer {} changed: {}", p.address.to_string(), p.description));
            }
            now.erase(it);
        }
    }
    for (const auto& [address, p] : now) {
        speaker_->remove_peer(address, "removed from the manifests");
        end_of_rib_.erase(address);
        log(LogLevel::info, fmt::format("peer {} removed", address.to_string()));
    }
    peers_ = wanted;
}

void Agent::reconcile_blocks() {
    std::vector<std::string> skipped;
    std::map<std::string, OwnBlock> wanted;
    for (auto& b : own_blocks(cluster_, me_.name, &skipped)) wanted.emplace(b.cidr.to_string(), b);
    for (const auto& s : skipped) log(LogLevel::warning, s);
    std::vector<wire::Prefix> gone;
    for (const auto& [key, b] : blocks_) {
        auto it = wanted.find(key);
        if (it == wanted.end() || !it->second.exported) {
            if (speaker_->withdraw(b.cidr))
                log(LogLevel::info, fmt::format("block {} withdrawn", key));
        }
        if (it == wanted.end()) gone.push_back(b.cidr);
    }
    for (const auto& [key, b] : wanted) {
        auto old = blocks_.find(key);
        const bool was_exported = old != blocks_.end() && old->second.exported;
        if (b.exported && !was_exported) {
            wire::PathAttributes attrs;
            attrs.origin = wire::Origin::igp;
            attrs.next_hop = b.cidr.address().is_v4()
                                 ? me_.ipv4.address
                                 : (me_.ipv6 ? me_.ipv6->address : wire::IpAddress());
            if (b.cidr.address().is_v6() && !me_.ipv6) {
                log(LogLevel::warning,
                    fmt::format("block {}: the node has no IPv6 address, not announced", key));
            } else {
                speaker_->announce(b.cidr, attrs);
                log(LogLevel::info, fmt::format("block {} (pool {}) announced, next hop {}", key,
                                                b.pool, attrs.next_hop->to_string()));
            }
        } else if (!b.exported && old == blocks_.end()) {
            log(LogLevel::info,
                fmt::format("block {} (pool {}) not announced: disableBGPExport", key, b.pool));
        }
    }
    blocks_ = std::move(wanted);
    for (const auto& cidr : gone) {
        entries_.erase(cidr.to_string());
        sink_->remove(cidr);
        log(LogLevel::info,
            fmt::format("route blackhole {} removed: no longer an own block", cidr.to_string()));
        replan(cidr);  // another node's route may take its place
    }
    for (const auto& [key, b] : blocks_) {
        PlannedRoute plan;
        plan.route = blackhole_route(b.cidr);
        plan.pool = b.pool;
        if (auto pit = cluster_.pools.find(b.pool); pit != cluster_.pools.end())
            plan.mode = pit->second.vxlan != Mode::never ? pit->second.vxlan : pit->second.ipip;
        plan.why = fmt::format("own block of node {} (BlockAffinity confirmed){}", me_.name,
                               b.exported ? "" : ", not exported: disableBGPExport");
        auto& e = entries_[key];
        const bool changed = !e.plan.route || !(*e.plan.route == *plan.route);
        e = Entry{b.cidr, plan, true, changed ? std::string() : e.kernel_error, {}, {}, {}};
        if (changed) {
            sink_->set(*plan.route);
            log(LogLevel::info,
                fmt::format("route {} installed: {}", route_text(*plan.route), plan.why));
        }
    }
}

void Agent::replan(const wire::Prefix& prefix) {
    if (!speaker_) return;
    // RFC 4724 §4.1: after a restart the adopted FIB stays as it is until every peer has
    // re-sent its routes; planning from a partial RIB would, for one, rewrite a multipath
    // route with only the next hops learnt so far. on_end_of_rib() replans everything.
    if (deferring()) return;
    const std::string key = prefix.to_string();
    if (blocks_.contains(key)) return;  // own block: the blackhole stays
    std::vector<PathIn> paths;
    Entry via;  // where the best path came from (show routes)
    for (const auto& r : speaker_->rib(family_of(prefix), prefix)) {
        if (!r.peer || !(r.best || r.multipath)) continue;
        if (r.stale && !r.best) continue;
        PathIn p = path_in(r.attributes);
        if (!r.attributes.next_hop) continue;
        if (p.next_hop == me_.ipv4.address || (me_.ipv6 && p.next_hop == me_.ipv6->address))
            continue;
        paths.push_back(p);
        if (r.best) {
            via.from = r.peer->to_string();
            if (r.attributes.originator_id)
                via.originator = r.attributes.originator_id->to_string();
            if (r.attributes.cluster_list)
                for (std::uint32_t id : *r.attributes.cluster_list)
                    via.cluster_list.push_back(wire::IpAddress::v4(id).to_string());
        }
    }
    auto it = entries_.find(key);
    if (paths.empty()) {
        if (it != entries_.end()) {
            if (it->second.plan.route) {
                sink_->remove(prefix);
                log(LogLevel::info, fmt::format("route {} removed: withdrawn", key));
            }
            const bool was_vxlan = it->second.plan.encap == Encap::vxlan;
            entries_.erase(it);
            if (was_vxlan) vxlan_changed();
        }
        return;
    }
    const Resolve resolve = [this](const wire::IpAddress& a) { return sink_->lookup(a); };
    PlannedRoute plan = plan_route(prefix, paths, cluster_, node_net(), resolve);
    const bool had = it != entries_.end() && it->second.plan.route;
    if (plan.route) {
        if (!had || !(*it->second.plan.route == *plan.route)) {
            sink_->set(*plan.route);
            log(LogLevel::info,
                fmt::format("route {} installed: {}", route_text(*plan.route), plan.why));
        }
    } else {
        if (had) sink_->remove(prefix);
        if (!had || it->second.plan.why != plan.why)
            log(LogLevel::info, fmt::format("route {} not installed: {}", key, plan.why));
    }
    const bool vxlan_involved = plan.encap == Encap::vxlan ||
                                (it != entries_.end() && it->second.plan.encap == Encap::vxlan);
    // A route written again keeps no old kernel error; an unchanged one keeps it.
    std::string kernel_error;
    if (had && plan.route && *it->second.plan.route == *plan.route)
        kernel_error = it->second.kernel_error;
    entries_[key] = Entry{prefix,
                          std::move(plan),
                          false,
                          std::move(kernel_error),
                          std::move(via.from),
                          std::move(via.originator),
                          std::move(via.cluster_list)};
    if (vxlan_involved) vxlan_changed();
}

void Agent::replan_all() {
    if (!speaker_) return;
    std::set<std::string> seen;
    std::vector<wire::Prefix> prefixes;
    auto add = [&](const wire::Prefix& p) {
        if (seen.insert(p.to_string()).second) prefixes.push_back(p);
    };
    for (const auto& [key, e] : entries_) add(e.prefix);
    for (auto family : {wire::ipv4_unicast, wire::ipv6_unicast})
        for (const auto& r : speaker_->best_routes(family)) add(r.prefix);
    replanning_all_ = true;
    for (const auto& p : prefixes) replan(p);
    replanning_all_ = false;
    if (vxlan_pending_) {
        vxlan_pending_ = false;
        update_vxlan();
    }
}

void Agent::vxlan_changed() {
    // One route at a time during replan_all() would drop, for a moment, the entries of
    // VTEPs whose routes come later in the loop (traffic to them lost meanwhile).
    if (replanning_all_)
        vxlan_pending_ = true;
    else
        update_vxlan();
}

std::string Agent::apply(const std::vector<Resource>& resources) {
    if (!speaker_) throw std::invalid_argument("the agent is stopping");
    Cluster next = cluster_;
    next.apply(resources);
    next.validate();
    const NodeIdentity me = node_agent::identity(next, options_.node, options_.detected);
    if (me.ipv4 != me_.ipv4 || me.as_number != me_.as_number ||
        me.rr_cluster_id != me_.rr_cluster_id || me.ipv6 != me_.ipv6)
        throw std::invalid_argument(
            fmt::format("node {}: its address, AS number or routeReflectorClusterID would change; "
                        "restart the agent for that (nothing applied)",
                        me_.name));
    std::string summary;
    for (const auto& [name, pool] : next.pools) {
        auto old = cluster_.pools.find(name);
        if (old == cluster_.pools.end())
            summary += fmt::format("pool {} {} added\n", name, pool.cidr.to_string());
        else if (!(old->second == pool))
            summary += fmt::format("pool {} {} changed: ipipMode {} vxlanMode {} natOutgoing {}\n",
                                   name, pool.cidr.to_string(), to_string(pool.ipip),
                                   to_string(pool.vxlan), pool.nat_outgoing);
    }
    const bool pools_changed = [&] {
        if (next.pools.size() != cluster_.pools.size()) return true;
        for (const auto& [name, pool] : next.pools) {
            auto old = cluster_.pools.find(name);
            if (old == cluster_.pools.end() || old->second.cidr != pool.cidr ||
                old->second.disabled != pool.disabled)
                return true;
        }
        return false;
    }();
    cluster_ = std::move(next);
    prepare_devices();
    apply_nat();
    if (pools_changed) {
        ImportPolicy pools_only = import_policy(cluster_);
        import_chain_ = pools_only.chain;
        speaker_->set_policies(std::move(pools_only.table),
                               [this](PeerConfig& c) { c.import_policy = import_chain_; });
    }
    const std::size_t peers_before = peers_.size();
    const std::size_t blocks_before = blocks_.size();
    reconcile_peers();
    reconcile_blocks();
    replan_all();
    sink_->flush();
    summary +=
        fmt::format("{} resources applied; {} peers (was {}), {} own blocks (was {}), {} routes\n",
                    resources.size(), peers_.size(), peers_before, blocks_.size(), blocks_before,
                    entries_.size());
    log(LogLevel::info, "apply: " + summary.substr(0, summary.size() - 1));
    return summary;
}

std::string Agent::show_routes(bool json) const {
    std::string out;
    if (json) out += "[";
    bool first = true;
    for (const auto& [key, e] : entries_) {
        const std::string text = e.plan.route ? route_text(*e.plan.route) : std::string();
        std::string cluster_ids;  // "a","b" (JSON) / a b (text)
        for (const auto& id : e.cluster_list)
            cluster_ids += json ? (cluster_ids.empty() ? "\"" : ",\"") + id + "\"" : " " + id;
        if (json) {
            out += fmt::format(
                "{}\n  {{\"prefix\":\"{}\",\"installed\":{},\"route\":\"{}\",\"pool\":\"{}\","
                "\"mode\":\"{}\",\"encapsulation\":\"{}\",\"own\":{},\"why\":\"{}\","
                "\"kernel_error\":\"{}\",\"from\":\"{}\",\"originator_id\":\"{}\","
                "\"cluster_list\":[{}]}}",
                first ? "" : ",", key, e.plan.route.has_value(), json_escape(text),
                json_escape(e.plan.pool), to_string(e.plan.mode), to_string(e.plan.encap), e.own,
                json_escape(e.plan.why), json_escape(e.kernel_error), e.from, e.originator,
                cluster_ids);
        } else {
            out += fmt::format("{}\n    {}\n    pool {} mode {} encapsulation {}\n    why: {}\n",
                               key, e.plan.route ? text : "(not installed)",
                               e.plan.pool.empty() ? "-" : e.plan.pool, to_string(e.plan.mode),
                               to_string(e.plan.encap), e.plan.why);
            if (!e.from.empty())
                out += fmt::format("    from {}{}{}\n", e.from,
                                   e.originator.empty() ? "" : ", originator " + e.originator,
                                   cluster_ids.empty() ? "" : ", cluster list" + cluster_ids);
            if (!e.kernel_error.empty())
                out += fmt::format("    kernel refused it: {}\n", e.kernel_error);
        }
        first = false;
    }
    if (json) out += "\n]\n";
    return out;
}

std::string Agent::show_peers(bool json) const {
    std::map<wire::IpAddress, const PeerPlan*> plans;
    for (const auto& p : peers_) plans[p.address] = &p;
    std::string out = json ? "[" : "";
    bool first = true;
    for (const auto& s : speaker_ ? speaker_->peers() : std::vector<PeerStatus>{}) {
        const auto it = plans.find(s.address);
        const bool md5 = it != plans.end() && !it->second->password.empty();
        const bool client = it != plans.end() && it->second->rr_client;
        if (json) {
            out += fmt::format(
                "{}\n  {{\"address\":\"{}\",\"as\":{},\"state\":\"{}\",\"description\":\"{}\","
                "\"md5\":{},\"rr_client\":{},\"routes_received\":{},\"routes_stale\":{},"
                "\"local\":\"{}\",\"remote\":\"{}\"}}",
                first ? "" : ",", s.address.to_string(), s.peer_as, fsm::to_string(s.state),
                json_escape(s.description), md5, client, s.routes_received, s.routes_stale,
                s.local_endpoint, s.remote_endpoint);
        } else {
            // The first four words are what scripts read: address, AS, state, description...
            out += fmt::format(
                "{} AS{} {} {}{}{}; {} routes received, {} stale{}\n", s.address.to_string(),
                s.peer_as, fsm::to_string(s.state), s.description, md5 ? "; tcp-md5" : "",
                client ? "; route-reflector-client" : "", s.routes_received, s.routes_stale,
                s.local_endpoint.empty()
                    ? std::string()
                    : fmt::format("; {} -> {}", s.local_endpoint, s.remote_endpoint));
        }
        first = false;
    }
    if (json) out += "\n]\n";
    return out;
}

}  // namespace bgp::node_agent
