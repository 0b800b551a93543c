#pragma once
// Random .gw route sets and requests for differential tests (decision tree vs linear scan,
// interpreter vs JIT). Deterministic for a seed. Library target: gw_testgen.
#include <cstdint>
#include <string>
#include <vector>

namespace gw::testgen {

struct GenOptions {
  uint32_t routes = 50;
  uint32_t hosts = 3;          // distinct host names used by routes and requests
  uint32_t vocabulary = 6;     // distinct literal segments
  uint32_t maxDepth = 4;
  bool conditions = true;      // header/query/when conditions on some routes
};

/// A policy source with `upstream u` and `options.routes` routes named r0, r1, ... mixing exact,
/// template and prefix paths, exact/wildcard/no hosts, method lists and conditions.
std::string randomPolicy(uint64_t seed, const GenOptions& options = {});

struct GenRequest {
  std::string method;
  std::string url;  // "https://host/path?query"
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Requests drawn from the same vocabulary, so many hit routes and many miss.
std::vector<GenRequest> randomRequests(uint64_t seed, uint32_t count,
                                       const GenOptions& options = {});

}  // namespace gw::testgen
