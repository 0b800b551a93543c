// The declaration half of the CST -> AST step: gateway, upstream, auth, limit, policy, route,
// test. Each item alternative maps to one AST field; a setting given twice is reported here.
#include "compiler/parse/ast_builder.h"

namespace gw::parse {

using namespace gw::ast;
using P = gwparse::GwParser;

File AstBuilder::build(P::FileContext* file) {
  File out;
  out.fileId = fileId_;
  if (!file) {
    return out;
  }
  for (P::DeclContext* d : file->decl()) {
    if (auto* c = as<P::IncludeDeclContext>(d)) {
      out.includes.push_back(Include{lit(c->STRING(), LitKind::String), span(c)});
      out.order.emplace_back(DeclKind::Include, out.includes.size() - 1);
    } else if (auto* c = as<P::GatewayDeclContext>(d)) {
      out.gateways.push_back(gateway(c));
      out.order.emplace_back(DeclKind::Gateway, out.gateways.size() - 1);
    } else if (auto* c = as<P::UpstreamDeclContext>(d)) {
      out.upstreams.push_back(upstream(c));
      out.order.emplace_back(DeclKind::Upstream, out.upstreams.size() - 1);
    } else if (auto* c = as<P::AuthDeclContext>(d)) {
      out.auths.push_back(auth(c));
      out.order.emplace_back(DeclKind::Auth, out.auths.size() - 1);
    } else if (auto* c = as<P::LimitDeclContext>(d)) {
      out.limits.push_back(limit(c));
      out.order.emplace_back(DeclKind::Limit, out.limits.size() - 1);
    } else if (auto* c = as<P::PolicyDeclContext>(d)) {
      Policy p{ident(c->name()), rules(c->policyRule()), span(c)};
      out.policies.push_back(std::move(p));
      out.order.emplace_back(DeclKind::Policy, out.policies.size() - 1);
    } else if (auto* c = as<P::RouteDeclContext>(d)) {
      out.routes.push_back(route(c));
      out.order.emplace_back(DeclKind::Route, out.routes.size() - 1);
    } else if (auto* c = as<P::TestDeclContext>(d)) {
      out.tests.push_back(test(c));
      out.order.emplace_back(DeclKind::Test, out.tests.size() - 1);
    }
  }
  return out;
}

Gateway AstBuilder::gateway(P::GatewayDeclContext* ctx) {
  Gateway g;
  g.span = span(ctx);
  const char* where = "the gateway block";
  for (P::GatewayItemContext* item : ctx->gatewayItem()) {
    if (auto* c = as<P::ListenItemContext>(item)) {
      Listen l{address(c->address()), std::nullopt, span(c)};
      if (c->tlsBlock()) {
        l.tls = tls(c->tlsBlock());
      }
      g.listens.push_back(std::move(l));
    } else if (auto* c = as<P::AdminItemContext>(item)) {
      setOnce(g.admin, address(c->address()), "admin", where);
    } else if (auto* c = as<P::RedisItemContext>(item)) {
      setOnce(g.redis, lit(c->STRING(), LitKind::String), "redis", where);
    } else if (auto* c = as<P::StripHeadersItemContext>(item)) {
      setOnce(g.stripHeaders, list(c->list()), span(c), "strip_headers", where);
    } else if (auto* c = as<P::TrustedProxiesItemContext>(item)) {
      setOnce(g.trustedProxies, list(c->list()), span(c), "trusted_proxies", where);
    } else if (auto* c = as<P::AccessLogItemContext>(item)) {
      setOnce(g.accessLog, lit(c->STRING(), LitKind::String), "access_log", where);
    } else if (auto* c = as<P::ThreadsItemContext>(item)) {
      setOnce(g.threads, lit(c->INT(), LitKind::Int), "threads", where);
    } else if (auto* c = as<P::GatewayLimitItemContext>(item)) {
      for (P::NameContext* n : c->name()) {
        g.limits.push_back(ident(n));
      }
    }
  }
  return g;
}

TlsConfig AstBuilder::tls(P::TlsBlockContext* ctx) {
  TlsConfig t;
  t.span = span(ctx);
  const char* where = "a tls block";
  for (P::TlsItemContext* item : ctx->tlsItem()) {
    if (auto* c = as<P::TlsCertContext>(item)) {
      t.certs.push_back(lit(c->STRING(), LitKind::String));
    } else if (auto* c = as<P::TlsKeyContext>(item)) {
      t.keys.push_back(lit(c->STRING(), LitKind::String));
    } else if (auto* c = as<P::TlsClientCaContext>(item)) {
      setOnce(t.clientCa, lit(c->STRING(), LitKind::String), "client_ca", where);
    } else if (auto* c = as<P::TlsClientAuthContext>(item)) {
      setOnce(t.clientAuth, ident(c->name()), "client_auth", where);
    } else if (auto* c = as<P::TlsCaContext>(item)) {
      setOnce(t.ca, lit(c->STRING(), LitKind::String), "ca", where);
    } else if (auto* c = as<P::TlsSniContext>(item)) {
      setOnce(t.sni, lit(c->STRING(), LitKind::String), "sni", where);
    } else if (auto* c = as<P::TlsHandshakeTimeoutContext>(item)) {
      setOnce(t.handshakeTimeout, lit(c->DURATION(), LitKind::Duration), "handshake_timeout",
              where);
    }
  }
  return t;
}

Upstream AstBuilder::upstream(P::UpstreamDeclContext* ctx) {
  Upstream u;
  u.name = ident(ctx->name());
  u.span = span(ctx);
  std::string whereS = "upstream `" + u.name.text + "`";
  const char* where = whereS.c_str();
  for (P::UpstreamItemContext* item : ctx->upstreamItem()) {
    if (auto* c = as<P::ServerItemContext>(item)) {
      Server s{address(c->address()), std::nullopt, c->BACKUP() != nullptr, span(c)};
      if (c->INT()) {
        s.weight = lit(c->INT(), LitKind::Int);
      }
      u.servers.push_back(std::move(s));
    } else if (auto* c = as<P::BalanceItemContext>(item)) {
      Balance b{ident(c->name()), c->expr() ? expr(c->expr()) : nullptr, span(c)};
      if (u.balance) {
        duplicate(b.span, "balance", where);
      } else {
        u.balance = std::move(b);
      }
    } else if (auto* c = as<P::HealthItemContext>(item)) {
      Health h;
      h.method = ident(c->method);
      h.path = lit(c->STRING(), LitKind::String);
      h.span = span(c);
      for (P::HealthOptContext* o : c->healthOpt()) {
        if (auto* e = as<P::HealthEveryContext>(o)) {
          setOnce(h.every, lit(e->DURATION(), LitKind::Duration), "every", "health");
        } else if (auto* t = as<P::HealthTimeoutContext>(o)) {
          setOnce(h.timeout, lit(t->DURATION(), LitKind::Duration), "timeout", "health");
        } else if (auto* hh = as<P::HealthHealthyContext>(o)) {
          setOnce(h.healthy, lit(hh->INT(), LitKind::Int), "healthy", "health");
        } else if (auto* uh = as<P::HealthUnhealthyContext>(o)) {
          setOnce(h.unhealthy, lit(uh->INT(), LitKind::Int), "unhealthy", "health");
        }
      }
      if (u.health) {
        duplicate(h.span, "health", where);
      } else {
        u.health = std::move(h);
      }
    } else if (auto* c = as<P::BreakerItemContext>(item)) {
      Breaker b;
      b.span = span(c);
      for (P::BreakerOptContext* o : c->breakerOpt()) {
        if (auto* f = as<P::BreakerFailuresContext>(o)) {
          setOnce(b.failures, lit(f->INT(), LitKind::Int), "failures", "breaker");
        } else if (auto* op = as<P::BreakerOpenContext>(o)) {
          setOnce(b.open, lit(op->DURATION(), LitKind::Duration), "open", "breaker");
        } else if (auto* ca = as<P::BreakerCloseAfterContext>(o)) {
          setOnce(b.closeAfter, lit(ca->INT(), LitKind::Int), "close_after", "breaker");
        } else if (auto* pr = as<P::BreakerProbesContext>(o)) {
          setOnce(b.probes, lit(pr->INT(), LitKind::Int), "probes", "breaker");
        }
      }
      if (u.breaker) {
        duplicate(b.span, "breaker", where);
      } else {
        u.breaker = std::move(b);
      }
    } else if (auto* c = as<P::UpstreamTimeoutContext>(item)) {
      setOnce(u.timeout, lit(c->DURATION(), LitKind::Duration), "timeout", where);
    } else if (auto* c = as<P::ConnectTimeoutContext>(item)) {
      setOnce(u.connectTimeout, lit(c->DURATION(), LitKind::Duration), "connect_timeout", where);
    } else if (auto* c = as<P::IdleTimeoutContext>(item)) {
      setOnce(u.idleTimeout, lit(c->DURATION(), LitKind::Duration), "idle_timeout", where);
    } else if (auto* c = as<P::RetryItemContext>(item)) {
      Retry r;
      r.attempts = lit(c->INT(), LitKind::Int);
      r.span = span(c);
      for (P::RetryOptContext* o : c->retryOpt()) {
        if (auto* on = as<P::RetryOnContext>(o)) {
          setOnce(r.on, list(on->list()), span(on), "on", "retry");
        } else if (auto* bo = as<P::RetryBackoffContext>(o)) {
          setOnce(r.backoffMin, lit(bo->DURATION(0), LitKind::Duration), "backoff", "retry");
          r.backoffMax = lit(bo->DURATION(1), LitKind::Duration);
        } else if (as<P::RetryJitterContext>(o)) {
          r.jitter = true;
        } else if (auto* bu = as<P::RetryBudgetContext>(o)) {
          setOnce(r.budget, lit(bu->PERCENT(), LitKind::Percent), "budget", "retry");
        } else if (auto* bf = as<P::RetryBufferContext>(o)) {
          setOnce(r.buffer, lit(bf->SIZE(), LitKind::Size), "buffer", "retry");
        }
      }
      if (u.retry) {
        duplicate(r.span, "retry", where);
      } else {
        u.retry = std::move(r);
      }
    } else if (auto* c = as<P::UpstreamTlsContext>(item)) {
      TlsConfig t = tls(c->tlsBlock());
      if (u.tls) {
        duplicate(span(c), "tls", where);
      } else {
        u.tls = std::move(t);
      }
    }
  }
  return u;
}

Auth AstBuilder::auth(P::AuthDeclContext* ctx) {
  Auth a;
  auto names = ctx->name();
  a.name = ident(names.size() > 0 ? names[0] : nullptr);
  a.kind = ident(ctx->kind);
  a.span = span(ctx);
  std::string whereS = "auth `" + a.name.text + "`";
  const char* where = whereS.c_str();
  for (P::AuthItemContext* item : ctx->authItem()) {
    if (auto* c = as<P::AuthIssuerContext>(item)) {
      setOnce(a.issuer, lit(c->STRING(), LitKind::String), "issuer", where);
    } else if (auto* c = as<P::AuthAudienceContext>(item)) {
      setOnce(a.audience, stringOrList(c->STRING(), c->list()), span(c), "audience", where);
    } else if (auto* c = as<P::AuthJwksContext>(item)) {
      setOnce(a.jwks, source(c->source()), "jwks", where);
      if (c->DURATION()) {
        setOnce(a.refresh, lit(c->DURATION(), LitKind::Duration), "refresh", where);
      }
    } else if (auto* c = as<P::AuthPublicKeyContext>(item)) {
      setOnce(a.publicKey, source(c->source()), "public_key", where);
    } else if (auto* c = as<P::AuthAlgorithmsContext>(item)) {
      setOnce(a.algorithms, list(c->list()), span(c), "algorithms", where);
    } else if (auto* c = as<P::AuthHmacSecretContext>(item)) {
      setOnce(a.hmacSecret, source(c->source()), "hmac_secret", where);
    } else if (auto* c = as<P::AuthLeewayContext>(item)) {
      setOnce(a.leeway, lit(c->DURATION(), LitKind::Duration), "leeway", where);
    } else if (auto* c = as<P::AuthCacheContext>(item)) {
      setOnce(a.cache, lit(c->DURATION(), LitKind::Duration), "cache", where);
    } else if (auto* c = as<P::AuthHeaderContext>(item)) {
      setOnce(a.header, lit(c->STRING(), LitKind::String), "header", where);
    } else if (auto* c = as<P::AuthQueryContext>(item)) {
      setOnce(a.query, lit(c->STRING(), LitKind::String), "query", where);
    } else if (auto* c = as<P::AuthKeysContext>(item)) {
      setOnce(a.keys, source(c->source()), "keys", where);
    } else if (auto* c = as<P::AuthEndpointContext>(item)) {
      setOnce(a.endpoint, lit(c->STRING(), LitKind::String), "endpoint", where);
    } else if (auto* c = as<P::AuthClientContext>(item)) {
      setOnce(a.clientId, lit(c->STRING(), LitKind::String), "client", where);
      setOnce(a.clientSecret, source(c->source()), "secret", where);
    } else if (auto* c = as<P::AuthRolesClaimContext>(item)) {
      setOnce(a.rolesClaim, lit(c->STRING(), LitKind::String), "roles_claim", where);
    }
  }
  return a;
}

Limit AstBuilder::limit(P::LimitDeclContext* ctx) {
  Limit l;
  auto names = ctx->name();
  l.name = ident(names.size() > 0 ? names[0] : nullptr);
  l.kind = ident(ctx->kind);
  l.span = span(ctx);
  std::string whereS = "limit `" + l.name.text + "`";
  const char* where = whereS.c_str();
  for (P::LimitItemContext* item : ctx->limitItem()) {
    if (auto* c = as<P::LimitKeyContext>(item)) {
      setOnce(l.key, expr(c->expr()), span(c), "key", where);
    } else if (auto* c = as<P::LimitRateContext>(item)) {
      setOnce(l.rate, lit(c->RATE_LIT(), LitKind::Rate), "rate", where);
    } else if (auto* c = as<P::LimitBurstContext>(item)) {
      setOnce(l.burst, lit(c->INT(), LitKind::Int), "burst", where);
    } else if (auto* c = as<P::LimitStoreContext>(item)) {
      setOnce(l.store, ident(c->name()), "store", where);
    } else if (auto* c = as<P::LimitWarnContext>(item)) {
      setOnce(l.warn, lit(c->PERCENT(), LitKind::Percent), "warn", where);
    } else if (auto* c = as<P::LimitOnStoreErrorContext>(item)) {
      setOnce(l.onStoreError, ident(c->name()), "on_store_error", where);
    }
  }
  return l;
}

Rule AstBuilder::rule(P::PolicyRuleContext* ctx) {
  Rule r;
  r.span = span(ctx);
  antlr4::Token* effect = nullptr;
  if (auto* c = as<P::WhenRuleContext>(ctx)) {
    effect = c->effect;
    if (c->expr()) {
      r.kind = Rule::Kind::When;
      r.cond = expr(c->expr());
    }
  } else if (auto* c = as<P::RolesRuleContext>(ctx)) {
    effect = c->effect;
    r.kind = Rule::Kind::Roles;
    r.cond = list(c->list());
  } else if (auto* c = as<P::ScopesRuleContext>(ctx)) {
    effect = c->effect;
    r.kind = Rule::Kind::Scopes;
    r.cond = list(c->list());
  }
  r.effect = effect && effect->getType() == P::DENY ? Rule::Effect::Deny : Rule::Effect::Allow;
  return r;
}

std::vector<Rule> AstBuilder::rules(const std::vector<P::PolicyRuleContext*>& ctxs) {
  std::vector<Rule> out;
  for (P::PolicyRuleContext* c : ctxs) {
    if (as<P::RuleSemiContext>(c)) {
      continue;
    }
    out.push_back(rule(c));
  }
  return out;
}

}  // namespace gw::parse
