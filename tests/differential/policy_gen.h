#pragma once
// A random .gw policy and random requests for the differential tests and the fuzzer: routes with
// overlapping exact/template/prefix paths over a small segment vocabulary, exact and wildcard
// hosts, method lists, `when` conditions and `authorize` blocks whose boolean rules read every
// request-context field, `body json` set values, `aggregate` path templates, and limits and
// sticky `by` keys with composite keys over those fields. Deterministic for a seed. (Replace by
// tests/unit/ir/random_policy once the IR helper's generator lands.)
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gw/abi.h"
#include "stdlib/native/claims_table.h"

namespace gw::difftest {

/// A request and the storage its gw_request view points into. Not copyable (self-referential).
struct GenRequest {
  GenRequest() = default;
  GenRequest(const GenRequest&) = delete;
  GenRequest& operator=(const GenRequest&) = delete;

  gw_request view{};
  std::string describe;  // "GET host/path?query ..." for failure messages
  std::deque<std::string> text;
  std::vector<gw_header> headers;
  std::vector<gw_str> roles, scopes, sans;
  std::unique_ptr<native::ClaimsTable> claims;
};

class PolicyGen {
 public:
  explicit PolicyGen(uint64_t seed) : rng_(seed) {}
  /// Draws every choice from `data` (the fuzzer's input) instead of a PRNG; 0 once exhausted.
  PolicyGen(const uint8_t* data, size_t size) : data_(data), size_(size), fromBytes_(true) {}
  /// A policy of `routes` routes (source text). `distinctMatchers` redraws a route whose match
  /// block repeats an earlier one (large policies would otherwise always hit E0302).
  std::string policy(int routes, bool distinctMatchers = false);
  /// A request aimed at the vocabulary the policies use.
  std::unique_ptr<GenRequest> request();

  /// Draws from the generator's stream (the fuzzer feeds it bytes instead of a PRNG).
  uint32_t next(uint32_t bound) {
    if (bound == 0) return 0;
    if (fromBytes_) return pos_ < size_ ? data_[pos_++] % bound : 0;
    return static_cast<uint32_t>(rng_() % bound);
  }

 private:
  std::string path(bool templ, bool* hasParam);
  std::string expr(int depth, bool hasParam);
  std::string atom(bool hasParam);
  std::string matchBlock(bool* hasParam);
  std::string route(int index, std::set<std::string>* seenMatchers);
  std::string keyPart(bool hasParam);
  std::string compositeKey(bool hasParam);
  std::string authorize(bool hasParam);
  std::string repeatedAuthorize(bool hasParam);
  std::string insertion(bool hasParam);  // a `{...}` of an aggregate path template
  std::string setValue(bool hasParam);   // the value of a body json `set`

  std::mt19937_64 rng_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  bool fromBytes_ = false;
  std::vector<std::pair<std::string, bool>> authorizeBlocks_;  // text, reads a path param
};

}  // namespace gw::difftest
