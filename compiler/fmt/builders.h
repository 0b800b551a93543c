#pragma once
// Internal to compiler/fmt: each declaration as a layout tree (see layout.h). Settings are
// emitted in a fixed order; the renderer then restores source order from their spans.
#include "compiler/ast/ast.h"
#include "compiler/fmt/layout.h"
#include "compiler/source/source_manager.h"

namespace gw::fmt {

/// What the builders need besides the AST: the file's text and comments, to find the braces
/// of blocks whose span the AST does not keep (`request { }`, `response { }`).
struct BuildContext {
  const SourceFile& source;
  const std::vector<ast::Comment>& comments;
};

Node gatewayNode(const ast::Gateway& g);
Node upstreamNode(const ast::Upstream& u);
Node authNode(const ast::Auth& a);
Node limitNode(const ast::Limit& l);
Node policyNode(const ast::Policy& p);
Node routeNode(const ast::Route& r, const BuildContext& ctx);
Node testNode(const ast::Test& t);

/// `allow`, `deny when E`, `allow roles [..]`, ...
Node ruleNode(const ast::Rule& r);
/// A leaf `keyword a, b` over several names, spanning them.
Node namesNode(const std::string& keyword, const std::vector<ast::Ident>& names,
               const char* separator);

}  // namespace gw::fmt
