#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/http/header.h"
#include "runtime/server/edit_list.h"
#include "runtime/server/server_options.h"
#include "runtime/transform/compress_rule.h"
#include "runtime/transform/json_edit.h"

namespace gw::tls {
class UpstreamTlsContext;
}

namespace gw::server {

struct RequestContext;

/// Header edits a decision applies to the forwarded request or to the response. Owned strings;
/// `clear()` keeps the lists' elements and their strings' capacity (EditList), so a
/// session-owned Decision is reused without allocating.
struct HeaderEdits {
  FieldList set;    ///< replace (or add) these fields
  NameList remove;  ///< drop these fields

  void clear() {
    set.clear();
    remove.clear();
  }
  /// True if a field named `name` must not be copied through (removed or replaced).
  bool overrides(std::string_view name) const {
    for (const auto& [n, v] : set) {
      if (http::iequals(n, name)) {
        return true;
      }
    }
    for (const std::string& n : remove) {
      if (http::iequals(n, name)) {
        return true;
      }
    }
    return false;
  }
};

/// Called by the forwarder when the upstream response head arrived, before it is written to
/// the client: the policy may inspect the status and headers and add response edits. Owned by
/// the handler; called on the worker thread of the request.
class ResponseHook {
 public:
  virtual ~ResponseHook() = default;
  virtual void onResponseHead(const RequestContext& req, int status,
                              const http::HeaderList& upstreamHeaders, HeaderEdits& edits) = 0;
};

struct Completion;
struct ForwardAction;

/// Consulted by the forwarder after a failed attempt (connect error, timeout, broken or
/// 502/503/504 response) of a request that is bodyless or whose body the forwarder keeps in
/// memory (at most ForwardAction::retryBodyLimit bytes; `attempt.bytesIn` is its size), before
/// anything was sent to the client: the handler decides whether to try again, may wait
/// (backoff) and points `action` at the next server. A request whose body is larger streams
/// and is never offered. Owned by the handler; called on the worker thread of the request.
class RetryHook {
 public:
  virtual ~RetryHook() = default;
  virtual boost::asio::awaitable<bool> retry(const RequestContext& req, const Completion& attempt,
                                             ForwardAction& action) = 0;
};

/// "Answer locally": status, extra headers, small body. A status >= 400 with an empty body gets
/// the standard JSON error body `{"error":..,"status":..,"request_id":..}`.
struct LocalResponse {
  int status = 404;
  FieldList headers;  ///< e.g. Allow for 405
  std::string contentType = "application/json";
  std::string body;
  std::string error;  ///< message for the generated JSON body; empty: the status text
};

/// "Forward to an upstream".
struct ForwardAction {
  std::string host;  ///< IP literal (fast path) or name resolved per request
  std::uint16_t port = 80;
  std::string path;  ///< path to send; empty: the normalized request path
  HeaderEdits requestHeaders;
  HeaderEdits responseHeaders;
  Millis timeout{0};         ///< response timeout (head, and each body read); 0: default
  Millis connectTimeout{0};  ///< 0: default
  Millis idleTimeout{0};     ///< how long its connection may idle in the pool; 0: the default
  std::uint64_t maxBody = 0;  ///< request body cap (413); 0: ServerOptions::defaultMaxBody
  ResponseHook* hook = nullptr;  ///< optional; must outlive the request
  RetryHook* retry = nullptr;    ///< optional; must outlive the request
  /// With `retry`: request bodies up to this many bytes are read whole before the first attempt
  /// and kept until the response starts, so a retry can replay them; larger bodies stream
  /// through and are never retried. 0: only bodyless requests are retried.
  std::uint64_t retryBodyLimit = 0;
  /// TLS to the upstream (its `tls` block), or null for plain TCP. Shared: a pooled connection
  /// keeps the context it was made with.
  std::shared_ptr<const tls::UpstreamTlsContext> tls;
  /// Body transforms (docs/transforms.md). Pointers into the policy generation the request pins;
  /// nullptr: none. `coding` is the one negotiated from Accept-Encoding (kIdentity: the client
  /// takes none of the route's codings); `identityRefused` lifts the `min` threshold.
  const transform::CompressRule* compress = nullptr;
  transform::Coding coding = transform::Coding::kIdentity;
  bool identityRefused = false;
  const transform::JsonEdits* requestJson = nullptr;
  const transform::JsonEdits* responseJson = nullptr;
  /// The values of the edits' `set`s for this request (owned by the handler until onComplete).
  std::span<const transform::JsonValue> requestJsonValues, responseJsonValues;
};

/// The policy hook's answer. One per session, reused across its requests.
struct Decision {
  enum class Kind { kRespond, kForward };
  Kind kind = Kind::kRespond;
  LocalResponse respond;
  ForwardAction forward;
  void* handlerData = nullptr;  ///< the handler's per-request state, handed back in onComplete

  void clear() {
    kind = Kind::kRespond;
    respond.status = 404;
    respond.headers.clear();
    respond.contentType = "application/json";
    respond.body.clear();
    respond.error.clear();
    forward.host.clear();
    forward.port = 80;
    forward.path.clear();
    forward.requestHeaders.clear();
    forward.responseHeaders.clear();
    forward.timeout = forward.connectTimeout = forward.idleTimeout = Millis{0};
    forward.maxBody = 0;
    forward.hook = nullptr;
    forward.retry = nullptr;
    forward.retryBodyLimit = 0;
    forward.tls.reset();
    forward.compress = nullptr;
    forward.coding = transform::Coding::kIdentity;
    forward.identityRefused = false;
    forward.requestJson = forward.responseJson = nullptr;
    forward.requestJsonValues = forward.responseJsonValues = {};
    handlerData = nullptr;
  }
  /// Convenience: answer `status` locally with the standard JSON error body.
  void respondError(int status, std::string_view message = {}) {
    kind = Kind::kRespond;
    respond.status = status;
    respond.error.assign(message);
  }
};

}  // namespace gw::server
