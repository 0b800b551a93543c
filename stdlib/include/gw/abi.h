/* gw policy ABI: the contract between compiled policy code (JIT, AOT object, interpreter) and
 * the runtime. Plain C so generated code, the runtime and the native helpers agree on layout.
 *
 * - The request is a zero-copy view (`gw_request`): every slice points into buffers the runtime
 *   owns for the duration of the call. Compiled code only reads it.
 * - Helpers (intrinsics.def) are extern "C", noexcept, never allocate, throw or lock.
 * - Versioning: GW_ABI_VERSION changes on any breaking change (a field moved, removed or retyped,
 *   an intrinsic's signature changed); GW_ABI_MINOR changes on additive ones (a field appended,
 *   an intrinsic added). Loaders refuse code built for another GW_ABI_VERSION. See docs/abi.md. */
#ifndef GW_ABI_H
#define GW_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define GW_NOEXCEPT noexcept
extern "C" {
#else
#define GW_NOEXCEPT
#endif

#define GW_ABI_VERSION 1u
#define GW_ABI_MINOR 2u

/* A byte slice. Not NUL-terminated. */
typedef struct gw_str {
  const char* ptr;
  size_t len;
} gw_str;

typedef struct gw_str_list {
  const gw_str* items;
  size_t count;
} gw_str_list;

typedef struct gw_header {
  gw_str name; /* as received; compared case-insensitively */
  gw_str value;
} gw_header;

typedef struct gw_header_list {
  const gw_header* items;
  size_t count;
} gw_header_list;

/* Methods; bit (1u << id) in method masks. */
typedef enum gw_method {
  GW_METHOD_GET = 0,
  GW_METHOD_HEAD = 1,
  GW_METHOD_POST = 2,
  GW_METHOD_PUT = 3,
  GW_METHOD_DELETE = 4,
  GW_METHOD_PATCH = 5,
  GW_METHOD_OPTIONS = 6,
  GW_METHOD_CONNECT = 7,
  GW_METHOD_TRACE = 8,
  GW_METHOD_OTHER = 9
} gw_method;
#define GW_METHOD_COUNT 10u

/* An IP address. family 0 = none, 4 = IPv4 (v4, host byte order), 6 = IPv6 (v6, network order). */
typedef struct gw_ip {
  uint32_t family;
  uint32_t v4;
  uint8_t v6[16];
} gw_ip;

/* Claims: a flattened table of dotted path -> typed value, sorted by path, built once per token
 * verification (stdlib/native/claims.h) and read with gw_claim_find (binary search). */
typedef enum gw_claim_kind {
  GW_CLAIM_STRING = 1,
  GW_CLAIM_NUMBER = 2,
  GW_CLAIM_BOOL = 3,
  GW_CLAIM_ARRAY = 4, /* items: its string elements (other elements are not listed) */
  GW_CLAIM_OBJECT = 5,
  GW_CLAIM_NULL = 6
} gw_claim_kind;

typedef struct gw_claim {
  gw_str path;      /* "org.id" */
  uint32_t kind;    /* gw_claim_kind */
  uint32_t is_int;  /* NUMBER: the value is an integer that fits int64 (i is exact) */
  gw_str str;       /* STRING: the value */
  double num;       /* NUMBER */
  int64_t i;        /* NUMBER when is_int; BOOL: 0/1 */
  gw_str_list items;/* ARRAY: the string elements, in order */
  uint32_t array_len; /* ARRAY: the number of elements of any type */
  uint32_t reserved;
} gw_claim;

typedef struct gw_claims {
  const gw_claim* entries; /* sorted by path (bytewise) */
  size_t count;
} gw_claims;

/* The request view. Members are listed once, in abi_fields.def. */
typedef struct gw_request {
#define GW_FIELD(id, member, ctype, kind, path, doc) ctype member;
#include "gw/abi_fields.def"
} gw_request;

/* Path parameters captured by the matcher: slot `name_index` of the matched route's template
 * (the route's param names are in the compiled policy), value a slice of the request path. */
#define GW_MAX_PARAMS 16u
typedef struct gw_param {
  uint32_t name_index;
  uint32_t reserved;
  gw_str value;
} gw_param;

/* Match outcome. status: 0 matched (`route` >= 0), 404 no route, 405 method not allowed
 * (`allow_methods` is the mask of methods routes on that path and host accept). */
typedef struct gw_match_result {
  int32_t route;
  uint32_t status;
  uint32_t allow_methods;
  uint32_t param_count;
  gw_param params[GW_MAX_PARAMS];
} gw_match_result;

/* The evaluation context of one call: the params of the matched route, the policy's compiled
 * regex table and a caller-provided scratch buffer for strings built by conversions (query
 * decoding, int/ip/claim to text). When the scratch is full, results are truncated, never
 * allocated. */
typedef struct gw_eval_ctx {
  const gw_param* params;
  uint32_t param_count;
  uint32_t reserved;
  const void* regexes; /* opaque: the policy's regex table (stdlib/native/regex_table.h) */
  char* scratch;
  size_t scratch_cap;
  size_t scratch_used;
} gw_eval_ctx;

/* Signatures of compiled programs (one per IR function) and of the compiled matcher. */
typedef int32_t (*gw_bool_fn)(const gw_request* req, gw_eval_ctx* ctx);
typedef void (*gw_str_fn)(const gw_request* req, gw_eval_ctx* ctx, gw_str* out);
typedef void (*gw_match_fn)(const gw_request* req, gw_eval_ctx* ctx, gw_match_result* out);

/* ---- intrinsics (the list, with purposes, is intrinsics.def) ---------------------------- */
void gw_header_get(const gw_request* r, const char* n, size_t nl, gw_str* out) GW_NOEXCEPT;
int32_t gw_header_has(const gw_request* r, const char* n, size_t nl) GW_NOEXCEPT;
void gw_query_get(const gw_request* r, gw_eval_ctx* c, const char* n, size_t nl,
                  gw_str* out) GW_NOEXCEPT;
int32_t gw_query_has(const gw_request* r, const char* n, size_t nl) GW_NOEXCEPT;
void gw_param_get(gw_eval_ctx* c, int64_t slot, gw_str* out) GW_NOEXCEPT;
const gw_claim* gw_claim_find(const gw_request* r, const char* p, size_t pl) GW_NOEXCEPT;

int32_t gw_str_eq(const char* a, size_t al, const char* b, size_t bl) GW_NOEXCEPT;
int32_t gw_str_eq_ci(const char* a, size_t al, const char* b, size_t bl) GW_NOEXCEPT;
int32_t gw_str_starts(const char* a, size_t al, const char* b, size_t bl) GW_NOEXCEPT;
int32_t gw_str_ends(const char* a, size_t al, const char* b, size_t bl) GW_NOEXCEPT;
int32_t gw_str_contains(const char* a, size_t al, const char* b, size_t bl) GW_NOEXCEPT;
int32_t gw_list_has(const gw_str* items, size_t n, const char* s, size_t sl) GW_NOEXCEPT;
int32_t gw_regex_match(gw_eval_ctx* c, int64_t index, const char* s, size_t sl) GW_NOEXCEPT;

int32_t gw_ip_eq4(const gw_ip* ip, int64_t v4) GW_NOEXCEPT;
int32_t gw_ip_eq(const gw_ip* a, const gw_ip* b) GW_NOEXCEPT;
int32_t gw_ip_in_cidr4(const gw_ip* ip, int64_t net, int64_t prefix) GW_NOEXCEPT;

int32_t gw_claim_eq_str(const gw_claim* c, const char* s, size_t sl) GW_NOEXCEPT;
int32_t gw_claim_eq_int(const gw_claim* c, int64_t i) GW_NOEXCEPT;
int32_t gw_claim_eq_bool(const gw_claim* c, int32_t b) GW_NOEXCEPT;
int32_t gw_claim_ne_str(const gw_claim* c, const char* s, size_t sl) GW_NOEXCEPT;
int32_t gw_claim_ne_int(const gw_claim* c, int64_t i) GW_NOEXCEPT;
int32_t gw_claim_ne_bool(const gw_claim* c, int32_t b) GW_NOEXCEPT;
int32_t gw_claim_eq_claim(const gw_claim* a, const gw_claim* b) GW_NOEXCEPT;
int32_t gw_claim_ne_claim(const gw_claim* a, const gw_claim* b) GW_NOEXCEPT;
int32_t gw_claim_cmp_int(const gw_claim* c, int64_t i, int64_t op) GW_NOEXCEPT;
int32_t gw_claim_in_list(const gw_claim* c, const gw_str* items, size_t n) GW_NOEXCEPT;
int32_t gw_claim_not_in_list(const gw_claim* c, const gw_str* items, size_t n) GW_NOEXCEPT;
int32_t gw_claim_has(const gw_claim* c, const char* s, size_t sl) GW_NOEXCEPT;
int32_t gw_claim_has_not(const gw_claim* c, const char* s, size_t sl) GW_NOEXCEPT;
int32_t gw_claim_contains(const gw_claim* c, const char* s, size_t sl) GW_NOEXCEPT;
int32_t gw_claim_is_str(const gw_claim* c) GW_NOEXCEPT;
void gw_claim_str(const gw_claim* c, gw_str* out) GW_NOEXCEPT;
int32_t gw_claim_truthy(const gw_claim* c) GW_NOEXCEPT;

void gw_claim_to_str(gw_eval_ctx* c, const gw_claim* v, gw_str* out) GW_NOEXCEPT;
void gw_int_to_str(gw_eval_ctx* c, int64_t i, gw_str* out) GW_NOEXCEPT;
void gw_ip_to_str(gw_eval_ctx* c, const gw_ip* ip, gw_str* out) GW_NOEXCEPT;
void gw_list_join(gw_eval_ctx* c, const gw_str* items, size_t n, gw_str* out) GW_NOEXCEPT;
void gw_method_name(int64_t method, gw_str* out) GW_NOEXCEPT;
void gw_bool_to_str(int32_t b, gw_str* out) GW_NOEXCEPT;
/* Composite keys (ABI 1.2): writes `acc` followed by `part` encoded as a netstring
 * (`<decimal length>:<bytes>,`) into the scratch, so ("a:b","c") and ("a","b:c") differ. `acc`
 * is extended in place when it is the last thing in the scratch, else copied first. When the
 * scratch is full the result is truncated (like every scratch result). */
void gw_key_part(gw_eval_ctx* c, const char* acc, size_t al, const char* part, size_t pl,
                 gw_str* out) GW_NOEXCEPT;

/* FNV-1a 64 over the bytes; the bits of a uint64_t returned as int64_t. Sticky targets use
 * (uint64_t)gw_hash64(key) % 10000. */
int64_t gw_hash64(const char* s, size_t sl) GW_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* GW_ABI_H */
