#include "runtime/gateway/auth_providers.h"

#include <cstdlib>

#include "runtime/auth/bearer.h"
#include "runtime/auth/key_loader.h"
#include "runtime/auth/verdict_cache.h"
#include "runtime/auth/verification_key.h"

namespace gw::gateway {

namespace {

using policy::AuthConfig;

std::string readEnv(const std::string& name, std::string* error) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) {
    *error = "environment variable `" + name + "` is not set";
    return {};
  }
  return v;
}

std::shared_ptr<const auth::KeySet> jwtKeys(const AuthConfig& c, const std::string& baseDir,
                                            std::string* error) {
  std::vector<std::shared_ptr<const auth::KeySet>> sets;
  if (c.jwks.present()) {
    if (c.jwks.kind == "url") {
      *error = "`jwks url` is not supported by this gw build (use `jwks file`)";
      return nullptr;
    }
    std::string path = resolveKeyPath(c.jwks, baseDir, error);
    if (path.empty()) return nullptr;
    auth::KeyLoadResult r = auth::loadJwksFile(path);
    if (!r.keySet) {
      *error = "jwks `" + path + "`: " + r.error;
      return nullptr;
    }
    sets.push_back(r.keySet);
  }
  if (c.publicKey.present()) {
    std::string path = resolveKeyPath(c.publicKey, baseDir, error);
    if (path.empty()) return nullptr;
    auth::KeyLoadResult r = auth::loadPemFile(path, "", std::nullopt);
    if (!r.keySet) {
      *error = "public_key `" + path + "`: " + r.error;
      return nullptr;
    }
    sets.push_back(r.keySet);
  }
  if (c.hmacSecret.present()) {
    if (c.hmacSecret.kind == "file") {
      std::string path = resolveKeyPath(c.hmacSecret, baseDir, error);
      if (path.empty()) return nullptr;
      auth::KeyLoadResult r = auth::loadHmacSecretFile(path, "");
      if (!r.keySet) {
        *error = "hmac_secret `" + path + "`: " + r.error;
        return nullptr;
      }
      sets.push_back(r.keySet);
    } else {
      // A secret, not a path: `hmac_secret env "NAME"` holds the secret itself.
      std::string secret = c.hmacSecret.kind == "env" ? readEnv(c.hmacSecret.value, error)
                                                      : c.hmacSecret.value;
      if (secret.empty()) {
        if (error->empty()) *error = "hmac_secret is empty";
        return nullptr;
      }
      std::string err;
      auto key = auth::VerificationKey::fromHmacSecret("", secret, std::nullopt, err);
      if (!key) {
        *error = "hmac_secret: " + err;
        return nullptr;
      }
      sets.push_back(std::make_shared<const auth::KeySet>(
          std::vector<std::shared_ptr<const auth::VerificationKey>>{key}));
    }
  }
  if (sets.empty()) {
    *error = "no keys configured";
    return nullptr;
  }
  return auth::mergeKeySets(sets);
}

std::unique_ptr<AuthProvider> jwtProvider(const AuthConfig& c, const std::string& baseDir,
                                          std::string* error) {
  auto keys = jwtKeys(c, baseDir, error);
  if (!keys) return nullptr;
  auth::JwtVerifierConfig vc;
  vc.provider = c.name;
  for (const std::string& a : c.algorithms) {
    auto alg = auth::parseJwtAlg(a);
    if (!alg) {
      *error = "unsupported algorithm `" + a + "`";
      return nullptr;
    }
    vc.algorithms.push_back(*alg);
  }
  if (vc.algorithms.empty()) {
    // Without `algorithms`, allow what the configured keys can verify (never `none`).
    for (const char* a : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                                 "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"}) {
      vc.algorithms.push_back(*auth::parseJwtAlg(a));
    }
  }
  if (!c.issuer.empty()) vc.issuers.push_back(c.issuer);
  vc.audiences = c.audiences;
  vc.leewaySeconds = c.leewayUs / 1'000'000;
  if (!c.rolesClaim.empty()) vc.rolesClaim = c.rolesClaim;
  auto holder = std::make_shared<auth::KeySetHolder>(keys);
  auto verifier = std::make_shared<const auth::JwtVerifier>(std::move(vc), holder);
  std::shared_ptr<auth::VerdictCache> cache;
  if (c.cacheUs > 0) {
    auth::VerdictCacheConfig cc;
    cc.ttlSeconds = std::max<int64_t>(1, c.cacheUs / 1'000'000);
    cache = std::make_shared<auth::VerdictCache>(cc);
  }
  auto p = std::make_unique<AuthProvider>();
  p->jwt = std::make_shared<auth::JwtAuthenticator>(verifier, cache);
  return p;
}

std::unique_ptr<AuthProvider> apiKeyProvider(const AuthConfig& c, const std::string& baseDir,
                                             std::string* error) {
  if (!c.keys.present()) {
    *error = "no `keys` configured";
    return nullptr;
  }
  std::string path = resolveKeyPath(c.keys, baseDir, error);
  if (path.empty()) return nullptr;
  auth::ApiKeyLoadResult r = auth::ApiKeyStore::loadFile(path, c.name);
  if (!r.store) {
    *error = r.error;
    return nullptr;
  }
  auto p = std::make_unique<AuthProvider>();
  p->apiKeys = r.store;
  p->header = c.header;
  p->query = c.query;
  if (p->header.empty() && p->query.empty()) p->header = "X-API-Key";
  return p;
}

