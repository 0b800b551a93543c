#pragma once
// A realistic route set for the match benchmark: REST resources under a few hosts, each with a
// collection (exact), an item template and a nested sub-resource template, plus a prefix route
// per host group. Deterministic.
#include <cstdint>
#include <string>

namespace gw::bench {

/// `routes` routes of .gw text (rounded up to whole resources).
std::string restPolicy(uint32_t routes);
/// A path of a resource in the middle of the set: static ("/v1/rN") and templated
/// ("/v1/rN/123/items/9"), and its host.
std::string staticPath(uint32_t routes);
std::string templatedPath(uint32_t routes);
std::string hostFor(uint32_t routes);

/// The number of resources (kPerResource routes each) restPolicy(routes) defines, and the
/// static or templated path and the host of resource `r` among them (match_growth's rotation).
uint32_t resourceCount(uint32_t routes);
/// The resource staticPath(), templatedPath() and hostFor() name.
uint32_t middleResource(uint32_t routes);
std::string resourcePath(uint32_t r, bool templated);
std::string resourceHost(uint32_t r);

}  // namespace gw::bench
