// E0306: path patterns (route paths, rewrites, aggregate templates) are well formed;
// parameters are valid and unique. E0106: `request.param("x")` and aggregate `{x}` name a
// parameter of the route's path template.
#include <algorithm>
#include <unordered_set>

#include "compiler/sema/check_context.h"
#include "compiler/sema/expr_sites.h"
#include "compiler/sema/path_pattern.h"
#include "compiler/sema/schema.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

void report(CheckContext& ctx, const Lit& l, const ParsedPath& p) {
  ctx.report(DiagCode::BadPath, l.span, *p.error).help = p.help;
}

void checkRoutePath(CheckContext& ctx, const PathMatch& pm) {
  bool allowParams = pm.kind == PathMatch::Kind::Template || !pm.explicitKind;
  ParsedPath p = parsePathPattern(pm.pattern.str, allowParams);
  if (p.error) {
    if (pm.kind == PathMatch::Kind::Prefix && pm.pattern.str.find('{') != std::string::npos) {
      p.error = "a `prefix` path cannot contain `{...}` parameters";
      p.help = "use a template path without `prefix`, e.g. `path \"/users/{id}\"`";
    } else if (pm.explicitKind && pm.kind == PathMatch::Kind::Exact &&
               pm.pattern.str.find('{') != std::string::npos) {
      p.error = "an `exact` path cannot contain `{...}` parameters";
      p.help = "remove `exact` to make it a template";
    }
    report(ctx, pm.pattern, p);
    return;
  }
  std::unordered_set<std::string> seen;
  for (const PathSegment& s : p.segments) {
    if (s.param && !seen.insert(s.text).second) {
      ctx.report(DiagCode::BadPath, pm.pattern.span,
                 "parameter `{" + s.text + "}` appears twice in path `" + pm.pattern.str + "`")
          .help = "give each parameter its own name, e.g. `{" + s.text + "2}`";
      return;
    }
  }
}

void checkPlainPath(CheckContext& ctx, const std::optional<Lit>& l) {
  if (!l || !l->span.valid()) {
    return;
  }
  ParsedPath p = parsePathPattern(l->str, false);
  if (p.error) {
    report(ctx, *l, p);
  }
}

void unknownParam(CheckContext& ctx, const Route& r, const std::string& name, Span at,
                  const std::vector<std::string>& params) {
  Diagnostic& d = ctx.report(DiagCode::UnknownField, at,
                             "route `" + r.name.text + "` has no path parameter `" + name + "`");
  if (params.empty()) {
    d.help = "only a template path such as `\"/users/{" + name + "}\"` has parameters";
    return;
  }
  std::vector<std::string_view> candidates(params.begin(), params.end());
  d.help = didYouMean(name, candidates);
  if (d.help.empty()) {
    d.help = "the path's parameters are:";
    for (const std::string& p : params) {
      d.help += " `" + p + "`";
    }
  }
}

std::vector<std::string> routeParams(const Route& r) {
  if (!r.match || !r.match->path || r.match->path->kind != PathMatch::Kind::Template) {
    return {};
  }
  return templateParams(r.match->path->pattern.str);
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// `"/v1/users/{auth.subject}"`: each `{...}` is a context field or a parameter of the route.
void checkAggregate(CheckContext& ctx, const Route& r, const AggregatePart& part,
                    const std::vector<std::string>& params) {
  const std::string& t = part.pathTemplate.str;
  if (t.empty() || t[0] != '/') {
    ctx.report(DiagCode::BadPath, part.pathTemplate.span,
               "aggregate path `" + t + "` must start with `/`");
    return;
  }
  for (size_t open = t.find('{'); open != std::string::npos; open = t.find('{', open + 1)) {
    size_t close = t.find('}', open);
    if (close == std::string::npos) {
      ctx.report(DiagCode::BadPath, part.pathTemplate.span,
                 "unbalanced `{` in aggregate path `" + t + "`");
      return;
    }
    std::string inner = t.substr(open + 1, close - open - 1);
    if (inner.find('.') == std::string::npos) {
      if (!has(params, inner)) {
        unknownParam(ctx, r, inner, part.pathTemplate.span, params);
      }
      continue;
    }
    const FieldInfo* f = findField(inner);
    if (isClaimPath(inner) || (f && f->type.kind != TypeKind::List)) {
      continue;
    }
    Diagnostic& d = ctx.report(DiagCode::UnknownField, part.pathTemplate.span,
                               f ? "`" + inner + "` is a list and cannot be inserted in a path"
                                 : "unknown request-context field `" + inner + "`");
    if (!f) {
      d.help = didYouMean(inner, fieldPaths());
    }
  }
}

}  // namespace

void checkPaths(CheckContext& ctx) {
  for (File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (r.match && r.match->path) {
        checkRoutePath(ctx, *r.match->path);
      }
      for (const auto* list : {&r.request, &r.response}) {
        for (const Transform& t : *list) {
          if (t.kind == Transform::Kind::RewritePath) {
            checkPlainPath(ctx, t.a);
            checkPlainPath(ctx, t.b);
          }
        }
      }
      std::vector<std::string> params = routeParams(r);
      for (const AggregatePart& part : r.aggregate) {
        checkAggregate(ctx, r, part, params);
      }
    }
  }
  // Expressions arrive grouped by route: parse each route's template once.
  const Route* cachedRoute = nullptr;
  std::vector<std::string> params;
  forEachExpr(ctx.program, [&](const ExprRef& ref) {
    if (!ref.route) {
      return;
    }
    if (ref.route != cachedRoute) {
      cachedRoute = ref.route;
      params = routeParams(*ref.route);
    }
    walkExpr(*ref.expr, [&](const Expr& e) {
      if (e.kind != ExprKind::Call || e.dottedPath() != "request.param" || e.items.size() != 1 ||
          !e.items[0] || e.items[0]->kind != ExprKind::Literal ||
          e.items[0]->lit.kind != LitKind::String) {
        return;
      }
      if (!has(params, e.items[0]->lit.str)) {
        unknownParam(ctx, *ref.route, e.items[0]->lit.str, e.items[0]->span, params);
      }
    });
  });
}

}  // namespace gw::sema
