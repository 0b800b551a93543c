#include "runtime/accesslog/json_escape.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace gw::accesslog {

namespace {

// Bytes that leave the fast copy loop: controls, '"', '\\', DEL and every non-ASCII byte.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) {
    t[c] = c < 0x20 || c >= 0x7F || c == '"' || c == '\\';
  }
  return t;
}();

// True if any byte of the 8-byte word needs escaping or UTF-8 checking (SWAR: a byte < 0x20,
// >= 0x7F, '"' or '\\'). Lets plain ASCII be scanned 8 bytes per step.
bool wordIsSpecial(std::uint64_t x) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  auto hasZero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  std::uint64_t below20 = (x - kOnes * 0x20) & ~x & kHigh;
  return ((x & kHigh) | below20 | hasZero(x ^ (kOnes * 0x7F)) | hasZero(x ^ (kOnes * '"')) |
          hasZero(x ^ (kOnes * '\\'))) != 0;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8Length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[i + k]); };
  auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  std::uint8_t c = b(0);
  if (c >= 0xC2 && c <= 0xDF) {
    return cont(1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) {
      return 0;
    }
    if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) {
      return 0;
    }
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) {
      return 0;
    }
    if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F)) {
      return 0;
    }
    return 4;
  }
  return 0;
}

void appendControl(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      break;
  }
  char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(esc, sizeof(esc));
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s, std::size_t maxBytes) {
  bool truncated = s.size() > maxBytes;
  if (truncated) {
    s = s.substr(0, maxBytes);
  }
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run of plain ASCII at once: the common case for paths and ids.
    std::size_t run = i;
    while (run + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + run, sizeof(word));
      if (wordIsSpecial(word)) {
        break;
      }
      run += 8;
    }
    while (run < s.size() && !kSpecial[static_cast<unsigned char>(s[run])]) {
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) {
      break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      appendControl(out, c);
      ++i;
    } else if (std::size_t n = utf8Length(s, i); n != 0) {
      out.append(s.data() + i, n);
      i += n;
    } else if (truncated && s.size() - i < 4) {
      break;  // a sequence cut by the truncation, not an invalid one
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    }
  }
  if (truncated) {
    out += "...";
  }
  out += '"';
}

}  // namespace gw::accesslog
