// The compile step and gw's own linker together: hand-built modules are compiled to ELF objects
// with the host TargetMachine and linked with compiler/link/ (no ORC). Code lifetime is the
// CodeImage; only the native symbol map is visible to generated code; every relocation form LLVM
// emits for calls, data tables, writable globals and function addresses is linked correctly.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "compiler/jit/llvm_target.h"
#include "compiler/jit/native_symbols.h"
#include "compiler/jit/object_compiler.h"
#include "compiler/link/code_image.h"
#include "compiler/link/elf_object.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace gw::jit {
namespace {

llvm::FunctionType* cmpType(llvm::IRBuilder<>& b) {
  auto* ptr = b.getPtrTy();
  return llvm::FunctionType::get(b.getInt32Ty(), {ptr, ptr, b.getInt64Ty()}, false);
}

/// int32_t NAME(const char* a, const char* b, int64_t n) { return CALLEE(a, b, n) == 0; }
void addEq(llvm::Module& m, const std::string& name, const std::string& callee) {
  llvm::IRBuilder<> b(m.getContext());
  auto callee_ = m.getOrInsertFunction(callee, cmpType(b));
  auto* fn = llvm::Function::Create(cmpType(b), llvm::Function::ExternalLinkage, name, m);
  b.SetInsertPoint(llvm::BasicBlock::Create(m.getContext(), "entry", fn));
  auto* r = b.CreateCall(callee_, {fn->getArg(0), fn->getArg(1), fn->getArg(2)});
  b.CreateRet(b.CreateZExt(b.CreateICmpEQ(r, b.getInt32(0)), b.getInt32Ty()));
}

std::unique_ptr<llvm::Module> eqModule(llvm::LLVMContext& ctx, const std::string& name,
                                       const std::string& callee) {
  auto module = std::make_unique<llvm::Module>("test", ctx);
  addEq(*module, name, callee);
  return module;
}

/// A module exercising data relocations:
///   ptr table[2] = {memcmp, bcmp};                         (.data.rel.ro, R_X86_64_64)
///   int64_t counter;                                       (.bss, PC-relative)
///   int32_t via_table(i, a, b, n) { counter++; return table[i](a, b, n); }
///   ptr address_of_memcmp() { return memcmp; }             (GOTPCREL form)
std::unique_ptr<llvm::Module> dataModule(llvm::LLVMContext& ctx) {
  auto m = std::make_unique<llvm::Module>("data", ctx);
  llvm::IRBuilder<> b(ctx);
  auto* memcmpFn = llvm::cast<llvm::Function>(m->getOrInsertFunction("memcmp", cmpType(b)).getCallee());
  auto* bcmpFn = llvm::cast<llvm::Function>(m->getOrInsertFunction("bcmp", cmpType(b)).getCallee());
  auto* tableTy = llvm::ArrayType::get(b.getPtrTy(), 2);
  auto* table = new llvm::GlobalVariable(*m, tableTy, true, llvm::GlobalValue::InternalLinkage,
                                         llvm::ConstantArray::get(tableTy, {memcmpFn, bcmpFn}), "table");
  auto* counter = new llvm::GlobalVariable(*m, b.getInt64Ty(), false, llvm::GlobalValue::ExternalLinkage,
                                           b.getInt64(0), "counter");
  auto* ptr = b.getPtrTy();
  auto* viaTy = llvm::FunctionType::get(b.getInt32Ty(), {b.getInt64Ty(), ptr, ptr, b.getInt64Ty()}, false);
  auto* via = llvm::Function::Create(viaTy, llvm::Function::ExternalLinkage, "via_table", *m);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", via));
  b.CreateStore(b.CreateAdd(b.CreateLoad(b.getInt64Ty(), counter), b.getInt64(1)), counter);
  auto* slot = b.CreateGEP(tableTy, table, {b.getInt64(0), via->getArg(0)});
  auto* target = b.CreateLoad(ptr, slot);
  b.CreateRet(b.CreateCall(cmpType(b), target, {via->getArg(1), via->getArg(2), via->getArg(3)}));
  auto* addrFn = llvm::Function::Create(llvm::FunctionType::get(ptr, false), llvm::Function::ExternalLinkage,
                                        "address_of_memcmp", *m);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", addrFn));
  b.CreateRet(memcmpFn);
  return m;
}

std::string compile(std::unique_ptr<llvm::Module> module) {
  auto machine = createHostTargetMachine();
  EXPECT_TRUE(static_cast<bool>(machine));
  if (!machine) return {};
  EXPECT_FALSE(static_cast<bool>(optimizeModule(*module, **machine)));
  auto object = emitObject(*module, **machine);
  EXPECT_TRUE(static_cast<bool>(object));
  if (!object) return {};
  return std::string((*object)->getBufferStart(), (*object)->getBufferSize());
}

std::unique_ptr<link::CodeImage> linkBytes(const std::string& bytes, std::string* error) {
  auto elf = link::ElfObject::parse(bytes, error);
  if (!elf) return nullptr;
  return link::CodeImage::link(*elf, nativeSymbolAddress, error);
}

using EqFn = int32_t (*)(const char*, const char*, int64_t);

TEST(ObjectLink, CompilesLinksAndRunsAModuleThatCallsMemcmp) {
  llvm::LLVMContext ctx;
  std::string error;
  auto code = linkBytes(compile(eqModule(ctx, "gw_eq", "memcmp")), &error);
  ASSERT_TRUE(code) << error;
  auto fn = reinterpret_cast<EqFn>(code->address("gw_eq"));
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn("users", "users", 5), 1);
  EXPECT_EQ(fn("users", "userz", 5), 0);
  EXPECT_EQ(code->address("not_defined"), 0u);
  EXPECT_EQ(code->address("memcmp"), 0u);  // externals are not the object's symbols
}

