#include "compiler/aot/policy_tables_codec.h"

#include "compiler/aot/binary_archive.h"
#include "compiler/aot/runtime_config_fields.h"

namespace gw::aot {

namespace tables_detail {

// The field lists. Adding a field to a struct means adding it here (and bumping
// kGwoFormatVersion); the round-trip test compares every table.
template <typename A> void fields(A& a, Span& s) { a(s.file); a(s.line); a(s.col); a(s.offset); a(s.length); }
template <typename A> void fields(A& a, ir::RegexDef& r) { a(r.pattern); a(r.caseInsensitive); }
template <typename A> void fields(A& a, ir::Node& n) {
  a(n.op); a(n.kind); a(n.pred); a(n.field); a(n.callee); a(n.a); a(n.b); a(n.firstArg);
  a(n.argCount); a(n.imm); a(n.span);
}
template <typename A> void fields(A& a, ir::Function& f) {
  a(f.name); a(f.role); a(f.result); a(f.nodes); a(f.args); a(f.root); a(f.route); a(f.span);
}
template <typename A> void fields(A& a, ir::PathSegment& s) { a(s.text); a(s.param); }
template <typename A> void fields(A& a, ir::HostPattern& h) { a(h.kind); a(h.text); }
template <typename A> void fields(A& a, ir::RouteInfo& r) {
  a(r.name); a(r.paramNames); a(r.pathKind); a(r.segments); a(r.hosts); a(r.methodMask);
  a(r.cond); a(r.condCount); a(r.span);
}
template <typename A> void fields(A& a, ir::LiteralEdge& e) { a(e.segment); a(e.child); }
template <typename A> void fields(A& a, ir::LengthGroup& g) { a(g.length); a(g.first); a(g.count); }
template <typename A> void fields(A& a, ir::CandRange& r) { a(r.first); a(r.count); }
template <typename A> void fields(A& a, ir::MatchNode& n) {
  a(n.edges); a(n.byLength); a(n.paramChild); a(n.depth); a(n.terminal); a(n.prefix);
}
template <typename A> void fields(A& a, ir::MatchCandidate& c) {
  a(c.route); a(c.hostKind); a(c.host); a(c.methodMask); a(c.cond); a(c.condCount);
}
template <typename A> void fields(A& a, ir::MatchTree& t) { a(t.nodes); a(t.candidates); a(t.maxParams); }
template <typename A> void fields(A& a, policy::ForwardTarget& t) { a(t.upstream); a(t.weightBp); }
template <typename A> void fields(A& a, policy::HeaderOp& h) { a(h.remove); a(h.name); a(h.value); }
template <typename A> void fields(A& a, policy::RuleInfo& r) { a(r.deny); a(r.cond); a(r.text); }
template <typename A> void fields(A& a, policy::PolicyPlan& p) { a(p.name); a(p.rules); }
template <typename A> void fields(A& a, policy::RouteLimit& l) { a(l.name); a(l.key); }
template <typename A> void fields(A& a, policy::PathPiece& p) { a(p.text); a(p.value); a(p.query); }
template <typename A> void fields(A& a, policy::AggregatePart& p) { a(p.field); a(p.upstream); a(p.path); }
template <typename A> void fields(A& a, policy::JsonSetValue& v) { a(v.kind); a(v.value); }
template <typename A> void fields(A& a, policy::Route& r) {
  a(r.name); a(r.paramNames); a(r.authProviders); a(r.authOptional); a(r.hasAuthorize);
  a(r.authz); a(r.limits); a(r.targets); a(r.forwardKey); a(r.requestHeaders);
  a(r.responseHeaders); a(r.rewritePath); a(r.timeoutUs); a(r.maxBody); a(r.aggregate);
  a(r.requestJsonSets); a(r.responseJsonSets);
}
template <typename A> void fields(A& a, policy::AuthProvider& p) { a(p.name); a(p.kind); }
template <typename A> void fields(A& a, policy::LimitDecl& l) {
  a(l.name); a(l.kind); a(l.count); a(l.periodUs); a(l.burst); a(l.key);
}
template <typename A> void fields(A& a, policy::UpstreamDecl& u) { a(u.name); a(u.hashKey); }

}  // namespace tables_detail

namespace {

using tables_detail::Reader;
using tables_detail::Writer;

/// Every index the interpreter, the facade or the loader follows must be in range.
bool validate(const ir::Program& p, const std::vector<policy::Route>& routes, std::string* why) {
  auto fnOk = [&](int32_t f) { return f >= -1 && f < static_cast<int32_t>(p.functions.size()); };
  for (const ir::Function& f : p.functions) {
    for (const ir::Node& n : f.nodes) {
      bool ok = n.op <= ir::Op::MethodIn && n.kind <= ir::ValueKind::Ctx && n.pred <= ir::CmpPred::Ge &&
                n.field <= ir::FieldId::Count && n.callee <= ir::IntrinsicId::Count &&
                (n.a == ir::kNoNode || n.a < f.nodes.size()) && (n.b == ir::kNoNode || n.b < f.nodes.size()) &&
                uint64_t(n.firstArg) + n.argCount <= f.args.size();
      if (n.op == ir::Op::ConstStr) ok = ok && n.imm >= 0 && static_cast<uint64_t>(n.imm) < p.strings.size();
      if (n.op == ir::Op::LoadField) ok = ok && n.field < ir::FieldId::Count;
      if (n.op == ir::Op::Call) ok = ok && n.callee < ir::IntrinsicId::Count;
      if (!ok) return (*why = "a program node of `" + f.name + "` is out of range"), false;
    }
    for (uint32_t arg : f.args) {
      if (arg >= f.nodes.size()) return (*why = "a call argument is out of range"), false;
    }
    if (f.root != ir::kNoNode && f.root >= f.nodes.size()) return (*why = "a program root is out of range"), false;
  }
  const ir::MatchTree& t = p.matcher;
  for (const ir::MatchNode& n : t.nodes) {
    for (const ir::LiteralEdge& e : n.edges) {
      if (e.segment >= p.strings.size() || e.child >= t.nodes.size()) return (*why = "a matcher edge is out of range"), false;
    }
    for (const ir::LengthGroup& g : n.byLength) {
      if (uint64_t(g.first) + g.count > n.edges.size()) return (*why = "a matcher group is out of range"), false;
    }
    for (const ir::CandRange& r : {n.terminal, n.prefix}) {
      if (uint64_t(r.first) + r.count > t.candidates.size()) return (*why = "a candidate range is out of range"), false;
    }
    if (n.paramChild < -1 || n.paramChild >= static_cast<int32_t>(t.nodes.size())) return (*why = "a matcher node is out of range"), false;
  }
  for (const ir::MatchCandidate& c : t.candidates) {
    if (c.route >= routes.size() || !fnOk(c.cond) || (c.hostKind != ir::HostKind::Any && c.host >= p.strings.size()) ||
        c.hostKind > ir::HostKind::Wildcard) {
      return (*why = "a matcher candidate is out of range"), false;
    }
  }
  for (const policy::Route& r : routes) {
    bool ok = fnOk(r.forwardKey);
    for (const auto& plan : r.authz) for (const auto& rule : plan.rules) ok = ok && fnOk(rule.cond);
    for (const auto& l : r.limits) ok = ok && fnOk(l.key);
    for (const auto& h : r.requestHeaders) ok = ok && fnOk(h.value);
    for (const auto& h : r.responseHeaders) ok = ok && fnOk(h.value);
    for (const auto& part : r.aggregate) for (const auto& piece : part.path) ok = ok && fnOk(piece.value);
    for (const auto* sets : {&r.requestJsonSets, &r.responseJsonSets}) {
      for (const auto& v : *sets) ok = ok && fnOk(v.value) && v.kind <= policy::JsonSetValue::Kind::kBool;
    }
    if (!ok) return (*why = "route `" + r.name + "` refers to a missing program"), false;
  }
  return true;
}

}  // namespace

std::string encodeTables(const policy::CompiledPolicy& policy) {
  Writer w;
  const ir::Program& p = policy.ir();
  w(p.abiVersion);
  w(p.strings);
  w(p.regexes);
  w(p.functions);
  w(p.routes);
  w(p.matcher);
  w(policy.routes());
  w(policy.auths);
  w(policy.limits);
  w(policy.upstreams);
  w(policy.gatewayLimits);
  // What `gw run` needs besides code (listeners, servers, provider settings), in the same
  // binary form (format version 2; version 1 stored it as JSON, which dominated load time).
  w(policy.runtime);
  return std::move(w.out);
}

std::shared_ptr<policy::CompiledPolicy> decodeTables(std::string_view bytes, std::string* error) {
  Reader r(bytes);
  ir::Program p;
  std::vector<policy::Route> routes;
  std::vector<policy::AuthProvider> auths;
  std::vector<policy::LimitDecl> limits;
  std::vector<policy::UpstreamDecl> upstreams;
  std::vector<std::string> gatewayLimits;
  r(p.abiVersion);
  r(p.strings);
  r(p.regexes);
  r(p.functions);
  r(p.routes);
  r(p.matcher);
  r(routes);
  r(auths);
  r(limits);
  r(upstreams);
  r(gatewayLimits);
  policy::RuntimeConfig runtime;
  r(runtime);
  if (!r.done()) {
    *error = "the policy tables are malformed";
    return nullptr;
  }
  for (const auto& l : limits) {
    if (l.key < -1 || l.key >= static_cast<int32_t>(p.functions.size())) {
      *error = "a limit refers to a missing program";
      return nullptr;
    }
  }
  if (!validate(p, routes, error)) {
    return nullptr;
  }
  std::vector<ir::RegexDef> regexes = p.regexes;
  auto policy = std::make_shared<policy::CompiledPolicy>(std::move(p), std::move(routes));
  for (const ir::RegexDef& re : regexes) {
    std::string why;
    if (policy->addRegex(re.pattern, re.caseInsensitive, &why) < 0) {
      *error = "regular expression `" + re.pattern + "` no longer compiles: " + why;
      return nullptr;
    }
  }
  policy->auths = std::move(auths);
  policy->limits = std::move(limits);
  policy->upstreams = std::move(upstreams);
  policy->gatewayLimits = std::move(gatewayLimits);
  policy->runtime = std::move(runtime);
  return policy;
}

}  // namespace gw::aot
