// The route and test half of the CST -> AST step.
#include "compiler/parse/ast_builder.h"

namespace gw::parse {

using namespace gw::ast;
using P = gwparse::GwParser;
using antlr4::tree::TerminalNode;

Route AstBuilder::route(P::RouteDeclContext* ctx) {
  Route r;
  r.name = ident(ctx->name());
  r.span = span(ctx);
  std::string whereS = "route `" + r.name.text + "`";
  const char* where = whereS.c_str();
  for (P::RouteItemContext* item : ctx->routeItem()) {
    if (auto* c = as<P::MatchBlockContext>(item)) {
      Match m = match(c);
      if (r.match) {
        duplicate(m.span, "match", where);
      } else {
        r.match = std::move(m);
      }
    } else if (auto* c = as<P::RouteLimitContext>(item)) {
      for (P::NameContext* n : c->name()) {
        r.limits.push_back(ident(n));
      }
    } else if (auto* c = as<P::AuthenticateItemContext>(item)) {
      Authenticate a;
      a.span = span(c);
      a.optional = c->OPTIONAL() != nullptr;
      for (P::NameContext* n : c->name()) {
        a.providers.push_back(ident(n));
      }
      setOnce(r.authenticate, std::move(a), "authenticate", where);
    } else if (auto* c = as<P::AuthorizeRefContext>(item)) {
      Authorize a;
      a.span = span(c);
      for (P::NameContext* n : c->name()) {
        a.policies.push_back(ident(n));
      }
      setOnce(r.authorize, std::move(a), "authorize", where);
    } else if (auto* c = as<P::AuthorizeBlockContext>(item)) {
      Authorize a;
      a.span = span(c);
      a.inlineBlock = true;
      a.rules = rules(c->policyRule());
      setOnce(r.authorize, std::move(a), "authorize", where);
    } else if (auto* c = as<P::RequestBlockContext>(item)) {
      if (r.hasRequestBlock) {
        duplicate(span(c), "request", where);
      }
      r.hasRequestBlock = true;
      for (Transform& t : transforms(c->transform())) {
        r.request.push_back(std::move(t));
      }
    } else if (auto* c = as<P::ResponseBlockContext>(item)) {
      if (r.hasResponseBlock) {
        duplicate(span(c), "response", where);
      }
      r.hasResponseBlock = true;
      for (Transform& t : transforms(c->transform())) {
        r.response.push_back(std::move(t));
      }
    } else if (auto* c = as<P::ForwardItemContext>(item)) {
      Forward f;
      f.span = span(c);
      for (P::ForwardTargetContext* t : c->forwardTarget()) {
        ForwardTarget ft{ident(t->name()), std::nullopt, span(t)};
        if (t->PERCENT()) {
          ft.percent = lit(t->PERCENT(), LitKind::Percent);
        }
        f.targets.push_back(std::move(ft));
      }
      if (c->expr()) {
        f.by = expr(c->expr());
      }
      setOnce(r.forward, std::move(f), "forward", where);
    } else if (auto* c = as<P::AggregateItemContext>(item)) {
      if (r.hasAggregate) {
        duplicate(span(c), "aggregate", where);
      }
      r.hasAggregate = true;
      r.aggregateSpan = span(c);
      for (P::AggregatePartContext* p : c->aggregatePart()) {
        r.aggregate.push_back(AggregatePart{ident(p->field), ident(p->upstream),
                                            lit(p->STRING(), LitKind::String), span(p)});
      }
    } else if (auto* c = as<P::RouteTimeoutContext>(item)) {
      setOnce(r.timeout, lit(c->DURATION(), LitKind::Duration), "timeout", where);
    } else if (auto* c = as<P::MaxBodyItemContext>(item)) {
      setOnce(r.maxBody, lit(c->SIZE(), LitKind::Size), "max_body", where);
    } else if (auto* c = as<P::RetryMethodsItemContext>(item)) {
      setOnce(r.retryMethods, nameOrList(c->name(), c->list()), span(c), "retry_methods", where);
    }
  }
  return r;
}

Match AstBuilder::match(P::MatchBlockContext* ctx) {
  Match m;
  m.span = span(ctx);
  const char* where = "a match block";
  for (P::MatchItemContext* item : ctx->matchItem()) {
    if (auto* c = as<P::MatchHostContext>(item)) {
      setOnce(m.host, stringOrList(c->STRING(), c->list()), span(c), "host", where);
    } else if (auto* c = as<P::MatchPathContext>(item)) {
      PathMatch p;
      p.span = span(c);
      p.pattern = lit(c->STRING(), LitKind::String);
      if (c->kind) {
        p.explicitKind = true;
        p.kind = c->kind->getType() == P::PREFIX ? PathMatch::Kind::Prefix : PathMatch::Kind::Exact;
      }
      bool templated = p.pattern.str.find('{') != std::string::npos;
      if (templated && p.kind == PathMatch::Kind::Exact) {
        p.kind = PathMatch::Kind::Template;
      }
      setOnce(m.path, std::move(p), "path", where);
    } else if (auto* c = as<P::MatchMethodContext>(item)) {
      setOnce(m.methods, nameOrList(c->name(), c->list()), span(c), "method", where);
    } else if (auto* c = as<P::MatchHeaderContext>(item)) {
      m.headers.push_back(fieldCondition(c->STRING(), c->fieldCondition(), span(c)));
    } else if (auto* c = as<P::MatchQueryContext>(item)) {
      m.queries.push_back(fieldCondition(c->STRING(), c->fieldCondition(), span(c)));
    } else if (auto* c = as<P::MatchWhenContext>(item)) {
      m.whens.push_back(expr(c->expr()));
    }
  }
  return m;
}

FieldCondition AstBuilder::fieldCondition(TerminalNode* field, P::FieldConditionContext* ctx,
                                          Span at) {
  FieldCondition f;
  f.field = lit(field, LitKind::String);
  f.span = at;
  if (auto* c = as<P::FieldCompareContext>(ctx)) {
    f.op = c->op && c->op->getType() == P::NEQ ? FieldCondition::Op::Ne : FieldCondition::Op::Eq;
    f.value = lit(c->STRING(), LitKind::String);
  } else if (auto* c = as<P::FieldMatchesContext>(ctx)) {
    f.op = FieldCondition::Op::Matches;
    f.value = lit(c->REGEX(), LitKind::Regex);
  } else if (as<P::FieldAbsentContext>(ctx)) {
    f.op = FieldCondition::Op::Absent;
  } else {
    f.op = FieldCondition::Op::Present;
  }
  return f;
}

std::vector<Transform> AstBuilder::transforms(const std::vector<P::TransformContext*>& ctxs) {
  std::vector<Transform> out;
  for (P::TransformContext* item : ctxs) {
    Transform t;
    t.span = span(item);
    if (auto* c = as<P::SetHeaderContext>(item)) {
      t.kind = Transform::Kind::SetHeader;
      t.a = lit(c->STRING(), LitKind::String);
      t.value = expr(c->expr());
    } else if (auto* c = as<P::RemoveHeaderContext>(item)) {
      t.kind = Transform::Kind::RemoveHeader;
      t.a = lit(c->STRING(), LitKind::String);
    } else if (auto* c = as<P::RewritePathContext>(item)) {
      t.kind = Transform::Kind::RewritePath;
      t.a = lit(c->STRING(0), LitKind::String);
      t.b = lit(c->STRING(1), LitKind::String);
    } else if (auto* c = as<P::BodyJsonContext>(item)) {
      t.kind = Transform::Kind::BodyJson;
      for (P::JsonOpContext* op : c->jsonOp()) {
        JsonOp j;
        j.span = span(op);
        if (auto* rn = as<P::JsonRenameContext>(op)) {
          j.kind = JsonOp::Kind::Rename;
          j.from = lit(rn->STRING(0), LitKind::String);
          j.to = lit(rn->STRING(1), LitKind::String);
        } else if (auto* rm = as<P::JsonRemoveContext>(op)) {
          j.kind = JsonOp::Kind::Remove;
          j.from = lit(rm->STRING(), LitKind::String);
        } else if (auto* st = as<P::JsonSetContext>(op)) {
          j.kind = JsonOp::Kind::Set;
          j.from = lit(st->STRING(), LitKind::String);
          j.value = expr(st->expr());
        } else {
          continue;
        }
        t.jsonOps.push_back(std::move(j));
      }
    } else if (auto* c = as<P::CompressItemContext>(item)) {
      t.kind = Transform::Kind::Compress;
      t.encodings = list(c->list());
      if (c->SIZE()) {
        t.minSize = lit(c->SIZE(), LitKind::Size);
      }
    } else {
      continue;
    }
    out.push_back(std::move(t));
  }
  return out;
}

Test AstBuilder::test(P::TestDeclContext* ctx) {
  Test t;
  t.name = lit(ctx->STRING(), LitKind::String);
  t.span = span(ctx);
  std::string whereS = "test " + t.name.raw;
  for (P::TestItemContext* item : ctx->testItem()) {
    if (auto* c = as<P::TestRequestContext>(item)) {
      TestRequest rq;
      rq.method = ident(c->method);
      rq.url = lit(c->STRING(), LitKind::String);
      rq.span = span(c);
      for (P::RequestOptContext* o : c->requestOpt()) {
        if (auto* h = as<P::ReqHeaderContext>(o)) {
          rq.headers.emplace_back(lit(h->STRING(0), LitKind::String),
                                  lit(h->STRING(1), LitKind::String));
        } else if (auto* j = as<P::ReqJwtContext>(o)) {
          rq.jwtClaims = object(j->object());
          rq.claimsSpan = span(j);
        } else if (auto* cl = as<P::ReqClaimsContext>(o)) {
          rq.jwtClaims = object(cl->object());
          rq.claimsSpan = span(cl);
        } else if (auto* ip = as<P::ReqIpContext>(o)) {
          rq.ip = ip->IPV4() ? lit(ip->IPV4(), LitKind::Ip) : lit(ip->STRING(), LitKind::String);
        } else if (auto* k = as<P::ReqApiKeyContext>(o)) {
          rq.apiKey = lit(k->STRING(), LitKind::String);
        } else if (auto* ce = as<P::ReqCertContext>(o)) {
          rq.certJson = object(ce->object());
        } else if (auto* b = as<P::ReqBodyContext>(o)) {
          rq.body = lit(b->STRING(), LitKind::String);
        }
      }
      setOnce(t.request, std::move(rq), "request", whereS.c_str());
    } else if (auto* c = as<P::TestExpectContext>(item)) {
      Expectation e;
      e.span = span(c);
      P::ExpectationContext* x = c->expectation();
      if (auto* r = as<P::ExpectRouteContext>(x)) {
        e.kind = Expectation::Kind::Route;
        e.name = ident(r->name());
      } else if (as<P::ExpectNoRouteContext>(x)) {
        e.kind = Expectation::Kind::NoRoute;
      } else if (as<P::ExpectAllowContext>(x)) {
        e.kind = Expectation::Kind::Allow;
      } else if (as<P::ExpectDenyContext>(x)) {
        e.kind = Expectation::Kind::Deny;
      } else if (auto* s = as<P::ExpectStatusContext>(x)) {
        e.kind = Expectation::Kind::Status;
        e.a = lit(s->INT(), LitKind::Int);
      } else if (auto* u = as<P::ExpectUpstreamContext>(x)) {
        e.kind = Expectation::Kind::Upstream;
        e.name = ident(u->name());
      } else if (auto* h = as<P::ExpectHeaderContext>(x)) {
        e.kind = Expectation::Kind::Header;
        e.a = lit(h->STRING(0), LitKind::String);
        e.b = lit(h->STRING(1), LitKind::String);
      } else {
        continue;
      }
      t.expects.push_back(std::move(e));
    }
  }
  return t;
}

}  // namespace gw::parse
