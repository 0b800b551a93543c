// Limits: E0109 (unknown kind), E0303 (key, rate, burst for token_bucket; `store redis`
// without a gateway `redis`), E0304 (burst on sliding_window, on_store_error with a local
// store), E0110 (store/on_store_error values), E0310 (a gateway-level limit keyed on auth.*,
// request.param or route.name, also inside a composite key: it runs before routing and
// authentication).
#include <algorithm>
#include "compiler/sema/check_context.h"
#include "compiler/sema/expr_sites.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

const std::vector<std::string_view> kKinds = {"token_bucket", "sliding_window"};

bool option(CheckContext& ctx, const std::optional<Ident>& v, const char* setting,
            const std::vector<std::string_view>& known) {
  if (!v || std::find(known.begin(), known.end(), v->text) != known.end()) {
    return true;
  }
  Diagnostic& d = ctx.report(DiagCode::UnknownOption, v->span,
                             std::string("unknown `") + setting + "` value `" + v->text + "`");
  d.help = didYouMean(v->text, known);
  if (d.help.empty()) {
    d.help = "use `" + std::string(known[0]) + "` or `" + std::string(known[1]) + "`";
  }
  return false;
}

void missing(CheckContext& ctx, const Limit& l, const char* what, std::string help) {
  ctx.report(DiagCode::MissingSetting, l.name.span,
             "limit `" + l.name.text + "` has no `" + what + "`")
      .help = std::move(help);
}

void checkLimit(CheckContext& ctx, const Limit& l) {
  auto kind = std::find(kKinds.begin(), kKinds.end(), l.kind.text);
  if (kind == kKinds.end()) {
    Diagnostic& d = ctx.report(DiagCode::UnknownKind, l.kind.span,
                               "unknown limit kind `" + l.kind.text + "`");
    d.help = didYouMean(l.kind.text, kKinds);
    if (d.help.empty()) {
      d.help = "limit kinds are `token_bucket` and `sliding_window`";
    }
    return;
  }
  if (!l.key) missing(ctx, l, "key", "add `key client.ip` (or another value to count by)");
  if (!l.rate) missing(ctx, l, "rate", "add `rate 100/s`");
  if (*kind == "token_bucket" && !l.burst) {
    missing(ctx, l, "burst", "a token bucket needs its size: add `burst 200`");
  }
  if (*kind == "sliding_window" && l.burst) {
    ctx.report(DiagCode::SettingNotAllowed, l.burst->span,
               "`burst` is not a setting of `sliding_window` limits")
        .help = "`burst` belongs to `token_bucket` limits";
  }
  bool storeOk = option(ctx, l.store, "store", {"local", "redis"});
  option(ctx, l.onStoreError, "on_store_error", {"allow", "deny"});
  bool redis = storeOk && l.store && l.store->text == "redis";
  if (l.onStoreError && !redis && storeOk) {
    ctx.report(DiagCode::SettingNotAllowed, l.onStoreError->span,
               "`on_store_error` applies only to `store redis`")
        .help = "a local store cannot fail; remove `on_store_error`";
  }
  const Gateway* g = ctx.symbols.gateway;
  if (redis && (!g || !g->redis)) {
    Diagnostic& d = ctx.report(DiagCode::MissingSetting, l.store->span,
                               "`store redis` needs a `redis` address in the gateway block");
    if (g) {
      d.notes.push_back({"the gateway block is here", g->span});
    }
    d.help = "add `redis \"redis://127.0.0.1:6379\"` to the `gateway` block";
  }
}

// The first `auth.*` or `route.name` read or `request.param(...)` call in a key, or nullptr.
const Expr* identityRead(const Expr& key) {
  const Expr* found = nullptr;
  walkExpr(key, [&](const Expr& e) {
    if (found || (e.kind != ExprKind::Path && e.kind != ExprKind::Call) || e.path.empty()) {
      return;
    }
    std::string p = e.dottedPath();
    if (e.path[0].text == "auth" || p == "request.param" || p == "route.name") {
      found = &e;
    }
  });
  return found;
}

}  // namespace

void checkLimitSettings(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Limit& l : f.limits) {
      checkLimit(ctx, l);
    }
    for (const Gateway& g : f.gateways) {
      for (const Ident& ref : g.limits) {
        const Limit* l = ctx.symbols.limits.find(ref.text);
        const Expr* read = l && l->key ? identityRead(*l->key) : nullptr;
        if (!read) {
          continue;
        }
        std::string what = read->dottedPath();
        Diagnostic& d = ctx.report(
            DiagCode::IdentityRequired, read->span,
            "limit `" + l->name.text + "` is applied by the gateway block but its key reads `" +
                what + "`");
        d.notes.push_back({"gateway limits run before routing and authentication; applied here",
                           ref.span});
        d.help = what == "request.param" || what == "route.name"
                     ? "apply the limit in the routes instead: `limit " + l->name.text + "`"
                     : "key gateway limits on `client.ip` or a header, or apply this limit in "
                       "the routes that authenticate";
      }
    }
  }
}

}  // namespace gw::sema
