#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/http/response_parser.h"
#include "runtime/server/decision.h"
#include "runtime/server/request_context.h"

/// Serializes the heads the gateway writes: local responses (with the JSON error body), the
/// request head sent upstream and the response head sent to the client. Pure functions that
/// append to a caller-owned, reused std::string; thread-safe.
namespace gw::server {

/// Standard reason phrase for `status` ("Unknown" for unlisted codes).
std::string_view statusText(int status);

/// A complete local response. An empty `r.body` with status >= 400 becomes
/// {"error":"...","status":N,"request_id":"..."}. `close` adds "Connection: close".
void appendLocalResponse(std::string& out, const LocalResponse& r, std::string_view requestId,
                         bool close);

/// A complete JSON error response (400/408/413/431/502/504/...).
void appendErrorResponse(std::string& out, int status, std::string_view message,
                         std::string_view requestId, bool close);

/// How the forwarded request body is framed.
enum class UpstreamBody { kNone, kContentLength, kChunked };

/// The request head for the upstream: normalized (or rewritten) path + raw query, hop-by-hop
/// fields and fields named in Connection removed, edits applied, X-Forwarded-For / -Proto and
/// Forwarded appended, X-Request-ID and traceparent set, our own framing.
void appendUpstreamRequestHead(std::string& out, const RequestContext& req,
                               const ForwardAction& fwd, UpstreamBody body,
                               std::uint64_t contentLength);

/// How the response body is framed towards the client.
enum class ClientBody { kNone, kContentLength, kChunked, kUntilClose };

/// The response head for the client: upstream status and fields minus hop-by-hop and framing
/// fields, edits applied, X-Request-ID, our framing and "Connection: close" when `close`.
void appendClientResponseHead(std::string& out, const http::ResponseHead& up,
                              const HeaderEdits& edits, std::string_view requestId,
                              ClientBody body, bool close);

}  // namespace gw::server
