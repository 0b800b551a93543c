// Warnings about policies that work but probably not as intended:
// W0002 route without authentication and W0003 route without any rate limit (only with
// SemaOptions::coverageLints), W0004 an upstream/auth/limit/policy nothing uses, W0005 a rule
// list that allows every request, W0006 a rule that can never decide.
#include <unordered_set>

#include "compiler/sema/check_context.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

struct Used {
  std::unordered_set<std::string> upstreams, auths, limits, policies;
};

Used collectUses(const Program& p) {
  Used u;
  for (const File& f : p.files) {
    for (const Gateway& g : f.gateways) {
      for (const Ident& l : g.limits) u.limits.insert(l.text);
    }
    for (const Route& r : f.routes) {
      for (const Ident& l : r.limits) u.limits.insert(l.text);
      if (r.authenticate) {
        for (const Ident& a : r.authenticate->providers) u.auths.insert(a.text);
      }
      if (r.authorize) {
        for (const Ident& pol : r.authorize->policies) u.policies.insert(pol.text);
      }
      if (r.forward) {
        for (const ForwardTarget& t : r.forward->targets) u.upstreams.insert(t.upstream.text);
      }
      for (const AggregatePart& part : r.aggregate) u.upstreams.insert(part.upstream.text);
    }
  }
  return u;
}

template <class T>
void unused(CheckContext& ctx, const Decls<T>& decls, const std::unordered_set<std::string>& used,
            const char* kind, const char* how) {
  for (const T* d : decls.list) {
    if (!used.count(d->name.text) && decls.find(d->name.text) == d) {
      ctx.report(DiagCode::UnusedDecl, d->name.span,
                 std::string(kind) + " `" + d->name.text + "` is never used")
          .help = std::string("reference it from a route (`") + how + " " + d->name.text +
                  "`) or remove it";
    }
  }
}

const char* effectWord(Rule::Effect e) { return e == Rule::Effect::Allow ? "allow" : "deny"; }

// W0005 and W0006 over one rule list (a policy or an inline `authorize` block).
void rules(CheckContext& ctx, const std::vector<Rule>& rs, const std::string& owner) {
  const Rule* denyAll = nullptr;
  const Rule* allowAll = nullptr;
  bool anyDeny = false;
  for (const Rule& r : rs) {
    bool always = r.kind == Rule::Kind::Always;
    anyDeny = anyDeny || r.effect == Rule::Effect::Deny;
    if (denyAll && &r != denyAll) {
      ctx.report(DiagCode::UnreachableRule, r.span,
                 std::string("this `") + effectWord(r.effect) + "` rule can never decide")
          .notes.push_back({"an unconditional `deny` denies every request", denyAll->span});
      continue;
    }
    if (allowAll && r.effect == Rule::Effect::Allow) {
      ctx.report(DiagCode::UnreachableRule, r.span, "this `allow` rule can never decide")
          .notes.push_back({"an earlier unconditional `allow` decides first", allowAll->span});
      continue;
    }
    if (always && r.effect == Rule::Effect::Deny) {
      denyAll = &r;
      // Allow rules before it cannot decide either: any matching deny wins.
      for (const Rule& prev : rs) {
        if (&prev == &r) break;
        if (prev.effect == Rule::Effect::Allow) {
          ctx.report(DiagCode::UnreachableRule, prev.span, "this `allow` rule can never decide")
              .notes.push_back({"an unconditional `deny` denies every request", r.span});
        }
      }
    }
    if (always && r.effect == Rule::Effect::Allow && !allowAll) {
      allowAll = &r;
    }
  }
  if (allowAll && !anyDeny) {
    ctx.report(DiagCode::AllowAll, allowAll->span, owner + " allows every request")
        .help = "add a condition (`allow when ...`, `allow roles [...]`) or remove `authorize`";
  }
}

}  // namespace

// An unresolved reference probably meant one of the declarations that now look unused.
bool hasUnresolvedNames(const DiagnosticSink& diags) {
  for (const Diagnostic& d : diags.all()) {
    if (d.code == DiagCode::UnknownUpstream || d.code == DiagCode::UnknownAuth ||
        d.code == DiagCode::UnknownLimit || d.code == DiagCode::UnknownPolicy) {
      return true;
    }
  }
  return false;
}

void checkLints(CheckContext& ctx) {
  if (!hasUnresolvedNames(ctx.diags)) {
    Used used = collectUses(ctx.program);
    unused(ctx, ctx.symbols.upstreams, used.upstreams, "upstream", "forward");
    unused(ctx, ctx.symbols.auths, used.auths, "auth provider", "authenticate");
    unused(ctx, ctx.symbols.limits, used.limits, "limit", "limit");
    unused(ctx, ctx.symbols.policies, used.policies, "policy", "authorize");
  }
  for (const Policy* p : ctx.symbols.policies.list) {
    rules(ctx, p->rules, "policy `" + p->name.text + "`");
  }
  bool gatewayLimits = ctx.symbols.gateway && !ctx.symbols.gateway->limits.empty();
  for (const Route* r : ctx.symbols.routes.list) {
    if (r->authorize && r->authorize->inlineBlock) {
      rules(ctx, r->authorize->rules, "the `authorize` block of route `" + r->name.text + "`");
    }
    if (!ctx.options.coverageLints) {
      continue;
    }
    if (!r->authenticate) {
      ctx.report(DiagCode::PublicRoute, r->name.span,
                 "route `" + r->name.text + "` is public: it has no `authenticate`")
          .help = "add `authenticate <provider>` if it should not be open to everyone";
    }
    if (r->limits.empty() && !gatewayLimits) {
      ctx.report(DiagCode::UnlimitedRoute, r->name.span,
                 "route `" + r->name.text + "` has no rate limit")
          .help = "add `limit <name>` to the route or a `limit` to the gateway block";
    }
  }
}

}  // namespace gw::sema
