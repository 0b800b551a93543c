#include "compiler/interp/linear_matcher.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "compiler/interp/interpreter.h"

namespace gw::interp {

const char* missReasonName(MissReason r) {
  switch (r) {
    case MissReason::None: return "matches";
    case MissReason::Host: return "host";
    case MissReason::Path: return "path";
    case MissReason::Method: return "method";
    case MissReason::Conditions: return "header/query/when conditions";
  }
  return "?";
}

LinearMatcher::LinearMatcher(const ir::Program& program) : p_(program) {
  for (uint32_t r = 0; r < p_.routes.size(); ++r) {
    uint32_t hosts = std::max<uint32_t>(1, static_cast<uint32_t>(p_.routes[r].hosts.size()));
    for (uint32_t h = 0; h < hosts; ++h) {
      order_.push_back(ir::SpecCandidate{r, h});
    }
  }
  std::sort(order_.begin(), order_.end(), [&](const ir::SpecCandidate& a,
                                              const ir::SpecCandidate& b) {
    return ir::moreSpecific(p_, a, b);
  });
}

namespace {

constexpr size_t kMaxSegs = 256;

bool hostOk(const ir::RouteInfo& r, uint32_t h, std::string_view host) {
  if (r.hosts.empty()) {
    return true;
  }
  const ir::HostPattern& hp = r.hosts[h];
  if (hp.kind == ir::HostKind::Exact) {
    return host == hp.text;
  }
  return host.size() > hp.text.size() && host.substr(host.size() - hp.text.size()) == hp.text;
}

// Matches the path against the route's pattern segment by segment, capturing params.
bool pathOk(const ir::RouteInfo& r, const std::string_view* segs, size_t count, gw_param* caps,
            uint32_t* n) {
  *n = 0;
  if (count > kMaxSegs) {
    return r.pathKind == ir::PathKind::Prefix && r.segments.empty();
  }
  if (r.pathKind == ir::PathKind::Prefix) {
    if (count < r.segments.size()) {
      return false;
    }
  } else if (count != r.segments.size()) {
    return false;
  }
  for (size_t i = 0; i < r.segments.size(); ++i) {
    const ir::PathSegment& s = r.segments[i];
    if (s.param) {
      if (segs[i].empty() || *n >= GW_MAX_PARAMS) {
        return false;
      }
      caps[*n] = gw_param{*n, 0, gw_str{segs[i].data(), segs[i].size()}};
      ++*n;
    } else if (segs[i] != s.text) {
      return false;
    }
  }
  return true;
}

}  // namespace

MissReason LinearMatcher::check(const ir::SpecCandidate& c, const gw_request& req,
                                const std::string_view* segs, size_t segCount, gw_eval_ctx& ctx,
                                gw_param* caps, uint32_t* capCount) const {
  const ir::RouteInfo& r = p_.routes[c.route];
  if (!hostOk(r, c.host, std::string_view(req.host.ptr, req.host.len))) {
    return MissReason::Host;
  }
  if (!pathOk(r, segs, segCount, caps, capCount)) {
    return MissReason::Path;
  }
  if (r.methodMask != 0 &&
      (req.method_id >= GW_METHOD_COUNT || ((r.methodMask >> req.method_id) & 1u) == 0)) {
    return MissReason::Method;
  }
  if (r.cond >= 0) {
    const gw_param* saved = ctx.params;
    uint32_t savedCount = ctx.param_count;
    ctx.params = caps;
    ctx.param_count = *capCount;
    bool ok = evalBool(p_, static_cast<uint32_t>(r.cond), req, ctx) != 0;
    ctx.params = saved;
    ctx.param_count = savedCount;
    if (!ok) {
      return MissReason::Conditions;
    }
  }
  return MissReason::None;
}

void LinearMatcher::match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const {
  bool pathHost = false;
  bool methodOk = false;
  uint32_t allow = 0;
  gw_param caps[GW_MAX_PARAMS];
  std::string_view segs[kMaxSegs];
  size_t segCount = ir::splitRequestPath(std::string_view(req.path.ptr, req.path.len), segs, kMaxSegs);
  for (const ir::SpecCandidate& c : order_) {
    uint32_t n = 0;
    MissReason why = check(c, req, segs, segCount, ctx, caps, &n);
    if (why == MissReason::None) {
      out.route = static_cast<int32_t>(c.route);
      out.status = 0;
      out.allow_methods = 0;
      out.param_count = n;
      std::memcpy(out.params, caps, sizeof(gw_param) * n);
      return;
    }
    if (why == MissReason::Method || why == MissReason::Conditions) {
      pathHost = true;
      uint32_t mask = p_.routes[c.route].methodMask;
      allow |= mask == 0 ? ((1u << GW_METHOD_COUNT) - 1) : mask;
      methodOk = methodOk || why == MissReason::Conditions;
    }
  }
  out.route = -1;
  out.param_count = 0;
  out.status = pathHost && !methodOk ? 405 : 404;
  out.allow_methods = out.status == 405 ? allow : 0;
}

std::vector<MissReason> LinearMatcher::explain(const gw_request& req, gw_eval_ctx& ctx) const {
  std::vector<MissReason> out(p_.routes.size(), MissReason::Host);
  std::vector<bool> seen(p_.routes.size(), false);
  gw_param caps[GW_MAX_PARAMS];
  std::string_view segs[kMaxSegs];
  size_t segCount = ir::splitRequestPath(std::string_view(req.path.ptr, req.path.len), segs, kMaxSegs);
  for (const ir::SpecCandidate& c : order_) {
    uint32_t n = 0;
    MissReason why = check(c, req, segs, segCount, ctx, caps, &n);
    // With several hosts, report the most advanced test any host pattern reached.
    if (!seen[c.route] || static_cast<int>(why) == 0 ||
        (out[c.route] != MissReason::None && static_cast<int>(why) > static_cast<int>(out[c.route]))) {
      out[c.route] = why;
    }
    seen[c.route] = true;
  }
  return out;
}

}  // namespace gw::interp
