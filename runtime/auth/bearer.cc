#include "runtime/auth/bearer.h"

#include <array>

namespace gw::auth {
namespace {

// RFC 6750 b64token characters (before the trailing '='s), as a table: every request to a
// JWT route scans its whole token (~500 bytes), and a lookup per byte beats the comparisons.
constexpr std::array<bool, 256> kB64Token = [] {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = true;
  for (char c : std::string_view("-._~+/")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool isB64TokenChar(char c) noexcept { return kB64Token[static_cast<unsigned char>(c)]; }

}  // namespace

BearerToken locateBearerToken(std::string_view authorization) noexcept {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() < kScheme.size()) {
    return {AuthError::kMissingCredential, {}};
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) {
      return {AuthError::kMissingCredential, {}};
    }
  }
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.empty() || rest.front() != ' ') {
    // "Bearer" alone, or a scheme that merely starts with "bearer".
    return {rest.empty() ? AuthError::kInvalidRequest : AuthError::kMissingCredential, {}};
  }
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && rest.back() == ' ') {
    rest.remove_suffix(1);
  }
  if (rest.empty()) {
    return {AuthError::kInvalidRequest, {}};
  }
  return {AuthError::kOk, rest};
}

bool isB64Token(std::string_view token) noexcept {
  std::size_t i = 0;
  while (i < token.size() && isB64TokenChar(token[i])) {
    ++i;
  }
  const std::size_t body = i;
  while (i < token.size() && token[i] == '=') {
    ++i;
  }
  return body != 0 && i == token.size();
}

BearerToken extractBearerToken(std::string_view authorization) noexcept {
  BearerToken bt = locateBearerToken(authorization);
  if (bt.error == AuthError::kOk && !isB64Token(bt.token)) {
    return {AuthError::kInvalidRequest, {}};
  }
  return bt;
}

}  // namespace gw::auth
