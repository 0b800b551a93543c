#pragma once
// Builds the policy's gw_request view of one request without copying: every slice points into
// the session's buffers (RequestContext) or into the verified Identity; the header array is
// reused across the worker's requests. One per worker; single-threaded.
#include <cstdint>
#include <ctime>
#include <memory>
#include <string_view>
#include <vector>

#include "gw/abi.h"
#include "runtime/auth/identity.h"
#include "runtime/gateway/generation.h"
#include "runtime/server/request_context.h"
#include "stdlib/native/claims_table.h"

namespace gw::gateway {

class RequestView {
 public:
  /// Fills the request part of the view (method, path, host, query, headers, client address
  /// resolved through trusted proxies, the verified client certificate, time). The auth part
  /// is cleared.
  const gw_request& build(const server::RequestContext& req, const Generation& gen);
  /// Marks the request authenticated by `id`; `claims` may be null (policy reads no claims).
  /// Both must outlive the use of the view.
  void setIdentity(const auth::Identity& id, const native::ClaimsTable* claims);

  const gw_request& request() const { return req_; }
  /// The client address as the policy sees it (after trusted proxies), for logs.
  std::string_view clientIp() const { return clientIp_; }

 private:
  void resolveClient(const server::RequestContext& req, const Generation& gen);
  void setClientCertificate(const server::RequestContext& req);

  gw_request req_{};
  std::vector<gw_header> headers_;
  std::vector<gw_str> roles_, scopes_, sans_;
  std::string_view clientIp_;
  std::string forwardedIp_;
  std::time_t timeCachedFor_ = -1;
  int hour_ = 0, weekday_ = 0;
};

/// Parses an IPv4/IPv6 text into `out`; false when it is neither. Accepts exactly what
/// inet_pton accepts (a NUL inside `text` is refused, where inet_pton would stop at it). Pure.
bool parseIp(std::string_view text, gw_ip& out);

/// A dotted-quad IPv4 address as inet_pton(AF_INET) accepts it (four decimal octets 0-255,
/// no leading zeros, nothing else), host byte order. Pure.
bool parseIpv4(std::string_view text, std::uint32_t& out);

}  // namespace gw::gateway
