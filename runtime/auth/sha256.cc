#include "runtime/auth/sha256.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 (still in every 3.x): see sha256().
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace gw::auth {

Sha256Digest sha256(std::string_view data) noexcept {
  // The low-level functions on a stack context: the same code EVP's SHA-256 provider calls
  // (SHA-NI where the CPU has it), without EVP_DigestInit's provider dispatch and context
  // re-initialization on every call; every request to a JWT route with a verdict cache hashes
  // its ~500-byte token (bench/RESULTS.md, session 6). Not the one-shot SHA256(): in OpenSSL
  // 3.0 that fetches the algorithm on every call. The context holds state derived from the
  // token, so it is cleansed as EVP would. Not routed through a FIPS provider (gw does not
  // claim FIPS mode).
  Sha256Digest out{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  return out;
}

bool constantTimeEqual(const Sha256Digest& a, const Sha256Digest& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gw::auth
