// Request lookups: headers (case-insensitive names), query parameters (decoded), path params.
#include "gw/abi.h"
#include "stdlib/native/scratch.h"

namespace {

int hexValue(char ch) noexcept {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Finds the first parameter called `n` in a raw query string and returns its raw value slice.
// Names compare raw (not decoded): policies name parameters the way clients send them.
bool findQuery(gw_str q, const char* n, size_t nl, gw_str* raw) noexcept {
  size_t i = 0;
  while (i <= q.len) {
    size_t end = i;
    while (end < q.len && q.ptr[end] != '&') {
      ++end;
    }
    size_t eq = i;
    while (eq < end && q.ptr[eq] != '=') {
      ++eq;
    }
    if (eq - i == nl && (nl == 0 || __builtin_memcmp(q.ptr + i, n, nl) == 0) && end > i) {
      raw->ptr = q.ptr + (eq < end ? eq + 1 : end);
      raw->len = eq < end ? end - eq - 1 : 0;
      return true;
    }
    i = end + 1;
  }
  return false;
}

}  // namespace

extern "C" {

void gw_header_get(const gw_request* r, const char* n, size_t nl, gw_str* out) noexcept {
  for (size_t i = 0; i < r->headers.count; ++i) {
    const gw_header& h = r->headers.items[i];
    if (gw_str_eq_ci(h.name.ptr, h.name.len, n, nl)) {
      *out = h.value;
      return;
    }
  }
  *out = gw_str{"", 0};
}

int32_t gw_header_has(const gw_request* r, const char* n, size_t nl) noexcept {
  for (size_t i = 0; i < r->headers.count; ++i) {
    const gw_header& h = r->headers.items[i];
    if (gw_str_eq_ci(h.name.ptr, h.name.len, n, nl)) {
      return 1;
    }
  }
  return 0;
}

int32_t gw_query_has(const gw_request* r, const char* n, size_t nl) noexcept {
  gw_str raw;
  return r->query.len > 0 && findQuery(r->query, n, nl, &raw);
}

void gw_query_get(const gw_request* r, gw_eval_ctx* c, const char* n, size_t nl,
                  gw_str* out) noexcept {
  gw_str raw{"", 0};
  if (r->query.len == 0 || !findQuery(r->query, n, nl, &raw)) {
    *out = gw_str{"", 0};
    return;
  }
  bool plain = true;
  for (size_t i = 0; i < raw.len && plain; ++i) {
    plain = raw.ptr[i] != '%' && raw.ptr[i] != '+';
  }
  if (plain) {
    *out = raw;  // zero-copy: nothing to decode
    return;
  }
  size_t room = 0;
  char* dst = gw::native::scratchBegin(c, &room);
  size_t w = 0;
  for (size_t i = 0; i < raw.len && w < room; ++i) {
    char ch = raw.ptr[i];
    if (ch == '+') {
      ch = ' ';
    } else if (ch == '%' && i + 2 < raw.len) {
      int hi = hexValue(raw.ptr[i + 1]);
      int lo = hexValue(raw.ptr[i + 2]);
      if (hi >= 0 && lo >= 0) {  // a malformed escape stays as written
        ch = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    }
    dst[w++] = ch;
  }
  if (dst == nullptr) {
    *out = gw_str{"", 0};
    return;
  }
  c->scratch_used += w;
  *out = gw_str{dst, w};
}

void gw_param_get(gw_eval_ctx* c, int64_t slot, gw_str* out) noexcept {
  if (c != nullptr && c->params != nullptr) {
    for (uint32_t i = 0; i < c->param_count; ++i) {
      if (static_cast<int64_t>(c->params[i].name_index) == slot) {
        *out = c->params[i].value;
        return;
      }
    }
  }
  *out = gw_str{"", 0};
}

}  // extern "C"
