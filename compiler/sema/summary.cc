#include "compiler/sema/summary.h"

#include <algorithm>
#include <map>

#include "compiler/sema/route_key.h"
#include "compiler/sema/schema.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

std::string hostText(const Expr* h) {
  if (!h) {
    return "*";
  }
  if (h->kind != ExprKind::List) {
    return h->lit.str;
  }
  std::vector<std::string> hosts;
  for (const ExprPtr& item : h->items) {
    if (item) hosts.push_back(item->lit.str);
  }
  return joinNames(hosts, ", ");
}

std::string methodsText(uint32_t mask) {
  if (mask == 0) {
    return "*";
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    if (mask & (1u << i)) out.emplace_back(kMethods[i]);
  }
  return joinNames(out, ", ");
}

void matcher(RouteSummary& s, const Route& r) {
  RouteKey key = routeKey(r);
  s.methods = methodsText(key.methods);
  s.conditions = key.conditionCount;
  s.host = hostText(r.match ? r.match->host.get() : nullptr);
  if (!r.match || !r.match->path) {
    s.pathKind = "prefix";
    s.path = "/";
    return;
  }
  const PathMatch& p = *r.match->path;
  s.pathKind = p.kind == PathMatch::Kind::Exact      ? "exact"
               : p.kind == PathMatch::Kind::Template ? "template"
                                                     : "prefix";
  s.path = p.pattern.str;
}

void access(RouteSummary& s, const Route& r, const SymbolTable& symbols) {
  s.isPublic = !r.authenticate;
  if (r.authenticate) {
    for (const Ident& p : r.authenticate->providers) s.providers.push_back(p.text);
    s.authOptional = r.authenticate->optional;
  }
  if (!r.authorize) {
    s.authorization = r.authenticate ? "any identity" : "none";
    return;
  }
  if (r.authorize->inlineBlock) {
    s.authorization = "inline";
    s.rules = r.authorize->rules.size();
    return;
  }
  std::vector<std::string> names;
  for (const Ident& p : r.authorize->policies) {
    names.push_back(p.text);
    if (const Policy* pol = symbols.policies.find(p.text)) s.rules += pol->rules.size();
  }
  s.authorization = "policy " + joinNames(names, ", ");
}

void traffic(RouteSummary& s, const Route& r, const SymbolTable& symbols) {
  for (const Ident& l : r.limits) s.routeLimits.push_back(l.text);
  if (symbols.gateway) {
    for (const Ident& l : symbols.gateway->limits) s.gatewayLimits.push_back(l.text);
  }
  if (r.forward) {
    for (const ForwardTarget& t : r.forward->targets) {
      s.upstreams.push_back({t.upstream.text, t.percent ? t.percent->raw : ""});
    }
    if (r.forward->by) s.stickyBy = exprKey(*r.forward->by);
  }
  s.aggregate = r.hasAggregate;
  for (const AggregatePart& p : r.aggregate) s.upstreams.push_back({p.upstream.text, ""});
  if (r.timeout) {
    s.timeout = r.timeout->raw;
  } else if (r.forward && !r.forward->targets.empty()) {
    const Upstream* u = symbols.upstreams.find(r.forward->targets[0].upstream.text);
    if (u && u->timeout) s.timeout = u->timeout->raw + " (upstream)";
  }
}

// Attaches each warning to the route whose text contains it, by binary search over the routes
// of its file (route spans are disjoint and in source order).
void attachWarnings(PolicySummary& out, const std::vector<const Route*>& routes,
                    const DiagnosticSink& diags) {
  std::map<uint32_t, std::vector<std::pair<uint32_t, size_t>>> byFile;  // offset -> index
  for (size_t i = 0; i < routes.size(); ++i) {
    byFile[routes[i]->span.file].push_back({routes[i]->span.offset, i});
  }
  for (auto& [file, v] : byFile) std::sort(v.begin(), v.end());
  for (const Diagnostic& d : diags.all()) {
    if (d.severity != Severity::Warning || !d.span.valid()) continue;
    auto it = byFile.find(d.span.file);
    if (it == byFile.end()) continue;
    auto& v = it->second;
    auto pos = std::upper_bound(v.begin(), v.end(), std::make_pair(d.span.offset, SIZE_MAX));
    if (pos == v.begin()) continue;
    --pos;
    const Route* r = routes[pos->second];
    if (d.span.offset < r->span.offset + r->span.length) {
      out.routes[pos->second].warnings.push_back(std::string(diagInfo(d.code).code) + " " +
                                                 d.message);
    }
  }
}

}  // namespace

PolicySummary buildSummary(const SymbolTable& symbols, const SourceManager& sources,
                           const DiagnosticSink& diags, const std::string& rootFile) {
  PolicySummary out;
  out.file = rootFile;
  const std::vector<const Route*>& routes = symbols.routes.list;
  for (const Route* r : routes) {
    RouteSummary s;
    s.name = r->name.text;
    if (r->span.valid() && r->span.file < sources.size()) {
      s.location = sources.file(r->span.file).path + ":" + std::to_string(r->span.line);
    }
    matcher(s, *r);
    access(s, *r, symbols);
    traffic(s, *r, symbols);
    if (s.isPublic) out.publicRoutes.push_back(s.name);
    if (s.routeLimits.empty() && s.gatewayLimits.empty()) out.unlimitedRoutes.push_back(s.name);
    out.routes.push_back(std::move(s));
  }
  attachWarnings(out, routes, diags);
  for (const Auth* a : symbols.auths.list) {
    ProviderCoverage c{a->name.text, a->kind.text, {}};
    for (const RouteSummary& s : out.routes) {
      if (std::find(s.providers.begin(), s.providers.end(), a->name.text) != s.providers.end()) {
        c.routes.push_back(s.authOptional ? s.name + " (optional)" : s.name);
      }
    }
    out.coverage.push_back(std::move(c));
  }
  return out;
}

}  // namespace gw::sema
