#include "runtime/gateway/auth_providers.h"

#include <algorithm>
#include <cstdlib>

#include "runtime/auth/bearer.h"
#include "runtime/auth/key_loader.h"
#include "runtime/auth/sha256.h"
#include "runtime/auth/verdict_cache.h"
#include "runtime/auth/verification_key.h"
#include "runtime/gateway/log.h"
#include "runtime/tls/peer_identity.h"

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

/// The verifier settings of a jwt block (keys aside).
bool verifierConfig(const AuthConfig& c, auth::JwtVerifierConfig& vc, std::string* error) {
  vc.provider = c.name;
  for (const std::string& a : c.algorithms) {
    auto alg = auth::parseJwtAlg(a);
    if (!alg) {
      *error = "unsupported algorithm `" + a + "`";
      return false;
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
  return true;
}

std::shared_ptr<auth::JwtAuthenticator> makeAuthenticator(
    const AuthConfig& c, auth::JwtVerifierConfig vc, std::shared_ptr<auth::KeySetHolder> holder) {
  auto verifier = std::make_shared<const auth::JwtVerifier>(std::move(vc), std::move(holder));
  std::shared_ptr<auth::VerdictCache> cache;
  if (c.cacheUs > 0) {
    auth::VerdictCacheConfig cc;
    cc.ttlSeconds = std::max<int64_t>(1, c.cacheUs / 1'000'000);
    cache = std::make_shared<auth::VerdictCache>(cc);
  }
  return std::make_shared<auth::JwtAuthenticator>(std::move(verifier), std::move(cache));
}

/// Every setting that shapes a verdict, so an unchanged provider is recognised across reloads.
std::string fingerprint(const AuthConfig& c, const std::string& secret) {
  std::string k = c.kind + '\n' + c.name + '\n' + c.issuer + '\n' + c.jwks.kind + ':' +
                  c.jwks.value + '\n' + std::to_string(c.refreshUs) + '\n' +
                  std::to_string(c.leewayUs) + '\n' + std::to_string(c.cacheUs) + '\n' +
                  c.rolesClaim + '\n' + c.endpoint + '\n' + c.clientId + '\n';
  const auth::Sha256Digest d = auth::sha256(secret);  // the secret itself is not kept here
  k.append(reinterpret_cast<const char*>(d.data()), d.size());
  for (const std::string& a : c.audiences) k += "aud:" + a + '\n';
  for (const std::string& a : c.algorithms) k += "alg:" + a + '\n';
  return k;
}

/// `jwks url`: the key set is the fetched document only. The first fetch happens here, before
/// the generation is published (at start-up: before any listener accepts).
std::unique_ptr<AuthProvider> jwksUrlProvider(const AuthConfig& c, AuthShared& shared,
                                              std::string* error) {
  if (c.publicKey.present() || c.hmacSecret.present()) {
    *error = "`jwks url` cannot be combined with `public_key` or `hmac_secret`";
    return nullptr;
  }
  auth::JwtVerifierConfig vc;
  if (!verifierConfig(c, vc, error)) return nullptr;
  auto make = [&](const std::shared_ptr<authnet::ControlLoop>& loop,
                  std::string* err) -> std::shared_ptr<JwksBinding> {
    auto holder = std::make_shared<auth::KeySetHolder>(std::make_shared<const auth::KeySet>(
        std::vector<std::shared_ptr<const auth::VerificationKey>>{}));
    auto b = std::make_shared<JwksBinding>();
    b->loop = loop;
    b->jwt = makeAuthenticator(c, std::move(vc), holder);
    authnet::JwksFetcherConfig fc;
    fc.provider = c.name;
    fc.url = c.jwks.value;
    if (c.refreshUs > 0) fc.refresh = std::chrono::milliseconds(c.refreshUs / 1000);
    // Unknown-kid re-fetches: at most one per refresh/10, between 1 s and 30 s.
    fc.refetchInterval = std::clamp<authnet::Millis>(fc.refresh / 10, std::chrono::seconds(1),
                                                     std::chrono::seconds(30));
    fc.minRefresh = std::min<authnet::Millis>(fc.minRefresh, fc.refresh);
    auto cache = b->jwt->cache() ? std::shared_ptr<auth::VerdictCache>(b->jwt, b->jwt->cache())
                                 : nullptr;
    std::string ferr;
    b->fetcher = authnet::JwksFetcher::create(loop->executor(), fc, holder, cache,
                                              &logLine, ferr);
    if (!b->fetcher) {
      *err = ferr;
      return nullptr;
    }
    authnet::InitialFetchResult r = loop->await(b->fetcher->initialFetch());
    if (!r.ok) {
      *err = r.error;
      b->fetcher.reset();  // never started: nothing to stop
      return nullptr;
    }
    b->fetcher->start();
    return b;
  };
  auto binding = shared.jwks(fingerprint(c, ""), make, error);
  if (!binding) return nullptr;
  auto p = std::make_unique<AuthProvider>();
  p->jwt = binding->jwt;
  p->jwks = std::move(binding);
  return p;
}

std::unique_ptr<AuthProvider> jwtProvider(const AuthConfig& c, const std::string& baseDir,
                                          AuthShared& shared, std::string* error) {
  if (c.jwks.kind == "url") return jwksUrlProvider(c, shared, error);
  auto keys = jwtKeys(c, baseDir, error);
  if (!keys) return nullptr;
  auth::JwtVerifierConfig vc;
  if (!verifierConfig(c, vc, error)) return nullptr;
  auto p = std::make_unique<AuthProvider>();
  p->jwt = makeAuthenticator(c, std::move(vc), std::make_shared<auth::KeySetHolder>(keys));
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

std::unique_ptr<AuthProvider> introspectProvider(const AuthConfig& c, AuthShared& shared,
                                                 std::string* error) {
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
  p->introspector = shared.introspector(
      fingerprint(c, ic.clientSecret),
      [&](std::string* err) {
        return authnet::Introspector::create(ic, &logLine, auth::systemNow, *err);
      },
      error);
  if (!p->introspector) return nullptr;
  return p;
}

/// `auth NAME mtls`: the identity of a verified client certificate. subject is the RFC 2253
/// subject DN; the certificate's details are its claims (`auth.claims.cn`, `.san`, ...).
std::shared_ptr<const auth::Identity> certificateIdentity(const AuthProvider& p,
                                                          const tls::PeerIdentity& cert) {
  auto id = std::make_shared<auth::Identity>();
  id->provider = p.name;
  id->subject = cert.subject;
  nlohmann::json sans = nlohmann::json::array();
  for (const tls::SubjectAltName& san : cert.sans) sans.push_back(san.value);
  id->claims = nlohmann::json{{"sub", cert.subject},       {"cn", cert.common_name},
                              {"iss", cert.issuer},        {"serial", cert.serial_hex},
                              {"fingerprint", cert.sha256_fingerprint}, {"san", std::move(sans)}};
  return id;
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
  // A JWT provider checks the token's characters itself, on a verdict-cache miss only (see
  // JwtAuthenticator::authenticate); introspection sends the token on, so it is checked here.
  auth::BearerToken bt =
      p.jwt ? auth::locateBearerToken(authz) : auth::extractBearerToken(authz);
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
                                                          AuthShared& shared,
                                                          std::string* error) {
  auto out = std::make_shared<AuthProviders>();
  for (const AuthConfig& c : config.auths) {
    std::string err;
    std::unique_ptr<AuthProvider> p;
    if (c.kind == "jwt") {
      p = jwtProvider(c, baseDir, shared, &err);
    } else if (c.kind == "api_key") {
      p = apiKeyProvider(c, baseDir, &err);
    } else if (c.kind == "introspect") {
      p = introspectProvider(c, shared, &err);
    } else if (c.kind == "mtls") {
      p = std::make_unique<AuthProvider>();
      p->clientCertificate = true;
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

namespace {

struct Sample {
  std::string_view name, help;
  uint64_t value;
};

/// One family per counter: HELP/TYPE once, then one sample per provider.
void appendFamilies(std::string& out,
                    const std::vector<std::pair<std::string, std::vector<Sample>>>& rows) {
  if (rows.empty()) return;
  for (size_t m = 0; m < rows.front().second.size(); ++m) {
    const Sample& first = rows.front().second[m];
    out += "# HELP " + std::string(first.name) + " " + std::string(first.help) + "\n# TYPE " +
           std::string(first.name) + " counter\n";
    for (const auto& [provider, samples] : rows) {
      out += std::string(samples[m].name) + "{provider=\"" + provider + "\"} " +
             std::to_string(samples[m].value) + "\n";
    }
  }
}

template <class Stats>
std::vector<Sample> samplesOf(const Stats& stats) {
  std::vector<Sample> out;
  stats.forEach([&](std::string_view n, std::string_view h, uint64_t v) { out.push_back({n, h, v}); });
  return out;
}

}  // namespace

void AuthProviders::appendMetrics(std::string& out) const {
  std::vector<std::pair<std::string, std::vector<Sample>>> jwks, introspection;
  for (const auto& p : providers_) {
    if (p->jwks) jwks.emplace_back(p->name, samplesOf(p->jwks->fetcher->stats()));
    if (p->introspector) introspection.emplace_back(p->name, samplesOf(p->introspector->stats()));
  }
  appendFamilies(out, jwks);
  appendFamilies(out, introspection);
}

namespace {

/// One pass over a route's providers in order, shared by authenticate() and authenticateNow():
/// step() decides every provider that needs no round trip; an introspect provider's credential
/// is handed back to the caller, which reports the endpoint's answer through introspected().
class AuthScan {
 public:
  enum class Step : uint8_t { kAccepted, kNext, kIntrospect };

  /// kAccepted: outcome() holds the identity. kIntrospect: `cred` is to be introspected.
  Step step(const AuthProvider& p, const server::RequestContext& req, std::string_view& cred) {
    if (p.clientCertificate) {
      // Only a certificate that verified against the listener's client_ca counts; without
      // one the provider saw no credential (401, or anonymous when optional).
      if (req.clientCert == nullptr) return Step::kNext;
      return accept(p, certificateIdentity(p, *req.clientCert));
    }
    bool malformed = false;
    cred = credentialFor(p, req, scratch_, malformed);
    if (malformed) {
      reject(p, auth::AuthError::kInvalidRequest);
      return Step::kNext;
    }
    if (cred.empty()) return Step::kNext;
    if (p.jwt) {
      auth::JwtVerdict v = p.jwt->authenticate(cred);
      // A key the fetcher has not seen yet: ask for a throttled re-fetch on the control loop
      // (never waited for here); this request gets its 401 now.
      if (v.error == auth::AuthError::kUnknownKid && p.jwks) p.jwks->fetcher->requestRefetch(v.kid);
      return settle(p, v.error, std::move(v.identity));
    }
    if (p.apiKeys) {
      std::shared_ptr<const auth::Identity> id = p.apiKeys->lookup(cred);
      auth::AuthError err = id ? auth::AuthError::kOk : auth::AuthError::kUnknownApiKey;
      return settle(p, err, std::move(id));
    }
    return Step::kIntrospect;
  }

  Step introspected(const AuthProvider& p, authnet::IntrospectionResult r) {
    if (r.unavailable()) {
      // A later provider may still accept the request; if none does, the answer is 503:
      // a 401 would tell the client its (possibly valid) token is bad.
      if (unavailable_ == nullptr) unavailable_ = &p;
      return Step::kNext;
    }
    return settle(p, r.error, std::move(r.identity));
  }

  /// The outcome once no provider accepted (or the accepted one).
  AuthOutcome finish(bool optional) {
    if (out_.kind == AuthOutcome::Kind::kAuthenticated) return std::move(out_);
    if (unavailable_ != nullptr) {
      out_.kind = AuthOutcome::Kind::kUnavailable;
      out_.error = auth::AuthError::kIntrospectionFailed;
      out_.presented = true;
      out_.provider = unavailable_;
      return std::move(out_);
    }
    out_.kind = (!out_.presented && optional) ? AuthOutcome::Kind::kAnonymous
                                              : AuthOutcome::Kind::kRejected;
    return std::move(out_);
  }

 private:
  Step settle(const AuthProvider& p, auth::AuthError err,
              std::shared_ptr<const auth::Identity> id) {
    if (err == auth::AuthError::kOk && id) return accept(p, std::move(id));
    reject(p, err);
    return Step::kNext;
  }
  Step accept(const AuthProvider& p, std::shared_ptr<const auth::Identity> id) {
    out_.kind = AuthOutcome::Kind::kAuthenticated;
    out_.identity = std::move(id);
    out_.error = auth::AuthError::kOk;
    out_.presented = true;
    out_.provider = &p;
    return Step::kAccepted;
  }
  void reject(const AuthProvider& p, auth::AuthError err) {
    if (!out_.presented) {  // the first failure decides the challenge
      out_.presented = true;
      out_.error = err;
      out_.provider = &p;
    }
  }

  AuthOutcome out_;
  std::string scratch_;
  const AuthProvider* unavailable_ = nullptr;
};

}  // namespace

boost::asio::awaitable<AuthOutcome> AuthProviders::authenticate(
    const std::vector<const AuthProvider*>& providers, bool optional,
    const server::RequestContext& req) {
  AuthScan scan;
  for (const AuthProvider* p : providers) {
    std::string_view cred;
    AuthScan::Step step = scan.step(*p, req, cred);
    if (step == AuthScan::Step::kIntrospect) {
      authnet::IntrospectionResult r = co_await p->introspector->introspect(std::string(cred));
      step = scan.introspected(*p, std::move(r));
    }
    if (step == AuthScan::Step::kAccepted) break;
  }
  co_return scan.finish(optional);
}

AuthOutcome AuthProviders::authenticateNow(const std::vector<const AuthProvider*>& providers,
                                           bool optional, const server::RequestContext& req) {
  AuthScan scan;
  for (const AuthProvider* p : providers) {
    std::string_view cred;
    AuthScan::Step step = scan.step(*p, req, cred);
    if (step == AuthScan::Step::kIntrospect) {
      // Outside the contract (RouteRuntime::decidesNow): answer as an endpoint that could
      // not be asked, never as a rejected credential.
      step = scan.introspected(*p, authnet::IntrospectionResult{});  // kIntrospectionFailed
    }
    if (step == AuthScan::Step::kAccepted) break;
  }
  return scan.finish(optional);
}

}  // namespace gw::gateway
