// String intrinsics: equality, case-insensitive equality, affixes, substring, list membership.
#include <cstring>
#include <string_view>

#include "gw/abi.h"
#include "stdlib/native/scratch.h"

using gw::native::lowerAscii;

extern "C" {

int32_t gw_str_eq(const char* a, size_t al, const char* b, size_t bl) noexcept {
  return al == bl && (al == 0 || std::memcmp(a, b, al) == 0);
}

int32_t gw_str_eq_ci(const char* a, size_t al, const char* b, size_t bl) noexcept {
  if (al != bl) {
    return 0;
  }
  for (size_t i = 0; i < al; ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) {
      return 0;
    }
  }
  return 1;
}

int32_t gw_str_starts(const char* a, size_t al, const char* b, size_t bl) noexcept {
  return bl <= al && (bl == 0 || std::memcmp(a, b, bl) == 0);
}

int32_t gw_str_ends(const char* a, size_t al, const char* b, size_t bl) noexcept {
  return bl <= al && (bl == 0 || std::memcmp(a + (al - bl), b, bl) == 0);
}

int32_t gw_str_contains(const char* a, size_t al, const char* b, size_t bl) noexcept {
  if (bl == 0) {
    return 1;
  }
  return std::string_view(a, al).find(std::string_view(b, bl)) != std::string_view::npos;
}

int32_t gw_list_has(const gw_str* items, size_t n, const char* s, size_t sl) noexcept {
  for (size_t i = 0; i < n; ++i) {
    if (gw_str_eq(items[i].ptr, items[i].len, s, sl)) {
      return 1;
    }
  }
  return 0;
}

int64_t gw_hash64(const char* s, size_t sl) noexcept {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < sl; ++i) {
    h ^= static_cast<unsigned char>(s[i]);
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h);
}

}  // extern "C"
