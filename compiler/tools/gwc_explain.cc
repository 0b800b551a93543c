// gwc explain: which route a request matches and why the others do not, which rule decided,
// which limits and upstream apply.
#include <iostream>

#include "compiler/diag/render.h"
#include "compiler/interp/linear_matcher.h"
#include "compiler/policy/build.h"
#include "compiler/policy/request_builder.h"
#include "compiler/policy/test_runner.h"
#include "compiler/tools/commands.h"

namespace gw::tools {

namespace {

struct ExplainArgs {
  std::string file, method, url, claims, ip;
  std::vector<std::pair<std::string, std::string>> headers;
};

bool parseArgs(const Args& args, ExplainArgs& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool hasValue = i + 1 < args.size();
    if (a == "--request" && hasValue) {
      std::string r = args[++i];
      size_t sp = r.find(' ');
      if (sp == std::string::npos) return false;
      out.method = r.substr(0, sp);
      out.url = r.substr(sp + 1);
    } else if (a == "--header" && hasValue) {
      std::string h = args[++i];
      size_t colon = h.find(':');
      if (colon == std::string::npos) return false;
      std::string v = h.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      out.headers.emplace_back(h.substr(0, colon), v);
    } else if (a == "--claims" && hasValue) {
      out.claims = args[++i];
    } else if (a == "--ip" && hasValue) {
      out.ip = args[++i];
    } else if (!a.empty() && a[0] != '-' && out.file.empty()) {
      out.file = a;
    } else {
      return false;
    }
  }
  return !out.file.empty() && !out.method.empty();
}

}  // namespace

int runExplain(const Args& args) {
  ExplainArgs ea;
  if (!parseArgs(args, ea)) {
    std::cerr << "usage: gwc explain FILE --request 'METHOD URL' [--header K:V] [--claims JSON] "
                 "[--ip A]\n";
    return 2;
  }
  SourceManager sources;
  DiagnosticSink diags;
  auto policy = policy::compilePolicyFile(ea.file, sources, diags);
  if (!policy) {
    diags.sort();
    std::cerr << renderText(diags, sources, false);
    return 1;
  }
  policy::RequestBuilder b;
  b.setTarget(ea.method, ea.url);
  for (const auto& [k, v] : ea.headers) b.addHeader(k, v);
  if (!ea.ip.empty() && !b.setClientIp(ea.ip)) {
    std::cerr << "gwc explain: invalid --ip `" << ea.ip << "`\n";
    return 2;
  }
  char scratch[4096];
  gw_eval_ctx ctx = policy->makeContext(scratch, sizeof scratch);
  interp::LinearMatcher linear(policy->ir());
  std::vector<interp::MissReason> why = linear.explain(b.request(), ctx);
  policy::Simulation sim =
      policy::simulate(*policy, b, !ea.claims.empty(), ea.claims, false, "");
  std::cout << "request: " << ea.method << " " << ea.url << "\n";
  if (sim.match.status == 0) {
    const policy::Route& r = policy->routes()[static_cast<size_t>(sim.match.route)];
    std::cout << "route: " << r.name << "\n";
    for (uint32_t i = 0; i < sim.match.param_count; ++i) {
      std::cout << "  param " << r.paramNames[sim.match.params[i].name_index] << " = "
                << std::string(sim.match.params[i].value.ptr, sim.match.params[i].value.len)
                << "\n";
    }
  } else {
    std::cout << "route: none (" << sim.match.status << ")\n";
  }
  for (size_t i = 0; i < why.size(); ++i) {
    if (static_cast<int32_t>(i) == sim.match.route) continue;
    const char* reason = why[i] == interp::MissReason::None ? "matches, but a more specific route wins"
                                                            : interp::missReasonName(why[i]);
    std::cout << "  not " << policy->routes()[i].name << ": "
              << (why[i] == interp::MissReason::None ? "" : "did not match: ") << reason << "\n";
  }
  if (sim.match.status != 0) {
    return 0;
  }
  const policy::Route& r = policy->routes()[static_cast<size_t>(sim.match.route)];
  std::cout << "status: " << sim.status << "\n";
  std::cout << "authorization: " << (sim.authz.allow ? "allow" : "deny");
  if (!sim.authz.policy.empty()) std::cout << " by policy " << sim.authz.policy;
  std::cout << " (rule: " << sim.authz.ruleText << ")\n";
  for (const policy::RouteLimit& l : r.limits) {
    ctx.scratch_used = 0;
    std::cout << "limit: " << l.name << " key `" << policy->evalString(l.key, b.request(), ctx)
              << "`\n";
  }
  for (const std::string& g : policy->gatewayLimits) std::cout << "gateway limit: " << g << "\n";
  if (!sim.upstream.empty()) std::cout << "upstream: " << sim.upstream << "\n";
  for (const auto& [k, v] : sim.setHeaders) std::cout << "set header: " << k << " = " << v << "\n";
  return 0;
}

}  // namespace gw::tools
