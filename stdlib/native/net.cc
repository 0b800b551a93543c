// Address intrinsics: address equality (IPv4 literal, or two addresses), CIDR containment, text.
#include <arpa/inet.h>

#include <charconv>
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
    // to_chars, not snprintf: a per-IP limit key formats the client address on every request,
    // and snprintf's machinery was ~1.3k of gw's ~57k instructions per request on
    // bench/load/peers.gw (bench/RESULTS.md, "Session 5 (perf helper)").
    uint32_t v = ip->v4;
    char* p = buf;
    for (int shift = 24; shift >= 0; shift -= 8) {
      p = std::to_chars(p, buf + sizeof buf, (v >> shift) & 255u).ptr;
      if (shift > 0) {
        *p++ = '.';
      }
    }
    *out = gw::native::scratchCopy(c, buf, static_cast<size_t>(p - buf));
    return;
  }
  if (ip != nullptr && ip->family == 6 && inet_ntop(AF_INET6, ip->v6, buf, sizeof buf)) {
    *out = gw::native::scratchCopy(c, buf, __builtin_strlen(buf));
    return;
  }
  *out = gw_str{"", 0};
}

}  // extern "C"
