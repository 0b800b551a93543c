#pragma once
// RequestBuilder: owns the storage behind a gw_request built from test/explain inputs (a URL, a
// method, headers, claims as JSON, a client address). Used by `gwc test`, `gwc explain`, unit
// tests and benchmarks; the runtime builds its view from parsed requests instead.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gw/abi.h"
#include "stdlib/native/claims_table.h"

namespace gw::policy {

/// Not thread-safe; the view returned by request() points into this object.
class RequestBuilder {
 public:
  RequestBuilder();
  /// "GET", "https://Api.Example.com:8443/v1/x?q=1": method, host (lower-cased, port removed),
  /// path (with "/" when empty), raw query.
  void setTarget(const std::string& method, const std::string& url);
  void addHeader(std::string name, std::string value);
  /// Dotted IPv4 ("10.0.0.1") or IPv6 text; false when it does not parse.
  bool setClientIp(const std::string& text);
  /// Marks the request authenticated by `provider` with these claims (JSON object text):
  /// subject from `sub`, roles from `roles`, scopes from `scope` (space-separated) or `scp`.
  /// False when the JSON does not parse.
  bool setClaims(const std::string& provider, const std::string& json);
  /// Authenticated without claims (an API key): subject = the key.
  void setApiKey(const std::string& provider, const std::string& key);
  void setTime(int hour, int weekday);

  /// The view; valid until this builder changes or dies.
  const gw_request& request();
  bool authenticated() const { return authenticated_; }

 private:
  std::string method_, host_, path_, query_, subject_, provider_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<gw_header> headerViews_;
  std::vector<std::string> roles_, scopes_;
  std::vector<gw_str> roleViews_, scopeViews_;
  std::unique_ptr<native::ClaimsTable> claims_;
  gw_ip ip_{};
  bool authenticated_ = false;
  int hour_ = 12, weekday_ = 1;
  gw_request req_{};
};

/// The gw_method id of a method name ("GET" -> GW_METHOD_GET; unknown -> GW_METHOD_OTHER).
uint32_t methodFromName(std::string_view name);

}  // namespace gw::policy
