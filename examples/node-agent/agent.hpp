// The node agent: one bgp::Speaker for this Node (mesh / BGPPeers / reflector
// role from the manifests), its own blocks announced with next hop = the node
// address, every best-path change planned into a kernel route and written to
// the FIB sink; manifests applied live (`apply`), routes shown with why.
#pragma once

#include <bgp/speaker/speaker.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fib_port.hpp"
#include "manifest.hpp"
#include "routing.hpp"

namespace bgp::node_agent {

using Logger = std::function<void(LogLevel, std::string_view)>;

struct AgentOptions {
    std::string node;
    std::optional<HostAddress> detected;  ///< autodetected address (used without ipv4Address)
    std::string detected_interface;       ///< its interface (the VXLAN underlay)
    std::uint16_t bgp_port = 179;         ///< listen on and connect to
    std::uint16_t max_paths = 8;          ///< ECMP
    /// Graceful restart (routes adopted from the kernel at start): the FIB is
    /// left as it is until every peer has sent End-of-RIB (RFC 4724 §4.1
    /// selection deferral), at most this long; below the sink's adopt grace.
    std::chrono::seconds selection_deferral{60};
    LogLevel log_level = LogLevel::info;
    /// natOutgoing (nftables, set by main.cpp when built with libnftables):
    /// masquerade traffic from the first list of pools to outside the second.
    /// Throws std::runtime_error when the kernel refuses. Unset: no NAT.
    std::function<void(const std::vector<wire::Prefix>& masquerade,
                       const std::vector<wire::Prefix>& all)>
        nat;
    /// Manage the VXLAN device and its VTEP entries (kernel builds).
    bool vxlan = true;
};

class Agent {
  public:
    /// Throws std::invalid_argument (no address, invalid speaker settings) or
    /// std::system_error (listening socket).
    Agent(boost::asio::io_context& io, AgentOptions options, Cluster cluster,
          std::unique_ptr<RouteSink> sink, Logger logger);
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    void start();
    /// Cease to every peer (the FIB is kept: graceful restart), then `done`.
    void stop(std::function<void()> done);

    /// Validates the resources against the cluster (throws ManifestError or
    /// std::invalid_argument and changes nothing), then applies them live:
    /// peers added / changed / removed, blocks announced / withdrawn, every
    /// route re-planned. Returns a summary of what changed.
    std::string apply(const std::vector<Resource>& resources);
    /// Each installed route: prefix, kernel route text, pool, mode, encapsulation, why,
    /// and for a learned route the best path's peer and its RFC 4456 ORIGINATOR_ID /
    /// CLUSTER_LIST (how it came: from its node, or through which reflectors).
    [[nodiscard]] std::string show_routes(bool json) const;
    /// Each session: address, AS, state, what configured it, TCP MD5 (key set),
    /// route reflector client, the connection's endpoints.
    [[nodiscard]] std::string show_peers(bool json) const;

    [[nodiscard]] const NodeIdentity& identity() const { return me_; }
    [[nodiscard]] const Speaker& speaker() const { return *speaker_; }
    [[nodiscard]] const RouteSink& sink() const { return *sink_; }

  private:
    struct Entry {
        wire::Prefix prefix;
        PlannedRoute plan;
        bool own = false;
        std::string kernel_error;  ///< the kernel refused the route (NACK), if so
        /// The best path's peer, ORIGINATOR_ID and CLUSTER_LIST (learned routes).
        std::string from;
        std::string originator;
        std::vector<std::string> cluster_list;
    };
    void log(LogLevel level, const std::string& text) const;
    void reconcile_peers();
    void reconcile_blocks();
    void replan(const wire::Prefix& prefix);
    void replan_all();
    void on_end_of_rib(const wire::IpAddress& peer);
    /// Restarted with adopted routes, not every End-of-RIB yet, deferral time not over.
    [[nodiscard]] bool deferring() const { return restarting_ && !synced_ && !deferral_over_; }
    [[nodiscard]] PeerConfig peer_config(const PeerPlan& p) const;
    [[nodiscard]] NodeNet node_net() const;
    void prepare_devices();
    void apply_nat();
    void update_vxlan();
    /// A route through the VXLAN device changed: update_vxlan() now, or once at the end
    /// of replan_all(), so that the VTEP entries are never set from half the routes.
    void vxlan_changed();

    boost::asio::io_context& io_;
    AgentOptions options_;
    Cluster cluster_;
    NodeIdentity me_;
    std::unique_ptr<RouteSink> sink_;
    Logger log_;
    std::unique_ptr<Speaker> speaker_;
    std::vector<PeerPlan> peers_;
    policy::PolicyChain import_chain_;        ///< routes inside the pools only
    std::map<std::string, OwnBlock> blocks_;  ///< own blocks by prefix text
    std::map<std::string, Entry> entries_;    ///< planned routes by prefix text
    std::set<wire::IpAddress> end_of_rib_;    ///< peers that sent End-of-RIB
    bool synced_ = false;
    bool restarting_ = false;
    bool deferral_over_ = false;
    boost::asio::steady_timer deferral_timer_{io_};
    bool replan_posted_ = false;
    bool replanning_all_ = false;         ///< inside replan_all()
    bool vxlan_pending_ = false;          ///< vxlan_changed() during replan_all()
    std::string device_note_;             ///< last device warning (logged once)
    std::string nat_state_;               ///< what apply_nat() last did
    std::shared_ptr<void> vxlan_;         ///< bgp::fib::Vxlan once a pool uses VXLAN
    std::vector<wire::IpAddress> vteps_;  ///< remote VTEPs last given to it
};

}  // namespace bgp::node_agent
