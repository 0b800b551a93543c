#include "runtime/auth/key_loader.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "runtime/auth/base64url.h"
#include "runtime/auth/strict_json.h"

namespace gw::auth {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxKeyFileBytes = 1 << 20;

/// A required base64url string member, decoded; std::nullopt if absent or invalid.
std::optional<std::string> b64Member(const Json& jwk, const char* name, std::string& error) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    error = std::string("missing `") + name + "`";
    return std::nullopt;
  }
  auto decoded = base64UrlDecode(it->get_ref<const std::string&>());
  if (!decoded || decoded->empty()) {
    error = std::string("`") + name + "` is not base64url";
    return std::nullopt;
  }
  return decoded;
}

/// EVP_PKEY_fromdata for a public key described by `bld`'s parameters.
EVP_PKEY* fromData(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return pkey;
}

EVP_PKEY* rsaFromJwk(const Json& jwk, std::string& error) {
  const auto n = b64Member(jwk, "n", error);
  const auto e = n ? b64Member(jwk, "e", error) : std::nullopt;
  if (!e) {
    return nullptr;
  }
  BIGNUM* bn =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), int(n->size()), nullptr);
  BIGNUM* be =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), int(e->size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (bn != nullptr && be != nullptr && bld != nullptr && BN_is_odd(be) && !BN_is_one(be) &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1) {
    pkey = fromData("RSA", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn);
  BN_free(be);
  if (pkey == nullptr) {
    error = "invalid RSA key";
  }
  return pkey;
}

EVP_PKEY* ecFromJwk(const Json& jwk, std::string& error) {
  const auto crv = jwk.find("crv");
  std::size_t size = 0;
  const char* group = nullptr;
  if (crv != jwk.end() && crv->is_string()) {
    const auto& name = crv->get_ref<const std::string&>();
    if (name == "P-256") {
      size = 32;
      group = "prime256v1";
    } else if (name == "P-384") {
      size = 48;
      group = "secp384r1";
    } else if (name == "P-521") {
      size = 66;
      group = "secp521r1";
    }
  }
  if (group == nullptr) {
    error = "unsupported EC `crv`";
    return nullptr;
  }
  const auto x = b64Member(jwk, "x", error);
  const auto y = x ? b64Member(jwk, "y", error) : std::nullopt;
  if (!y) {
    return nullptr;
  }
  if (x->size() != size || y->size() != size) {
    error = "EC coordinate has the wrong length";
    return nullptr;
  }
  const std::string point = '\x04' + *x + *y;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (bld != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) ==
          1) {
    pkey = fromData("EC", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  if (pkey != nullptr) {
    // Refuse points off the curve (invalid-curve attacks) here, once, not per request.
    EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    const bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
    EVP_PKEY_CTX_free(check);
    if (!valid) {
      EVP_PKEY_free(pkey);
      pkey = nullptr;
    }
  }
  if (pkey == nullptr) {
    error = "invalid EC public key";
  }
  return pkey;
}

EVP_PKEY* okpFromJwk(const Json& jwk, std::string& error) {
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || !crv->is_string() || crv->get_ref<const std::string&>() != "Ed25519") {
    error = "unsupported OKP `crv` (only Ed25519)";
    return nullptr;
  }
  const auto x = b64Member(jwk, "x", error);
  if (!x) {
    return nullptr;
  }
  if (x->size() != 32) {
    error = "Ed25519 `x` must be 32 bytes";
    return nullptr;
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key_ex(
      nullptr, "ED25519", nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  if (pkey == nullptr) {
    error = "invalid Ed25519 key";
  }
  return pkey;
}

std::optional<JwtAlg> jwkAlg(const Json& jwk, bool& ok, std::string& error) {
  ok = true;
  const auto it = jwk.find("alg");
  if (it == jwk.end()) {
    return std::nullopt;
  }
  const auto alg = it->is_string() ? parseJwtAlg(it->get_ref<const std::string&>()) : std::nullopt;
  if (!alg) {
    ok = false;
    error = "`alg` is not a signature algorithm the gateway verifies";
  }
  return alg;
}

KeyLoadResult singleKey(std::shared_ptr<const VerificationKey> key, std::string error) {
  KeyLoadResult result;
  if (!key) {
    result.error = std::move(error);
    return result;
  }
  result.keySet = std::make_shared<const KeySet>(
      std::vector<std::shared_ptr<const VerificationKey>>{std::move(key)});
  return result;
}

}  // namespace

std::shared_ptr<const VerificationKey> parseJwk(const Json& jwk, std::string& error) {
  if (!jwk.is_object()) {
    error = "a JWK must be an object";
    return nullptr;
  }
  const auto use = jwk.find("use");
  if (use != jwk.end() && (!use->is_string() || use->get_ref<const std::string&>() != "sig")) {
    error = "`use` is not \"sig\"";
    return nullptr;
  }
  const auto kty = jwk.find("kty");
  const auto kidIt = jwk.find("kid");
  if (kty == jwk.end() || !kty->is_string()) {
    error = "missing `kty`";
    return nullptr;
  }
  if (kidIt != jwk.end() && !kidIt->is_string()) {
    error = "`kid` is not a string";
    return nullptr;
  }
  std::string kid = kidIt != jwk.end() ? kidIt->get<std::string>() : std::string();
  bool algOk = true;
  const auto alg = jwkAlg(jwk, algOk, error);
  if (!algOk) {
    return nullptr;
  }
  const auto& type = kty->get_ref<const std::string&>();
  if (type == "oct") {
    const auto k = b64Member(jwk, "k", error);
    return k ? VerificationKey::fromHmacSecret(std::move(kid), *k, alg, error) : nullptr;
  }
  EVP_PKEY* pkey = nullptr;
  if (type == "RSA") {
    pkey = rsaFromJwk(jwk, error);
  } else if (type == "EC") {
    pkey = ecFromJwk(jwk, error);
  } else if (type == "OKP") {
    pkey = okpFromJwk(jwk, error);
  } else {
    error = "unsupported `kty` `" + type + "`";
  }
  ERR_clear_error();
  return pkey != nullptr ? VerificationKey::fromPublicKey(std::move(kid), pkey, alg, error)
                         : nullptr;
}

KeyLoadResult parseJwks(std::string_view document) {
  KeyLoadResult result;
  const auto json = parseStrictJson(document, 8);
  if (!json || !json->is_object()) {
    result.error = "JWKS is not a JSON object";
    return result;
  }
  std::vector<std::shared_ptr<const VerificationKey>> keys;
  const auto keysIt = json->find("keys");
  if (keysIt == json->end()) {
    std::string error;
    auto key = parseJwk(*json, error);
    return singleKey(std::move(key), std::move(error));
  }
  if (!keysIt->is_array()) {
    result.error = "JWKS `keys` is not an array";
    return result;
  }
  std::size_t index = 0;
  for (const auto& jwk : *keysIt) {
    std::string error;
    if (auto key = parseJwk(jwk, error)) {
      keys.push_back(std::move(key));
    } else {
      result.warnings.push_back("key " + std::to_string(index) + ": " + error);
    }
    ++index;
  }
  result.keySet = std::make_shared<const KeySet>(std::move(keys));
  return result;
}

std::shared_ptr<const VerificationKey> parsePemPublicKey(std::string_view pem, std::string kid,
                                                         std::optional<JwtAlg> alg,
                                                         std::string& error) {
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", nullptr, nullptr,
                                                         EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t len = pem.size();
  const bool ok = dctx != nullptr && OSSL_DECODER_from_data(dctx, &data, &len) == 1;
  OSSL_DECODER_CTX_free(dctx);
  ERR_clear_error();
  if (!ok || pkey == nullptr) {
    EVP_PKEY_free(pkey);
    error = "not a PEM public key";
    return nullptr;
  }
  return VerificationKey::fromPublicKey(std::move(kid), pkey, alg, error);
}

std::optional<std::string> readKeyFile(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open `" + path + "`";
    return std::nullopt;
  }
  std::string data;
  char buffer[4096];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    data.append(buffer, std::size_t(in.gcount()));
    if (data.size() > kMaxKeyFileBytes) {
      error = "`" + path + "` is larger than 1 MiB";
      return std::nullopt;
    }
  }
  return data;
}

