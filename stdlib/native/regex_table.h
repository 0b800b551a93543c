#pragma once
// RegexTable: a policy's regexes, compiled once with RE2 when the policy is built (never on the
// request path). gw_eval_ctx::regexes points at one; gw_regex_match(ctx, i, s) searches with
// regex i. RE2 guarantees linear-time matching and bounded stack, unlike std::regex.
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace gw::native {

/// Immutable after building; matching is thread-safe (RE2 objects are).
class RegexTable {
 public:
  RegexTable();
  ~RegexTable();
  RegexTable(const RegexTable&) = delete;
  RegexTable& operator=(const RegexTable&) = delete;

  /// Compiles and appends a regex; returns its index, or -1 with `error` set when RE2 rejects it.
  int add(const std::string& pattern, bool caseInsensitive, std::string* error);
  size_t size() const { return regexes_.size(); }
  /// Unanchored search. False for an out-of-range index.
  bool search(size_t index, const char* s, size_t len) const noexcept;

 private:
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
};

}  // namespace gw::native
