#pragma once

// API key file format (`keys file "keys/partners.csv"` of an `auth <name> api_key` block):
//
//   # comment lines start with '#'; blank lines are ignored
//   key,subject,roles
//   k3y-partner-one,partner-one,reader|writer
//   sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,ci-bot,deployer admin
//
// - One key per line: three comma-separated fields; whitespace around fields is trimmed.
//   Fields are not quoted, so no field may contain a comma.
// - `key` is the secret the client sends, or `sha256:` + 64 hex digits of its SHA-256 so the
//   file need not hold the secret itself. Keys must be unique.
// - `subject` becomes auth.subject (non-empty).
// - `roles` becomes auth.roles: names separated by '|' or spaces; may be empty.
// - An optional header line exactly `key,subject,roles` is skipped.
// Only SHA-256 digests of keys are kept in memory.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/auth/identity.h"
#include "runtime/auth/sha256.h"

namespace gw::auth {

/// The result of loading an API key file.
struct ApiKeyLoadResult {
  std::shared_ptr<const class ApiKeyStore> store;  ///< null on error
  std::string error;                               ///< "path:line: message"
};

/// An immutable set of API keys, each mapped to an Identity. Lookup hashes the presented key and
/// finds it by digest; every digest comparison is CRYPTO_memcmp, so no comparison with a stored
/// secret short-circuits on the first differing byte. Thread-safe.
class ApiKeyStore {
 public:
  /// Parses the CSV text described above; `origin` names it in errors; `provider` is copied
  /// into each Identity.
  static ApiKeyLoadResult parse(std::string_view csv, std::string_view origin,
                                std::string provider);
  /// Reads and parses a file.
  static ApiKeyLoadResult loadFile(const std::string& path, std::string provider);

  /// The identity for `presentedKey`, or nullptr (kUnknownApiKey for the caller). The result is
  /// shared and immutable.
  std::shared_ptr<const Identity> lookup(std::string_view presentedKey) const;

  std::size_t size() const noexcept { return byDigest_.size(); }

 private:
  std::unordered_map<Sha256Digest, std::shared_ptr<const Identity>, Sha256DigestHash,
                     Sha256DigestConstantTimeEqual>
      byDigest_;
};

}  // namespace gw::auth
