// Json claim intrinsics. Every test is false when the claim is absent (NULL) or has another JSON
// type than the test needs — including the negated ones (ne, not in): `!=` on a missing claim is
// false, not true (docs: "type mismatch at run time is false, never a crash").
#include <cstdio>
#include <string_view>

#include "gw/abi.h"
#include "stdlib/native/claims_table.h"
#include "stdlib/native/scratch.h"

namespace {

bool isKind(const gw_claim* c, uint32_t kind) noexcept { return c != nullptr && c->kind == kind; }

bool numEqInt(const gw_claim* c, int64_t i) noexcept {
  return c->is_int ? c->i == i : c->num == static_cast<double>(i);
}

std::string_view sv(gw_str s) noexcept { return std::string_view(s.ptr, s.len); }

}  // namespace

extern "C" {

const gw_claim* gw_claim_find(const gw_request* r, const char* p, size_t pl) noexcept {
  return gw::native::findClaim(r->claims, p, pl);
}

int32_t gw_claim_eq_str(const gw_claim* c, const char* s, size_t sl) noexcept {
  return isKind(c, GW_CLAIM_STRING) && sv(c->str) == std::string_view(s, sl);
}

int32_t gw_claim_eq_int(const gw_claim* c, int64_t i) noexcept {
  return isKind(c, GW_CLAIM_NUMBER) && numEqInt(c, i);
}

int32_t gw_claim_eq_bool(const gw_claim* c, int32_t b) noexcept {
  return isKind(c, GW_CLAIM_BOOL) && (c->i != 0) == (b != 0);
}

int32_t gw_claim_ne_str(const gw_claim* c, const char* s, size_t sl) noexcept {
  return isKind(c, GW_CLAIM_STRING) && sv(c->str) != std::string_view(s, sl);
}

int32_t gw_claim_ne_int(const gw_claim* c, int64_t i) noexcept {
  return isKind(c, GW_CLAIM_NUMBER) && !numEqInt(c, i);
}

int32_t gw_claim_ne_bool(const gw_claim* c, int32_t b) noexcept {
  return isKind(c, GW_CLAIM_BOOL) && (c->i != 0) != (b != 0);
}

int32_t gw_claim_eq_claim(const gw_claim* a, const gw_claim* b) noexcept {
  if (a == nullptr || b == nullptr || a->kind != b->kind) {
    return 0;
  }
  switch (a->kind) {
    case GW_CLAIM_STRING: return sv(a->str) == sv(b->str);
    case GW_CLAIM_NUMBER:
      return a->is_int && b->is_int ? a->i == b->i : a->num == b->num;
    case GW_CLAIM_BOOL: return a->i == b->i;
    case GW_CLAIM_NULL: return 1;
    case GW_CLAIM_ARRAY: {
      if (a->array_len != b->array_len || a->items.count != b->items.count) {
        return 0;
      }
      for (size_t i = 0; i < a->items.count; ++i) {
        if (sv(a->items.items[i]) != sv(b->items.items[i])) {
          return 0;
        }
      }
      return a->items.count == a->array_len;  // non-string elements are not compared: unequal
    }
    default: return 0;
  }
}

int32_t gw_claim_ne_claim(const gw_claim* a, const gw_claim* b) noexcept {
  if (a == nullptr || b == nullptr || a->kind != b->kind) {
    return 0;  // missing or another JSON type: a mismatch, false (docs/language.md)
  }
  switch (a->kind) {
    case GW_CLAIM_STRING:
    case GW_CLAIM_NUMBER:
    case GW_CLAIM_BOOL:
    case GW_CLAIM_NULL: return gw_claim_eq_claim(a, b) == 0;
    case GW_CLAIM_ARRAY:
      // Only arrays of strings are comparable (other elements are not listed in the table).
      if (a->items.count != a->array_len || b->items.count != b->array_len) {
        return 0;
      }
      return gw_claim_eq_claim(a, b) == 0;
    default: return 0;  // objects are not compared
  }
}

int32_t gw_claim_cmp_int(const gw_claim* c, int64_t i, int64_t op) noexcept {
  if (!isKind(c, GW_CLAIM_NUMBER)) {
    return 0;
  }
  int cmp;
  if (c->is_int) {
    cmp = c->i < i ? -1 : (c->i > i ? 1 : 0);
  } else {
    double d = static_cast<double>(i);
    if (c->num != c->num) {
      return 0;  // NaN compares false both ways
    }
    cmp = c->num < d ? -1 : (c->num > d ? 1 : 0);
  }
  switch (op) {
    case 0: return cmp < 0;
    case 1: return cmp <= 0;
    case 2: return cmp > 0;
    case 3: return cmp >= 0;
    default: return 0;
  }
}

int32_t gw_claim_in_list(const gw_claim* c, const gw_str* items, size_t n) noexcept {
  return isKind(c, GW_CLAIM_STRING) && gw_list_has(items, n, c->str.ptr, c->str.len);
}

int32_t gw_claim_not_in_list(const gw_claim* c, const gw_str* items, size_t n) noexcept {
  return isKind(c, GW_CLAIM_STRING) && !gw_list_has(items, n, c->str.ptr, c->str.len);
}

int32_t gw_claim_has(const gw_claim* c, const char* s, size_t sl) noexcept {
  return isKind(c, GW_CLAIM_ARRAY) && gw_list_has(c->items.items, c->items.count, s, sl);
}

int32_t gw_claim_has_not(const gw_claim* c, const char* s, size_t sl) noexcept {
  return isKind(c, GW_CLAIM_ARRAY) && !gw_list_has(c->items.items, c->items.count, s, sl);
}

int32_t gw_claim_contains(const gw_claim* c, const char* s, size_t sl) noexcept {
  if (isKind(c, GW_CLAIM_ARRAY)) {
    return gw_list_has(c->items.items, c->items.count, s, sl);
  }
  return isKind(c, GW_CLAIM_STRING) && gw_str_contains(c->str.ptr, c->str.len, s, sl);
}

int32_t gw_claim_is_str(const gw_claim* c) noexcept { return isKind(c, GW_CLAIM_STRING); }

void gw_claim_str(const gw_claim* c, gw_str* out) noexcept {
  *out = isKind(c, GW_CLAIM_STRING) ? c->str : gw_str{"", 0};
}

int32_t gw_claim_truthy(const gw_claim* c) noexcept {
  return isKind(c, GW_CLAIM_BOOL) && c->i != 0;
}

void gw_claim_to_str(gw_eval_ctx* ctx, const gw_claim* c, gw_str* out) noexcept {
  if (c == nullptr) {
    *out = gw_str{"", 0};
    return;
  }
  switch (c->kind) {
    case GW_CLAIM_STRING: *out = c->str; return;
    case GW_CLAIM_BOOL: gw_bool_to_str(static_cast<int32_t>(c->i), out); return;
    case GW_CLAIM_NUMBER: {
      if (c->is_int) {
        gw_int_to_str(ctx, c->i, out);
        return;
      }
      char buf[32];
      int n = std::snprintf(buf, sizeof buf, "%.17g", c->num);
      *out = gw::native::scratchCopy(ctx, buf, n > 0 ? static_cast<size_t>(n) : 0);
      return;
    }
    case GW_CLAIM_ARRAY: gw_list_join(ctx, c->items.items, c->items.count, out); return;
    default: *out = gw_str{"", 0}; return;
  }
}

}  // extern "C"
