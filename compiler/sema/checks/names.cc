// E0101..E0105: every reference to a declaration resolves, with "did you mean" help naming the
// closest declared name, or the kind the name actually has.
#include "compiler/sema/check_context.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

namespace {

template <class T>
std::vector<std::string_view> namesOf(const Decls<T>& decls) {
  std::vector<std::string_view> out;
  out.reserve(decls.list.size());
  for (const T* d : decls.list) {
    out.push_back(d->name.text);
  }
  return out;
}

// "`x` is a limit, not an upstream" when the name exists as another kind.
std::string otherKind(const SymbolTable& s, const std::string& name, const char* wanted) {
  const char* kind = nullptr;
  if (s.upstreams.find(name)) kind = "an upstream";
  else if (s.auths.find(name)) kind = "an auth provider";
  else if (s.limits.find(name)) kind = "a limit";
  else if (s.policies.find(name)) kind = "a policy";
  else if (s.routes.find(name)) kind = "a route";
  if (!kind) {
    return {};
  }
  return "`" + name + "` is " + kind + ", not " + wanted;
}

class Resolver {
 public:
  explicit Resolver(CheckContext& ctx)
      : ctx_(ctx),
        upstreams_(namesOf(ctx.symbols.upstreams)),
        auths_(namesOf(ctx.symbols.auths)),
        limits_(namesOf(ctx.symbols.limits)),
        policies_(namesOf(ctx.symbols.policies)),
        routes_(namesOf(ctx.symbols.routes)) {}

  void upstream(const ast::Ident& id) {
    if (!ctx_.symbols.upstreams.find(id.text)) {
      unknown(DiagCode::UnknownUpstream, id, "upstream", "an upstream", upstreams_);
    }
  }
  void auth(const ast::Ident& id) {
    if (!ctx_.symbols.auths.find(id.text)) {
      unknown(DiagCode::UnknownAuth, id, "auth provider", "an auth provider", auths_);
    }
  }
  void limit(const ast::Ident& id) {
    if (!ctx_.symbols.limits.find(id.text)) {
      unknown(DiagCode::UnknownLimit, id, "limit", "a limit", limits_);
    }
  }
  void policy(const ast::Ident& id) {
    if (!ctx_.symbols.policies.find(id.text)) {
      unknown(DiagCode::UnknownPolicy, id, "policy", "a policy", policies_);
    }
  }
  void route(const ast::Ident& id) {
    if (!ctx_.symbols.routes.find(id.text)) {
      unknown(DiagCode::UnknownRoute, id, "route", "a route", routes_);
    }
  }

 private:
  void unknown(DiagCode code, const ast::Ident& id, const char* kind, const char* withArticle,
               const std::vector<std::string_view>& candidates) {
    Diagnostic& d = ctx_.report(code, id.span, std::string("unknown ") + kind + " `" +
                                                   id.text + "`");
    d.help = didYouMean(id.text, candidates);
    if (d.help.empty()) {
      d.help = otherKind(ctx_.symbols, id.text, withArticle);
    }
    if (d.help.empty() && candidates.empty()) {
      d.help = std::string("no ") + kind + " is declared; declare one or include the file "
               "that does";
    }
  }

  CheckContext& ctx_;
  std::vector<std::string_view> upstreams_, auths_, limits_, policies_, routes_;
};

}  // namespace

void checkNames(CheckContext& ctx) {
  Resolver resolve(ctx);
  for (const ast::File& f : ctx.program.files) {
    for (const ast::Gateway& g : f.gateways) {
      for (const ast::Ident& l : g.limits) resolve.limit(l);
    }
    for (const ast::Route& r : f.routes) {
      for (const ast::Ident& l : r.limits) resolve.limit(l);
      if (r.authenticate) {
        for (const ast::Ident& a : r.authenticate->providers) resolve.auth(a);
      }
      if (r.authorize) {
        for (const ast::Ident& p : r.authorize->policies) resolve.policy(p);
      }
      if (r.forward) {
        for (const ast::ForwardTarget& t : r.forward->targets) resolve.upstream(t.upstream);
      }
      for (const ast::AggregatePart& p : r.aggregate) resolve.upstream(p.upstream);
    }
    for (const ast::Test& t : f.tests) {
      for (const ast::Expectation& e : t.expects) {
        if (!e.name) {
          continue;
        }
        if (e.kind == ast::Expectation::Kind::Route) resolve.route(*e.name);
        if (e.kind == ast::Expectation::Kind::Upstream) resolve.upstream(*e.name);
      }
    }
  }
}

}  // namespace gw::sema
