#include "compiler/codegen/codegen_context.h"

#include "llvm/IR/Constants.h"

namespace gw::codegen {

CodegenContext::CodegenContext(llvm::LLVMContext& ctx, const ir::Program& p)
    : llvm(ctx),
      program(p),
      module(std::make_unique<llvm::Module>("gw.policy", ctx)),
      b(ctx),
      ptrTy(llvm::PointerType::get(ctx, 0)),
      i1(llvm::Type::getInt1Ty(ctx)),
      i32(llvm::Type::getInt32Ty(ctx)),
      i64(llvm::Type::getInt64Ty(ctx)) {
  boolFnTy = llvm::FunctionType::get(i32, {ptrTy, ptrTy}, false);
  strFnTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrTy, ptrTy, ptrTy}, false);
  functions_.assign(p.functions.size(), nullptr);
  canonical_.resize(p.functions.size());
  for (uint32_t i = 0; i < canonical_.size(); ++i) canonical_[i] = i;
  strings_.assign(p.strings.size(), nullptr);
}

void CodegenContext::decorate(llvm::Function* fn) {
  fn->setDSOLocal(true);
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fn->addFnAttr(llvm::Attribute::WillReturn);
}

llvm::Function* CodegenContext::irFunction(uint32_t fn) {
  fn = canonical_[fn];
  if (functions_[fn] == nullptr) {
    const ir::Function& f = program.functions[fn];
    auto* type = f.result == ir::ValueKind::Str ? strFnTy : boolFnTy;
    functions_[fn] = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                            functionSymbol(fn), *module);
    decorate(functions_[fn]);
  }
  return functions_[fn];
}

llvm::FunctionCallee CodegenContext::intrinsic(ir::IntrinsicId id) {
  auto key = static_cast<uint16_t>(id);
  auto it = intrinsics_.find(key);
  if (it != intrinsics_.end()) {
    return it->second;
  }
  const ir::IntrinsicInfo& info = ir::intrinsicInfo(id);
  std::vector<llvm::Type*> params;
  for (ir::ValueKind k : info.params) {
    switch (k) {
      case ir::ValueKind::Str:
      case ir::ValueKind::StrList: params.push_back(ptrTy); params.push_back(i64); break;
      case ir::ValueKind::Int: params.push_back(i64); break;
      case ir::ValueKind::Bool: params.push_back(i32); break;
      default: params.push_back(ptrTy); break;  // Req, Ctx, Ip, Json
    }
  }
  llvm::Type* ret = llvm::Type::getVoidTy(llvm);
  switch (info.ret) {
    case ir::ValueKind::Bool: ret = i32; break;
    case ir::ValueKind::Int: ret = i64; break;
    case ir::ValueKind::Json: ret = ptrTy; break;
    case ir::ValueKind::Str: params.push_back(ptrTy); break;  // trailing gw_str* out
    default: break;
  }
  auto callee = module->getOrInsertFunction(info.name, llvm::FunctionType::get(ret, params, false));
  if (auto* fn = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    fn->addFnAttr(llvm::Attribute::NoUnwind);
  }
  intrinsics_.emplace(key, callee);
  return callee;
}

llvm::FunctionCallee CodegenContext::memcmpFn() {
  return module->getOrInsertFunction("memcmp",
                                     llvm::FunctionType::get(i32, {ptrTy, ptrTy, i64}, false));
}

llvm::Constant* CodegenContext::poolString(uint32_t index) {
  if (strings_[index] == nullptr) {
    auto* data = llvm::ConstantDataArray::getString(llvm, program.strings[index], true);
    auto* global = new llvm::GlobalVariable(*module, data->getType(), true,
                                            llvm::GlobalValue::PrivateLinkage, data, ".str");
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    global->setAlignment(llvm::Align(1));
    strings_[index] = global;
  }
  return strings_[index];
}

llvm::Value* CodegenContext::at(llvm::Value* base, uint64_t offset) {
  return offset == 0 ? base : b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), base, offset);
}

llvm::Value* CodegenContext::loadAt(llvm::Type* type, llvm::Value* base, uint64_t offset) {
  return b.CreateLoad(type, at(base, offset));
}

void CodegenContext::storeAt(llvm::Value* value, llvm::Value* base, uint64_t offset) {
  b.CreateStore(value, at(base, offset));
}

}  // namespace gw::codegen
