#include "tests/differential/diff_harness.h"

#include <sstream>

#include "compiler/aot/gwo_loader.h"
#include "compiler/aot/gwo_writer.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/sema/sema.h"
#include "stdlib/native/route_table.h"

namespace gw::difftest {

namespace {

std::shared_ptr<policy::CompiledPolicy> frontEnd(const std::string& source, std::string* why) {
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgramFromText(sources, "diff.gw", source, diags);
  if (!diags.hasErrors()) {
    sema::SemaResult sr = sema::analyze(program, sources, diags);
    if (sr.ok() && !diags.hasErrors()) {
      auto p = policy::buildPolicy(program, sources, diags);
      if (p) return p;
    }
  }
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Severity::Error) {
      *why = std::string(diagInfo(d.code).code) + ": " + d.message;
      break;
    }
  }
  return nullptr;
}

struct Outcome {
  gw_match_result m{};
  std::string authz;
  std::vector<std::string> values;
};

Outcome run(const policy::CompiledPolicy& p, const jit::NativeCode* native, const GenRequest& req) {
  Outcome o;
  char scratch[256];
  gw_eval_ctx ctx = p.makeContext(scratch, sizeof(scratch));
  p.match(req.view, ctx, o.m);
  ctx.params = o.m.params;
  ctx.param_count = o.m.param_count;
  if (o.m.route >= 0) {
    auto r = static_cast<uint32_t>(o.m.route);
    policy::AuthzResult a = native ? native->authorize(p, r, req.view, ctx) : p.authorize(r, req.view, ctx);
    o.authz = std::string(a.allow ? "allow " : "deny ") + std::string(a.policy) + "#" +
              std::to_string(a.rule) + " " + std::string(a.ruleText);
  }
  for (uint32_t f = 0; f < p.ir().functions.size(); ++f) {
    ctx.scratch_used = 0;
    if (p.ir().functions[f].result == ir::ValueKind::Str) {
      o.values.push_back(std::string(p.evalString(static_cast<int32_t>(f), req.view, ctx)));
    } else {
      o.values.push_back(p.evalBool(static_cast<int32_t>(f), req.view, ctx) ? "true" : "false");
    }
  }
  return o;
}

std::string describeMatch(const gw_match_result& m) {
  std::ostringstream os;
  os << "route=" << m.route << " status=" << m.status << " allow=" << m.allow_methods << " params=[";
  for (uint32_t i = 0; i < m.param_count && i < GW_MAX_PARAMS; ++i) {
    os << m.params[i].name_index << ":" << std::string(m.params[i].value.ptr, m.params[i].value.len) << ",";
  }
  os << "]";
  return os.str();
}

std::string diff(const char* name, const Outcome& want, const Outcome& got, const policy::CompiledPolicy& p) {
  std::string a = describeMatch(want.m), b = describeMatch(got.m);
  if (a != b) return std::string(name) + " match: interpreter " + a + " vs " + b;
  if (want.authz != got.authz) return std::string(name) + " authz: interpreter " + want.authz + " vs " + got.authz;
  for (size_t i = 0; i < want.values.size(); ++i) {
    if (want.values[i] != got.values[i]) {
      return std::string(name) + " function " + p.ir().functions[i].name + ": interpreter `" +
             want.values[i] + "` vs `" + got.values[i] + "`";
    }
  }
  return {};
}

}  // namespace

std::unique_ptr<Subjects> Subjects::build(const std::string& source, bool withAot, std::string* why,
                                          bool* frontEndRejected) {
  *frontEndRejected = false;
  auto s = std::unique_ptr<Subjects>(new Subjects());
  s->interp_ = frontEnd(source, why);
  if (!s->interp_) {
    *frontEndRejected = true;
    return nullptr;
  }
  auto forJit = frontEnd(source, why);
  DiagnosticSink diags;
  s->jit_ = jit::jitCompile(forJit, diags, &s->native_);
  if (!s->jit_) {
    *why = diags.all().empty() ? "jit failed" : diags.all()[0].message;
    return nullptr;
  }
  if (withAot) {
    auto forAot = frontEnd(source, why);
    std::string bytes;
    if (!aot::writeGwo(*forAot, {source}, &bytes, diags)) {
      *why = "gwo write failed: " + (diags.all().empty() ? std::string() : diags.all()[0].message);
      return nullptr;
    }
    aot::GwoError error;
    s->aot_ = aot::loadGwo(bytes, &error);
    if (!s->aot_) {
      *why = "gwo load failed: " + error.message;
      return nullptr;
    }
  }
  return s;
}

std::string Subjects::compare(const GenRequest& req) const {
  Outcome want = run(*interp_, nullptr, req);
  std::string d = diff("jit", want, run(*jit_, nullptr, req), *interp_);
  if (d.empty()) d = diff("jit-authz-fn", want, run(*jit_, native_.get(), req), *interp_);
  if (d.empty() && aot_) d = diff("aot", want, run(*aot_, nullptr, req), *interp_);
  return d.empty() ? d : d + " for request " + req.describe;
}

gw_match_result Subjects::interpreterMatch(const GenRequest& req) const {
  return run(*interp_, nullptr, req).m;
}

std::string Subjects::indexAnswer(const GenRequest& req) const {
  const native::RouteTable* table = native_->routeTable();
  if (table == nullptr) {
    return "the JIT compiled the tree: no route table for " + req.describe;
  }
  char scratch[256];
  gw_eval_ctx ctx = jit_->makeContext(scratch, sizeof(scratch));
  gw_match_result got{};
  auto cond = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* c) -> int32_t {
    gw_bool_fn f = static_cast<const jit::NativeCode*>(self)->boolFunction(fn);
    return f ? f(r, c) : 0;
  };
  if (!table->matchIndexOnly(req.view, ctx, got, cond, native_.get())) {
    return "the index left it to the walk: " + req.describe;
  }
  std::string want = describeMatch(run(*interp_, nullptr, req).m), have = describeMatch(got);
  return want == have ? std::string() : "index: interpreter " + want + " vs " + have + " for " + req.describe;
}

}  // namespace gw::difftest
