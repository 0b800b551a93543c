#include "compiler/policy/build.h"

#include <unordered_map>

#include "compiler/ir/lower_expr.h"
#include "compiler/ir/match_build.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/route_values.h"
#include "compiler/sema/sema.h"

namespace gw::policy {

namespace {

struct Decls {
  std::unordered_map<std::string, const ast::Policy*> policies;
  std::unordered_map<std::string, const ast::Limit*> limits;
  std::vector<const ast::Route*> routes;
};

uint32_t methodMask(const ast::Expr* e) {
  if (e == nullptr) {
    return 0;
  }
  if (e->kind == ast::ExprKind::List) {
    uint32_t m = 0;
    for (const auto& it : e->items) {
      m |= methodMask(it.get());
    }
    return m;
  }
  int id = ir::methodId(e->kind == ast::ExprKind::Path ? e->dottedPath() : e->lit.str);
  return id >= 0 ? (1u << id) : 0u;
}

void hosts(const ast::Expr* e, std::vector<ir::HostPattern>& out) {
  if (e == nullptr) {
    return;
  }
  if (e->kind == ast::ExprKind::List) {
    for (const auto& it : e->items) {
      hosts(it.get(), out);
    }
  } else if (e->kind == ast::ExprKind::Literal) {
    out.push_back(ir::parseHost(e->lit.str));
  }
}

ir::RouteInfo routeInfo(const ast::Route& r) {
  ir::RouteInfo ri;
  ri.name = r.name.text;
  ri.span = r.span;
  if (r.match && r.match->path) {
    using K = ast::PathMatch::Kind;
    K k = r.match->path->kind;
    ri.pathKind = k == K::Exact ? ir::PathKind::Exact
                                : k == K::Prefix ? ir::PathKind::Prefix : ir::PathKind::Template;
    ri.segments = ir::splitPattern(ri.pathKind, r.match->path->pattern.str);
    for (const ir::PathSegment& s : ri.segments) {
      if (s.param) {
        ri.paramNames.push_back(s.text);
      }
    }
  }
  if (r.match) {
    hosts(r.match->host.get(), ri.hosts);
    ri.methodMask = methodMask(r.match->methods.get());
    ri.condCount = static_cast<uint32_t>(r.match->headers.size() + r.match->queries.size() +
                                         r.match->whens.size());
  }
  return ri;
}

class Builder {
 public:
  Builder(const ast::Program& program, const SourceManager& sources, DiagnosticSink& diags)
      : program_(program), sources_(sources), diags_(diags), lower_(ir_, diags) {}

  std::shared_ptr<CompiledPolicy> build();

 private:
  void collect();
  Route route(uint32_t index, const ast::Route& r);
  void rules(PolicyPlan& plan, const std::vector<ast::Rule>& rules, const std::string& prefix,
             uint32_t route);
  void transforms(std::vector<HeaderOp>& out, std::vector<JsonSetValue>& sets,
                  const std::vector<ast::Transform>& ts, const std::string& prefix,
                  uint32_t route, Route& rt);

