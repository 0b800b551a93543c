#include "compiler/sema/expr_sites.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

class SiteWalker {
 public:
  explicit SiteWalker(const std::function<void(const ExprRef&)>& fn) : fn_(fn) {}

  void file(File& f) {
    for (Gateway& g : f.gateways) {
      emit(g.stripHeaders, ExprSite::StringList, "strip_headers");
      emit(g.trustedProxies, ExprSite::CidrList, "trusted_proxies");
    }
    for (Upstream& u : f.upstreams) {
      cur_ = ExprRef{};
      cur_.upstream = &u;
      if (u.balance) {
        emit(u.balance->hashKey, ExprSite::Key, "consistent_hash key");
      }
      if (u.retry) {
        emit(u.retry->on, ExprSite::RetryOn, "retry condition");
      }
    }
    cur_ = ExprRef{};
    for (Auth& a : f.auths) {
      emit(a.audience, ExprSite::StringOrList, "audience");
      emit(a.algorithms, ExprSite::Names, "algorithms");
    }
    for (Limit& l : f.limits) {
      cur_ = ExprRef{};
      cur_.limit = &l;
      emit(l.key, ExprSite::Key, "limit key");
    }
    for (Policy& p : f.policies) {
      cur_ = ExprRef{};
      cur_.policy = &p;
      rules(p.rules);
    }
    for (Route& r : f.routes) {
      cur_ = ExprRef{};
      cur_.route = &r;
      route(r);
    }
    cur_ = ExprRef{};
  }

 private:
  void emit(ExprPtr& e, ExprSite site, const char* what) {
    if (!e) {
      return;
    }
    ExprRef ref = cur_;
    ref.expr = e.get();
    ref.site = site;
    ref.what = what;
    fn_(ref);
  }

  void rules(std::vector<Rule>& rs) {
    for (Rule& r : rs) {
      if (r.kind == Rule::Kind::When) {
        emit(r.cond, ExprSite::Condition, "`when` condition");
      } else if (r.kind == Rule::Kind::Roles) {
        emit(r.cond, ExprSite::RuleList, "roles");
      } else if (r.kind == Rule::Kind::Scopes) {
        emit(r.cond, ExprSite::RuleList, "scopes");
      }
    }
  }

  void transforms(std::vector<Transform>& ts) {
    for (Transform& t : ts) {
      emit(t.value, ExprSite::HeaderValue, "header value");
      emit(t.encodings, ExprSite::Names, "compress encodings");
      for (JsonOp& op : t.jsonOps) {
        emit(op.value, ExprSite::JsonValue, "json value");
      }
    }
  }

  void route(Route& r) {
    if (r.match) {
      emit(r.match->host, ExprSite::StringOrList, "host");
      emit(r.match->methods, ExprSite::Methods, "method");
      for (ExprPtr& w : r.match->whens) {
        emit(w, ExprSite::Condition, "`when` condition");
      }
    }
    if (r.authorize) {
      rules(r.authorize->rules);
    }
    transforms(r.request);
    transforms(r.response);
    if (r.forward) {
      emit(r.forward->by, ExprSite::Key, "`by` key");
    }
  }

  const std::function<void(const ExprRef&)>& fn_;
  ExprRef cur_;
};

}  // namespace

void forEachExpr(Program& program, const std::function<void(const ExprRef&)>& fn) {
  SiteWalker walker(fn);
  for (File& f : program.files) {
    walker.file(f);
  }
}

void walkExpr(const Expr& e, const std::function<void(const Expr&)>& fn) {
  fn(e);
  for (const ExprPtr& item : e.items) {
    if (item) {
      walkExpr(*item, fn);
    }
  }
}

}  // namespace gw::sema
