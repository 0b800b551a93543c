#pragma once

#include <string_view>
#include <vector>

#include "runtime/http/ascii.h"

namespace gw::http {

/// One header field. Both views point into the caller's read buffer and are valid only while
/// that buffer is unchanged. The value has its surrounding OWS removed.
struct Header {
  std::string_view name;
  std::string_view value;
};

/// Reused across requests: `clear()` keeps capacity, so steady state allocates nothing.
using HeaderList = std::vector<Header>;

/// First header named `name` (case-insensitive), or nullptr.
inline const Header* findHeader(const HeaderList& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) {
      return &h;
    }
  }
  return nullptr;
}

}  // namespace gw::http
