#pragma once
// ClaimsTable: the runtime-side owner of a verified token's claims in the ABI's flattened form
// (gw_claims: dotted path -> typed value, sorted by path). Built once per token verification,
// off the request hot path, and cached with the verdict; compiled policy code then finds claims
// by binary search through gw_claim_find without touching JSON.
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gw/abi.h"

namespace gw::native {

/// Immutable after construction; safe to share between threads for reading. Movable (the
/// gw_claims view stays valid: entries and strings keep their addresses), not copyable.
class ClaimsTable {
 public:
  ClaimsTable();
  /// Flattens `claims` (normally a JSON object): every member at every object depth becomes an
  /// entry "a.b.c"; arrays are leaves whose string elements are listed; objects get an OBJECT
  /// entry too. A non-object root yields an empty table.
  explicit ClaimsTable(const nlohmann::json& claims);
  ClaimsTable(ClaimsTable&&) noexcept;
  ClaimsTable& operator=(ClaimsTable&&) noexcept;
  ClaimsTable(const ClaimsTable&) = delete;
  ClaimsTable& operator=(const ClaimsTable&) = delete;
  ~ClaimsTable();

  /// The view to put in gw_request::claims; valid while this table lives.
  const gw_claims* view() const { return &view_; }
  size_t size() const { return entries_.size(); }

 private:
  void flatten(const nlohmann::json& value, const std::string& path);
  gw_str keep(std::string s);

  std::deque<std::string> strings_;        // stable addresses for every slice
  std::deque<std::vector<gw_str>> items_;  // array elements
  std::vector<gw_claim> entries_;
  gw_claims view_{nullptr, 0};
};

/// Binary search in a claims table; NULL when absent. Same as gw_claim_find without a request.
const gw_claim* findClaim(const gw_claims* claims, const char* path, size_t len) noexcept;

}  // namespace gw::native
