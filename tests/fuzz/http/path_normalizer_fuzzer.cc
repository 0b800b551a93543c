// Normalizes arbitrary paths and checks the properties the router and policy rely on: the result
// is idempotent, starts with '/', has no dot segments, no "//", no encoded slash/backslash/NUL,
// and only upper-case escapes of reserved bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/http/path_normalizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  std::string out;
  gw::http::NormalizeResult r = gw::http::normalizePath(raw, out);
  if (!r.ok) {
    if (r.httpStatus != 400) {
      std::abort();
    }
    return 0;
  }
  if (out == "*") {
    return 0;
  }
  if (out.empty() || out[0] != '/' || out.find("//") != std::string::npos ||
      out.find("/./") != std::string::npos || out.find("/../") != std::string::npos ||
      out.ends_with("/.") || out.ends_with("/..") || out.find('\\') != std::string::npos) {
    std::abort();
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '%') {
      std::string_view esc = std::string_view(out).substr(i + 1, 2);
      if (esc == "2F" || esc == "5C" || esc == "00" || esc == "2E" || esc == "41") {
        std::abort();
      }
      for (char c : esc) {
        if (c >= 'a' && c <= 'f') {
          std::abort();
        }
      }
    }
  }
  std::string again;
  if (!gw::http::normalizePath(out, again).ok || again != out) {
    std::abort();
  }
  return 0;
}
