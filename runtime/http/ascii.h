#pragma once

#include <array>
#include <cstdint>
#include <string_view>

/// Byte classes of RFC 9110/9112 and small ASCII helpers. Pure functions over constexpr tables:
/// thread-safe, no allocation.
namespace gw::http {

namespace detail {
constexpr std::array<bool, 256> makeTcharTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) {
    t[c] = true;
  }
  for (int c = 'a'; c <= 'z'; ++c) {
    t[c] = true;
    t[c - 'a' + 'A'] = true;
  }
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}
inline constexpr std::array<bool, 256> kTchar = makeTcharTable();
}  // namespace detail

/// tchar of RFC 9110 5.6.2 (the characters of a token: method, field name, coding).
constexpr bool isTchar(unsigned char c) { return detail::kTchar[c]; }

/// A byte allowed inside a field value: VCHAR, obs-text, SP or HTAB (no CTL, no DEL).
constexpr bool isFieldValueByte(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

/// A byte allowed in a request-target: visible ASCII only (RFC 3986 chars are a subset).
constexpr bool isTargetByte(unsigned char c) { return c > 0x20 && c < 0x7f; }

constexpr char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

/// Value of a hex digit, or -1.
constexpr int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/// Case-insensitive ASCII comparison (field names, tokens).
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (toLower(a[i]) != toLower(b[i])) {
      return false;
    }
  }
  return true;
}

/// Strips optional whitespace (SP / HTAB) on both sides.
constexpr std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

/// Calls fn(token) for every element of a comma-separated list (RFC 9110 5.6.1), skipping empty
/// elements and trimming OWS. Returns false early if fn returns false.
template <typename Fn>
constexpr bool forEachListElement(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trimOws(list.substr(0, comma));
    if (!item.empty() && !fn(item)) {
      return false;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    list.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace gw::http
