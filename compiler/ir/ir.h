#pragma once
// The typed policy IR: what the AST lowers to and what both back ends (the interpreter in
// compiler/interp and the LLVM code generator in compiler/codegen) consume.
//
// A Program holds:
//   - a constant string pool and a regex table (compiled once when the policy is built),
//   - Functions: one small expression program per (route, phase): match conditions (header,
//     query and `when`), authorization rules, limit keys, hash/`by` keys, header values. Each
//     returns Bool (int32 0/1) or Str (a gw_str) and reads only the request view and the eval ctx,
//   - the route matcher as a decision tree (match_tree.h) whose candidates reference Functions.
// Plain data: no pointers into the AST; a Program can outlive the AST it came from.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/match_tree.h"
#include "compiler/source/span.h"

namespace gw::ir {

/// The kind of an IR value. C mapping (see stdlib/include/gw/intrinsics.def):
///   Bool int32 0/1, Int int64, Str {const char*, size_t}, StrList {const gw_str*, size_t},
///   Ip const gw_ip*, Json const gw_claim* (null = absent). Req/Ctx appear only as intrinsic
///   parameters (the implicit request and eval-context pointers); Void only as "no value".
enum class ValueKind : uint8_t { Void, Bool, Int, Str, StrList, Ip, Json, Req, Ctx };
const char* valueKindName(ValueKind k);

/// Request-view fields (every GW_FIELD of abi_fields.def, in order); LoadField may read those
/// whose ir_kind is not None (fieldInfo(id).kind != Void).
enum class FieldId : uint16_t {
#define GW_FIELD(id, member, ctype, kind, path, doc) id,
#include "gw/abi_fields.def"
  Count
};

/// The native helpers (intrinsics.def), in list order.
enum class IntrinsicId : uint16_t {
#define GW_INTRINSIC(id, name, ret, args, doc) id,
#include "gw/intrinsics.def"
  Count
};

enum class Op : uint8_t {
  ConstBool,  // imm (0/1)                                      -> Bool
  ConstInt,   // imm                                            -> Int
  ConstStr,   // imm = index into Program::strings              -> Str
  LoadField,  // field                                          -> the field's kind
  Call,       // callee, args = Function::args[firstArg .. +argCount] (explicit args only;
              //   Req/Ctx are passed implicitly in the order intrinsics.def lists them)
  Not,        // a (Bool)                                       -> Bool
  And,        // a, b (Bool), short-circuit: b runs only when a is true
  Or,         // a, b (Bool), short-circuit: b runs only when a is false
  CmpInt,     // pred, a, b (Int)                               -> Bool
  MethodIn,   // a (Int: a gw_method), imm = method bit mask    -> Bool ((1 << a) & imm) != 0
};

enum class CmpPred : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

constexpr uint32_t kNoNode = UINT32_MAX;

/// One typed instruction. Operands are indices of earlier nodes of the same Function (nodes are
/// in topological order: every operand precedes its user), so a back end can emit them in order,
/// except that And/Or operands must be evaluated lazily (the verifier checks the order).
struct Node {
  Op op = Op::ConstBool;
  ValueKind kind = ValueKind::Void;  // result kind
  CmpPred pred = CmpPred::Eq;
  FieldId field = FieldId::Count;
  IntrinsicId callee = IntrinsicId::Count;
  uint32_t a = kNoNode;
  uint32_t b = kNoNode;
  uint32_t firstArg = 0;
  uint32_t argCount = 0;
  int64_t imm = 0;
  Span span;  // the source expression this node computes (may be invalid for glue nodes)
};

/// What a Function is for; printed and used by the facade to pick the right entry point.
enum class FunctionRole : uint8_t {
  MatchCond, RuleCond, LimitKey, HashKey, ForwardKey, HeaderValue, BodyValue, PartPath
};

/// One expression program. result is Bool or Str; root is the node whose value is returned.
struct Function {
  std::string name;  // "route.users_read.match", "policy.readers.rule1", "limit.per_ip.key"
  FunctionRole role = FunctionRole::MatchCond;
  ValueKind result = ValueKind::Bool;
  std::vector<Node> nodes;
  std::vector<uint32_t> args;  // call argument node indices
  uint32_t root = kNoNode;
  int32_t route = -1;          // the route whose params it may read, or -1
  Span span;
};

/// A regex of the policy; compiled once at build time into the policy's regex table.
struct RegexDef {
  std::string pattern;
  bool caseInsensitive = false;
};

/// Per-route facts the matcher and the back ends need.
struct RouteInfo {
  std::string name;
  std::vector<std::string> paramNames;  // template params, in slot order
  PathKind pathKind = PathKind::Prefix;  // a route without a path is prefix "/"
  std::vector<PathSegment> segments;
  std::vector<HostPattern> hosts;        // empty: any host
  uint32_t methodMask = 0;               // 0: any method
  int32_t cond = -1;                     // Function (Bool) of its header/query/when conditions
  uint32_t condCount = 0;
  Span span;
};

struct Program {
  uint32_t abiVersion = 1;
  std::vector<std::string> strings;  // constant pool (ConstStr, match tree segments and hosts)
  std::vector<RegexDef> regexes;
  std::vector<Function> functions;
  std::vector<RouteInfo> routes;
  MatchTree matcher;

  /// Interns a constant string and returns its pool index.
  uint32_t intern(const std::string& s);

 private:
  std::unordered_map<std::string, uint32_t> internIndex_;  // build-time only
};

/// Static description of an intrinsic, expanded from intrinsics.def: its C name, result kind and
/// explicit + implicit parameter kinds (in C order), and the address the JIT binds the name to.
struct IntrinsicInfo {
  const char* name;
  ValueKind ret;
  std::vector<ValueKind> params;  // including Req/Ctx, in C order
  void* address;
  const char* doc;
};
/// Thread-safe (immutable static table).
const IntrinsicInfo& intrinsicInfo(IntrinsicId id);

/// Static description of a request-view field: its IR kind, its .gw path ("" when none) and its
/// byte offset in gw_request.
struct FieldInfo {
  const char* name;
  ValueKind kind;  // Void when not readable from expressions
  const char* path;
  size_t offset;
};
const FieldInfo& fieldInfo(FieldId id);

}  // namespace gw::ir
