#pragma once
// `body json { rename "a.b" => "c"; remove "d" }`: edits of a JSON document by dotted field
// paths. Immutable once built (shared by every worker of a policy generation); apply() is
// const and thread-safe. Never throws.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gw::transform {

/// One edit. `from` and `to` are split on '.' into object keys.
struct JsonOp {
  enum class Kind { kRename, kRemove, kSet };
  Kind kind = Kind::kRemove;
  std::vector<std::string> from;  ///< the field path ("customer.id" -> {"customer", "id"})
  std::vector<std::string> to;    ///< kRename only
  std::size_t slot = 0;           ///< kSet: index of its value in apply()'s `values`
};

/// The value of a `set` edit for one request, computed by the policy's program when the request
/// was decided (so a response edit sees the request's identity). Owned by the request.
struct JsonValue {
  enum class Kind : std::uint8_t { kString, kNumber, kBool };
  Kind kind = Kind::kString;
  std::string text;   ///< kString: the text (invalid UTF-8 is written as U+FFFD); kNumber: digits
  bool flag = false;  ///< kBool
};

/// Splits "a.b.c" into {"a", "b", "c"}.
std::vector<std::string> splitFieldPath(std::string_view dotted);

/// The result of JsonEdits::apply.
enum class JsonEditStatus {
  kEdited,    ///< `out` holds the edited document
  kInvalid,   ///< the input is not valid JSON (or not UTF-8); `out` untouched
};

/// An ordered list of edits, applied in source order. Semantics (docs/transforms.md):
/// a path names object members only (no array indices); an absent `from` is a no-op; rename
/// creates missing intermediate objects of `to` and replaces an existing value at `to`, and is
/// skipped (the value stays at `from`) when a prefix of `to` is a non-object value; a document
/// that is not an object is left as it is. Member order is kept; a renamed member moves last.
class JsonEdits {
 public:
  JsonEdits() = default;
  explicit JsonEdits(std::vector<JsonOp> ops) : ops_(std::move(ops)) {}

  bool empty() const { return ops_.empty(); }
  const std::vector<JsonOp>& ops() const { return ops_; }

  /// Parses `in`, applies the edits and serializes compactly into `out` (replaced). A `set`
  /// whose slot has no value in `values` is skipped.
  JsonEditStatus apply(std::string_view in, std::string& out,
                       std::span<const JsonValue> values = {}) const;
  /// True when some edit is a `set` (its values must be computed per request).
  bool hasSets() const;

 private:
  std::vector<JsonOp> ops_;
};

}  // namespace gw::transform
