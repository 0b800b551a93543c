// Upstream blocks: E0303 (no server, consistent_hash without a key), E0304 (a key for another
// algorithm, a hash key reading route.name), E0110 (unknown balance algorithm, retry condition or health method, with "did you
// mean"), E0207 (retry status outside 500..599), E0108 (a server given twice), E0306 (health
// path).
#include <algorithm>
#include <unordered_map>

#include "compiler/sema/check_context.h"
#include "compiler/sema/expr_sites.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

const std::vector<std::string_view> kAlgorithms = {"round_robin", "least_request", "random",
                                                   "consistent_hash"};
const std::vector<std::string_view> kRetryConditions = {"connect_error", "timeout", "reset"};

void unknownOption(CheckContext& ctx, Span at, const std::string& value, const char* setting,
                   const std::vector<std::string_view>& known) {
  Diagnostic& d = ctx.report(DiagCode::UnknownOption, at,
                             std::string("unknown ") + setting + " `" + value + "`");
  d.help = didYouMean(value, known);
  if (d.help.empty()) {
    d.help = "expected one of:";
    for (std::string_view k : known) {
      d.help += " `" + std::string(k) + "`";
    }
  }
}

void checkBalance(CheckContext& ctx, const Balance& b) {
  const std::string& alg = b.algorithm.text;
  bool known = std::find(kAlgorithms.begin(), kAlgorithms.end(), alg) != kAlgorithms.end();
  if (!known) {
    unknownOption(ctx, b.algorithm.span, alg, "balance algorithm", kAlgorithms);
    return;
  }
  if (alg == "consistent_hash" && !b.hashKey) {
    ctx.report(DiagCode::MissingSetting, b.span, "`consistent_hash` needs a key expression")
        .help = "write `balance consistent_hash(request.header(\"X-User-ID\"))`";
  } else if (alg != "consistent_hash" && b.hashKey) {
    ctx.report(DiagCode::SettingNotAllowed, b.hashKey->span,
               "`" + alg + "` takes no key expression")
        .help = "only `consistent_hash(...)` hashes a key";
  }
  if (!b.hashKey) return;
  // One upstream serves many routes: its hash key is evaluated without a route.
  walkExpr(*b.hashKey, [&](const Expr& e) {
    if (e.kind == ExprKind::Path && e.dottedPath() == "route.name") {
      ctx.report(DiagCode::SettingNotAllowed, e.span,
                 "an upstream's `consistent_hash` key cannot read `route.name`")
          .help = "an upstream serves several routes; use `forward ... by tuple(..., route.name)` in "
                  "the route for a per-route sticky key";
    }
  });
}

void checkRetryOn(CheckContext& ctx, const Expr& on) {
  for (const ExprPtr& item : on.items) {
    if (!item) {
      continue;
    }
    if (item->kind == ExprKind::Literal && item->lit.kind == LitKind::Int) {
      if (item->lit.i < 500 || item->lit.i > 599) {
        ctx.report(DiagCode::OutOfRange, item->span,
                   "retry on status " + item->lit.raw + ": only 5xx responses can be retried")
            .help = "a " + item->lit.raw + " response is the upstream's answer; retrying it "
                    "repeats the request for nothing";
      }
      continue;
    }
    if (item->kind == ExprKind::Path && item->path.size() == 1) {
      std::string name = item->dottedPath();
      if (std::find(kRetryConditions.begin(), kRetryConditions.end(), name) ==
          kRetryConditions.end()) {
        unknownOption(ctx, item->span, name, "retry condition", kRetryConditions);
      }
      continue;
    }
    ctx.report(DiagCode::TypeMismatch, item->span,
               "retry conditions are 5xx status codes or `connect_error`, `timeout`, `reset`");
  }
}

void checkServers(CheckContext& ctx, const Upstream& u) {
  if (u.servers.empty()) {
    ctx.report(DiagCode::MissingSetting, u.name.span,
               "upstream `" + u.name.text + "` has no `server`")
        .help = "add `server 127.0.0.1:9000`";
    return;
  }
  std::unordered_map<std::string, const Server*> seen;
  bool anyPrimary = false;
  for (const Server& s : u.servers) {
    anyPrimary = anyPrimary || !s.backup;
    auto [it, fresh] = seen.emplace(s.address.raw, &s);
    if (!fresh) {
      ctx.report(DiagCode::DuplicateName, s.address.span,
                 "server `" + s.address.raw + "` is listed twice in upstream `" + u.name.text +
                     "`")
          .notes.push_back({"first listed here", it->second->address.span});
    }
    if (s.address.kind == LitKind::Int) {
      ctx.report(DiagCode::TypeMismatch, s.address.span,
                 "a server needs a host and a port, found `" + s.address.raw + "`")
          .help = "write `server 127.0.0.1:" + s.address.raw + "`";
    }
  }
  if (!anyPrimary) {
    ctx.report(DiagCode::MissingSetting, u.name.span,
               "every server of upstream `" + u.name.text + "` is a backup")
        .help = "remove `backup` from at least one server";
  }
}

}  // namespace

void checkUpstreamSettings(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Upstream& u : f.upstreams) {
      checkServers(ctx, u);
      if (u.balance) {
        checkBalance(ctx, *u.balance);
      }
      if (u.retry && u.retry->on) {
        checkRetryOn(ctx, *u.retry->on);
      }
      if (u.health) {
        std::string m = u.health->method.text;
        if (m != "get" && m != "head" && m != "GET" && m != "HEAD") {
          unknownOption(ctx, u.health->method.span, m, "health check method", {"get", "head"});
        }
        if (u.health->path.str.empty() || u.health->path.str[0] != '/') {
          ctx.report(DiagCode::BadPath, u.health->path.span,
                     "health check path `" + u.health->path.str + "` must start with `/`");
        }
      }
    }
  }
}

}  // namespace gw::sema
