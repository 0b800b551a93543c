#pragma once
// A copy for the short strings of message heads and edit lists.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gw::server {

/// Copies n bytes; up to 16 as two overlapping loads and stores the compiler inlines (header
/// names and most values are that short), longer ones with memcpy. Writes exactly [d, d + n).
inline void copyBytes(char* d, const char* s, std::size_t n) {
  if (n > 16) {
    std::memcpy(d, s, n);
  } else if (n >= 8) {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
  } else if (n >= 4) {
    std::uint32_t a;
    std::uint32_t b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
  } else if (n > 0) {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}

}  // namespace gw::server
