#include "runtime/auth/introspection.h"

#include <cmath>

#include "runtime/auth/base64url.h"
#include "runtime/auth/strict_json.h"

namespace gw::auth {
namespace {

using Json = nlohmann::json;

const std::string* stringMember(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty()
             ? &it->get_ref<const std::string&>()
             : nullptr;
}

}  // namespace

IntrospectionVerdict parseIntrospectionResponse(std::string_view body,
                                                const IntrospectionConfig& config,
                                                UnixSeconds now) {
  IntrospectionVerdict verdict;
  if (body.size() > config.maxResponseBytes) {
    verdict.error = AuthError::kIntrospectionFailed;
    return verdict;
  }
  auto json = parseStrictJson(body, 16);
  if (!json || !json->is_object()) {
    verdict.error = AuthError::kIntrospectionFailed;
    return verdict;
  }
  const auto active = json->find("active");
  if (active == json->end() || !active->is_boolean() || !active->get<bool>()) {
    verdict.error = AuthError::kInactive;
    return verdict;
  }
  auto identity = std::make_shared<Identity>();
  if (const auto exp = json->find("exp"); exp != json->end() && exp->is_number()) {
    const double value = exp->get<double>();
    identity->expiry = value > 4e18 ? std::int64_t(4e18) : std::int64_t(std::floor(value));
    if (identity->expiry <= now) {
      verdict.error = AuthError::kExpired;
      return verdict;
    }
  }
  identity->provider = config.provider;
  for (const char* member : {"sub", "username", "client_id"}) {
    if (const std::string* value = stringMember(*json, member)) {
      identity->subject = *value;
      break;
    }
  }
  identity->claims = std::move(*json);
  extractScopesAndRoles(*identity, config.rolesClaim);
  verdict.identity = std::move(identity);
  return verdict;
}

std::string formUrlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

IntrospectionRequest buildIntrospectionRequest(std::string_view token, std::string_view clientId,
                                               std::string_view clientSecret,
                                               std::string_view tokenTypeHint) {
  IntrospectionRequest request;
  request.body = "token=" + formUrlEncode(token);
  if (!tokenTypeHint.empty()) {
    request.body += "&token_type_hint=" + formUrlEncode(tokenTypeHint);
  }
  request.authorization =
      "Basic " + base64Encode(formUrlEncode(clientId) + ":" + formUrlEncode(clientSecret));
  return request;
}

}  // namespace gw::auth
