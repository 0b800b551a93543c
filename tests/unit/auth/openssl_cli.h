#pragma once

// Test helper: drives the `openssl` command-line tool so test keys and signatures come from an
// implementation independent of the code under test.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gw::auth::testing {

/// A private temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

/// Runs `command` through /bin/sh; returns stdout; fails the current test (and returns "") if
/// the exit status is not 0.
std::string run(const std::string& command);

std::string readFile(const std::string& path);
void writeFile(const std::string& path, std::string_view data);
std::string toHex(std::string_view bytes);

/// Key pair files made by `openssl genpkey`: private key and SubjectPublicKeyInfo PEM.
struct KeyFiles {
  std::string privatePem;  ///< path
  std::string publicPem;   ///< path
};

/// kind: "RSA" (2048 bits), "P-256", "P-384", "P-521" or "ED25519".
KeyFiles generateKey(const TempDir& dir, const std::string& name, const std::string& kind);

/// Signs `input` with `openssl dgst` / `openssl pkeyutl` as JWS algorithm `alg` requires and
/// returns the raw JWS signature bytes (ECDSA DER converted to R || S here, independently of
/// the library). For HS* `keyOrSecret` is the secret bytes; otherwise a private key path.
std::string signJws(const TempDir& dir, const std::string& alg, const std::string& keyOrSecret,
                    std::string_view input);

/// header.payload.signature with the signature from signJws.
std::string makeJwt(const TempDir& dir, const nlohmann::json& header, const nlohmann::json& payload,
                    const std::string& keyOrSecret);

/// A public JWK for a key made by generateKey (n/e, x/y or x from the openssl CLI output).
nlohmann::json publicJwk(const KeyFiles& key, const std::string& kind, const std::string& kid);

/// base64url without padding, written here independently of the library.
std::string b64url(std::string_view bytes);

}  // namespace gw::auth::testing
