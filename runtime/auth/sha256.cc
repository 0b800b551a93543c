#include "runtime/auth/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

namespace gw::auth {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Sha256Digest sha256(std::string_view data) noexcept {
  // Fetched once: EVP_sha256() would do an implicit provider fetch on every call.
  static EVP_MD* const kMd = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  // One context per thread, re-initialized per call: the one-shot EVP_Digest allocates and
  // frees a context (and the provider's digest state) each time, two mallocs on every
  // authenticated request (the verdict cache key is the token's digest).
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  Sha256Digest out{};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), kMd, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    EVP_Digest(data.data(), data.size(), out.data(), &len, kMd, nullptr);  // allocation failed
  }
  return out;
}

bool constantTimeEqual(const Sha256Digest& a, const Sha256Digest& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gw::auth
