#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/limit/decision.h"

namespace gw::limit {

/// The response header fields for the limits that applied to one request, formatted without
/// allocation into an inline buffer. A value type; views returned by its accessors point into
/// the object and live as long as it does.
///
/// Fields (docs/rate-limiting.md has examples):
///   X-RateLimit-Limit / -Remaining / -Reset  of the most restrictive decision (reset in seconds)
///   RateLimit: limit=L, remaining=R, reset=S       draft-ietf-httpapi-ratelimit-headers-07
///   RateLimit-Policy: Q;w=W[;burst=B], ...          every applied limit, most restrictive first
///   Retry-After: S                                  when denied
///   X-RateLimit-Warning: P% of quota used           when a limit passed its `warn` percent
class RateLimitHeaders {
 public:
  static constexpr std::size_t kMaxFields = 7;
  /// Policies beyond this many are left out of RateLimit-Policy (the first is the restrictive one).
  static constexpr std::size_t kMaxPolicies = 8;

  /// Picks the most restrictive decision (a denial with the longest Retry-After, else the lowest
  /// remaining, ties broken by the longest reset) and formats the fields. Empty input: no fields.
  [[nodiscard]] static RateLimitHeaders build(std::span<const Decision> decisions) noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] std::string_view name(std::size_t i) const noexcept {
    return std::string_view(fields_[i].name, fields_[i].nameLength);
  }
  [[nodiscard]] std::string_view value(std::size_t i) const noexcept {
    return std::string_view(buf_.data() + fields_[i].offset, fields_[i].length);
  }
  /// The value of the field called `name` (exact case), or an empty view.
  [[nodiscard]] std::string_view find(std::string_view name) const noexcept;
  /// Index into the input of the decision the X-RateLimit-* fields describe.
  [[nodiscard]] std::size_t chosen() const noexcept { return chosen_; }
  [[nodiscard]] bool denied() const noexcept { return denied_; }

  /// Calls fn(name, value) for each field, in a stable order.
  template <class Fn>
  void forEach(Fn&& fn) const {
    for (std::size_t i = 0; i < count_; ++i) {
      fn(name(i), value(i));
    }
  }

 private:
  // Only [0, count_) of fields_ is ever read: neither the array nor a Field is initialized
  // (zeroing the seven fields cost ~25 instructions per limited request).
  struct Field {
    const char* name;
    std::uint16_t nameLength;
    std::uint16_t offset;
    std::uint16_t length;
  };
  /// Appends to the value being built (begun by the last finish()); false once out of room.
  bool put(std::string_view text) noexcept;
  bool put(std::uint64_t number) noexcept;
  /// Ends the value begun after the previous field as the field `name`; a value that ran out of
  /// room (cannot happen with the bounded inputs) is dropped rather than emitted truncated.
  void finish(std::string_view name, bool ok) noexcept;

  std::array<Field, kMaxFields> fields_;
  std::array<char, 512> buf_;  ///< only [0, used_) is ever read: no zero-fill per request
  std::size_t count_ = 0;
  std::size_t used_ = 0;
  std::size_t valueStart_ = 0;  ///< where the value being built begins
  std::size_t chosen_ = 0;
  bool denied_ = false;
};

/// Index of the most restrictive decision (see RateLimitHeaders::build); 0 when empty.
[[nodiscard]] std::size_t mostRestrictive(std::span<const Decision> decisions) noexcept;

}  // namespace gw::limit
