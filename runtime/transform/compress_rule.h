#pragma once
// When a response is compressed: the route's `compress [codings] min S` plus the checks on the
// upstream response that are independent of the client (docs/transforms.md). Pure; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/http/header.h"
#include "runtime/transform/content_coding.h"

namespace gw::transform {

/// A route's compression settings. Immutable once part of a generation.
struct CompressRule {
  std::vector<Coding> codings;  ///< the route's preference order
  std::uint64_t minBytes = 0;   ///< smaller bodies are sent as they are
};

/// Bodies of unknown length are held until this many bytes (or `minBytes`, if smaller) arrived
/// before deciding: a larger `min` is not waited for.
inline constexpr std::uint64_t kMaxPrebuffer = 64 * 1024;

/// False when the response must go out as the upstream sent it: a HEAD request, a status
/// without a compressible body (1xx, 204, 206, 304), an upstream Content-Encoding other than
/// identity, `Cache-Control: no-transform`, or a media type that isCompressible() refuses.
bool compressibleResponse(bool headRequest, int status, const http::HeaderList& headers);

/// The Vary value to send: `existing` (the upstream's Vary values joined, may be empty) with
/// Accept-Encoding added unless already listed or `*`.
std::string varyWithAcceptEncoding(std::string_view existing);

/// A strong ETag made weak (`"x"` -> `W/"x"`): the compressed bytes are a different
/// representation, so a strong validator must not claim byte equality. Weak ones are kept.
std::string weakenEtag(std::string_view etag);

}  // namespace gw::transform
