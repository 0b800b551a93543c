// libFuzzer target: the other untrusted documents: JWKS (from a URL), RFC 7662 introspection
// responses, API key CSV files. The first byte picks the parser.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/auth/api_key_store.h"
#include "runtime/auth/introspection.h"
#include "runtime/auth/key_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gw::auth;
  if (size == 0) {
    return 0;
  }
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      const KeyLoadResult result = parseJwks(body);
      if (result.error.empty() && result.keySet == nullptr) {
        std::abort();
      }
      break;
    }
    case 1: {
      const IntrospectionVerdict verdict =
          parseIntrospectionResponse(body, IntrospectionConfig{.provider = "fuzz"}, 1700000000);
      if ((verdict.error == AuthError::kOk) != (verdict.identity != nullptr)) {
        std::abort();
      }
      break;
    }
    default: {
      const ApiKeyLoadResult result = ApiKeyStore::parse(body, "fuzz.csv", "fuzz");
      if (result.store) {
        (void)result.store->lookup(body.substr(0, body.find(',')));
      }
      break;
    }
  }
  return 0;
}
