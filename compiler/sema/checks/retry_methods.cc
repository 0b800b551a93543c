// A route's `retry_methods` (the non-idempotent methods it allows to be retried after a server
// answered): W0008 (an idempotent method, retried anyway), E0304 (on an `aggregate` route,
// whose parts are GETs), E0303 (no upstream the route forwards to has `retry`, so the setting
// would do nothing). Unknown or duplicate methods are the method check's (E0308, E0108).
#include <string_view>

#include "compiler/sema/check_context.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

// RFC 9110 section 9.2.2; the runtime's isIdempotentMethod (runtime/resilience) agrees.
bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE" || m == "PUT" ||
         m == "DELETE";
}

void checkIdempotent(CheckContext& ctx, const Expr& item) {
  if (item.kind != ExprKind::Path || item.path.size() != 1) {
    return;  // not a method name: reported by the method check
  }
  const std::string& name = item.path[0].text;
  if (idempotent(name)) {
    ctx.report(DiagCode::RetryIdempotent, item.span,
               "`" + name + "` is idempotent: it is retried without `retry_methods`")
        .help = "list only methods that are not idempotent (POST, PATCH), which are retried "
                "after a server answered only when the route names them";
  }
}

// The route's forward targets all lack `retry`: report once, naming the first.
void checkUpstreamsRetry(CheckContext& ctx, const Route& r) {
  const Upstream* without = nullptr;
  for (const ForwardTarget& t : r.forward->targets) {
    const Upstream* u = ctx.symbols.upstreams.find(t.upstream.text);
    if (u == nullptr) {
      return;  // E0101 already; do not guess
    }
    if (u->retry) {
      return;
    }
    if (without == nullptr) without = u;
  }
  if (without == nullptr) {
    return;
  }
  Diagnostic& d =
      ctx.report(DiagCode::MissingSetting, r.retryMethods->span,
                 "`retry_methods` has no effect: upstream `" + without->name.text +
                     "` has no `retry`");
  d.notes.push_back({"upstream `" + without->name.text + "` is declared here", without->name.span});
  d.help = "add `retry N on [...]` to upstream `" + without->name.text +
           "` (retries, backoff and budget are the upstream's), or remove `retry_methods`";
}

}  // namespace

void checkRetryMethods(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (!r.retryMethods) {
        continue;
      }
      const Expr& m = *r.retryMethods;
      if (m.kind == ExprKind::List) {
        for (const ExprPtr& item : m.items) {
          if (item) checkIdempotent(ctx, *item);
        }
      } else {
        checkIdempotent(ctx, m);
      }
      if (r.hasAggregate && !r.forward) {
        ctx.report(DiagCode::SettingNotAllowed, m.span,
                   "`retry_methods` is not a setting of an `aggregate` route")
            .help = "aggregate parts are GET requests, retried by their upstream's `retry`";
      } else if (r.forward) {
        checkUpstreamsRetry(ctx, r);
      }
    }
  }
}

}  // namespace gw::sema
