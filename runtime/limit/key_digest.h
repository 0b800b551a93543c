#pragma once

#include <array>
#include <string_view>

namespace gw::limit {

/// Buffer for digestKey(): "#" and two 64-bit hashes in hex.
using KeyDigestBuffer = std::array<char, 33>;

/// Returns `key` itself when at most `maxBytes` long, else a 128-bit digest of it written into
/// `buf` (two independent 64-bit hashes, so distinct keys collide with negligible probability).
/// Keeps the memory per key bounded in the local table and the key size bounded in Redis.
[[nodiscard]] std::string_view boundedKey(std::string_view key, std::size_t maxBytes,
                                          KeyDigestBuffer& buf) noexcept;

}  // namespace gw::limit
