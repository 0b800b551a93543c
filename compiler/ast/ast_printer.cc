#include "compiler/ast/ast_printer.h"

#include <cstdio>

namespace gw::ast {
namespace {

// Strings are dumped decoded and re-quoted, so `"\/"` and `"/"` dump alike: the dump shows
// values, not spellings. Other literals dump their source text, which fixes their value.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string rtrim(const std::string& s) {
  size_t end = s.find_last_not_of(" \t\r");
  return end == std::string::npos ? "" : s.substr(0, end + 1);
}

class Printer {
 public:
  explicit Printer(const AstPrintOptions& o) : o_(o) {}

  std::string take() { return std::move(out_) + "\n"; }

  std::string at(const Span& s) const {
    if (!o_.spans || !s.valid()) {
      return "";
    }
    return "@" + std::to_string(s.line) + ":" + std::to_string(s.col);
  }

  std::string lit(const Lit& l) const {
    return (l.kind == LitKind::String ? quoted(l.str) : l.raw) + at(l.span);
  }
  std::string id(const Ident& i) const { return i.text + at(i.span); }

  std::string expr(const Expr* e) const {
    if (!e) {
      return "<missing>";
    }
    std::string s;
    switch (e->kind) {
      case ExprKind::Literal: s = lit(e->lit); break;
      case ExprKind::Path: s = e->dottedPath() + at(e->span); break;
      case ExprKind::List: s = "(list" + args(e) + ")" + at(e->span); break;
      case ExprKind::Call: s = "(call " + e->dottedPath() + args(e) + ")" + at(e->span); break;
      case ExprKind::Not: s = "(not" + args(e) + ")" + at(e->span); break;
      case ExprKind::Binary:
        s = std::string("(") + binOpSpelling(e->op) + args(e) + ")" + at(e->span);
        break;
      case ExprKind::Matches: s = "(matches" + args(e) + " " + lit(e->lit) + ")" + at(e->span); break;
    }
    if (o_.types && e->type.kind != TypeKind::Unknown) {
      s += ":" + typeName(e->type);
    }
    return s;
  }

  std::string args(const Expr* e) const {
    std::string s;
    for (const ExprPtr& item : e->items) {
      s += " " + expr(item.get());
    }
    return s;
  }

  std::string source(const Source& src) const {
    static const char* kinds[] = {"inline", "file", "url", "env"};
    return std::string(kinds[static_cast<int>(src.kind)]) + " " + lit(src.value);
  }

  // A node on its own line: `(head rest`; children follow, one level deeper.
  void open(const std::string& head, const Span& span = {}) {
    if (!out_.empty()) {
      out_ += "\n";
    }
    out_ += std::string(depth_ * 2, ' ') + "(" + head + at(span);
    ++depth_;
  }
  void close() {
    --depth_;
    out_ += ")";
  }
  void leaf(const std::string& head, const Span& span = {}) {
    open(head, span);
    close();
  }
  void opt(const char* name, const std::optional<Lit>& l) {
    if (l) {
      leaf(std::string(name) + " " + lit(*l));
    }
  }
  void opt(const char* name, const ExprPtr& e) {
    if (e) {
      leaf(std::string(name) + " " + expr(e.get()));
    }
  }
  void names(const char* head, const std::vector<Ident>& ids) {
    if (ids.empty()) {
      return;
    }
    std::string s = head;
    for (const Ident& i : ids) {
      s += " " + id(i);
    }
    leaf(s);
  }

  void file(const File& f);

 private:
  void gateway(const Gateway& g);
  void tls(const TlsConfig& t);
  void upstream(const Upstream& u);
  void auth(const Auth& a);
  void limit(const Limit& l);
  void rules(const std::vector<Rule>& rules);
  void route(const Route& r);
  void match(const Match& m);
  void field(const char* what, const FieldCondition& f);
  void transforms(const char* head, const std::vector<Transform>& ts);
  void test(const Test& t);

