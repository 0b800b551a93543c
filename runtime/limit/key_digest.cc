#include "runtime/limit/key_digest.h"

#include <cstdint>

#include "runtime/limit/key_table.h"

namespace gw::limit {
namespace {

std::uint64_t fnv1a(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h = (h ^ c) * 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::string_view boundedKey(std::string_view key, std::size_t maxBytes,
                            KeyDigestBuffer& buf) noexcept {
  if (key.size() <= maxBytes) {
    return key;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t parts[2] = {KeyTable::hashKey(key), fnv1a(key)};
  buf[0] = '#';
  std::size_t pos = 1;
  for (std::uint64_t part : parts) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      buf[pos++] = kHex[(part >> shift) & 0xf];
    }
  }
  return std::string_view(buf.data(), pos);
}

}  // namespace gw::limit
