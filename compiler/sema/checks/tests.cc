// E0309: test blocks are runnable and consistent: a request with an absolute http(s) URL, at
// least one expectation, one way to authenticate, a valid client ip, and expectations that do
// not contradict each other (allow and deny, no_route and a route, status vs decision).
#include "compiler/sema/check_context.h"

namespace gw::sema {

using namespace gw::ast;
using EK = Expectation::Kind;

namespace {

bool parseIpv4(const std::string& s) {
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 3) {
      v = v * 10 + (s[i++] - '0');
    }
    if (i == start || v > 255) {
      return false;
    }
    if (++parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

void checkUrl(CheckContext& ctx, const Lit& url) {
  const std::string& u = url.str;
  size_t scheme = u.find("://");
  std::string s = scheme == std::string::npos ? "" : u.substr(0, scheme);
  if (s != "http" && s != "https") {
    ctx.report(DiagCode::BadTest, url.span,
               "a test request needs an absolute http or https URL, found `" + u + "`")
        .help = u.rfind("/", 0) == 0 ? "write the host too: `\"https://api.example.com" + u + "\"`"
                                     : "write `\"https://host/path\"`";
    return;
  }
  std::string rest = u.substr(scheme + 3);
  if (rest.empty() || rest[0] == '/') {
    ctx.report(DiagCode::BadTest, url.span, "the test URL `" + u + "` has no host");
  }
}

void contradiction(CheckContext& ctx, const Expectation& later, const Expectation& earlier,
                   const std::string& message) {
  ctx.report(DiagCode::BadTest, later.span, message)
      .notes.push_back({"the other expectation is here", earlier.span});
}

void checkExpectations(CheckContext& ctx, const Test& t) {
  const Expectation* byKind[7] = {};
  for (const Expectation& e : t.expects) {
    const Expectation*& slot = byKind[static_cast<int>(e.kind)];
    if (slot && (e.kind == EK::Route || e.kind == EK::Upstream || e.kind == EK::Status) &&
        !(e.kind != EK::Status && slot->name && e.name && slot->name->text == e.name->text) &&
        !(e.kind == EK::Status && slot->a && e.a && slot->a->i == e.a->i)) {
      contradiction(ctx, e, *slot, "the test expects two different results for the same request");
    }
    if (!slot) slot = &e;
    if (e.kind == EK::Status && e.a && (e.a->i < 100 || e.a->i > 599)) {
      ctx.report(DiagCode::BadTest, e.a->span, "`" + e.a->raw + "` is not an HTTP status");
    }
  }
  auto at = [&](EK k) { return byKind[static_cast<int>(k)]; };
  if (at(EK::Allow) && at(EK::Deny)) {
    contradiction(ctx, *at(EK::Deny), *at(EK::Allow), "the test expects both allow and deny");
  }
  if (const Expectation* nr = at(EK::NoRoute)) {
    for (EK k : {EK::Route, EK::Allow, EK::Deny, EK::Upstream, EK::Header}) {
      if (at(k)) {
        contradiction(ctx, *at(k), *nr, "`no_route` cannot be combined with this expectation");
      }
    }
    if (at(EK::Status) && at(EK::Status)->a && at(EK::Status)->a->i != 404) {
      contradiction(ctx, *at(EK::Status), *nr, "`no_route` answers 404, not " +
                                                   at(EK::Status)->a->raw);
    }
  }
  if (const Expectation* st = at(EK::Status); st && st->a) {
    if (at(EK::Allow) && st->a->i >= 400) {
      contradiction(ctx, *st, *at(EK::Allow), "an allowed request is not answered " + st->a->raw);
    }
    if (at(EK::Deny) && st->a->i != 403 && st->a->i != 401) {
      contradiction(ctx, *st, *at(EK::Deny), "a denied request is answered 403, not " +
                                                 st->a->raw);
    }
  }
}

void checkTest(CheckContext& ctx, const Test& t) {
  if (!t.request) {
    ctx.report(DiagCode::BadTest, t.name.span, "test `" + t.name.str + "` has no `request`")
        .help = "add `request GET \"https://api.example.com/path\"`";
  } else {
    const TestRequest& rq = *t.request;
    checkUrl(ctx, rq.url);
    int ways = (rq.jwtClaims ? 1 : 0) + (rq.apiKey ? 1 : 0) + (rq.certJson ? 1 : 0);
    if (ways > 1) {
      ctx.report(DiagCode::BadTest, rq.span,
                 "a test request authenticates one way: `jwt`, `api_key` or `cert`");
    }
    if (rq.ip && !parseIpv4(rq.ip->kind == LitKind::Ip ? rq.ip->raw : rq.ip->str)) {
      ctx.report(DiagCode::BadTest, rq.ip->span, "`" + rq.ip->raw + "` is not an IPv4 address");
    }
  }
  if (t.expects.empty()) {
    ctx.report(DiagCode::BadTest, t.name.span,
               "test `" + t.name.str + "` has no `expect`: it can never fail")
        .help = "add `expect route <name>`, `expect allow` or `expect status 200`";
  }
  checkExpectations(ctx, t);
}

}  // namespace

void checkTests(CheckContext& ctx) {
  for (const Test* t : ctx.symbols.tests) {
    checkTest(ctx, *t);
  }
}

}  // namespace gw::sema