TEST(ObjectLink, DataTablesWritableGlobalsAndFunctionAddressesAreRelocated) {
  llvm::LLVMContext ctx;
  std::string error;
  auto code = linkBytes(compile(dataModule(ctx)), &error);
  ASSERT_TRUE(code) << error;
  using ViaFn = int32_t (*)(int64_t, const char*, const char*, int64_t);
  auto via = reinterpret_cast<ViaFn>(code->address("via_table"));
  auto* counter = reinterpret_cast<int64_t*>(code->address("counter"));
  ASSERT_NE(via, nullptr);
  ASSERT_NE(counter, nullptr);
  EXPECT_LT(via(0, "abc", "abd", 3), 0);   // memcmp through the table: an ordered answer
  EXPECT_EQ(via(1, "abc", "abc", 3), 0);   // bcmp (memcmp in the map): equal
  EXPECT_EQ(*counter, 2);                  // the writable global lives in the image
  auto addressOf = reinterpret_cast<void* (*)()>(code->address("address_of_memcmp"));
  ASSERT_NE(addressOf, nullptr);
  EXPECT_EQ(reinterpret_cast<uint64_t>(addressOf()), nativeSymbolAddress("memcmp"));
}

TEST(ObjectLink, GenerationsWithTheSameSymbolNamesCoexistAndUnload) {
  llvm::LLVMContext ctx;
  std::string error;
  auto first = linkBytes(compile(eqModule(ctx, "gw_eq", "memcmp")), &error);
  ASSERT_TRUE(first) << error;
  auto second = linkBytes(compile(eqModule(ctx, "gw_eq", "bcmp")), &error);
  ASSERT_TRUE(second) << error;
  EXPECT_NE(first->address("gw_eq"), second->address("gw_eq"));
  first.reset();  // the first generation's code is unmapped; the second still runs
  auto fn = reinterpret_cast<EqFn>(second->address("gw_eq"));
  EXPECT_EQ(fn("abc", "abc", 3), 1);
  std::string bytes = compile(eqModule(ctx, "gw_eq", "memcmp"));
  for (int i = 0; i < 200; ++i) {  // repeated link/unlink returns its memory (munmap)
    auto again = linkBytes(bytes, &error);
    ASSERT_TRUE(again) << error;
    EXPECT_EQ(reinterpret_cast<EqFn>(again->address("gw_eq"))("x", "x", 1), 1);
  }
}

TEST(ObjectLink, ProcessSymbolsAreNotVisibleToGeneratedCode) {
  llvm::LLVMContext ctx;
  // `strncmp` exists in this process but is not in the native symbol map: linking must fail
  // with an error naming it, not resolve it and not abort.
  std::string error;
  auto code = linkBytes(compile(eqModule(ctx, "gw_eq", "strncmp")), &error);
  ASSERT_FALSE(code);
  EXPECT_NE(error.find("undefined symbol `strncmp`"), std::string::npos) << error;
}

TEST(ObjectLink, AGarbageObjectIsAnErrorNotACrash) {
  std::string error;
  EXPECT_FALSE(linkBytes("\x7f" "ELF garbage garbage garbage", &error));
  EXPECT_NE(error.find("invalid object"), std::string::npos) << error;
  EXPECT_FALSE(linkBytes("", &error));
  EXPECT_FALSE(error.empty());
}

TEST(ObjectLink, AMalformedModuleIsReportedNotAborted) {
  llvm::LLVMContext ctx;
  auto module = std::make_unique<llvm::Module>("bad", ctx);
  llvm::IRBuilder<> b(ctx);
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(b.getInt32Ty(), false),
                                    llvm::Function::ExternalLinkage, "f", *module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));  // no terminator
  auto machine = createHostTargetMachine();
  ASSERT_TRUE(static_cast<bool>(machine));
  llvm::Error err = optimizeModule(*module, **machine);
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_NE(takeErrorMessage(std::move(err)).find("malformed"), std::string::npos);
}

}  // namespace
}  // namespace gw::jit
