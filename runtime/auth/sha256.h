#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace gw::auth {

/// A SHA-256 digest; used as the verdict-cache key and as the stored form of API keys.
using Sha256Digest = std::array<std::uint8_t, 32>;

/// SHA-256 of `data` (OpenSSL's SHA256_Init/Update/Final on the stack; no allocation).
/// Thread-safe.
Sha256Digest sha256(std::string_view data) noexcept;

/// Constant-time equality of two digests (CRYPTO_memcmp), for secrets.
bool constantTimeEqual(const Sha256Digest& a, const Sha256Digest& b) noexcept;

/// Hash functor for unordered containers keyed by a digest: the digest is already uniform.
struct Sha256DigestHash {
  std::size_t operator()(const Sha256Digest& d) const noexcept {
    std::size_t h = 0;
    for (std::size_t i = 0; i < sizeof(h); ++i) {
      h = (h << 8) | d[i];
    }
    return h;
  }
};

/// Equality functor for containers holding secrets' digests: compares in constant time.
struct Sha256DigestConstantTimeEqual {
  bool operator()(const Sha256Digest& a, const Sha256Digest& b) const noexcept {
    return constantTimeEqual(a, b);
  }
};

}  // namespace gw::auth
