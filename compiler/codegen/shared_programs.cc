#include "compiler/codegen/shared_programs.h"

#include <unordered_map>

#include "compiler/codegen/entry_points.h"

namespace gw::codegen {

namespace {

/// A Function's program as bytes (names and spans left out; constant strings by content), so
/// that identical programs of different routes get the same key.
std::string programKey(const ir::Program& p, const ir::Function& f) {
  std::string k;
  auto put = [&k](const void* v, size_t n) { k.append(static_cast<const char*>(v), n); };
  // Counts first: nodes are variable-length (strings inline), so the layout must not be able
  // to make two different programs spell the same bytes.
  uint64_t counts[2] = {f.nodes.size(), f.args.size()};
  put(counts, sizeof counts);
  put(&f.result, sizeof f.result);
  put(&f.root, sizeof f.root);
  for (const ir::Node& n : f.nodes) {
    put(&n.op, sizeof n.op);
    put(&n.kind, sizeof n.kind);
    put(&n.pred, sizeof n.pred);
    put(&n.field, sizeof n.field);
    put(&n.callee, sizeof n.callee);
    put(&n.a, sizeof n.a);
    put(&n.b, sizeof n.b);
    put(&n.firstArg, sizeof n.firstArg);
    put(&n.argCount, sizeof n.argCount);
    if (n.op == ir::Op::ConstStr && n.imm >= 0 && static_cast<size_t>(n.imm) < p.strings.size()) {
      const std::string& s = p.strings[static_cast<size_t>(n.imm)];
      size_t len = s.size();
      put(&len, sizeof len);
      k += s;
    } else {
      put(&n.imm, sizeof n.imm);
    }
  }
  for (uint32_t a : f.args) put(&a, sizeof a);
  return k;
}

/// What a route's authorization code depends on: per policy, its rules' deny flags and
/// conditions (by canonical program). Policy names and rule texts are only reported by the
/// facade, never compiled, so routes that repeat the same `authorize` block share one function.
std::string authzKey(const SharedPrograms& shared, const policy::Route& route) {
  std::string k;
  for (const policy::PolicyPlan& plan : route.authz) {
    k += 'P';
    for (const policy::RuleInfo& rule : plan.rules) {
      int32_t cond = rule.cond;
      if (cond >= 0 && static_cast<size_t>(cond) < shared.functions.size() &&
          shared.functions[static_cast<size_t>(cond)] != SharedPrograms::kNone) {
        cond = static_cast<int32_t>(shared.functions[static_cast<size_t>(cond)]);
      }
      k += rule.deny ? 'D' : 'A';
      k.append(reinterpret_cast<const char*>(&cond), sizeof cond);
    }
  }
  return k;
}

size_t countCanonical(const std::vector<uint32_t>& map) {
  size_t n = 0;
  for (size_t i = 0; i < map.size(); ++i) n += map[i] == i;
  return n;
}

bool refuse(std::string* why, std::string message) {
  if (why) *why = std::move(message);
  return false;
}

}  // namespace

size_t SharedPrograms::distinctFunctions() const { return countCanonical(functions); }
size_t SharedPrograms::distinctAuthz() const { return countCanonical(authz); }

SharedPrograms sharePrograms(const policy::CompiledPolicy& policy) {
  SharedPrograms out;
  const ir::Program& p = policy.ir();
  out.functions.assign(p.functions.size(), SharedPrograms::kNone);
  std::unordered_map<std::string, uint32_t> programs;
  for (uint32_t i = 0; i < p.functions.size(); ++i) {
    if (servedAsConstant(p.functions[i])) continue;  // never emitted: nothing to share
    out.functions[i] = programs.emplace(programKey(p, p.functions[i]), i).first->second;
  }
  const std::vector<policy::Route>& routes = policy.routes();
  out.authz.assign(routes.size(), SharedPrograms::kNone);
  std::unordered_map<std::string, uint32_t> blocks;
  for (uint32_t r = 0; r < routes.size(); ++r) {
    if (routes[r].hasAuthorize) out.authz[r] = blocks.emplace(authzKey(out, routes[r]), r).first->second;
  }
  return out;
}

bool validSharing(const policy::CompiledPolicy& policy, const SharedPrograms& shared, std::string* why) {
  const std::vector<ir::Function>& fns = policy.ir().functions;
  const std::vector<policy::Route>& routes = policy.routes();
  if (shared.functions.size() != fns.size() || shared.authz.size() != routes.size()) {
    return refuse(why, "the shared-program map does not fit the policy tables");
  }
  for (size_t i = 0; i < fns.size(); ++i) {
    uint32_t c = shared.functions[i];
    bool constant = servedAsConstant(fns[i]);
    if (c == SharedPrograms::kNone ? !constant
                                   : (constant || c >= fns.size() || shared.functions[c] != c ||
                                      fns[c].result != fns[i].result)) {
      return refuse(why, "program " + std::to_string(i) + " is shared with an incompatible one");
    }
  }
  for (size_t r = 0; r < routes.size(); ++r) {
    uint32_t c = shared.authz[r];
    bool ok = c == SharedPrograms::kNone ? !routes[r].hasAuthorize
                                         : routes[r].hasAuthorize && c < routes.size() && shared.authz[c] == c;
    if (!ok) return refuse(why, "route " + std::to_string(r) + "'s authorization is shared with an incompatible one");
  }
  return true;
}

}  // namespace gw::codegen