KeyLoadResult loadJwksFile(const std::string& path) {
  std::string error;
  const auto data = readKeyFile(path, error);
  if (!data) {
    return KeyLoadResult{nullptr, error, {}};
  }
  auto result = parseJwks(*data);
  if (!result.error.empty()) {
    result.error = path + ": " + result.error;
  }
  return result;
}

KeyLoadResult loadPemFile(const std::string& path, std::string kid, std::optional<JwtAlg> alg) {
  std::string error;
  const auto data = readKeyFile(path, error);
  if (!data) {
    return KeyLoadResult{nullptr, error, {}};
  }
  auto key = parsePemPublicKey(*data, std::move(kid), alg, error);
  std::string message = key ? std::string() : path + ": " + error;
  return singleKey(std::move(key), std::move(message));
}

KeyLoadResult loadHmacSecretFile(const std::string& path, std::string kid) {
  std::string error;
  auto data = readKeyFile(path, error);
  if (!data) {
    return KeyLoadResult{nullptr, error, {}};
  }
  if (data->ends_with("\r\n")) {
    data->resize(data->size() - 2);
  } else if (data->ends_with('\n')) {
    data->pop_back();
  }
  auto key = VerificationKey::fromHmacSecret(std::move(kid), *data, std::nullopt, error);
  std::string message = key ? std::string() : path + ": " + error;
  return singleKey(std::move(key), std::move(message));
}

std::shared_ptr<const KeySet> mergeKeySets(const std::vector<std::shared_ptr<const KeySet>>& sets) {
  std::vector<std::shared_ptr<const VerificationKey>> keys;
  for (const auto& set : sets) {
    if (set) {
      keys.insert(keys.end(), set->keys().begin(), set->keys().end());
    }
  }
  return std::make_shared<const KeySet>(std::move(keys));
}

}  // namespace gw::auth
