#pragma once
// The pure parts of `aggregate` (docs/aggregate.md): the sub-request path built from the
// template's pieces, the combined JSON object, the error body naming the failed part and the
// access log's `parts` array. No I/O; thread-safe.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "compiler/policy/compiled_policy.h"

namespace gw::gateway {

/// Appends `value` percent-encoded: every byte but the RFC 3986 unreserved ones (A-Z a-z 0-9
/// - . _ ~) becomes %XX, so an inserted value is one path segment (or one query value) and can
/// never add `/`, `?`, `#` or `&`. False (nothing appended) for a path value that is empty, `.`
/// or `..`: those would change which resource the path names.
bool appendPathValue(std::string& out, std::string_view value, bool query);

/// Evaluates `part`'s path into `out` (replaced). False + `why` when an inserted value is
/// refused (see appendPathValue). ctx must carry the route's params.
bool buildPartPath(const policy::CompiledPolicy& p, const policy::AggregatePart& part,
                   const gw_request& req, gw_eval_ctx& ctx, std::string& out, std::string& why);

/// True when `body` is one JSON document (RFC 8259, UTF-8), surrounding whitespace allowed.
bool isJsonDocument(std::string_view body);

/// One part's answer in the combined object: its field and its (validated) JSON body.
struct PartBody {
  std::string_view field;
  std::string_view json;  ///< empty: written as null (a 204 or an empty 2xx body)
};

/// `{"field":<json>,...}` in part order into `out` (replaced); bodies are inserted as sent,
/// minus surrounding whitespace.
void composeObject(std::span<const PartBody> parts, std::string& out);

/// The JSON error body of a failed aggregate:
/// {"error":"aggregate part failed","part":..,"reason":..,"status":..,"request_id":..}.
std::string partErrorBody(int status, std::string_view part, std::string_view reason,
                          std::string_view requestId);

/// One entry of the access log's `parts` array.
struct PartLog {
  std::string_view field, upstream, addr, result;
  int status = 0;  ///< the upstream's status, 0 when none
  double latencyMs = 0;
};

/// Appends `{"part":..,"upstream":..,"upstream_addr":..,"status":..,"result":..,"latency_ms":..}`
/// to `out`, preceded by a comma unless `out` ends with '['.
void appendPartLog(std::string& out, const PartLog& log);

}  // namespace gw::gateway
