// Internal to the CLI's API client (api_client.cpp, watch_client.cpp): the two
// kinds of connection (TCP, unix socket) opened with a timeout, and the text of
// a failure.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>

#include "cli/api_client.hpp"

namespace bgp::reflector::cli::detail {

using UnixStream = boost::beast::basic_stream<boost::asio::local::stream_protocol>;

/// Runs `io` until every pending operation has completed.
inline void run(boost::asio::io_context& io) {
    io.restart();
    io.run();
}

/// Connects, or throws ApiError: "cannot connect to the API at X: why (is
/// bgp-reflector running? is api.listen set?)".
void connect(boost::beast::tcp_stream& stream, boost::asio::io_context& io,
             const ApiEndpoint& endpoint, std::chrono::seconds timeout);
void connect(UnixStream& stream, boost::asio::io_context& io, const ApiEndpoint& endpoint,
             std::chrono::seconds timeout);

/// "no answer from the API at X within N s" for a timeout, else "the API at X:
/// <what>: <error>".
std::string failure(const ApiEndpoint& endpoint, std::string_view what,
                    const boost::system::error_code& ec, std::chrono::seconds timeout);

}  // namespace bgp::reflector::cli::detail
