// E0302: two routes with identical matchers. W0001: a route that can never match because an
// earlier route ties with it on specificity and accepts every request it would (same path,
// host and conditions, a superset of its methods). W0007: routes that tie on specificity with
// different conditions, where source order decides.
// Routes are grouped by hash keys (path + host, then conditions), so the cost is linear in the
// number of routes for realistic files; pairwise work happens only inside one path+host group.
#include <unordered_map>

#include "compiler/sema/check_context.h"
#include "compiler/sema/route_key.h"
#include "compiler/sema/schema.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

struct Entry {
  const Route* route;
  RouteKey key;
};

std::string methodsText(uint32_t mask) {
  std::string out;
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    if (mask & (1u << i)) {
      out += (out.empty() ? "" : ", ") + std::string(kMethods[i]);
    }
  }
  return out;
}

Span matcherSpan(const Route& r) { return r.match ? r.match->span : r.name.span; }

// Inside one path+host group: identical matchers and shadowing by a superset of methods.
void sameConditions(CheckContext& ctx, const std::vector<const Entry*>& group) {
  // Earlier routes by method mask; at most 2^9 distinct masks, so the scan below is bounded.
  std::vector<const Entry*> earlier;
  for (const Entry* b : group) {
    const Entry* shadow = nullptr;
    bool identical = false;
    for (const Entry* a : earlier) {
      if (a->key.methods == b->key.methods) {
        shadow = a;
        identical = true;
        break;
      }
      if (a->key.methods != 0 && b->key.methods != 0 &&
          (a->key.methods & b->key.methods) == b->key.methods && !shadow) {
        shadow = a;
      }
    }
    if (identical) {
      Diagnostic& d = ctx.report(DiagCode::IdenticalMatchers, b->route->name.span,
                                 "routes `" + shadow->route->name.text + "` and `" +
                                     b->route->name.text + "` have identical matchers");
      d.notes.push_back({"`" + shadow->route->name.text + "` is declared here",
                         shadow->route->name.span});
      d.help = "no request could tell them apart; remove one, or add a `method`, `header` or "
               "`when` condition to one of them";
      continue;
    }
    if (shadow) {
      Diagnostic& d = ctx.report(DiagCode::ShadowedRoute, b->route->name.span,
                                 "route `" + b->route->name.text + "` can never match");
      d.notes.push_back({"route `" + shadow->route->name.text + "` accepts every request it "
                         "would (" + methodsText(shadow->key.methods) + "), and ties with it "
                         "on specificity",
                         matcherSpan(*shadow->route)});
      d.help = "remove `" + b->route->name.text + "`, or narrow `" +
               shadow->route->name.text + "` so it no longer lists " +
               methodsText(b->key.methods);
    }
    if (earlier.size() < 512) {
      earlier.push_back(b);
    }
  }
}

// Routes of one path+host group with the same number of conditions but different ones, whose
// methods overlap: when both match, the earlier one wins silently.
void ties(CheckContext& ctx, const std::vector<const Entry*>& group) {
  constexpr size_t kMaxCompared = 64;  // keeps pathological files linear
  for (size_t i = 1; i < group.size(); ++i) {
    const Entry* b = group[i];
    if (b->key.conditionCount == 0) {
      continue;
    }
    for (size_t j = 0; j < i && j < kMaxCompared; ++j) {
      const Entry* a = group[j];
      bool overlap = (a->key.methods == 0) == (b->key.methods == 0) &&
                     (a->key.methods == 0 || (a->key.methods & b->key.methods));
      if (a->key.conditionCount == b->key.conditionCount &&
          a->key.conditions != b->key.conditions && overlap) {
        Diagnostic& d = ctx.report(DiagCode::AmbiguousRoutes, b->route->name.span,
                                   "routes `" + a->route->name.text + "` and `" +
                                       b->route->name.text + "` tie on specificity");
        d.notes.push_back({"when a request satisfies both, `" + a->route->name.text +
                               "` wins because it is declared first",
                           a->route->name.span});
        d.help = "make the conditions exclusive, or add a condition to the route that "
                 "should win";
        break;
      }
    }
  }
}

}  // namespace

void checkMatchers(CheckContext& ctx) {
  std::vector<Entry> entries;
  entries.reserve(ctx.symbols.routes.list.size());
  for (const Route* r : ctx.symbols.routes.list) {
    entries.push_back({r, routeKey(*r)});
  }
  std::unordered_map<std::string, std::vector<const Entry*>> byPathHost;
  std::vector<std::string> order;  // first-seen order keeps diagnostics deterministic
  for (const Entry& e : entries) {
    std::string k = e.key.path + "|" + e.key.host;
    auto [it, fresh] = byPathHost.try_emplace(k);
    if (fresh) {
      order.push_back(k);
    }
    it->second.push_back(&e);
  }
  for (const std::string& k : order) {
    const std::vector<const Entry*>& group = byPathHost[k];
    if (group.size() < 2) {
      continue;
    }
    std::unordered_map<std::string, std::vector<const Entry*>> byConditions;
    std::vector<std::string> condOrder;
    for (const Entry* e : group) {
      auto [it, fresh] = byConditions.try_emplace(e->key.conditions);
      if (fresh) {
        condOrder.push_back(e->key.conditions);
      }
      it->second.push_back(e);
    }
    for (const std::string& c : condOrder) {
      sameConditions(ctx, byConditions[c]);
    }
    ties(ctx, group);
  }
}

}  // namespace gw::sema
