#include "compiler/policy/test_runner.h"

#include "compiler/policy/request_builder.h"

namespace gw::policy {

namespace {

std::string providerOfKind(const CompiledPolicy& p, const Route& r, const std::string& kind) {
  for (const std::string& name : r.authProviders) {
    for (const AuthProvider& a : p.auths) {
      if (a.name == name && a.kind == kind) {
        return name;
      }
    }
  }
  return "";
}

}  // namespace

Simulation simulate(const CompiledPolicy& policy, RequestBuilder& builder, bool hasJwt,
                    const std::string& claimsJson, bool hasApiKey, const std::string& apiKey) {
  Simulation sim;
  char scratch[4096];
  gw_eval_ctx ctx = policy.makeContext(scratch, sizeof scratch);
  policy.match(builder.request(), ctx, sim.match);
  if (sim.match.status != 0) {
    sim.status = static_cast<int>(sim.match.status);
    return sim;
  }
  const Route& route = policy.routes()[static_cast<size_t>(sim.match.route)];
  std::string jwt = providerOfKind(policy, route, "jwt");
  std::string key = providerOfKind(policy, route, "api_key");
  if (hasJwt && !jwt.empty()) {
    builder.setClaims(jwt, claimsJson);
  } else if (hasApiKey && !key.empty()) {
    builder.setApiKey(key, apiKey);
  }
  const gw_request& req = builder.request();
  ctx = policy.makeContext(scratch, sizeof scratch);
  ctx.params = sim.match.params;
  ctx.param_count = sim.match.param_count;
  if (!route.authProviders.empty() && !route.authOptional && !req.authenticated) {
    sim.status = 401;
    sim.authz.allow = false;
    sim.authz.ruleText = "no credential";
    return sim;
  }
  sim.authz = policy.authorize(static_cast<uint32_t>(sim.match.route), req, ctx);
  if (!sim.authz.allow) {
    sim.status = 403;
    return sim;
  }
  sim.status = 200;
  for (const HeaderOp& op : route.requestHeaders) {
    if (!op.remove) {
      ctx.scratch_used = 0;
      sim.setHeaders.emplace_back(op.name, std::string(policy.evalString(op.value, req, ctx)));
    }
  }
  ctx.scratch_used = 0;
  const ForwardTarget* t = policy.chooseTarget(static_cast<uint32_t>(sim.match.route), req, ctx, 0);
  sim.upstream = t ? t->upstream : "";
  return sim;
}

namespace {

std::string routeName(const CompiledPolicy& p, const Simulation& s) {
  if (s.match.status != 0) {
    return s.match.status == 405 ? "no route (405)" : "no route";
  }
  return "`" + p.routes()[static_cast<size_t>(s.match.route)].name + "`";
}

std::string check(const CompiledPolicy& p, const Simulation& s, const ast::Expectation& e) {
  using K = ast::Expectation::Kind;
  switch (e.kind) {
    case K::Route: {
      std::string want = e.name ? e.name->text : "";
      if (s.match.status != 0 || p.routes()[static_cast<size_t>(s.match.route)].name != want) {
        return "expected route `" + want + "`, got " + routeName(p, s);
      }
      return "";
    }
    case K::NoRoute:
      return s.match.status == 404 ? "" : "expected no_route, got " + routeName(p, s);
    case K::Allow:
      return s.status == 200 ? "" : "expected allow, got status " + std::to_string(s.status) +
                                        " (" + std::string(s.authz.ruleText) + ")";
    case K::Deny:
      return s.status == 403 ? "" : "expected deny, got status " + std::to_string(s.status);
    case K::Status: {
      int want = e.a ? static_cast<int>(e.a->i) : 0;
      return s.status == want ? "" : "expected status " + std::to_string(want) + ", got " +
                                         std::to_string(s.status);
    }
    case K::Upstream: {
      std::string want = e.name ? e.name->text : "";
      return s.upstream == want ? "" : "expected upstream `" + want + "`, got `" + s.upstream + "`";
    }
    case K::Header: {
      std::string name = e.a ? e.a->str : "";
      std::string want = e.b ? e.b->str : "";
      for (const auto& [n, v] : s.setHeaders) {
        if (n == name) {
          return v == want ? "" : "expected header `" + name + "` = `" + want + "`, got `" + v + "`";
        }
      }
      return "expected header `" + name + "` = `" + want + "`, got no such header";
    }
  }
  return "";
}

}  // namespace

std::vector<TestOutcome> runTests(const CompiledPolicy& policy, const ast::Program& program) {
  std::vector<TestOutcome> out;
  for (const ast::File& f : program.files) {
    for (const ast::Test& t : f.tests) {
      TestOutcome o;
      o.name = t.name.str;
      if (!t.request) {
        o.passed = false;
        o.failure = "the test has no request";
        out.push_back(std::move(o));
        continue;
      }
      RequestBuilder b;
      b.setTarget(t.request->method.text, t.request->url.str);
      for (const auto& [k, v] : t.request->headers) b.addHeader(k.str, v.str);
      if (t.request->ip) b.setClientIp(t.request->ip->raw);
      Simulation s = simulate(policy, b, t.request->jwtClaims.has_value(),
                              t.request->jwtClaims.value_or("{}"), t.request->apiKey.has_value(),
                              t.request->apiKey ? t.request->apiKey->str : "");
      for (const ast::Expectation& e : t.expects) {
        std::string why = check(policy, s, e);
        if (!why.empty()) {
          o.passed = false;
          o.failure = why;
          break;
        }
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace gw::policy
