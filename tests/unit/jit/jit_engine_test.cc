// The JIT wrapper: compile a hand-built module to an object, link it, call it; code lifetime is
// the LoadedCode; only the native symbol map is visible to generated code.
#include "compiler/jit/jit_engine.h"

#include <gtest/gtest.h>

#include <cstring>

#include "compiler/jit/object_compiler.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace gw::jit {
namespace {

/// int32_t NAME(const char* a, const char* b, int64_t n) { return CALLEE(a, b, n) == 0; }
std::unique_ptr<llvm::Module> makeModule(llvm::LLVMContext& ctx, const std::string& name,
                                         const std::string& callee) {
  auto module = std::make_unique<llvm::Module>("test", ctx);
  llvm::IRBuilder<> b(ctx);
  auto* ptr = b.getPtrTy();
  auto* memcmpType = llvm::FunctionType::get(b.getInt32Ty(), {ptr, ptr, b.getInt64Ty()}, false);
  auto memcmpFn = module->getOrInsertFunction(callee, memcmpType);
  auto* fn = llvm::Function::Create(memcmpType, llvm::Function::ExternalLinkage, name, *module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
  auto* r = b.CreateCall(memcmpFn, {fn->getArg(0), fn->getArg(1), fn->getArg(2)});
  b.CreateRet(b.CreateZExt(b.CreateICmpEQ(r, b.getInt32(0)), b.getInt32Ty()));
  return module;
}

std::unique_ptr<llvm::MemoryBuffer> compile(std::unique_ptr<llvm::Module> module) {
  auto engine = JitEngine::instance();
  EXPECT_TRUE(static_cast<bool>(engine));
  auto machine = (*engine)->createTargetMachine();
  EXPECT_TRUE(static_cast<bool>(machine));
  EXPECT_FALSE(static_cast<bool>(optimizeModule(*module, **machine)));
  auto object = emitObject(*module, **machine);
  EXPECT_TRUE(static_cast<bool>(object));
  return std::move(*object);
}

using EqFn = int32_t (*)(const char*, const char*, int64_t);

TEST(JitEngine, CompilesLinksAndRunsAModuleThatCallsMemcmp) {
  llvm::LLVMContext ctx;
  auto object = compile(makeModule(ctx, "gw_eq", "memcmp"));
  auto engine = JitEngine::instance();
  ASSERT_TRUE(static_cast<bool>(engine));
  auto code = (*engine)->load(std::move(object), {"gw_eq"});
  ASSERT_TRUE(static_cast<bool>(code)) << takeErrorMessage(code.takeError());
  auto fn = reinterpret_cast<EqFn>((*code)->address("gw_eq"));
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn("users", "users", 5), 1);
  EXPECT_EQ(fn("users", "userz", 5), 0);
  EXPECT_EQ((*code)->address("not_requested"), 0u);
}

TEST(JitEngine, GenerationsWithTheSameSymbolNamesCoexistAndUnload) {
  llvm::LLVMContext ctx;
  auto engine = JitEngine::instance();
  ASSERT_TRUE(static_cast<bool>(engine));
  auto first = (*engine)->load(compile(makeModule(ctx, "gw_eq", "memcmp")), {"gw_eq"});
  ASSERT_TRUE(static_cast<bool>(first)) << takeErrorMessage(first.takeError());
  auto second = (*engine)->load(compile(makeModule(ctx, "gw_eq", "bcmp")), {"gw_eq"});
  ASSERT_TRUE(static_cast<bool>(second)) << takeErrorMessage(second.takeError());
  EXPECT_NE((*first)->address("gw_eq"), (*second)->address("gw_eq"));
  first->reset();  // the first generation's code is removed; the second still runs
  auto fn = reinterpret_cast<EqFn>((*second)->address("gw_eq"));
  EXPECT_EQ(fn("abc", "abc", 3), 1);
  for (int i = 0; i < 20; ++i) {  // repeated load/unload does not leak dylib names or crash
    auto again = (*engine)->load(compile(makeModule(ctx, "gw_eq", "memcmp")), {"gw_eq"});
    ASSERT_TRUE(static_cast<bool>(again));
  }
}

TEST(JitEngine, ProcessSymbolsAreNotVisibleToGeneratedCode) {
  llvm::LLVMContext ctx;
  auto engine = JitEngine::instance();
  ASSERT_TRUE(static_cast<bool>(engine));
  // `strncmp` exists in this process but is not in the native symbol map: linking must fail
  // with an error naming it, not resolve it and not abort.
  auto code = (*engine)->load(compile(makeModule(ctx, "gw_eq", "strncmp")), {"gw_eq"});
  ASSERT_FALSE(static_cast<bool>(code));
  std::string message = takeErrorMessage(code.takeError());
  EXPECT_NE(message.find("strncmp"), std::string::npos) << message;
}

TEST(JitEngine, AGarbageObjectIsAnErrorNotACrash) {
  auto engine = JitEngine::instance();
  ASSERT_TRUE(static_cast<bool>(engine));
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy("\x7f" "ELF garbage garbage garbage", "bad");
  auto code = (*engine)->load(std::move(buffer), {"gw_eq"});
  ASSERT_FALSE(static_cast<bool>(code));
  EXPECT_FALSE(takeErrorMessage(code.takeError()).empty());
}

TEST(JitEngine, AMalformedModuleIsReportedNotAborted) {
  llvm::LLVMContext ctx;
  auto module = std::make_unique<llvm::Module>("bad", ctx);
  llvm::IRBuilder<> b(ctx);
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(b.getInt32Ty(), false),
                                    llvm::Function::ExternalLinkage, "f", *module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));  // no terminator
  auto engine = JitEngine::instance();
  ASSERT_TRUE(static_cast<bool>(engine));
  auto machine = (*engine)->createTargetMachine();
  ASSERT_TRUE(static_cast<bool>(machine));
  llvm::Error err = optimizeModule(*module, **machine);
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_NE(takeErrorMessage(std::move(err)).find("malformed"), std::string::npos);
}

}  // namespace
}  // namespace gw::jit
