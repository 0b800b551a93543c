#pragma once
// Which client-supplied request headers never reach an upstream: the gateway's `strip_headers`
// globs, and every header a route sets from the policy (X-User-ID = auth.subject, ...), so a
// forged identity header is dropped even on routes that do not set it. Names compare
// case-insensitively and with `_` and `-` alike: many upstream frameworks (CGI, WSGI, PHP) turn
// both into the same variable, so `X_User_ID` would otherwise smuggle an identity past us.
#include <string>
#include <string_view>
#include <vector>

#include "runtime/http/header.h"
#include "runtime/server/edit_list.h"

namespace gw::gateway {

/// `*` matches any run of characters, `?` one; case-insensitive, `_` == `-`. Pure.
bool headerGlobMatch(std::string_view pattern, std::string_view name) noexcept;

/// Immutable once built; thread-safe.
class HeaderRules {
 public:
  HeaderRules() = default;
  HeaderRules(std::vector<std::string> stripGlobs, std::vector<std::string> policyHeaders);

  /// True when a client header called `name` must be removed before forwarding.
  bool mustStrip(std::string_view name) const noexcept;
  /// Appends to `out` the name (as received) of every header of `headers` that mustStrip.
  void collect(const http::HeaderList& headers, server::NameList& out) const;
  bool empty() const { return globs_.empty() && exact_.empty(); }

 private:
  /// A strip glob and what any name it matches must have, checked before the matcher runs
  /// (each request header is tested against every glob; most fail both checks at once).
  struct Glob {
    std::string pattern;
    std::size_t minLength = 0;  ///< its characters other than `*`: each takes one name byte
    char first = 0;             ///< its first character, folded, when a literal; else 0
  };
  std::vector<Glob> globs_;
  std::vector<std::string> exact_;  ///< policy header names, folded, each once
};

}  // namespace gw::gateway
