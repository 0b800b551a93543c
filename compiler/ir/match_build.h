#pragma once
// Building the matcher decision tree (match_tree.h) from the routes' RouteInfo, and the
// specificity order it encodes (shared with the linear reference matcher).
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/ir.h"

namespace gw::ir {

/// Splits a route pattern into segments: "/" is zero segments, a trailing '/' adds an empty
/// segment, `{name}` is a param when `kind` is Template. Prefix patterns drop a trailing empty
/// segment ("/v1/" behaves as "/v1").
std::vector<PathSegment> splitPattern(PathKind kind, std::string_view pattern);

/// Splits a request path the same way (no params). Writes up to `max` segment slices into
/// `out` and returns the segment count (which may exceed `max`).
size_t splitRequestPath(std::string_view path, std::string_view* out, size_t max);

/// Parses a host pattern ("api.example.com", "*.example.com"), lower-casing it.
HostPattern parseHost(std::string_view host);

/// One route+host pair in specificity order.
struct SpecCandidate {
  uint32_t route = 0;
  uint32_t host = 0;  // index into RouteInfo::hosts, or 0 with an empty host list
};

/// True when `a` is more specific than `b` (it is tried first). A strict weak order over the
/// full key: path kind and shape, host, method, condition count, then source order.
bool moreSpecific(const Program& p, const SpecCandidate& a, const SpecCandidate& b);

/// Fills p.matcher from p.routes. Deterministic.
void buildMatchTree(Program& p);

}  // namespace gw::ir
