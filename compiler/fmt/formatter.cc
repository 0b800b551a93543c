#include "compiler/fmt/formatter.h"

#include "compiler/fmt/builders.h"
#include "compiler/fmt/format_text.h"
#include "compiler/parse/parser.h"

namespace gw::fmt {

using namespace gw::ast;

namespace {

Node litLeaf(const std::string& keyword, const Lit& value) {
  return Node::leaf(keyword + " " + formatLit(value), value.span);
}

void addLit(Node& n, const std::string& keyword, const std::optional<Lit>& value) {
  if (value) {
    n.children.push_back(litLeaf(keyword, *value));
  }
}

void addExpr(Node& n, const std::string& keyword, const ExprPtr& value) {
  if (value) {
    n.children.push_back(Node::leaf(keyword + " " + formatExpr(value.get()), value->span));
  }
}

void addSource(Node& n, const std::string& keyword, const std::optional<Source>& value) {
  if (value) {
    n.children.push_back(Node::leaf(keyword + " " + formatSource(*value), value->span));
  }
}

Node tlsNode(std::string header, const TlsConfig& t, const Span& span) {
  Node n = Node::blockOf(std::move(header), span);
  for (const Lit& c : t.certs) n.children.push_back(litLeaf("cert", c));
  for (const Lit& k : t.keys) n.children.push_back(litLeaf("key", k));
  addLit(n, "client_ca", t.clientCa);
  if (t.clientAuth) {
    n.children.push_back(Node::leaf("client_auth " + t.clientAuth->text, t.clientAuth->span));
  }
  addLit(n, "ca", t.ca);
  addLit(n, "sni", t.sni);
  addLit(n, "handshake_timeout", t.handshakeTimeout);
  return n;
}

}  // namespace

Node namesNode(const std::string& keyword, const std::vector<Ident>& names,
               const char* separator) {
  std::string text = keyword;
  Span span;
  for (size_t i = 0; i < names.size(); ++i) {
    text += (i ? separator : " ") + names[i].text;
    span = spanUnion(span, names[i].span);
  }
  return Node::leaf(std::move(text), span);
}

Node ruleNode(const Rule& r) {
  std::string text = r.effect == Rule::Effect::Allow ? "allow" : "deny";
  switch (r.kind) {
    case Rule::Kind::Always: break;
    case Rule::Kind::When: text += " when " + formatExpr(r.cond.get()); break;
    case Rule::Kind::Roles: text += " roles " + formatExpr(r.cond.get()); break;
    case Rule::Kind::Scopes: text += " scopes " + formatExpr(r.cond.get()); break;
  }
  return Node::leaf(std::move(text), r.span);
}

Node gatewayNode(const Gateway& g) {
  Node n = Node::blockOf("gateway", g.span);
  for (const Listen& l : g.listens) {
    std::string text = "listen " + formatLit(l.address);
    n.children.push_back(l.tls ? tlsNode(text + " tls", *l.tls, l.span)
                               : Node::leaf(text, l.span));
  }
  addLit(n, "admin", g.admin);
  addLit(n, "redis", g.redis);
  addExpr(n, "strip_headers", g.stripHeaders);
  addExpr(n, "trusted_proxies", g.trustedProxies);
  addLit(n, "access_log", g.accessLog);
  addLit(n, "threads", g.threads);
  if (!g.limits.empty()) {
    n.children.push_back(namesNode("limit", g.limits, ", "));
  }
  return n;
}

Node upstreamNode(const Upstream& u) {
  Node n = Node::blockOf("upstream " + u.name.text, u.span);
  for (const Server& s : u.servers) {
    std::string text = "server " + formatLit(s.address);
    if (s.weight) text += " weight " + formatLit(*s.weight);
    if (s.backup) text += " backup";
    n.children.push_back(Node::leaf(std::move(text), s.span));
  }
  if (const auto& b = u.balance) {
    std::string text = "balance " + b->algorithm.text;
    if (b->hashKey) text += "(" + formatExpr(b->hashKey.get()) + ")";
    n.children.push_back(Node::leaf(std::move(text), b->span));
  }
  if (const auto& h = u.health) {
    std::string text = "health " + h->method.text + " " + formatLit(h->path);
    if (h->every) text += " every " + formatLit(*h->every);
    if (h->timeout) text += " timeout " + formatLit(*h->timeout);
    if (h->healthy) text += " healthy " + formatLit(*h->healthy);
    if (h->unhealthy) text += " unhealthy " + formatLit(*h->unhealthy);
    n.children.push_back(Node::leaf(std::move(text), h->span));
  }
  if (const auto& b = u.breaker) {
    std::string text = "breaker";
    if (b->failures) text += " failures " + formatLit(*b->failures);
    if (b->open) text += " open " + formatLit(*b->open);
    if (b->closeAfter) text += " close_after " + formatLit(*b->closeAfter);
    if (b->probes) text += " probes " + formatLit(*b->probes);
    n.children.push_back(Node::leaf(std::move(text), b->span));
  }
  addLit(n, "timeout", u.timeout);
  addLit(n, "connect_timeout", u.connectTimeout);
  addLit(n, "idle_timeout", u.idleTimeout);
  if (const auto& r = u.retry) {
    std::string text = "retry " + formatLit(r->attempts);
    if (r->on) text += " on " + formatExpr(r->on.get());
    if (r->backoffMin && r->backoffMax) {
      text += " backoff " + formatLit(*r->backoffMin) + ".." + formatLit(*r->backoffMax);
    }
    if (r->jitter) text += " jitter";
    if (r->budget) text += " budget " + formatLit(*r->budget);
    if (r->buffer) text += " buffer " + formatLit(*r->buffer);
    n.children.push_back(Node::leaf(std::move(text), r->span));
  }
  if (u.tls) {
    n.children.push_back(tlsNode("tls", *u.tls, u.tls->span));
  }
  return n;
}

Node authNode(const Auth& a) {
  Node n = Node::blockOf("auth " + a.name.text + " " + a.kind.text, a.span);
  addLit(n, "issuer", a.issuer);
  addExpr(n, "audience", a.audience);
  if (a.jwks) {
    std::string text = "jwks " + formatSource(*a.jwks);
    Span span = a.jwks->span;
    if (a.refresh) {
      text += " refresh " + formatLit(*a.refresh);
      span = spanUnion(span, a.refresh->span);
    }
    n.children.push_back(Node::leaf(std::move(text), span));
  }
  addSource(n, "public_key", a.publicKey);
  addExpr(n, "algorithms", a.algorithms);
  addSource(n, "hmac_secret", a.hmacSecret);
  addLit(n, "leeway", a.leeway);
  addLit(n, "cache", a.cache);
  addLit(n, "header", a.header);
  addLit(n, "query", a.query);
  addSource(n, "keys", a.keys);
  addLit(n, "endpoint", a.endpoint);
  if (a.clientId && a.clientSecret) {
    n.children.push_back(Node::leaf("client " + formatLit(*a.clientId) + " secret " +
                                        formatSource(*a.clientSecret),
                                    spanUnion(a.clientId->span, a.clientSecret->span)));
  }
  addLit(n, "roles_claim", a.rolesClaim);
  return n;
}

Node limitNode(const Limit& l) {
  Node n = Node::blockOf("limit " + l.name.text + " " + l.kind.text, l.span);
  addExpr(n, "key", l.key);
  addLit(n, "rate", l.rate);
  addLit(n, "burst", l.burst);
  if (l.store) {
    n.children.push_back(Node::leaf("store " + l.store->text, l.store->span));
  }
  addLit(n, "warn", l.warn);
  if (l.onStoreError) {
    n.children.push_back(Node::leaf("on_store_error " + l.onStoreError->text,
                                    l.onStoreError->span));
  }
  return n;
}

Node policyNode(const Policy& p) {
  Node n = Node::blockOf("policy " + p.name.text, p.span);
  for (const Rule& r : p.rules) {
    n.children.push_back(ruleNode(r));
  }
  return n;
}

std::string formatFile(const File& file, const SourceManager& sources) {
  const SourceFile& source = sources.file(file.fileId);
  BuildContext ctx{source, file.comments};
  std::vector<Node> decls;
  for (auto [kind, index] : file.order) {
    switch (kind) {
      case DeclKind::Include: {
        const Include& inc = file.includes[index];
        Node n = Node::leaf("include " + formatLit(inc.pattern), inc.span);
        n.isInclude = true;
        decls.push_back(std::move(n));
        break;
      }
      case DeclKind::Gateway: decls.push_back(gatewayNode(file.gateways[index])); break;
      case DeclKind::Upstream: decls.push_back(upstreamNode(file.upstreams[index])); break;
      case DeclKind::Auth: decls.push_back(authNode(file.auths[index])); break;
      case DeclKind::Limit: decls.push_back(limitNode(file.limits[index])); break;
      case DeclKind::Policy: decls.push_back(policyNode(file.policies[index])); break;
      case DeclKind::Route: decls.push_back(routeNode(file.routes[index], ctx)); break;
      case DeclKind::Test: decls.push_back(testNode(file.tests[index])); break;
    }
  }
  return Renderer(source, file.comments).render(std::move(decls));
}

std::optional<std::string> formatText(SourceManager& sources, const std::string& path,
                                      std::string text, DiagnosticSink& diags) {
  uint32_t id = sources.add(path, std::move(text));
  ast::File file = parseFile(sources, id, diags);
  if (diags.hasErrors()) {
    return std::nullopt;
  }
  return formatFile(file, sources);
}

}  // namespace gw::fmt
