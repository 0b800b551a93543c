#pragma once
// Scratch-buffer helpers shared by the native intrinsics. Internal to stdlib/native.
#include <cstring>

#include "gw/abi.h"

namespace gw::native {

/// Copies up to `n` bytes into the ctx scratch and returns the slice; truncates when full (the
/// ABI promises no allocation on the request path). Null ctx or scratch yields an empty slice.
inline gw_str scratchCopy(gw_eval_ctx* c, const char* p, size_t n) noexcept {
  if (c == nullptr || c->scratch == nullptr || c->scratch_used >= c->scratch_cap) {
    return gw_str{"", 0};
  }
  size_t room = c->scratch_cap - c->scratch_used;
  size_t take = n < room ? n : room;
  char* dst = c->scratch + c->scratch_used;
  if (take > 0) {
    std::memcpy(dst, p, take);
  }
  c->scratch_used += take;
  return gw_str{dst, take};
}

/// The remaining scratch space, for helpers that write in place.
inline char* scratchBegin(gw_eval_ctx* c, size_t* room) noexcept {
  if (c == nullptr || c->scratch == nullptr || c->scratch_used >= c->scratch_cap) {
    *room = 0;
    return nullptr;
  }
  *room = c->scratch_cap - c->scratch_used;
  return c->scratch + c->scratch_used;
}

inline char lowerAscii(char ch) noexcept {
  return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
}

}  // namespace gw::native
