#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "runtime/http/chunked_decoder.h"
#include "runtime/http/response_parser.h"
#include "runtime/server/chunk_batch.h"
#include "runtime/server/client_input.h"
#include "runtime/server/decision.h"
#include "runtime/server/handler.h"
#include "runtime/server/request_context.h"
#include "runtime/server/upstream_pool.h"
#include "runtime/server/watchdog.h"

namespace gw::server {

/// Everything one forwarded request touches; all references are owned by the session.
struct Exchange {
  Transport& client;
  ClientInput& input;
  Watchdog& watchdog;
  RequestContext& ctx;
  const http::RequestHead& head;
  ForwardAction& action;
  const bool& draining;  ///< the worker is shutting down: responses carry Connection: close
};

/// The status (502, or 504 for a timeout) and message answering a failed upstream connect.
int connectErrorStatus(ConnectError e);
std::string_view connectErrorMessage(ConnectError e);

/// Outcome of a forwarded exchange for the client connection.
enum class ForwardOutcome {
  kKeepAlive,  ///< response fully written, request body fully read: the session may continue
  kClose,      ///< the client connection must be closed (error mid-stream, unread body, ...)
};

/// Carries one request to an upstream and its response back, streaming both bodies through
/// bounded buffers (a body is never held whole). Maps failures to 502 (connect refused, bad or
/// truncated response) and 504 (connect or response timeout) with the JSON error body, 413 for
/// oversized bodies, and sends `100 Continue` only once the upstream connection is up.
/// One per session (it owns reused scratch buffers); single-threaded.
class Forwarder {
 public:
  Forwarder(UpstreamPool& pool, const ServerOptions& options) : pool_(pool), options_(options) {}

  boost::asio::awaitable<ForwardOutcome> forward(Exchange& ex);

  /// How the last forward() ended (status sent, upstream outcome); valid until the next one.
  const Completion& completion() const { return completion_; }

 private:
  enum class Step { kOk, kClientGone, kUpstreamFailed, kUpstreamTimeout, kBadBody, kTooLarge };

  /// forward() for a bodyless request with a RetryHook (forward_retry.cc).
  boost::asio::awaitable<ForwardOutcome> forwardWithRetries(Exchange& ex);
  boost::asio::awaitable<Step> writeUpstream(Exchange& ex, UpstreamConnection& conn,
                                             std::span<const boost::asio::const_buffer> bufs);
  boost::asio::awaitable<Step> sendRequest(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<Step> sendContentLengthBody(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<Step> sendChunkedBody(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<Step> readResponseHead(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<ForwardOutcome> relayResponse(Exchange& ex,
                                                       std::unique_ptr<UpstreamConnection> conn);
  boost::asio::awaitable<bool> relayLengthBody(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<bool> relayChunkedBody(Exchange& ex, UpstreamConnection& conn,
                                                bool toChunked);
  boost::asio::awaitable<bool> relayUntilClose(Exchange& ex, UpstreamConnection& conn,
                                               bool toChunked);
  boost::asio::awaitable<ForwardOutcome> respondError(Exchange& ex, int status,
                                                      std::string_view message, bool close);
  boost::asio::awaitable<bool> writeClient(Exchange& ex,
                                           std::span<const boost::asio::const_buffer> bufs);
  boost::asio::awaitable<boost::system::error_code> readUpstream(Exchange& ex,
                                                                 UpstreamConnection& conn,
                                                                 std::size_t maxBytes);

  Millis upstreamTimeout(const Exchange& ex) const {
    return ex.action.timeout.count() > 0 ? ex.action.timeout : options_.defaultUpstreamTimeout;
  }

  UpstreamPool& pool_;
  const ServerOptions& options_;
  Completion completion_;
  std::string scratch_;  ///< serialized heads; capacity reused
  http::ResponseParser responseParser_;
  http::ResponseHead response_;
  http::ChunkedDecoder decoder_;
  ChunkBatch batch_;
  std::uint64_t maxBody_ = 0;
  std::size_t responseHeadLength_ = 0;
  bool sawResponseBytes_ = false;
  bool badResponse_ = false;
  bool requestBodyDone_ = true;
};

}  // namespace gw::server