  const AstPrintOptions& o_;
  std::string out_;
  int depth_ = 0;
};

void Printer::file(const File& f) {
  open("file");
  for (auto [kind, index] : f.order) {
    switch (kind) {
      case DeclKind::Include:
        leaf("include " + lit(f.includes[index].pattern), f.includes[index].span);
        break;
      case DeclKind::Gateway: gateway(f.gateways[index]); break;
      case DeclKind::Upstream: upstream(f.upstreams[index]); break;
      case DeclKind::Auth: auth(f.auths[index]); break;
      case DeclKind::Limit: limit(f.limits[index]); break;
      case DeclKind::Policy:
        open("policy " + id(f.policies[index].name), f.policies[index].span);
        rules(f.policies[index].rules);
        close();
        break;
      case DeclKind::Route: route(f.routes[index]); break;
      case DeclKind::Test: test(f.tests[index]); break;
    }
  }
  if (o_.comments && !f.comments.empty()) {
    open("comments");
    for (const Comment& c : f.comments) {
      leaf(quoted(rtrim(c.text)), c.span);
    }
    close();
  }
  close();
}

void Printer::gateway(const Gateway& g) {
  open("gateway", g.span);
  for (const Listen& l : g.listens) {
    open("listen " + lit(l.address), l.span);
    if (l.tls) {
      tls(*l.tls);
    }
    close();
  }
  opt("admin", g.admin);
  opt("redis", g.redis);
  opt("strip_headers", g.stripHeaders);
  opt("trusted_proxies", g.trustedProxies);
  opt("access_log", g.accessLog);
  opt("threads", g.threads);
  names("limit", g.limits);
  close();
}

void Printer::tls(const TlsConfig& t) {
  open("tls", t.span);
  for (const Lit& c : t.certs) leaf("cert " + lit(c));
  for (const Lit& k : t.keys) leaf("key " + lit(k));
  opt("client_ca", t.clientCa);
  if (t.clientAuth) leaf("client_auth " + id(*t.clientAuth));
  opt("ca", t.ca);
  opt("sni", t.sni);
  opt("handshake_timeout", t.handshakeTimeout);
  close();
}

void Printer::upstream(const Upstream& u) {
  open("upstream " + id(u.name), u.span);
  for (const Server& s : u.servers) {
    std::string head = "server " + lit(s.address);
    if (s.weight) head += " weight " + lit(*s.weight);
    if (s.backup) head += " backup";
    leaf(head, s.span);
  }
  if (u.balance) {
    std::string head = "balance " + id(u.balance->algorithm);
    if (u.balance->hashKey) head += " " + expr(u.balance->hashKey.get());
    leaf(head, u.balance->span);
  }
  if (const auto& h = u.health) {
    std::string head = "health " + id(h->method) + " " + lit(h->path);
    if (h->every) head += " every " + lit(*h->every);
    if (h->timeout) head += " timeout " + lit(*h->timeout);
    if (h->healthy) head += " healthy " + lit(*h->healthy);
    if (h->unhealthy) head += " unhealthy " + lit(*h->unhealthy);
    leaf(head, h->span);
  }
  if (const auto& b = u.breaker) {
    std::string head = "breaker";
    if (b->failures) head += " failures " + lit(*b->failures);
    if (b->open) head += " open " + lit(*b->open);
    if (b->closeAfter) head += " close_after " + lit(*b->closeAfter);
    if (b->probes) head += " probes " + lit(*b->probes);
    leaf(head, b->span);
  }
  opt("timeout", u.timeout);
  opt("connect_timeout", u.connectTimeout);
  opt("idle_timeout", u.idleTimeout);
  if (const auto& r = u.retry) {
    std::string head = "retry " + lit(r->attempts);
    if (r->on) head += " on " + expr(r->on.get());
    if (r->backoffMin && r->backoffMax) {
      head += " backoff " + lit(*r->backoffMin) + " " + lit(*r->backoffMax);
    }
    if (r->jitter) head += " jitter";
    if (r->budget) head += " budget " + lit(*r->budget);
    if (r->buffer) head += " buffer " + lit(*r->buffer);
    leaf(head, r->span);
  }
  if (u.tls) tls(*u.tls);
  close();
}

void Printer::auth(const Auth& a) {
  open("auth " + id(a.name) + " " + id(a.kind), a.span);
  opt("issuer", a.issuer);
  opt("audience", a.audience);
  if (a.jwks) leaf("jwks " + source(*a.jwks), a.jwks->span);
  opt("refresh", a.refresh);
  if (a.publicKey) leaf("public_key " + source(*a.publicKey), a.publicKey->span);
  opt("algorithms", a.algorithms);
  if (a.hmacSecret) leaf("hmac_secret " + source(*a.hmacSecret), a.hmacSecret->span);
  opt("leeway", a.leeway);
  opt("cache", a.cache);
  opt("header", a.header);
  opt("query", a.query);
  if (a.keys) leaf("keys " + source(*a.keys), a.keys->span);
  opt("endpoint", a.endpoint);
  opt("client", a.clientId);
  if (a.clientSecret) leaf("secret " + source(*a.clientSecret), a.clientSecret->span);
  opt("roles_claim", a.rolesClaim);
  close();
}

void Printer::limit(const Limit& l) {
  open("limit " + id(l.name) + " " + id(l.kind), l.span);
  opt("key", l.key);
  opt("rate", l.rate);
  opt("burst", l.burst);
  if (l.store) leaf("store " + id(*l.store));
  opt("warn", l.warn);
  if (l.onStoreError) leaf("on_store_error " + id(*l.onStoreError));
  close();
}

void Printer::rules(const std::vector<Rule>& rs) {
  static const char* kinds[] = {"always", "when", "roles", "scopes"};
  for (const Rule& r : rs) {
    std::string head = std::string("rule ") +
                       (r.effect == Rule::Effect::Allow ? "allow " : "deny ") +
                       kinds[static_cast<int>(r.kind)];
    if (r.cond) head += " " + expr(r.cond.get());
    leaf(head, r.span);
  }
}

void Printer::route(const Route& r) {
  open("route " + id(r.name), r.span);
  if (r.match) match(*r.match);
  names("limit", r.limits);
  if (const auto& a = r.authenticate) {
    std::string head = "authenticate";
    for (const Ident& p : a->providers) head += " " + id(p);
    if (a->optional) head += " optional";
    leaf(head, a->span);
  }
  if (const auto& a = r.authorize) {
    if (a->inlineBlock) {
      open("authorize", a->span);
      rules(a->rules);
      close();
    } else {
      names("authorize", a->policies);
    }
  }
  if (r.hasRequestBlock) transforms("request", r.request);
  if (r.hasResponseBlock) transforms("response", r.response);
  if (const auto& f = r.forward) {
    open("forward", f->span);
    for (const ForwardTarget& t : f->targets) {
      leaf("target " + id(t.upstream) + (t.percent ? " " + lit(*t.percent) : ""), t.span);
    }
    opt("by", f->by);
    close();
  }
  if (r.hasAggregate) {
    open("aggregate", r.aggregateSpan);
    for (const AggregatePart& p : r.aggregate) {
      leaf("part " + id(p.field) + " " + id(p.upstream) + " " + lit(p.pathTemplate), p.span);
    }
    close();
  }
  opt("timeout", r.timeout);
  opt("max_body", r.maxBody);
  opt("retry_methods", r.retryMethods);
  close();
}

void Printer::match(const Match& m) {
  open("match", m.span);
  opt("host", m.host);
  if (const auto& p = m.path) {
    static const char* kinds[] = {"exact", "prefix", "template"};
    leaf(std::string("path ") + kinds[static_cast<int>(p->kind)] +
             (p->explicitKind ? " explicit " : " ") + lit(p->pattern),
         p->span);
  }
  opt("method", m.methods);
  for (const FieldCondition& f : m.headers) field("header", f);
  for (const FieldCondition& f : m.queries) field("query", f);
  for (const ExprPtr& w : m.whens) leaf("when " + expr(w.get()));
  close();
}

void Printer::field(const char* what, const FieldCondition& f) {
  static const char* ops[] = {"==", "!=", "matches", "present", "absent"};
  std::string head = std::string(what) + " " + lit(f.field) + " " + ops[static_cast<int>(f.op)];
  if (f.value) head += " " + lit(*f.value);
  leaf(head, f.span);
}

void Printer::transforms(const char* head, const std::vector<Transform>& ts) {
  open(head);
  for (const Transform& t : ts) {
    switch (t.kind) {
      case Transform::Kind::SetHeader:
        leaf("set_header " + lit(*t.a) + " " + expr(t.value.get()), t.span);
        break;
      case Transform::Kind::RemoveHeader: leaf("remove_header " + lit(*t.a), t.span); break;
      case Transform::Kind::RewritePath:
        leaf("rewrite_path " + lit(*t.a) + " " + lit(*t.b), t.span);
        break;
      case Transform::Kind::BodyJson:
        open("body_json", t.span);
        for (const JsonOp& j : t.jsonOps) {
          if (j.kind == JsonOp::Kind::Rename) {
            leaf("rename " + lit(j.from) + " " + (j.to ? lit(*j.to) : "<missing>"), j.span);
          } else if (j.kind == JsonOp::Kind::Remove) {
            leaf("remove " + lit(j.from), j.span);
          } else {
            leaf("set " + lit(j.from) + " " + expr(j.value.get()), j.span);
          }
        }
        close();
        break;
      case Transform::Kind::Compress:
        leaf("compress " + expr(t.encodings.get()) + (t.minSize ? " min " + lit(*t.minSize) : ""),
             t.span);
        break;
    }
  }
  close();
}

void Printer::test(const Test& t) {
  open("test " + lit(t.name), t.span);
  if (const auto& rq = t.request) {
    open("request " + id(rq->method) + " " + lit(rq->url), rq->span);
    for (const auto& [k, v] : rq->headers) leaf("header " + lit(k) + " " + lit(v));
    if (rq->jwtClaims) leaf("claims " + quoted(*rq->jwtClaims), rq->claimsSpan);
    opt("ip", rq->ip);
    opt("api_key", rq->apiKey);
    if (rq->certJson) leaf("cert " + quoted(*rq->certJson));
    opt("body", rq->body);
    close();
  }
  static const char* kinds[] = {"route", "no_route", "allow", "deny", "status", "upstream",
                                "header"};
  for (const Expectation& e : t.expects) {
    std::string head = std::string("expect ") + kinds[static_cast<int>(e.kind)];
    if (e.name) head += " " + id(*e.name);
    if (e.a) head += " " + lit(*e.a);
    if (e.b) head += " " + lit(*e.b);
    leaf(head, e.span);
  }
  close();
}

}  // namespace

std::string printExpr(const Expr& e, const AstPrintOptions& options) {
  return Printer(options).expr(&e);
}

std::string printAst(const File& file, const AstPrintOptions& options) {
  Printer p(options);
  p.file(file);
  return p.take();
}

std::string printAst(const Program& program, const AstPrintOptions& options) {
  Printer p(options);
  p.open("program");
  for (const File& f : program.files) {
    p.file(f);
  }
  p.close();
  return p.take();
}

}  // namespace gw::ast
