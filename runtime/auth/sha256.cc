#include "runtime/auth/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace gw::auth {

Sha256Digest sha256(std::string_view data) noexcept {
  // Fetched once: EVP_sha256() would do an implicit provider fetch on every call.
  static EVP_MD* const kMd = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, kMd, nullptr);
  return out;
}

bool constantTimeEqual(const Sha256Digest& a, const Sha256Digest& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gw::auth