  const ast::Program& program_;
  const SourceManager& sources_;
  DiagnosticSink& diags_;
  ir::Program ir_;
  ir::ExprLowering lower_;
  Decls decls_;
};

void Builder::collect() {
  for (const ast::File& f : program_.files) {
    for (const ast::Policy& p : f.policies) decls_.policies.emplace(p.name.text, &p);
    for (const ast::Limit& l : f.limits) decls_.limits.emplace(l.name.text, &l);
    for (const ast::Route& r : f.routes) decls_.routes.push_back(&r);
  }
}

void Builder::rules(PolicyPlan& plan, const std::vector<ast::Rule>& rs, const std::string& prefix,
                    uint32_t route) {
  for (size_t i = 0; i < rs.size(); ++i) {
    const ast::Rule& rule = rs[i];
    RuleInfo info;
    info.deny = rule.effect == ast::Rule::Effect::Deny;
    info.text = std::string(sources_.text(rule.span));
    std::string name = prefix + ".rule" + std::to_string(i);
    using K = ast::Rule::Kind;
    if (rule.kind == K::When && rule.cond) {
      info.cond = lower_.boolFunction(name, ir::FunctionRole::RuleCond, *rule.cond,
                                      static_cast<int32_t>(route), ir_.routes[route].paramNames);
    } else if ((rule.kind == K::Roles || rule.kind == K::Scopes) && rule.cond) {
      info.cond = lower_.anyInListFunction(
          name, rule.kind == K::Roles ? ir::FieldId::AuthRoles : ir::FieldId::AuthScopes,
          *rule.cond, rule.span);
    }
    plan.rules.push_back(std::move(info));
  }
}

void Builder::transforms(std::vector<HeaderOp>& out, std::vector<JsonSetValue>& sets,
                         const std::vector<ast::Transform>& ts, const std::string& prefix,
                         uint32_t route, Route& rt) {
  for (size_t i = 0; i < ts.size(); ++i) {
    const ast::Transform& t = ts[i];
    using K = ast::Transform::Kind;
    if (t.kind == K::SetHeader && t.a && t.value) {
      HeaderOp op;
      op.name = t.a->str;
      op.value = lower_.stringFunction(prefix + ".set" + std::to_string(i),
                                       ir::FunctionRole::HeaderValue, *t.value,
                                       static_cast<int32_t>(route), ir_.routes[route].paramNames);
      out.push_back(std::move(op));
    } else if (t.kind == K::RemoveHeader && t.a) {
      out.push_back(HeaderOp{true, t.a->str, -1});
    } else if (t.kind == K::RewritePath && t.a && t.b) {
      rt.rewritePath = std::make_pair(t.a->str, t.b->str);
    } else if (t.kind == K::BodyJson) {
      for (const ast::JsonOp& op : t.jsonOps) {
        if (op.kind != ast::JsonOp::Kind::Set) continue;
        std::string name = prefix + ".json.set" + std::to_string(sets.size());
        sets.push_back(lowerJsonSet(lower_, op, name, static_cast<int32_t>(route),
                                    ir_.routes[route].paramNames));
      }
    }
  }
}

Route Builder::route(uint32_t index, const ast::Route& r) {
  Route rt;
  rt.name = r.name.text;
  rt.paramNames = ir_.routes[index].paramNames;
  const auto& params = rt.paramNames;
  std::string prefix = "route." + rt.name;
  if (r.authenticate) {
    for (const ast::Ident& p : r.authenticate->providers) rt.authProviders.push_back(p.text);
    rt.authOptional = r.authenticate->optional;
  }
  if (r.authorize) {
    rt.hasAuthorize = true;
    if (r.authorize->inlineBlock) {
      PolicyPlan plan{"inline", {}};
      rules(plan, r.authorize->rules, prefix + ".authorize", index);
      rt.authz.push_back(std::move(plan));
    }
    for (const ast::Ident& name : r.authorize->policies) {
      auto it = decls_.policies.find(name.text);
      PolicyPlan plan{name.text, {}};
      if (it != decls_.policies.end()) {
        rules(plan, it->second->rules, prefix + ".policy." + name.text, index);
      }
      rt.authz.push_back(std::move(plan));
    }
  }
  for (const ast::Ident& l : r.limits) {
    RouteLimit rl{l.text, -1};
    auto it = decls_.limits.find(l.text);
    if (it != decls_.limits.end() && it->second->key) {
      rl.key = lower_.stringFunction(prefix + ".limit." + l.text, ir::FunctionRole::LimitKey,
                                     *it->second->key, static_cast<int32_t>(index), params);
    }
    rt.limits.push_back(std::move(rl));
  }
  if (r.forward) {
    for (const ast::ForwardTarget& t : r.forward->targets) {
      ForwardTarget ft{t.upstream.text, 10000};
      if (t.percent) {
        ft.weightBp = static_cast<uint32_t>(t.percent->f * 100 + 0.5);
      }
      rt.targets.push_back(std::move(ft));
    }
    if (r.forward->by) {
      rt.forwardKey = lower_.stringFunction(prefix + ".forward.by", ir::FunctionRole::ForwardKey,
                                            *r.forward->by, static_cast<int32_t>(index), params);
    }
  }
  for (const ast::AggregatePart& part : r.aggregate) {
    rt.aggregate.push_back(AggregatePart{
        part.field.text, part.upstream.text,
        lowerPartPath(lower_, part, prefix + ".aggregate." + part.field.text,
                      static_cast<int32_t>(index), params)});
  }
  transforms(rt.requestHeaders, rt.requestJsonSets, r.request, prefix + ".request", index, rt);
  transforms(rt.responseHeaders, rt.responseJsonSets, r.response, prefix + ".response", index,
             rt);
  if (r.timeout) rt.timeoutUs = r.timeout->i;
  if (r.maxBody) rt.maxBody = r.maxBody->i;
  return rt;
}

std::shared_ptr<CompiledPolicy> Builder::build() {
  size_t errorsBefore = diags_.errorCount();
  collect();
  for (uint32_t i = 0; i < decls_.routes.size(); ++i) {
    const ast::Route& r = *decls_.routes[i];
    ir_.routes.push_back(routeInfo(r));
    if (ir_.routes.back().paramNames.size() > GW_MAX_PARAMS) {
      diags_.report(DiagCode::BadPath, r.match->path->span,
                    "a path template may have at most 16 parameters");
    }
  }
  for (uint32_t i = 0; i < decls_.routes.size(); ++i) {
    const ast::Route& r = *decls_.routes[i];
    if (r.match && ir_.routes[i].condCount > 0) {
      ir_.routes[i].cond = lower_.matchFunction("route." + r.name.text + ".match", *r.match,
                                                static_cast<int32_t>(i), ir_.routes[i].paramNames);
    }
  }
  std::vector<Route> routes;
  for (uint32_t i = 0; i < decls_.routes.size(); ++i) {
    routes.push_back(route(i, *decls_.routes[i]));
  }
  ir::buildMatchTree(ir_);
  std::vector<AuthProvider> auths;
  std::vector<LimitDecl> limits;
  std::vector<UpstreamDecl> upstreams;
  static const std::vector<std::string> kNoParams;
  for (const ast::File& f : program_.files) {
    for (const ast::Auth& a : f.auths) auths.push_back(AuthProvider{a.name.text, a.kind.text});
    for (const ast::Limit& l : f.limits) {
      LimitDecl d{l.name.text, l.kind.text, 0, 0, 0, -1};
      if (l.rate) { d.count = l.rate->i; d.periodUs = l.rate->period; }
      if (l.burst) d.burst = l.burst->i;
      if (l.key) {
        d.key = lower_.stringFunction("limit." + d.name + ".key", ir::FunctionRole::LimitKey,
                                      *l.key, -1, kNoParams);
      }
      limits.push_back(std::move(d));
    }
    for (const ast::Upstream& u : f.upstreams) {
      UpstreamDecl d{u.name.text, -1};
      if (u.balance && u.balance->hashKey) {
        d.hashKey = lower_.stringFunction("upstream." + d.name + ".hash", ir::FunctionRole::HashKey,
                                          *u.balance->hashKey, -1, kNoParams);
      }
      upstreams.push_back(std::move(d));
    }
  }
  std::vector<ir::RegexDef> regexes = ir_.regexes;
  auto policy = std::make_shared<CompiledPolicy>(std::move(ir_), std::move(routes));
  for (const ir::RegexDef& re : regexes) {
    std::string error;
    if (policy->addRegex(re.pattern, re.caseInsensitive, &error) < 0) {
      diags_.report(DiagCode::BadRegex, Span{}, "invalid regular expression `" + re.pattern +
                                                    "`: " + error);
    }
  }
  policy->auths = std::move(auths);
  policy->limits = std::move(limits);
  policy->upstreams = std::move(upstreams);
  policy->runtime = buildRuntimeConfig(program_, sources_);
  for (const ast::File& f : program_.files) {
    for (const ast::Gateway& g : f.gateways) {
      for (const ast::Ident& l : g.limits) policy->gatewayLimits.push_back(l.text);
    }
  }
  if (diags_.errorCount() > errorsBefore) {
    return nullptr;
  }
  return policy;
}

}  // namespace

std::shared_ptr<CompiledPolicy> buildPolicy(const ast::Program& program,
                                            const SourceManager& sources, DiagnosticSink& diags) {
  Builder b(program, sources, diags);
  return b.build();
}

std::shared_ptr<CompiledPolicy> compilePolicyFile(const std::string& path, SourceManager& sources,
                                                  DiagnosticSink& diags) {
  ast::Program program = loadProgram(sources, path, diags);
  if (diags.hasErrors()) {
    return nullptr;
  }
  sema::SemaResult sr = sema::analyze(program, sources, diags);
  if (!sr.ok() || diags.hasErrors()) {
    return nullptr;
  }
  return buildPolicy(program, sources, diags);
}

}  // namespace gw::policy
