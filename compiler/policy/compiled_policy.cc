#include "compiler/policy/compiled_policy.h"

#include "compiler/interp/interpreter.h"

namespace gw::policy {

namespace {

const ir::Program& prog(const void* self) {
  return static_cast<const CompiledPolicy*>(self)->ir();
}

}  // namespace

PolicyCode interpreterCode(const CompiledPolicy& policy) {
  PolicyCode c;
  c.self = &policy;
  c.match = [](const void* self, const gw_request* r, gw_eval_ctx* ctx, gw_match_result* out) {
    interp::matchTree(prog(self), *r, *ctx, *out);
  };
  c.evalBool = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* ctx) {
    return interp::evalBool(prog(self), fn, *r, *ctx);
  };
  c.evalStr = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* ctx,
                 gw_str* out) { *out = interp::evalStr(prog(self), fn, *r, *ctx); };
  return c;
}

CompiledPolicy::CompiledPolicy(ir::Program program, std::vector<Route> routes)
    : ir_(std::move(program)), routes_(std::move(routes)) {
  code_ = interpreterCode(*this);
}

int32_t CompiledPolicy::routeByName(std::string_view name) const {
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].name == name) {
      return static_cast<int32_t>(i);
    }
  }
  return -1;
}

gw_eval_ctx CompiledPolicy::makeContext(char* scratch, size_t cap) const {
  gw_eval_ctx ctx{};
  ctx.regexes = &regexes_;
  ctx.scratch = scratch;
  ctx.scratch_cap = cap;
  return ctx;
}

void CompiledPolicy::match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const {
  code_.match(code_.self, &req, &ctx, &out);
}

bool CompiledPolicy::evalBool(int32_t fn, const gw_request& req, gw_eval_ctx& ctx) const {
  return fn >= 0 && code_.evalBool(code_.self, static_cast<uint32_t>(fn), &req, &ctx) != 0;
}

std::string_view CompiledPolicy::evalString(int32_t fn, const gw_request& req,
                                            gw_eval_ctx& ctx) const {
  if (fn < 0) {
    return {};
  }
  gw_str out{"", 0};
  code_.evalStr(code_.self, static_cast<uint32_t>(fn), &req, &ctx, &out);
  return std::string_view(out.ptr, out.len);
}

AuthzResult CompiledPolicy::authorize(uint32_t route, const gw_request& req,
                                      gw_eval_ctx& ctx) const {
  const Route& r = routes_[route];
  AuthzResult last;
  if (!r.hasAuthorize) {
    last.allow = r.authProviders.empty() || r.authOptional || req.authenticated != 0;
    last.ruleText = r.authProviders.empty() ? "public route" : "authenticated";
    return last;
  }
  for (const PolicyPlan& plan : r.authz) {
    AuthzResult res;
    res.policy = plan.name;
    int32_t firstAllow = -1;
    int32_t firstDeny = -1;
    for (size_t i = 0; i < plan.rules.size() && firstDeny < 0; ++i) {
      const RuleInfo& rule = plan.rules[i];
      if (rule.deny ? firstDeny >= 0 : firstAllow >= 0) {
        continue;  // already decided for this effect; only an earlier deny matters now
      }
      if (rule.cond < 0 || evalBool(rule.cond, req, ctx)) {
        (rule.deny ? firstDeny : firstAllow) = static_cast<int32_t>(i);
      }
    }
    if (firstDeny >= 0 || firstAllow < 0) {
      res.allow = false;
      res.rule = firstDeny;
      res.ruleText = firstDeny >= 0 ? std::string_view(plan.rules[firstDeny].text) : "default";
      return res;  // any policy denying decides
    }
    res.allow = true;
    res.rule = firstAllow;
    res.ruleText = plan.rules[firstAllow].text;
    last = res;
  }
  return last;
}

const ForwardTarget* CompiledPolicy::chooseTarget(uint32_t route, const gw_request& req,
                                                  gw_eval_ctx& ctx, uint32_t randomBp) const {
  const Route& r = routes_[route];
  if (r.targets.empty()) {
    return nullptr;
  }
  uint32_t point = randomBp % 10000;
  if (r.forwardKey >= 0) {
    std::string_view key = evalString(r.forwardKey, req, ctx);
    point = static_cast<uint32_t>(static_cast<uint64_t>(gw_hash64(key.data(), key.size())) % 10000);
  }
  uint32_t acc = 0;
  for (const ForwardTarget& t : r.targets) {
    acc += t.weightBp;
    if (point < acc) {
      return &t;
    }
  }
  return &r.targets.back();
}

}  // namespace gw::policy
