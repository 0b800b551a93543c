#include "runtime/auth/jwt_verifier.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/auth/strict_json.h"

namespace gw::auth {
namespace {

using Json = nlohmann::json;

// NumericDates are clamped to +-2^62 so adding a leeway can never overflow.
constexpr std::int64_t kDateLimit = std::int64_t(1) << 62;

enum class DateStatus { kAbsent, kValid, kInvalid };

DateStatus readDate(const Json& claims, const char* name, std::int64_t& out) {
  const auto it = claims.find(name);
  if (it == claims.end()) {
    return DateStatus::kAbsent;
  }
  if (it->is_number_unsigned()) {
    out = std::int64_t(std::min<std::uint64_t>(it->get<std::uint64_t>(), kDateLimit));
  } else if (it->is_number_integer()) {
    out = std::clamp<std::int64_t>(it->get<std::int64_t>(), -kDateLimit, kDateLimit);
  } else if (it->is_number_float()) {
    const double v = std::floor(it->get<double>());
    out = v >= double(kDateLimit)    ? kDateLimit
          : v <= -double(kDateLimit) ? -kDateLimit
                                     : std::int64_t(v);
  } else {
    return DateStatus::kInvalid;
  }
  return DateStatus::kValid;
}

bool containsString(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool audienceMatches(const Json& aud, const std::vector<std::string>& accepted) {
  if (aud.is_string()) {
    return containsString(accepted, aud.get_ref<const std::string&>());
  }
  if (!aud.is_array()) {
    return false;
  }
  return std::any_of(aud.begin(), aud.end(), [&](const Json& item) {
    return item.is_string() && containsString(accepted, item.get_ref<const std::string&>());
  });
}

}  // namespace

JwtVerifier::JwtVerifier(JwtVerifierConfig config, std::shared_ptr<KeySetHolder> keys)
    : config_(std::move(config)), keys_(std::move(keys)) {
  for (const JwtAlg alg : config_.algorithms) {
    allowedMask_ |= 1u << static_cast<unsigned>(alg);
  }
  config_.leewaySeconds = std::clamp<std::int64_t>(config_.leewaySeconds, 0, kDateLimit);
}

AuthError JwtVerifier::checkHeader(const ParsedJws& jws) const {
  if ((allowedMask_ & (1u << static_cast<unsigned>(jws.alg))) == 0) {
    return AuthError::kAlgNotAllowed;
  }
  const auto crit = jws.header.find("crit");
  if (crit == jws.header.end()) {
    return AuthError::kOk;
  }
  // RFC 7515 section 4.1.11: a non-empty list of names the recipient must understand.
  if (!crit->is_array() || crit->empty()) {
    return AuthError::kMalformed;
  }
  for (const auto& name : *crit) {
    if (!name.is_string()) {
      return AuthError::kMalformed;
    }
    const auto& text = name.get_ref<const std::string&>();
    if (!containsString(config_.understoodCrit, text) || !jws.header.contains(text)) {
      return AuthError::kUnsupportedCrit;
    }
  }
  return AuthError::kOk;
}

AuthError JwtVerifier::checkClaims(const Json& claims, UnixSeconds now, UnixSeconds& expiry) const {
  const std::int64_t leeway = config_.leewaySeconds;
  std::int64_t exp = 0;
  std::int64_t nbf = 0;
  std::int64_t iat = 0;
  const DateStatus expStatus = readDate(claims, "exp", exp);
  const DateStatus nbfStatus = readDate(claims, "nbf", nbf);
  const DateStatus iatStatus = readDate(claims, "iat", iat);
  if (expStatus == DateStatus::kInvalid || nbfStatus == DateStatus::kInvalid ||
      iatStatus == DateStatus::kInvalid) {
    return AuthError::kMalformed;
  }
  if (expStatus == DateStatus::kAbsent && config_.requireExp) {
    return AuthError::kMissingClaim;
  }
  if (expStatus == DateStatus::kValid && now >= exp + leeway) {
    return AuthError::kExpired;
  }
  if (nbfStatus == DateStatus::kValid && now + leeway < nbf) {
    return AuthError::kNotYetValid;
  }
  if (iatStatus == DateStatus::kValid && iat > now + leeway) {
    return AuthError::kIssuedInFuture;
  }
  expiry = expStatus == DateStatus::kValid ? exp : 0;
  if (!config_.issuers.empty()) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() ||
        !containsString(config_.issuers, iss->get_ref<const std::string&>())) {
      return AuthError::kWrongIssuer;
    }
  }
  if (!config_.audiences.empty()) {
    const auto aud = claims.find("aud");
    if (aud == claims.end() || !audienceMatches(*aud, config_.audiences)) {
      return AuthError::kWrongAudience;
    }
  }
  const auto sub = claims.find("sub");
  if (sub != claims.end() && !sub->is_string()) {
    return AuthError::kMalformed;
  }
  return AuthError::kOk;
}

JwtVerdict JwtVerifier::verify(std::string_view token, UnixSeconds now) const {
  JwtVerdict verdict;
  ParsedJws jws;
  verdict.error = parseCompactJws(token, config_.limits, jws);
  if (verdict.error == AuthError::kOk) {
    verdict.error = checkHeader(jws);
  }
  if (verdict.error != AuthError::kOk) {
    return verdict;
  }
  // Hold the snapshot for the whole verification: a concurrent rotation must not free the key.
  const std::shared_ptr<const KeySet> keySet = keys_->current();
  const KeySelection selection = keySet->select(jws.kid, jws.alg);
  if (selection.key == nullptr) {
    verdict.error = selection.error;
    // The caller re-fetches the JWKS for this kid (throttled); nothing is cached against it.
    if (selection.error == AuthError::kUnknownKid && jws.kid) verdict.kid = std::string(*jws.kid);
    return verdict;
  }
  verdict.kid = selection.key->kid();
  if (!selection.key->verify(jws.alg, jws.signingInput, jws.signature)) {
    verdict.error = AuthError::kBadSignature;
    return verdict;
  }
  // Only now, authenticated, is the payload parsed.
  auto claims = parseStrictJson(jws.payload, config_.limits.maxJsonDepth);
  if (!claims || !claims->is_object()) {
    verdict.error = AuthError::kMalformed;
    return verdict;
  }
  auto identity = std::make_shared<Identity>();
  verdict.error = checkClaims(*claims, now, identity->expiry);
  if (verdict.error != AuthError::kOk) {
    return verdict;
  }
  identity->provider = config_.provider;
  if (const auto sub = claims->find("sub"); sub != claims->end()) {
    identity->subject = sub->get<std::string>();
  }
  identity->claims = std::move(*claims);
  extractScopesAndRoles(*identity, config_.rolesClaim);
  verdict.identity = std::move(identity);
  return verdict;
}

}  // namespace gw::auth
