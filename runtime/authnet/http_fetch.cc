#include "runtime/authnet/http_fetch.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "runtime/authnet/response_reader.h"
#include "runtime/net/connect_host.h"

namespace gw::authnet {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

/// Everything one exchange owns. Shared with the deadline timer's handler so a timer that fires
/// concurrently with the end of the exchange never touches freed memory.
struct Exchange {
  explicit Exchange(const asio::any_io_executor& ex) : resolver(ex), timer(ex), plain(ex) {}

  tcp::socket& lowest() { return tls ? tls->next_layer() : plain; }

  tcp::resolver resolver;
  asio::steady_timer timer;
  tcp::socket plain;
  std::unique_ptr<ssl::stream<tcp::socket>> tls;
  std::uint64_t generation = 0;  // bumps on every re-arm: a stale timer handler does nothing
  bool timedOut = false;
};

/// (Re-)arms the deadline: when it passes, the resolver and socket are cancelled/closed, which
/// fails whatever operation is pending with operation_aborted.
void arm(const std::shared_ptr<Exchange>& ex, Clock::time_point deadline) {
  const std::uint64_t gen = ++ex->generation;
  ex->timer.expires_at(deadline);
  ex->timer.async_wait([ex, gen](const boost::system::error_code& ec) {
    if (ec || gen != ex->generation) {
      return;
    }
    ex->timedOut = true;
    ex->resolver.cancel();
    boost::system::error_code ignored;
    ex->lowest().close(ignored);
  });
}

void disarm(const std::shared_ptr<Exchange>& ex) {
  ++ex->generation;
  ex->timer.cancel();
}

FetchResponse failure(FetchError error, std::string detail) {
  FetchResponse r;
  r.error = error;
  r.detail = std::move(detail);
  return r;
}

std::string serializeRequest(const FetchRequest& request) {
  std::string out;
  out.reserve(256 + request.body.size());
  out.append(request.method).append(" ").append(request.url.target).append(" HTTP/1.1\r\n");
  out.append("Host: ").append(request.url.hostHeader).append("\r\n");
  out.append("User-Agent: gw-authnet\r\nConnection: close\r\n");
  if (!request.accept.empty()) {
    out.append("Accept: ").append(request.accept).append("\r\n");
  }
  if (!request.authorization.empty()) {
    out.append("Authorization: ").append(request.authorization).append("\r\n");
  }
  if (request.method != "GET" || !request.body.empty()) {
    if (!request.contentType.empty()) {
      out.append("Content-Type: ").append(request.contentType).append("\r\n");
    }
    out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  out.append("\r\n").append(request.body);
  return out;
}

/// Resolves and connects within the connect deadline.
asio::awaitable<FetchResponse> connect(const std::shared_ptr<Exchange>& ex, const FetchUrl& url) {
  const net::ConnectOutcome outcome = co_await net::connectHost(
      ex->lowest(), ex->resolver, url.host, url.port, [&ex] { return ex->timedOut; });
  if (outcome.connected()) co_return FetchResponse{};
  if (ex->timedOut) {
    co_return failure(FetchError::kTimeout, outcome.step == net::ConnectStep::kResolveFailed
                                                ? "cannot resolve `" + url.host + "`: timed out"
                                                : std::string("connect timed out"));
  }
  if (outcome.step == net::ConnectStep::kResolveFailed) {
    co_return failure(FetchError::kResolve,
                      "cannot resolve `" + url.host + "`: " + outcome.error.message());
  }
  co_return failure(FetchError::kConnect, outcome.error.message());
}

asio::awaitable<FetchResponse> handshake(const std::shared_ptr<Exchange>& ex, const FetchUrl& url,
                                         const tls::UpstreamTlsContext& context) {
  if (std::string error = context.prepare(ex->tls->native_handle(), url.host); !error.empty()) {
    co_return failure(FetchError::kTls, std::move(error));
  }
  auto [ec] = co_await ex->tls->async_handshake(ssl::stream_base::client, kAwait);
  if (ec) {
    co_return failure(ex->timedOut ? FetchError::kTimeout : FetchError::kTls,
                      ex->timedOut ? std::string("tls handshake timed out") : ec.message());
  }
  co_return FetchResponse{};
}

template <class Stream>
asio::awaitable<FetchResponse> transact(Stream& stream, const std::shared_ptr<Exchange>& ex,
                                        const FetchRequest& request, const FetchOptions& options) {
  const std::string wire = serializeRequest(request);
  auto [wec, written] = co_await asio::async_write(stream, asio::buffer(wire), kAwait);
  (void)written;
  if (wec) {
    co_return failure(ex->timedOut ? FetchError::kTimeout : FetchError::kIo,
                      "write failed: " + wec.message());
  }
  ResponseReader reader(options.maxHeaderBytes, options.maxBodyBytes);
  char chunk[16 * 1024];
  while (!reader.done()) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(chunk), kAwait);
    if (rec && ex->timedOut) {
      co_return failure(FetchError::kTimeout, "response timed out");
    }
    const bool eof = rec == asio::error::eof;
    if (rec && !eof) {
      // A TLS peer that closes without close_notify may have been truncated by an attacker;
      // ResponseReader only accepts that for framings that carry their own length.
      if (rec != ssl::error::stream_truncated) {
        co_return failure(FetchError::kIo, "read failed: " + rec.message());
      }
    }
    if (n > 0) {
      reader.feed(std::string_view(chunk, n));
    }
    if (rec) {
      reader.finish(eof);
    }
    if (reader.failed()) {
      co_return failure(reader.error(), reader.reason());
    }
  }
  co_return reader.take();
}

