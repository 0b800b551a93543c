// Address intrinsics: address equality (IPv4 literal, or two addresses), CIDR containment, text.
#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "gw/abi.h"
#include "stdlib/native/scratch.h"

extern "C" {

int32_t gw_ip_eq4(const gw_ip* ip, int64_t v4) noexcept {
  return ip != nullptr && ip->family == 4 && ip->v4 == static_cast<uint32_t>(v4);
}

int32_t gw_ip_eq(const gw_ip* a, const gw_ip* b) noexcept {
  if (a == nullptr || b == nullptr || a->family != b->family) {
    return 0;
  }
  if (a->family == 4) {
    return a->v4 == b->v4;
  }
  return a->family == 6 && std::memcmp(a->v6, b->v6, sizeof(a->v6)) == 0;  // family 0: no address
}

int32_t gw_ip_in_cidr4(const gw_ip* ip, int64_t net, int64_t prefix) noexcept {
  if (ip == nullptr || ip->family != 4 || prefix < 0 || prefix > 32) {
    return 0;
  }
  uint32_t mask = prefix == 0 ? 0u : ~0u << (32 - prefix);
  return (ip->v4 & mask) == (static_cast<uint32_t>(net) & mask);
}

void gw_ip_to_str(gw_eval_ctx* c, const gw_ip* ip, gw_str* out) noexcept {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ip != nullptr && ip->family == 4) {
    uint32_t v = ip->v4;
    int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255u,
                          (v >> 8) & 255u, v & 255u);
    *out = gw::native::scratchCopy(c, buf, n > 0 ? static_cast<size_t>(n) : 0);
    return;
  }
  if (ip != nullptr && ip->family == 6 && inet_ntop(AF_INET6, ip->v6, buf, sizeof buf)) {
    *out = gw::native::scratchCopy(c, buf, __builtin_strlen(buf));
    return;
  }
  *out = gw_str{"", 0};
}

}  // extern "C"
