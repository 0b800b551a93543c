#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::auth {

/// Strict base64url decoding (RFC 4648 section 5, as JWS requires in RFC 7515 section 2):
/// rejects '=' padding, any character outside [A-Za-z0-9_-], a length of 4n+1 and non-zero
/// trailing bits, so every byte string has exactly one accepted encoding. Writes into `out`
/// (cleared first) so callers can reuse a buffer. Returns false on any violation. Thread-safe.
bool base64UrlDecode(std::string_view in, std::string& out);

/// Convenience form of base64UrlDecode; std::nullopt on any violation.
std::optional<std::string> base64UrlDecode(std::string_view in);

/// Upper bound of the decoded size of `encodedLength` base64url characters.
constexpr std::size_t base64UrlDecodedSize(std::size_t encodedLength) noexcept {
  return encodedLength / 4 * 3 + (encodedLength % 4 == 0 ? 0 : encodedLength % 4 - 1);
}

/// base64url without padding (used to build tokens in tests and JWK thumbprints).
std::string base64UrlEncode(std::string_view bytes);

/// Standard base64 with padding (RFC 4648 section 4), for HTTP Basic credentials.
std::string base64Encode(std::string_view bytes);

}  // namespace gw::auth