asio::awaitable<FetchResponse> run(const std::shared_ptr<Exchange>& ex, FetchRequest& request,
                                   const FetchOptions& options,
                                   const tls::UpstreamTlsContext* context) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + options.totalTimeout;
  arm(ex, std::min(deadline, start + options.connectTimeout));
  FetchResponse r = co_await connect(ex, request.url);
  if (!r.ok()) {
    co_return r;
  }
  arm(ex, deadline);
  boost::system::error_code ignored;
  ex->lowest().set_option(tcp::no_delay(true), ignored);
  if (!ex->tls) {
    co_return co_await transact(ex->plain, ex, request, options);
  }
  r = co_await handshake(ex, request.url, *context);
  if (!r.ok()) {
    co_return r;
  }
  r = co_await transact(*ex->tls, ex, request, options);
  // No TLS shutdown: the request said Connection: close and the body is complete, so waiting
  // for the peer's close_notify would only add a round trip.
  co_return r;
}

}  // namespace

std::string_view fetchErrorName(FetchError error) noexcept {
  switch (error) {
    case FetchError::kNone: return "none";
    case FetchError::kResolve: return "resolve";
    case FetchError::kConnect: return "connect";
    case FetchError::kTls: return "tls";
    case FetchError::kTimeout: return "timeout";
    case FetchError::kIo: return "io";
    case FetchError::kMalformedResponse: return "malformed_response";
    case FetchError::kTooLarge: return "too_large";
  }
  return "unknown";
}

asio::awaitable<FetchResponse> httpFetch(FetchRequest request, FetchOptions options,
                                         std::shared_ptr<const tls::UpstreamTlsContext> tls) {
  if (request.url.https && !tls) {
    co_return failure(FetchError::kTls, "https url without a tls context");
  }
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  auto ex = std::make_shared<Exchange>(executor);
  if (request.url.https) {
    ex->tls = std::make_unique<ssl::stream<tcp::socket>>(executor, tls->context());
  }
  FetchResponse r = co_await run(ex, request, options, tls.get());
  disarm(ex);
  boost::system::error_code ignored;
  ex->lowest().close(ignored);
  co_return r;
}

std::shared_ptr<const tls::UpstreamTlsContext> makeFetchTlsContext(const std::string& caFile,
                                                                   std::string& error) {
  tls::UpstreamTlsConfig config;
  config.ca_file = caFile.empty() ? std::string(kSystemCaBundle) : caFile;
  config.verify = true;
  tls::TlsResult<tls::UpstreamTlsContext> result = tls::UpstreamTlsContext::create(config);
  if (!result.ok()) {
    error = std::move(result.error);
    return nullptr;
  }
  return result.value;
}

std::optional<FetchTarget> prepareFetchTarget(const std::string& url, const std::string& caFile,
                                              std::string_view what, std::string& error) {
  std::string reason;
  std::optional<FetchUrl> parsed = parseFetchUrl(url, reason);
  FetchTarget target;
  if (parsed) {
    target.url = std::move(*parsed);
    if (target.url.https) {
      target.tls = makeFetchTlsContext(caFile, reason);
    }
  }
  if (!parsed || (target.url.https && !target.tls)) {
    error = std::string(what) + " url `" + url + "`: " + reason;
    return std::nullopt;
  }
  return target;
}

}  // namespace gw::authnet
