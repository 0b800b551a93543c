#include "compiler/jit/native_policy.h"

#include "compiler/codegen/authz_codegen.h"
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/match_codegen.h"
#include "compiler/codegen/module_builder.h"
#include "compiler/jit/jit_engine.h"
#include "compiler/jit/object_compiler.h"
#include "compiler/jit/route_table_build.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace gw::jit {

NativeCode::~NativeCode() = default;

gw_bool_fn NativeCode::boolFunction(uint32_t fn) const {
  return fn < functions_.size() ? reinterpret_cast<gw_bool_fn>(functions_[fn]) : nullptr;
}

gw_str_fn NativeCode::strFunction(uint32_t fn) const {
  return fn < functions_.size() ? reinterpret_cast<gw_str_fn>(functions_[fn]) : nullptr;
}

gw_bool_fn NativeCode::authzFunction(uint32_t route) const {
  return route < authz_.size() ? reinterpret_cast<gw_bool_fn>(authz_[route]) : nullptr;
}

size_t NativeCode::objectSize() const { return code_ ? code_->objectSize() : 0; }

policy::AuthzResult NativeCode::authorize(const policy::CompiledPolicy& policy, uint32_t route,
                                          const gw_request& req, gw_eval_ctx& ctx) const {
  gw_bool_fn fn = authzFunction(route);
  if (fn == nullptr) {
    return policy.authorize(route, req, ctx);  // no `authorize`: the facade's trivial answer
  }
  codegen::AuthzDecision d = codegen::unpackAuthz(fn(&req, &ctx));
  const policy::Route& r = policy.routes()[route];
  policy::AuthzResult res;
  res.allow = d.allow;
  res.rule = d.rule;
  if (d.policy >= 0) {
    const policy::PolicyPlan& plan = r.authz[static_cast<size_t>(d.policy)];
    res.policy = plan.name;
    if (d.rule >= 0) {
      res.ruleText = plan.rules[static_cast<size_t>(d.rule)].text;
    }
  }
  return res;
}

void NativeCode::runMatch(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const {
  if (match_ != nullptr) {
    match_(&req, &ctx, &out);
    return;
  }
  auto cond = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* c) -> int32_t {
    return reinterpret_cast<gw_bool_fn>(static_cast<const NativeCode*>(self)->functions_[fn])(r, c);
  };
  table_->match(req, ctx, out, cond, this);
}

policy::PolicyCode NativeCode::policyCode() const {
  policy::PolicyCode c;
  c.self = this;
  c.match = [](const void* self, const gw_request* r, gw_eval_ctx* ctx, gw_match_result* out) {
    static_cast<const NativeCode*>(self)->runMatch(*r, *ctx, *out);
  };
  c.evalBool = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* ctx) {
    gw_bool_fn f = static_cast<const NativeCode*>(self)->boolFunction(fn);
    return f ? f(r, ctx) : 0;
  };
  c.evalStr = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* ctx, gw_str* out) {
    const auto* code = static_cast<const NativeCode*>(self);
    gw_str_fn f = code->strFunction(fn);
    if (f) {
      f(r, ctx, out);
    } else {
      *out = fn < code->constants_.size() ? code->constants_[fn] : gw_str{"", 0};
    }
  };
  return c;
}