std::unique_ptr<AuthProvider> introspectProvider(const AuthConfig& c, std::string* error) {
  authnet::IntrospectorConfig ic;
  ic.provider = c.name;
  ic.url = c.endpoint;
  ic.clientId = c.clientId;
  if (c.clientSecret.present()) {
    ic.clientSecret = c.clientSecret.kind == "env" ? readEnv(c.clientSecret.value, error)
                                                   : c.clientSecret.value;
    if (!error->empty()) return nullptr;
  }
  if (!c.rolesClaim.empty()) ic.rolesClaim = c.rolesClaim;
  if (c.cacheUs > 0) ic.cacheSeconds = std::max<int64_t>(1, c.cacheUs / 1'000'000);
  auto p = std::make_unique<AuthProvider>();
  p->introspector =
      authnet::Introspector::create(ic, authnet::logToStderr, auth::systemNow, *error);
  if (!p->introspector) return nullptr;
  return p;
}

/// The credential `p` would verify, or empty when the request carries none for it.
std::string_view credentialFor(const AuthProvider& p, const server::RequestContext& req,
                               std::string& scratch, bool& malformed) {
  malformed = false;
  if (p.apiKeys) {
    if (!p.header.empty()) {
      std::string_view v = req.header(p.header);
      if (!v.empty()) return v;
    }
    if (!p.query.empty() && req.hasQuery) {
      // Raw query lookup; keys are opaque tokens, so no percent-decoding beyond none.
      std::string_view q = req.query;
      while (!q.empty()) {
        size_t amp = q.find('&');
        std::string_view kv = q.substr(0, amp);
        size_t eq = kv.find('=');
        if (kv.substr(0, eq) == p.query && eq != std::string_view::npos) {
          scratch.assign(kv.substr(eq + 1));
          return scratch;
        }
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
      }
    }
    return {};
  }
  std::string_view authz = req.header("authorization");
  auth::BearerToken bt = auth::extractBearerToken(authz);
  if (bt.error == auth::AuthError::kInvalidRequest) {
    malformed = true;
    return authz;
  }
  return bt.error == auth::AuthError::kOk ? bt.token : std::string_view();
}

}  // namespace

std::string resolveKeyPath(const policy::SourceRef& src, const std::string& baseDir,
                           std::string* error) {
  std::string path = src.kind == "env" ? readEnv(src.value, error) : src.value;
  if (path.empty()) {
    if (error->empty()) *error = "empty key path";
    return {};
  }
  if (path.front() != '/' && !baseDir.empty()) {
    path = baseDir + "/" + path;
  }
  return path;
}

std::shared_ptr<const AuthProviders> AuthProviders::build(const policy::RuntimeConfig& config,
                                                          const std::string& baseDir,
                                                          std::string* error) {
  auto out = std::make_shared<AuthProviders>();
  for (const AuthConfig& c : config.auths) {
    std::string err;
    std::unique_ptr<AuthProvider> p;
    if (c.kind == "jwt") {
      p = jwtProvider(c, baseDir, &err);
    } else if (c.kind == "api_key") {
      p = apiKeyProvider(c, baseDir, &err);
    } else if (c.kind == "introspect") {
      p = introspectProvider(c, &err);
    } else {
      err = "auth kind `" + c.kind + "` is not supported by this gw build";
    }
    if (!p) {
      *error = c.location + ": auth `" + c.name + "`: " + err;
      return nullptr;
    }
    p->name = c.name;
    p->kind = c.kind;
    out->providers_.push_back(std::move(p));
  }
  return out;
}

const AuthProvider* AuthProviders::find(const std::string& name) const {
  for (const auto& p : providers_) {
    if (p->name == name) return p.get();
  }
  return nullptr;
}

boost::asio::awaitable<AuthOutcome> AuthProviders::authenticate(
    const std::vector<const AuthProvider*>& providers, bool optional,
    const server::RequestContext& req) {
  AuthOutcome out;
  std::string scratch;
  for (const AuthProvider* p : providers) {
    bool malformed = false;
    std::string_view cred = credentialFor(*p, req, scratch, malformed);
    if (malformed) {
      if (!out.presented) {
        out.presented = true;
        out.error = auth::AuthError::kInvalidRequest;
        out.provider = p;
      }
      continue;
    }
    if (cred.empty()) continue;
    auth::AuthError err;
    std::shared_ptr<const auth::Identity> id;
    if (p->jwt) {
      auth::JwtVerdict v = p->jwt->authenticate(cred);
      err = v.error;
      id = std::move(v.identity);
    } else if (p->apiKeys) {
      id = p->apiKeys->lookup(cred);
      err = id ? auth::AuthError::kOk : auth::AuthError::kUnknownApiKey;
    } else {
      authnet::IntrospectionResult r = co_await p->introspector->introspect(std::string(cred));
      if (r.unavailable()) {
        out.kind = AuthOutcome::Kind::kUnavailable;
        out.error = r.error;
        out.presented = true;
        out.provider = p;
        co_return out;
      }
      err = r.error;
      id = std::move(r.identity);
    }
    if (err == auth::AuthError::kOk && id) {
      out.kind = AuthOutcome::Kind::kAuthenticated;
      out.identity = std::move(id);
      out.error = err;
      out.presented = true;
      out.provider = p;
      co_return out;
    }
    if (!out.presented) {  // the first failure decides the challenge
      out.presented = true;
      out.error = err;
      out.provider = p;
    }
  }
  out.kind = (!out.presented && optional) ? AuthOutcome::Kind::kAnonymous
                                          : AuthOutcome::Kind::kRejected;
  co_return out;
}

}  // namespace gw::gateway
