#pragma once
// JSON string escaping for log lines built by hand (no DOM, no allocation beyond `out` growth).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gw::accesslog {

/// Room writeJsonString needs for an input of `n` bytes (after truncation to maxBytes): each
/// byte becomes at most six (\u00XX), plus the two quotes and the "..." of a truncated value.
constexpr std::size_t jsonStringBound(std::size_t n) { return 6 * n + 5; }

namespace detail {

// Bytes that leave the fast copy loop: controls, '"', '\\', DEL and every non-ASCII byte.
inline constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) {
    t[c] = c < 0x20 || c >= 0x7F || c == '"' || c == '\\';
  }
  return t;
}();

// True if any byte of the 8-byte word needs escaping or UTF-8 checking (SWAR: a byte < 0x20,
// >= 0x7F, '"' or '\\'). Lets plain ASCII be scanned 8 bytes per step.
inline bool wordIsSpecial(std::uint64_t x) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  auto hasZero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  std::uint64_t below20 = (x - kOnes * 0x20) & ~x & kHigh;
  return ((x & kHigh) | below20 | hasZero(x ^ (kOnes * 0x7F)) | hasZero(x ^ (kOnes * '"')) |
          hasZero(x ^ (kOnes * '\\'))) != 0;
}

#if defined(__SSE2__)
// Bit i set when byte i of v needs attention: as a signed byte it is < 0x20 (controls and every
// non-ASCII byte), or it is DEL, '"' or '\\'.
inline int specialMask(__m128i v) {
  const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  const __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i special = _mm_or_si128(_mm_or_si128(low, del), _mm_or_si128(quote, backslash));
  return _mm_movemask_epi8(special);
}
#endif

// Copies the n (<= 16) bytes at p to d and returns true when none of them needs
// escaping; returns false (d may hold some of them) otherwise. For 4 <= n <= 16 two overlapping
// loads cover the bytes and one test checks them; shorter runs go byte by byte.
inline bool copyShortPlain(const char* p, std::size_t n, char* d) {
  if (n >= 8 && n <= 16) {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
#if defined(__SSE2__)
    if (specialMask(_mm_set_epi64x(static_cast<long long>(b), static_cast<long long>(a))) != 0) {
      return false;
    }
#else
    if (wordIsSpecial(a) || wordIsSpecial(b)) {
      return false;
    }
#endif
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
    return true;
  }
  if (n >= 4 && n < 8) {
    std::uint32_t a;
    std::uint32_t b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    const std::uint64_t both = a | (static_cast<std::uint64_t>(b) << 32);
#if defined(__SSE2__)
    // Only the low eight lanes hold bytes (the zeros above them would count as controls).
    if ((specialMask(_mm_cvtsi64_si128(static_cast<long long>(both))) & 0xFF) != 0) {
      return false;
    }
#else
    if (wordIsSpecial(both)) {
      return false;
    }
#endif
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
    return true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (kSpecial[static_cast<unsigned char>(p[i])]) {
      return false;
    }
    d[i] = p[i];
  }
  return true;
}

char* writeJsonStringSlow(char* dst, std::string_view s, std::size_t maxBytes) noexcept;

}  // namespace detail

/// Writes `s` as a JSON string literal, quotes included, at `dst`, which must have room for
/// jsonStringBound(min(s.size(), maxBytes)) bytes (bytes past the returned end may be
/// overwritten up to that bound); returns the end. Escapes `"` and `\`, control bytes (\n, \r,
/// \t, \b, \f, else \u00XX) and DEL; invalid UTF-8 bytes become U+FFFD so every line stays
/// valid JSON. At most `maxBytes` input bytes are used (a longer value ends in "..."). Pure.
/// Inline for the common short plain value (an IP, a method, a route name: the call, the
/// 16-byte loop's set-up and the saved registers were most of its cost), out of line otherwise.
inline char* writeJsonString(char* dst, std::string_view s, std::size_t maxBytes = 4096) noexcept {
  if (s.size() <= 16 && s.size() <= maxBytes &&
      detail::copyShortPlain(s.data(), s.size(), dst + 1)) {
    dst[0] = '"';
    dst[s.size() + 1] = '"';
    return dst + s.size() + 2;
  }
  return detail::writeJsonStringSlow(dst, s, maxBytes);
}

/// writeJsonString appended to `out`.
void appendJsonString(std::string& out, std::string_view s, std::size_t maxBytes = 4096);

}  // namespace gw::accesslog