namespace {

/// GW_JIT_TIMING=1 prints the duration of each compile stage to stderr (tuning, benchmarks).
class StageTimer {
 public:
  StageTimer() : enabled_(std::getenv("GW_JIT_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void mark(const char* stage) {
    auto now = std::chrono::steady_clock::now();
    if (enabled_) {
      std::fprintf(stderr, "gw jit: %-10s %8.1f ms\n", stage,
                   std::chrono::duration<double, std::milli>(now - last_).count());
    }
    last_ = now;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_;
};

void reportCodegen(DiagnosticSink& diags, const std::string& what) {
  diags.report(DiagCode::NativeCodegen, Span{}, "native code generation failed: " + what)
      .help = "this is a bug in gwc; `gw` can still run the policy with the interpreter";
}

}  // namespace

std::optional<NativeObject> compileObject(const policy::CompiledPolicy& policy, DiagnosticSink& diags) {
  auto engine = JitEngine::instance();
  if (!engine) {
    reportCodegen(diags, takeErrorMessage(engine.takeError()));
    return std::nullopt;
  }
  auto machine = (*engine)->createTargetMachine();
  if (!machine) {
    reportCodegen(diags, takeErrorMessage(machine.takeError()));
    return std::nullopt;
  }
  StageTimer timer;
  llvm::LLVMContext context;
  codegen::SharedPrograms shared = codegen::sharePrograms(policy);
  auto module = codegen::buildModule(context, policy, shared);
  timer.mark("codegen");
  if (!module) {
    reportCodegen(diags, takeErrorMessage(module.takeError()));
    return std::nullopt;
  }
  if (llvm::Error err = optimizeModule(**module, **machine)) {
    reportCodegen(diags, takeErrorMessage(std::move(err)));
    return std::nullopt;
  }
  timer.mark("optimize");
  auto object = emitObject(**module, **machine);
  timer.mark("emit");
  if (!object) {
    reportCodegen(diags, takeErrorMessage(object.takeError()));
    return std::nullopt;
  }
  NativeObject out;
  out.object.assign((*object)->getBufferStart(), (*object)->getBufferSize());
  out.symbols = codegen::entrySymbols(shared, codegen::compilesMatchTree(policy.ir().matcher));
  out.shared = std::move(shared);
  out.target = (*engine)->hostTarget();
  return out;
}

std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy& policy,
                                       const NativeObject& object, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<NativeCode> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  // The object says how it matches: with a compiled gw_match, or through the route table.
  bool compiledMatch = !object.symbols.empty() && object.symbols[0] == codegen::matchSymbol();
  std::string why;
  if (!codegen::validSharing(policy, object.shared, &why)) {
    return fail("the object's " + why);
  }
  std::vector<std::string> expected = codegen::entrySymbols(object.shared, compiledMatch);
  if (object.symbols != expected) {
    return fail("the object's entry points do not match its policy tables");
  }
  auto engine = JitEngine::instance();
  if (!engine) {
    return fail(takeErrorMessage(engine.takeError()));
  }
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(object.object, "gw.policy.o");
  auto loaded = (*engine)->load(std::move(buffer), expected);
  if (!loaded) {
    return fail("cannot link the policy's native code: " + takeErrorMessage(loaded.takeError()));
  }
  std::unique_ptr<NativeCode> code(new NativeCode());
  code->code_ = std::move(*loaded);
  if (compiledMatch) {
    code->match_ = reinterpret_cast<gw_match_fn>(code->code_->address(codegen::matchSymbol()));
  } else {
    code->table_ = buildRouteTable(policy.ir());
  }
  const ir::Program& ir = policy.ir();
  const codegen::SharedPrograms& shared = object.shared;
  size_t fns = ir.functions.size();
  code->functions_.resize(fns);
  code->constants_.assign(fns, gw_str{"", 0});
  for (uint32_t i = 0; i < fns; ++i) {
    const ir::Function& f = ir.functions[i];
    if (shared.functions[i] != codegen::SharedPrograms::kNone) {
      // A repeat runs its canonical copy's code (validSharing: same result kind).
      code->functions_[i] =
          reinterpret_cast<void*>(code->code_->address(codegen::functionSymbol(shared.functions[i])));
    } else if (f.nodes[0].imm >= 0 && static_cast<size_t>(f.nodes[0].imm) < ir.strings.size()) {
      // Points into the policy's pool: the policy outlives every call through this code.
      const std::string& value = ir.strings[static_cast<size_t>(f.nodes[0].imm)];
      code->constants_[i] = gw_str{value.data(), value.size()};
    }
  }
  code->authz_.assign(policy.routes().size(), nullptr);
  for (uint32_t r = 0; r < policy.routes().size(); ++r) {
    if (shared.authz[r] != codegen::SharedPrograms::kNone) {
      code->authz_[r] = reinterpret_cast<void*>(code->code_->address(codegen::authzSymbol(shared.authz[r])));
    }
  }
  code->shared_ = shared;
  return code;
}

std::shared_ptr<const policy::CompiledPolicy> attachNative(std::shared_ptr<policy::CompiledPolicy> policy,
                                                           std::shared_ptr<NativeCode> code) {
  struct Generation {
    std::shared_ptr<NativeCode> code;  // destroyed after the policy stops being reachable
    std::shared_ptr<policy::CompiledPolicy> policy;
  };
  policy->installCode(code->policyCode());
  auto generation = std::make_shared<Generation>(Generation{std::move(code), policy});
  return std::shared_ptr<const policy::CompiledPolicy>(generation, generation->policy.get());
}

std::shared_ptr<const policy::CompiledPolicy> jitCompile(std::shared_ptr<policy::CompiledPolicy> policy,
                                                         DiagnosticSink& diags,
                                                         std::shared_ptr<NativeCode>* native) {
  if (!policy) {
    reportCodegen(diags, "there is no policy to compile");
    return nullptr;
  }
  auto object = compileObject(*policy, diags);
  if (!object) {
    return nullptr;
  }
  std::string error;
  std::shared_ptr<NativeCode> code = linkObject(*policy, *object, &error);
  if (!code) {
    reportCodegen(diags, error);
    return nullptr;
  }
  if (native) {
    *native = code;
  }
  return attachNative(std::move(policy), std::move(code));
}

std::string printLlvm(const policy::CompiledPolicy& policy, bool optimized, DiagnosticSink& diags) {
  llvm::LLVMContext context;
  auto module = codegen::buildModule(context, policy);
  if (!module) {
    reportCodegen(diags, takeErrorMessage(module.takeError()));
    return {};
  }
  if (optimized) {
    auto engine = JitEngine::instance();
    if (!engine) {
      reportCodegen(diags, takeErrorMessage(engine.takeError()));
      return {};
    }
    auto machine = (*engine)->createTargetMachine();
    if (!machine) {
      reportCodegen(diags, takeErrorMessage(machine.takeError()));
      return {};
    }
    if (llvm::Error err = optimizeModule(**module, **machine)) {
      reportCodegen(diags, takeErrorMessage(std::move(err)));
      return {};
    }
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  (*module)->print(os, nullptr);
  return os.str();
}

}  // namespace gw::jit
