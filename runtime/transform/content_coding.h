#pragma once
// Content codings for response compression and the Accept-Encoding negotiation of RFC 9110
// 12.5.3. Pure functions; thread-safe; no allocation.
#include <cstdint>
#include <span>
#include <string_view>

namespace gw::transform {

/// A content coding the gateway can produce.
enum class Coding : std::uint8_t { kIdentity, kGzip, kDeflate, kBrotli };

/// The token sent in Content-Encoding ("gzip", "deflate", "br"; "identity").
std::string_view codingName(Coding c);

/// "gzip" / "x-gzip", "deflate", "br" (case-insensitive). False for anything else.
bool parseCoding(std::string_view token, Coding& out);

/// What a client accepts, accumulated over every Accept-Encoding field of a request.
/// Qualities are kept in thousandths (q=0.5 -> 500). A value object; reset with `= {}`.
class AcceptEncoding {
 public:
  /// Adds one field value ("gzip;q=0.8, br, *;q=0"). Malformed elements are ignored.
  void add(std::string_view fieldValue);
  /// Marks that the request carried an Accept-Encoding field (even an empty one).
  bool present() const { return present_; }

  /// The quality the client gives `c` (explicit, else `*`, else the RFC defaults: identity is
  /// acceptable unless excluded; other codings are not acceptable without a field or a `*`).
  int quality(Coding c) const;

  /// The coding to use among `preferred` (the route's list, in its order): the one with the
  /// highest quality > 0; ties go to the earlier entry. kIdentity when none is acceptable.
  Coding choose(std::span<const Coding> preferred) const;

 private:
  static constexpr int kUnset = -1;
  int q_[4] = {kUnset, kUnset, kUnset, kUnset};  // indexed by Coding
  int star_ = kUnset;
  bool present_ = false;
};

}  // namespace gw::transform
