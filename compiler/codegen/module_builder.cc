#include "compiler/codegen/module_builder.h"

#include "compiler/codegen/authz_codegen.h"
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/expr_codegen.h"
#include "compiler/codegen/match_codegen.h"

#include <unordered_map>

namespace gw::codegen {

bool servedAsConstant(const ir::Function& f) {
  return f.result == ir::ValueKind::Str && f.nodes.size() == 1 && f.root == 0 &&
         f.nodes[0].op == ir::Op::ConstStr;
}

std::vector<std::string> entrySymbols(const policy::CompiledPolicy& policy) {
  return entrySymbols(policy, compilesMatchTree(policy.ir().matcher));
}

std::vector<std::string> entrySymbols(const policy::CompiledPolicy& policy, bool compiledMatch) {
  std::vector<std::string> names;
  if (compiledMatch) names.push_back(matchSymbol());
  for (uint32_t i = 0; i < policy.ir().functions.size(); ++i) {
    if (!servedAsConstant(policy.ir().functions[i])) names.push_back(functionSymbol(i));
  }
  for (uint32_t r = 0; r < policy.routes().size(); ++r) {
    if (policy.routes()[r].hasAuthorize) {
      names.push_back(authzSymbol(r));
    }
  }
  return names;
}

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

/// Realistic policies repeat programs (the same auth rule, limit key or header value on many
/// routes): each distinct program is compiled once, and LLVM's cost is per function. Every
/// gw_fn_<i> symbol still exists (aliases), so the .gwo SYMBOLS list and the linker are unchanged.
void shareIdenticalFunctions(CodegenContext& ctx) {
  std::unordered_map<std::string, uint32_t> seen;
  const ir::Program& p = ctx.program;
  for (uint32_t i = 0; i < p.functions.size(); ++i) {
    if (servedAsConstant(p.functions[i])) continue;  // never emitted: nothing to share
    auto [it, fresh] = seen.emplace(programKey(p, p.functions[i]), i);
    if (!fresh) ctx.setCanonical(i, it->second);
  }
}

/// The symbols of the functions that share another's code: aliases of it.
void defineAliases(CodegenContext& ctx) {
  for (uint32_t i = 0; i < ctx.program.functions.size(); ++i) {
    if (ctx.canonical(i) != i) ctx.defineAlias(functionSymbol(i), ctx.irFunction(i));
  }
}

}  // namespace

llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy) {
  CodegenContext ctx(llvm, policy.ir());
  shareIdenticalFunctions(ctx);
  for (uint32_t i = 0; i < policy.ir().functions.size(); ++i) {
    if (ctx.canonical(i) != i || servedAsConstant(policy.ir().functions[i])) continue;
    if (llvm::Error err = emitFunction(ctx, i)) {
      return err;
    }
  }
  defineAliases(ctx);
  if (compilesMatchTree(policy.ir().matcher)) {
    if (llvm::Error err = emitMatcher(ctx)) {
      return err;
    }
  }
  if (llvm::Error err = emitAuthz(ctx, policy.routes())) {
    return err;
  }
  return std::move(ctx.module);
}

}  // namespace gw::codegen
