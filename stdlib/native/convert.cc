// Conversions to text for limit keys and header values.
#include <cstdio>
#include <cstring>

#include "gw/abi.h"
#include "stdlib/native/scratch.h"

namespace {

const gw_str kMethodNames[] = {
    {"GET", 3},     {"HEAD", 4},    {"POST", 4},    {"PUT", 3},   {"DELETE", 6},
    {"PATCH", 5},   {"OPTIONS", 7}, {"CONNECT", 7}, {"TRACE", 5}, {"OTHER", 5},
};

}  // namespace

extern "C" {

void gw_int_to_str(gw_eval_ctx* c, int64_t i, gw_str* out) noexcept {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(i));
  *out = gw::native::scratchCopy(c, buf, n > 0 ? static_cast<size_t>(n) : 0);
}

void gw_list_join(gw_eval_ctx* c, const gw_str* items, size_t n, gw_str* out) noexcept {
  size_t room = 0;
  char* dst = gw::native::scratchBegin(c, &room);
  size_t w = 0;
  for (size_t i = 0; i < n && dst != nullptr; ++i) {
    if (i > 0 && w < room) {
      dst[w++] = ',';
    }
    for (size_t k = 0; k < items[i].len && w < room; ++k) {
      dst[w++] = items[i].ptr[k];
    }
  }
  if (dst == nullptr) {
    *out = gw_str{"", 0};
    return;
  }
  c->scratch_used += w;
  *out = gw_str{dst, w};
}

void gw_key_part(gw_eval_ctx* c, const char* acc, size_t al, const char* part, size_t pl,
                 gw_str* out) noexcept {
  size_t room = 0;
  char* top = gw::native::scratchBegin(c, &room);
  if (top == nullptr) {
    *out = gw_str{acc, al};  // scratch full: keep the key so far (truncated, never empty)
    return;
  }
  // Extend in place when `acc` ends at the scratch top (the usual case: the previous part);
  // otherwise (a part converted into the scratch after it) copy it up first.
  const bool inPlace = al > 0 && acc + al == top && acc >= c->scratch;
  char* dst = inPlace ? const_cast<char*>(acc) : top;
  size_t w = 0;
  auto put = [&](const char* p, size_t n) {
    size_t take = n < room - w ? n : room - w;
    if (take > 0) std::memmove(top + w, p, take);
    w += take;
  };
  if (!inPlace) put(acc, al);
  char len[24];
  int n = std::snprintf(len, sizeof len, "%zu:", pl);
  put(len, n > 0 ? static_cast<size_t>(n) : 0);
  put(part, pl);
  put(",", 1);
  c->scratch_used += w;
  *out = gw_str{dst, static_cast<size_t>(top + w - dst)};
}

void gw_method_name(int64_t method, gw_str* out) noexcept {
  if (method < 0 || method >= static_cast<int64_t>(GW_METHOD_COUNT)) {
    method = GW_METHOD_OTHER;
  }
  *out = kMethodNames[method];
}

void gw_bool_to_str(int32_t b, gw_str* out) noexcept {
  *out = b ? gw_str{"true", 4} : gw_str{"false", 5};
}

}  // extern "C"
