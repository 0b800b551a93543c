#pragma once
// CompiledPolicy: the runtime-facing result of compiling a .gw program. Immutable once built and
// held by shared_ptr: a request pins one generation for its whole life. Everything the runtime
// needs is plain data (no AST pointers); the executable parts (match, expression programs) run
// through PolicyCode, which is the interpreter by default and native code when the JIT/AOT back
// end installs its functions before the policy is published.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/ir.h"
#include "compiler/policy/runtime_config.h"
#include "gw/abi.h"
#include "stdlib/native/regex_table.h"

namespace gw::policy {

struct ForwardTarget {
  std::string upstream;
  uint32_t weightBp = 10000;  // share in basis points (1/10000); all targets sum to 10000
};

struct HeaderOp {
  bool remove = false;
  std::string name;
  int32_t value = -1;  // Str Function for `set`
};

struct RuleInfo {
  bool deny = false;
  int32_t cond = -1;  // Bool Function; -1: the rule always applies
  std::string text;   // the rule as written, for logs and `gwc explain`
};

struct PolicyPlan {
  std::string name;  // the policy's name, or "inline" for `authorize { ... }`
  std::vector<RuleInfo> rules;
};

struct RouteLimit {
  std::string name;
  int32_t key = -1;  // Str Function computing this route's key for the limit
};

/// One piece of an `aggregate` part's path template: literal text, or (value >= 0) a Str
/// Function (role PartPath) whose result the runtime inserts percent-encoded — as a path segment
/// before the template's `?`, as a query value after it (`query`).
struct PathPiece {
  std::string text;
  int32_t value = -1;
  bool query = false;
};

/// `FIELD = UPSTREAM "PATH"` of a route's `aggregate` block.
struct AggregatePart {
  std::string field;
  std::string upstream;
  std::vector<PathPiece> path;
};

/// The value of one `set "P" = E` of a `body json` block: its program (role BodyValue; Bool for
/// kBool, Str otherwise) and the JSON type written, decided by the expression's static type:
/// bool -> true/false, int -> number, everything else (string, ip, method, claim) -> string.
struct JsonSetValue {
  enum class Kind : uint8_t { kString, kNumber, kBool };
  Kind kind = Kind::kString;
  int32_t value = -1;
};

struct Route {
  std::string name;
  std::vector<std::string> paramNames;
  std::vector<std::string> authProviders;  // `authenticate a or b`; empty: no authentication
  bool authOptional = false;
  bool hasAuthorize = false;
  std::vector<PolicyPlan> authz;  // every plan must allow
  std::vector<RouteLimit> limits;
  std::vector<ForwardTarget> targets;
  int32_t forwardKey = -1;  // Str Function of `by E`, or -1 (random split)
  std::vector<HeaderOp> requestHeaders, responseHeaders;
  std::optional<std::pair<std::string, std::string>> rewritePath;
  int64_t timeoutUs = 0;  // 0: the upstream's default
  int64_t maxBody = 0;    // 0: the gateway default
  std::vector<AggregatePart> aggregate;  // non-empty: the route fans out instead of forwarding
  /// One per `set` of the request / response `body json` edits, in source order.
  std::vector<JsonSetValue> requestJsonSets, responseJsonSets;
};

struct AuthProvider {
  std::string name;
  std::string kind;  // jwt | api_key | introspect | mtls
};

struct LimitDecl {
  std::string name;
  std::string kind;  // token_bucket | sliding_window
  int64_t count = 0;
  int64_t periodUs = 0;
  int64_t burst = 0;
  int32_t key = -1;  // Str Function (for gateway-level use; routes have their own copy)
};

struct UpstreamDecl {
  std::string name;
  int32_t hashKey = -1;  // Str Function of consistent_hash(E), or -1
};

/// The authorization outcome and which rule decided (rule -1 = "default" deny, or no rules).
struct AuthzResult {
  bool allow = false;
  std::string_view policy;
  int32_t rule = -1;
  std::string_view ruleText = "default";
};

/// The executable parts. `self` is passed back to every call. Installed once, before publishing.
struct PolicyCode {
  const void* self = nullptr;
  void (*match)(const void* self, const gw_request*, gw_eval_ctx*, gw_match_result*) = nullptr;
  int32_t (*evalBool)(const void* self, uint32_t fn, const gw_request*, gw_eval_ctx*) = nullptr;
  void (*evalStr)(const void* self, uint32_t fn, const gw_request*, gw_eval_ctx*,
                  gw_str*) = nullptr;
};

class CompiledPolicy {
 public:
  CompiledPolicy(ir::Program program, std::vector<Route> routes);
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  const ir::Program& ir() const { return ir_; }
  const std::vector<Route>& routes() const { return routes_; }
  int32_t routeByName(std::string_view name) const;

  std::vector<AuthProvider> auths;
  std::vector<LimitDecl> limits;
  std::vector<UpstreamDecl> upstreams;
  std::vector<std::string> gatewayLimits;
  /// Listeners, upstream servers, provider settings, ...: what the runtime needs besides code.
  RuntimeConfig runtime;

  /// A context for one evaluation: the regex table set, params empty, `scratch` of `cap` bytes.
  gw_eval_ctx makeContext(char* scratch, size_t cap) const;

  /// Thread-safe (const, no shared mutable state). ctx.params is restored on return.
  void match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const;
  /// Deny overrides allow inside a policy; every policy must allow. The ctx must carry the
  /// matched route's params.
  AuthzResult authorize(uint32_t route, const gw_request& req, gw_eval_ctx& ctx) const;
  bool evalBool(int32_t fn, const gw_request& req, gw_eval_ctx& ctx) const;
  std::string_view evalString(int32_t fn, const gw_request& req, gw_eval_ctx& ctx) const;
  /// The forward target: by the `by` key's hash when there is one, else by `randomBp`
  /// (0..9999, supplied by the caller).
  const ForwardTarget* chooseTarget(uint32_t route, const gw_request& req, gw_eval_ctx& ctx,
                                    uint32_t randomBp) const;

  /// Replaces the executable parts (JIT/AOT). Not thread-safe: call before publishing.
  void installCode(PolicyCode code) { code_ = code; }
  /// Adds a regex to the table (build time only). Returns -1 and `error` when invalid.
  int addRegex(const std::string& pattern, bool ci, std::string* error) {
    return regexes_.add(pattern, ci, error);
  }

 private:
  ir::Program ir_;
  std::vector<Route> routes_;
  native::RegexTable regexes_;
  PolicyCode code_;
};

/// The interpreter as a PolicyCode over `policy` (the default code).
PolicyCode interpreterCode(const CompiledPolicy& policy);

}  // namespace gw::policy
