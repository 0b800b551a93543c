#include "runtime/auth/jws.h"

#include "runtime/auth/base64url.h"
#include "runtime/auth/strict_json.h"

namespace gw::auth {

AuthError parseCompactJws(std::string_view token, const JwtLimits& limits, ParsedJws& out) {
  if (token.size() > limits.maxTokenBytes) {
    return AuthError::kOversized;
  }
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return AuthError::kMalformed;
  }
  const std::string_view headerPart = token.substr(0, dot1);
  const std::string_view payloadPart = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signaturePart = token.substr(dot2 + 1);
  if (headerPart.empty()) {
    return AuthError::kMalformed;
  }
  if (base64UrlDecodedSize(headerPart.size()) > limits.maxHeaderBytes ||
      base64UrlDecodedSize(payloadPart.size()) > limits.maxPayloadBytes) {
    return AuthError::kOversized;
  }
  std::string headerJson;
  if (!base64UrlDecode(headerPart, headerJson) || !base64UrlDecode(payloadPart, out.payload) ||
      !base64UrlDecode(signaturePart, out.signature)) {
    return AuthError::kMalformed;
  }
  auto header = parseStrictJson(headerJson, limits.maxJsonDepth);
  if (!header || !header->is_object()) {
    return AuthError::kMalformed;
  }
  out.header = std::move(*header);
  const auto alg = out.header.find("alg");
  if (alg == out.header.end() || !alg->is_string()) {
    return AuthError::kMalformed;
  }
  // Exact match only: "none", "None", "NONE", "nOnE" and every other spelling fail here.
  const auto parsed = parseJwtAlg(alg->get_ref<const std::string&>());
  if (!parsed) {
    return AuthError::kAlgNotAllowed;
  }
  // Checked after `alg` so an unsecured token ("alg":"none", empty signature) is reported as
  // the algorithm problem it is.
  if (signaturePart.empty()) {
    return AuthError::kMalformed;
  }
  out.alg = *parsed;
  out.kid.reset();
  if (const auto kid = out.header.find("kid"); kid != out.header.end()) {
    if (!kid->is_string()) {
      return AuthError::kMalformed;
    }
    out.kid = std::string_view(kid->get_ref<const std::string&>());
  }
  // RFC 7797 unencoded payloads change what is signed; the gateway does not support them.
  if (const auto b64 = out.header.find("b64"); b64 != out.header.end() && *b64 != true) {
    return AuthError::kMalformed;
  }
  out.signingInput = token.substr(0, dot2);
  return AuthError::kOk;
}

}  // namespace gw::auth
