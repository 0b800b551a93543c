// gwc emit ast|ir|llvm FILE [--spans] [--types]: prints a compiler stage, deterministically.
//   ast   the parsed program (root file and its includes) as an S-expression
//         (compiler/ast/ast_printer.h); --spans adds @line:col, --types runs sema first and
//         annotates expressions with their types.
//   ir    the typed IR (compiler/ir/printer.h) that the interpreter runs and codegen lowers
//   llvm  the optimized LLVM IR the JIT compiles (compiler/jit/native_policy.h)
// Exit status: 0 ok, 1 errors in the input, 2 usage or I/O.
#include <iostream>

#include "compiler/ast/ast_printer.h"
#include "compiler/diag/render.h"
#include "compiler/parse/loader.h"
#include "compiler/sema/sema.h"
#include "compiler/tools/commands.h"
#if GW_HAVE_BACKEND
#include "compiler/ir/printer.h"
#include "compiler/jit/native_policy.h"
#include "compiler/policy/build.h"
#endif

namespace gw::tools {
namespace {

// `ir`: the typed IR the interpreter runs and codegen lowers; `llvm`: the optimized LLVM IR.
int emitBackendStage(const std::string& stage, ast::Program& program, SourceManager& sources) {
#if GW_HAVE_BACKEND
  DiagnosticSink diags;
  std::shared_ptr<policy::CompiledPolicy> policy = policy::buildPolicy(program, sources, diags);
  std::string text;
  if (policy) {
    text = stage == "ir" ? ir::printIr(policy->ir()) : jit::printLlvm(*policy, true, diags);
  }
  if (!policy || diags.hasErrors()) {
    diags.sort();
    std::cerr << renderText(diags, sources, false);
    return 1;
  }
  std::cout << text;
  return 0;
#else
  std::cerr << "gwc: `emit " << stage << "` needs the native back end, not in this build\n";
  return 2;
#endif
}

void usage() { std::cerr << "usage: gwc emit ast|ir|llvm FILE [--spans] [--types]\n"; }

}  // namespace

int runEmit(const Args& args) {
  std::string stage, path;
  ast::AstPrintOptions options;
  bool types = false;
  for (const std::string& a : args) {
    if (a == "--spans") {
      options.spans = true;
    } else if (a == "--types") {
      types = true;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "gwc emit: unknown option `" << a << "`\n";
      usage();
      return 2;
    } else if (stage.empty()) {
      stage = a;
    } else if (path.empty()) {
      path = a;
    } else {
      usage();
      return 2;
    }
  }
  if (path.empty() || (stage != "ast" && stage != "ir" && stage != "llvm")) {
    usage();
    return 2;
  }
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgram(sources, path, diags);
  bool analyzed = false;
  if (!diags.hasErrors() && (types || stage != "ast")) {
    sema::analyze(program, sources, diags);
    analyzed = true;
  }
  if (diags.hasErrors()) {
    diags.sort();
    std::cerr << renderText(diags, sources, false);
    return sources.size() == 0 ? 2 : 1;  // no source loaded: the root could not be read
  }
  if (stage != "ast") {
    return emitBackendStage(stage, program, sources);
  }
  options.types = analyzed;
  std::cout << ast::printAst(program, options);
  return 0;
}

}  // namespace gw::tools
