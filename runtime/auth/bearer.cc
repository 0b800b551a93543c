#include "runtime/auth/bearer.h"

namespace gw::auth {
namespace {

bool isB64TokenChar(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

}  // namespace

BearerToken extractBearerToken(std::string_view authorization) noexcept {
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
  std::size_t i = 0;
  while (i < rest.size() && isB64TokenChar(rest[i])) {
    ++i;
  }
  const std::size_t body = i;
  while (i < rest.size() && rest[i] == '=') {
    ++i;
  }
  if (body == 0 || i != rest.size()) {
    return {AuthError::kInvalidRequest, {}};
  }
  return {AuthError::kOk, rest};
}

}  // namespace gw::auth
