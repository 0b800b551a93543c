#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/auth/key_set.h"

namespace gw::auth {

/// The result of loading keys: a KeySet (null only on a fatal error) plus per-key warnings for
/// keys that were skipped (wrong `use`, unsupported `kty`, RSA < 2048 bits, ...).
struct KeyLoadResult {
  std::shared_ptr<const KeySet> keySet;
  std::string error;                  ///< fatal: the document itself is unusable
  std::vector<std::string> warnings;  ///< one line per skipped key
};

/// Builds one key from a JWK object (RFC 7517): RSA (n, e), EC (crv P-256/P-384/P-521, x, y),
/// OKP (crv Ed25519, x) or oct (k). `use` other than "sig" and an `alg` the gateway does not
/// verify are refused. Private members (d, p, q, ...) are ignored. nullptr + `error` on failure.
std::shared_ptr<const VerificationKey> parseJwk(const nlohmann::json& jwk, std::string& error);

/// Parses a JWKS document ({"keys": [...]}) or a single JWK object. Off the request path: this
/// is what a JWKS fetch (file or URL) hands its body to before KeySetHolder::replace().
KeyLoadResult parseJwks(std::string_view document);

/// A PEM public key: SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", e.g. from `openssl pkey -pubout`)
/// or PKCS#1 ("BEGIN RSA PUBLIC KEY"). `kid` may be empty; `alg` pins one algorithm.
std::shared_ptr<const VerificationKey> parsePemPublicKey(std::string_view pem, std::string kid,
                                                         std::optional<JwtAlg> alg,
                                                         std::string& error);

/// Reads a whole file (key files are small; refuses more than 1 MiB). std::nullopt + `error`.
std::optional<std::string> readKeyFile(const std::string& path, std::string& error);

/// Loads a JWKS file.
KeyLoadResult loadJwksFile(const std::string& path);

/// Loads a PEM public key file into a one-key set.
KeyLoadResult loadPemFile(const std::string& path, std::string kid, std::optional<JwtAlg> alg);

/// Loads an HMAC secret file: its bytes as they are, minus ONE final line ending ("\n" or
/// "\r\n") because editors add one that would silently become part of the secret. A binary
/// secret that itself ends in a newline byte belongs in a JWKS `oct` key instead.
KeyLoadResult loadHmacSecretFile(const std::string& path, std::string kid);

/// Concatenates several sets (e.g. JWKS + hmac_secret) into one.
std::shared_ptr<const KeySet> mergeKeySets(const std::vector<std::shared_ptr<const KeySet>>& sets);

}  // namespace gw::auth
