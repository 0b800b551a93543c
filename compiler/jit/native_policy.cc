#include "compiler/jit/native_policy.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "compiler/codegen/entry_points.h"
#include "compiler/codegen/match_mode.h"
#include "compiler/codegen/module_builder.h"
#include "compiler/jit/llvm_target.h"
#include "compiler/jit/object_compiler.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/raw_ostream.h"

namespace gw::jit {

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
  TargetInfo host;
  std::string why;
  if (!hostTarget(&host, &why)) {
    reportCodegen(diags, why);
    return std::nullopt;
  }
  auto machine = createHostTargetMachine();
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
  out.target = std::move(host);
  return out;
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
    auto machine = createHostTargetMachine();
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
