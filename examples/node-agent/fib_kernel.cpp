// The kernel FIB behind the agent's RouteSink: bgp::fib::Sink (rtnetlink), one
// per routing table, in the agent's network namespace.
#include <boost/asio/io_context.hpp>

#include "bgp/fib/sink.hpp"
#include "fib_port.hpp"

namespace bgp::node_agent {

namespace {

class KernelSink final : public RouteSink {
  public:
    KernelSink(boost::asio::io_context& io, const KernelOptions& options)
        : sink_(io, make_options(options)) {}
    void start() override { sink_.start(); }
    void set(const fib::Route& route) override { sink_.set(route); }
    void remove(const wire::Prefix& prefix) override { sink_.remove(prefix); }
    void sync_done() override { sink_.sync_done(); }
    void flush() override { sink_.flush(); }
    [[nodiscard]] std::vector<fib::Route> installed() const override { return sink_.installed(); }
    [[nodiscard]] std::optional<fib::Nexthop> lookup(const wire::IpAddress& dst) const override {
        return sink_.lookup(dst);
    }
    void on_kernel_change(std::function<void()> handler) override {
        sink_.on_kernel_change(std::move(handler));
    }
    void on_error(std::function<void(const fib::Route&, std::string_view)> handler) override {
        sink_.on_error(std::move(handler));
    }
    [[nodiscard]] std::uint64_t adopted() const override { return sink_.stats().adopted; }
    [[nodiscard]] bool kernel() const override { return true; }

  private:
    static fib::SinkOptions make_options(const KernelOptions& o) {
        fib::SinkOptions s;
        s.table = o.table;
        s.protocol = o.protocol;
        return s;
    }
    fib::Sink sink_;
};

}  // namespace

std::unique_ptr<RouteSink> make_kernel_sink(void* io_context, const KernelOptions& options) {
    return std::make_unique<KernelSink>(*static_cast<boost::asio::io_context*>(io_context),
                                        options);
}

}  // namespace bgp::node_agent
