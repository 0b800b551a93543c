#pragma once
// Every place an expression can appear, with what the language expects there. The type checker
// walks these sites; other checks (gateway-limit keys, path parameters) reuse the walk.
#include <functional>

#include "compiler/ast/ast.h"

namespace gw::sema {

enum class ExprSite : uint8_t {
  Condition,     // match `when`, rule `when`: bool (json accepted)
  RuleList,      // `roles [..]`, `scopes [..]`: list<string>
  Key,           // limit key, consistent_hash(E), forward ... by E: a scalar
  HeaderValue,   // set header "X" = E: a scalar or a list (joined by ",")
  JsonValue,     // body json { set "a" = E }: a scalar
  StringList,    // gateway strip_headers: list<string>
  CidrList,      // gateway trusted_proxies: list<cidr>
  StringOrList,  // auth audience, match host: string or list<string>
  Methods,       // match method: a method or list<method>
  Names,         // auth algorithms, compress encodings: bare names
  RetryOn,       // retry on: status ints and condition names
};

/// One expression site. Pointers are borrowed from the program being walked.
struct ExprRef {
  ast::Expr* expr = nullptr;
  ExprSite site = ExprSite::Condition;
  const char* what = "";                  // the setting, for messages: "limit key"
  const ast::Route* route = nullptr;      // the enclosing route, if any
  const ast::Limit* limit = nullptr;      // the enclosing limit, if any
  const ast::Policy* policy = nullptr;    // the enclosing policy, if any
  const ast::Upstream* upstream = nullptr;
};

/// Calls `fn` for every non-null top-level expression of the program, in source order per file.
void forEachExpr(ast::Program& program, const std::function<void(const ExprRef&)>& fn);

/// Calls `fn` for `e` and every sub-expression (pre-order), skipping null holes left by
/// syntax errors.
void walkExpr(const ast::Expr& e, const std::function<void(const ast::Expr&)>& fn);

}  // namespace gw::sema
