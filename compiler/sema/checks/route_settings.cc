// Routes: E0303 (no `forward` or `aggregate`), E0304 (both; `rewrite path` or `compress` in the
// wrong block, two `rewrite path`s), E0310 (authorization that reads the identity on a route
// that does not authenticate), E0110 (unknown compress encoding),
// E0002 (a header name that is not an HTTP token), E0303 (an empty `authorize {}`).
#include <algorithm>
#include <cctype>
#include <cstring>

#include "compiler/sema/check_context.h"
#include "compiler/sema/expr_sites.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

const std::vector<std::string_view> kEncodings = {"br", "gzip", "deflate"};

// The span of the first identity read of a rule list (auth.*, roles, scopes), or invalid.
Span identityRead(const std::vector<Rule>& rules) {
  for (const Rule& r : rules) {
    if (r.kind == Rule::Kind::Roles || r.kind == Rule::Kind::Scopes) {
      return r.span;
    }
    if (!r.cond) {
      continue;
    }
    Span found;
    walkExpr(*r.cond, [&](const Expr& e) {
      if (!found.valid() && e.kind == ExprKind::Path && !e.path.empty() &&
          e.path[0].text == "auth") {
        found = e.span;
      }
    });
    if (found.valid()) {
      return found;
    }
  }
  return {};
}

bool isToken(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c))) {
      return false;
    }
  }
  return true;
}

void checkAuthorization(CheckContext& ctx, const Route& r) {
  if (!r.authorize) {
    return;
  }
  if (r.authorize->inlineBlock && r.authorize->rules.empty()) {
    ctx.report(DiagCode::MissingSetting, r.authorize->span, "the `authorize` block has no rules")
        .help = "an empty block denies every request; add `allow` rules";
  }
  if (r.authenticate) {
    return;
  }
  Span read = identityRead(r.authorize->rules);
  std::string where = "its rules";
  for (const Ident& p : r.authorize->policies) {
    if (read.valid()) {
      break;
    }
    if (const Policy* pol = ctx.symbols.policies.find(p.text)) {
      read = identityRead(pol->rules);
      where = "policy `" + p.text + "`";
    }
  }
  if (!read.valid()) {
    return;
  }
  Diagnostic& d = ctx.report(DiagCode::IdentityRequired, r.authorize->span,
                             "route `" + r.name.text + "` authorizes on the identity but does "
                             "not authenticate");
  d.notes.push_back({where + " read the identity here", read});
  d.help = "add `authenticate <provider>` to the route";
}

/// `rewrite path` edits the request and `compress` the response: written in the other block, the
/// runtime would apply them where they do not belong. A second `rewrite path` would hide the first.
void checkPlacement(CheckContext& ctx, const std::vector<Transform>& ts, bool response) {
  const Transform* rewrite = nullptr;
  for (const Transform& t : ts) {
    if (t.kind == Transform::Kind::RewritePath && response) {
      ctx.report(DiagCode::SettingNotAllowed, t.span, "`rewrite path` in a `response` block")
          .help = "move it to the route's `request { ... }`: it rewrites the forwarded path";
    } else if (t.kind == Transform::Kind::Compress && !response) {
      ctx.report(DiagCode::SettingNotAllowed, t.span, "`compress` in a `request` block")
          .help = "move it to the route's `response { ... }`: it compresses the answer";
    } else if (t.kind == Transform::Kind::RewritePath && rewrite != nullptr) {
      ctx.report(DiagCode::SettingNotAllowed, t.span, "a second `rewrite path` in one route")
          .notes.push_back({"the first one is here", rewrite->span});
    }
    if (t.kind == Transform::Kind::RewritePath && !response && rewrite == nullptr) rewrite = &t;
  }
}

void checkTransforms(CheckContext& ctx, const std::vector<Transform>& ts) {
  for (const Transform& t : ts) {
    if ((t.kind == Transform::Kind::SetHeader || t.kind == Transform::Kind::RemoveHeader) && t.a &&
        !isToken(t.a->str)) {
      ctx.report(DiagCode::InvalidLiteral, t.a->span,
                 "`" + t.a->str + "` is not a valid header name")
          .help = "header names are letters, digits and `-`, without spaces or `:`";
    }
    if (t.kind == Transform::Kind::Compress && t.encodings) {
      for (const ExprPtr& item : t.encodings->items) {
        if (!item) {
          continue;
        }
        std::string name = item->kind == ExprKind::Literal ? item->lit.str : item->dottedPath();
        if (std::find(kEncodings.begin(), kEncodings.end(), name) == kEncodings.end()) {
          Diagnostic& d = ctx.report(DiagCode::UnknownOption, item->span,
                                     "unknown compress encoding `" + name + "`");
          d.help = didYouMean(name, kEncodings);
          if (d.help.empty()) {
            d.help = "encodings are `br`, `gzip` and `deflate`";
          }
        }
      }
    }
    for (const JsonOp& op : t.jsonOps) {
      if (op.from.str.empty() || op.from.str.front() == '.' || op.from.str.back() == '.' ||
          op.from.str.find("..") != std::string::npos) {
        ctx.report(DiagCode::InvalidLiteral, op.from.span,
                   "`" + op.from.str + "` is not a JSON field path")
            .help = "write dotted field names: `\"customer.id\"`";
      }
    }
  }
}

}  // namespace

void checkRouteSettings(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (!r.forward && !r.hasAggregate) {
        ctx.report(DiagCode::MissingSetting, r.name.span,
                   "route `" + r.name.text + "` has no `forward` or `aggregate`")
            .help = "say where matching requests go: `forward <upstream>`";
      } else if (r.forward && r.hasAggregate) {
        ctx.report(DiagCode::SettingNotAllowed, r.aggregateSpan,
                   "route `" + r.name.text + "` has both `forward` and `aggregate`")
            .notes.push_back({"`forward` is here", r.forward->span});
      }
      if (r.hasAggregate && r.aggregate.empty()) {
        ctx.report(DiagCode::MissingSetting, r.aggregateSpan, "the `aggregate` block is empty")
            .help = "add parts such as `profile = users \"/v1/users/{auth.subject}\"`";
      }
      checkAuthorization(ctx, r);
      checkTransforms(ctx, r.request);
      checkTransforms(ctx, r.response);
      checkPlacement(ctx, r.request, false);
      checkPlacement(ctx, r.response, true);
    }
  }
}

}  // namespace gw::sema
