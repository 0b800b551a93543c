// Identical per-route programs (the same header value, limit key or `authorize` block on many
// routes) are compiled once: the module defines one function per distinct program and no symbol
// for the repeats (codegen::SharedPrograms maps them), and both the JIT and a .gwo loaded back
// run every route on the shared code, with the same map. Constant header values are not
// compiled at all (codegen::servedAsConstant).
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compiler/aot/gwo_loader.h"
#include "compiler/aot/gwo_writer.h"
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/module_builder.h"
#include "compiler/codegen/shared_programs.h"
#include "compiler/jit/native_policy.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/sema/sema.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace gw {
namespace {

constexpr int kRoutes = 40;

/// kRoutes routes with the same `authorize` block and the same computed request header value;
/// every fourth route has a distinct rule and a constant header value of its own, so sharing
/// must not merge them.
std::string policyText() {
  std::string s = "upstream u {\n  server 127.0.0.1:9001\n}\n"
                  "auth k api_key {\n  header \"X-API-Key\"\n  keys file \"keys.csv\"\n}\n";
  for (int i = 0; i < kRoutes; ++i) {
    bool odd = i % 4 == 3;
    std::string value = odd ? "\"own" + std::to_string(i) + "\"" : "request.header(\"x-team\")";
    std::string rule = odd ? "allow when request.header(\"x-team\") == \"t" + std::to_string(i) + "\""
                           : "allow when request.header(\"x-team\") == \"core\"";
    s += "route r" + std::to_string(i) + " {\n  match { path \"/r" + std::to_string(i) +
         "\" }\n  authenticate k\n  authorize {\n    deny when request.header(\"x-block\") == \"1\"\n    " +
         rule + "\n  }\n  request { set header \"X-Tag\" = " + value + " }\n  forward u\n}\n";
  }
  return s;
}

std::shared_ptr<policy::CompiledPolicy> build() {
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgramFromText(sources, "shared.gw", policyText(), diags);
  sema::SemaResult sr = sema::analyze(program, sources, diags);
  EXPECT_TRUE(sr.ok() && !diags.hasErrors());
  return policy::buildPolicy(program, sources, diags);
}

/// A GET of `path` with `x-team: team`; `header` is the storage the view points into.
gw_request request(const char* path, const char* team, gw_header* header) {
  gw_request r{};
  r.abi_version = GW_ABI_VERSION;
  r.method_id = GW_METHOD_GET;
  r.path = gw_str{path, std::strlen(path)};
  r.host = gw_str{"api.example.com", 15};
  r.authenticated = 1;
  *header = gw_header{gw_str{"x-team", 6}, gw_str{team, std::strlen(team)}};
  r.headers = gw_header_list{header, 1};
  return r;
}

TEST(SharedPrograms, IdenticalProgramsYieldOneFunctionAndNoAliases) {
  auto p = build();
  ASSERT_TRUE(p);
  llvm::LLVMContext context;
  auto module = codegen::buildModule(context, *p);
  ASSERT_TRUE(static_cast<bool>(module));
  std::set<std::string> defined;
  for (const llvm::Function& f : **module) {
    if (!f.isDeclaration()) defined.insert(f.getName().str());
  }
  size_t authzDefined = 0, fnDefined = 0;
  for (const std::string& name : defined) {
    authzDefined += name.rfind("gw_authz_", 0) == 0;
    fnDefined += name.rfind("gw_fn_", 0) == 0;
  }
  // 3 shared authorize blocks for 30 routes + 10 distinct ones.
  EXPECT_EQ(authzDefined, 1u + kRoutes / 4);
  // Programs: the deny rule (1), the shared allow (1), 10 own allows and the shared header
  // value (1); the 10 constant values are not compiled; every other gw_fn_<i> is an alias.
  EXPECT_EQ(fnDefined, 2u + kRoutes / 4 + 1u);
  size_t constants = 0;
  for (const ir::Function& f : p->ir().functions) constants += codegen::servedAsConstant(f);
  EXPECT_EQ(constants, static_cast<size_t>(kRoutes / 4));
  EXPECT_TRUE((*module)->alias_empty());
  codegen::SharedPrograms shared = codegen::sharePrograms(*p);
  EXPECT_EQ(shared.distinctFunctions(), fnDefined);
  EXPECT_EQ(shared.distinctAuthz(), authzDefined);
  std::set<std::string> entries;  // the programs' and routes' symbols (not the matcher's)
  for (const std::string& name : defined) {
    if (name.rfind("gw_fn_", 0) == 0 || name.rfind("gw_authz_", 0) == 0) entries.insert(name);
  }
  std::vector<std::string> symbols = codegen::entrySymbols(shared, false);
  EXPECT_EQ(std::set<std::string>(symbols.begin(), symbols.end()), entries);
}

/// Every route answers by its own program, whichever back end runs it.
void expectRouteAnswers(const policy::CompiledPolicy& policy) {
  char scratch[128];
  for (int i = 0; i < kRoutes; ++i) {
    bool odd = i % 4 == 3;
    std::string path = "/r" + std::to_string(i);
    std::string team = odd ? "t" + std::to_string(i) : "core";
    gw_header h1{}, h2{};
    gw_request req = request(path.c_str(), team.c_str(), &h1);
    gw_eval_ctx ctx = policy.makeContext(scratch, sizeof(scratch));
    gw_match_result m{};
    policy.match(req, ctx, m);
    ASSERT_EQ(m.route, policy.routeByName("r" + std::to_string(i)));
    auto route = static_cast<uint32_t>(m.route);
    EXPECT_TRUE(policy.authorize(route, req, ctx).allow) << path;
    gw_request wrong = request(path.c_str(), odd ? "core" : "t3", &h2);
    EXPECT_FALSE(policy.authorize(route, wrong, ctx).allow) << path;
    const policy::HeaderOp& set = policy.routes()[route].requestHeaders.at(0);
    EXPECT_EQ(policy.evalString(set.value, req, ctx), odd ? "own" + std::to_string(i) : team);
  }
}

TEST(SharedPrograms, JitResolvesEveryAliasToTheSharedCode) {
  DiagnosticSink diags;
  std::shared_ptr<jit::NativeCode> native;
  auto compiled = jit::jitCompile(build(), diags, &native);
  ASSERT_TRUE(compiled && native);
  EXPECT_EQ(native->authzFunction(0), native->authzFunction(1));
  EXPECT_NE(native->authzFunction(0), native->authzFunction(3));
  auto value = [&](uint32_t route) {
    return static_cast<uint32_t>(compiled->routes()[route].requestHeaders[0].value);
  };
  EXPECT_NE(native->strFunction(value(0)), nullptr);
  EXPECT_EQ(native->strFunction(value(0)), native->strFunction(value(1)));
  EXPECT_EQ(native->strFunction(value(3)), nullptr);  // a constant: answered from the pool
  expectRouteAnswers(*compiled);
}

/// The number of distinct code addresses behind the policy's programs and routes.
std::pair<size_t, size_t> distinctCode(const policy::CompiledPolicy& p, const jit::NativeCode& code) {
  std::set<void*> fns, authz;
  for (uint32_t i = 0; i < p.ir().functions.size(); ++i) {
    if (auto f = code.strFunction(i)) fns.insert(reinterpret_cast<void*>(f));
  }
  for (uint32_t r = 0; r < p.routes().size(); ++r) {
    if (auto f = code.authzFunction(r)) authz.insert(reinterpret_cast<void*>(f));
  }
  return {fns.size(), authz.size()};
}

TEST(SharedPrograms, GwoLoadSharesCodeExactlyAsTheJit) {
  auto p = build();
  ASSERT_TRUE(p);
  DiagnosticSink diags;
  std::shared_ptr<jit::NativeCode> jitted;
  auto compiled = jit::jitCompile(build(), diags, &jitted);
  ASSERT_TRUE(compiled && jitted);
  std::string bytes;
  ASSERT_TRUE(aot::writeGwo(*p, {policyText()}, &bytes, diags));
  aot::GwoError error;
  std::shared_ptr<jit::NativeCode> loadedCode;
  auto loaded = aot::loadGwo(bytes, &error, nullptr, &loadedCode);
  ASSERT_TRUE(loaded && loadedCode) << error.message;
  // The same map, and as many distinct functions behind it, as a fresh compile.
  EXPECT_EQ(loadedCode->sharing(), jitted->sharing());
  EXPECT_EQ(loadedCode->sharing(), codegen::sharePrograms(*p));
  EXPECT_EQ(distinctCode(*loaded, *loadedCode), distinctCode(*compiled, *jitted));
  EXPECT_EQ(distinctCode(*loaded, *loadedCode),
            std::make_pair(jitted->sharing().distinctFunctions(), jitted->sharing().distinctAuthz()));
  EXPECT_EQ(loadedCode->authzFunction(0), loadedCode->authzFunction(1));
  EXPECT_NE(loadedCode->authzFunction(0), loadedCode->authzFunction(3));
  expectRouteAnswers(*loaded);
}

}  // namespace
}  // namespace gw
