#include "runtime/auth/auth_error.h"

namespace gw::auth {

std::string_view authErrorReason(AuthError error) noexcept {
  switch (error) {
#define GW_AUTH_ERROR(name, reason, rfc6750, status) \
  case AuthError::name:                              \
    return reason;
#include "runtime/auth/auth_errors.def"
  }
  return "unknown";
}

Rfc6750Code rfc6750Code(AuthError error) noexcept {
  switch (error) {
#define GW_AUTH_ERROR(name, reason, rfc6750, status) \
  case AuthError::name:                              \
    return Rfc6750Code::rfc6750;
#include "runtime/auth/auth_errors.def"
  }
  return Rfc6750Code::kNone;
}

std::string_view rfc6750Text(Rfc6750Code code) noexcept {
  switch (code) {
    case Rfc6750Code::kNone:
      return {};
    case Rfc6750Code::kInvalidRequest:
      return "invalid_request";
    case Rfc6750Code::kInvalidToken:
      return "invalid_token";
    case Rfc6750Code::kInsufficientScope:
      return "insufficient_scope";
  }
  return {};
}

int httpStatus(AuthError error) noexcept {
  switch (error) {
#define GW_AUTH_ERROR(name, reason, rfc6750, status) \
  case AuthError::name:                              \
    return status;
#include "runtime/auth/auth_errors.def"
  }
  return 401;
}

}  // namespace gw::auth
