// gwc emit ast|ir|llvm FILE [--spans] [--types]: prints a compiler stage, deterministically.
//   ast   the parsed program (root file and its includes) as an S-expression
//         (compiler/ast/ast_printer.h); --spans adds @line:col, --types runs sema first and
//         annotates expressions with their types.
//   ir, llvm   NOTE for the back-end helper: these stages belong to compiler/ir and
//         compiler/codegen. Replace the body of emitBackendStage() below (keep the signature and
//         the exit-status contract: 0 ok, 1 errors in the input, 2 usage or I/O); the `ast`
//         path and the argument parsing are shared.
#include <iostream>

#include "compiler/ast/ast_printer.h"
#include "compiler/diag/render.h"
#include "compiler/parse/loader.h"
#include "compiler/sema/sema.h"
#include "compiler/tools/commands.h"

namespace gw::tools {
namespace {

int emitBackendStage(const std::string& stage, ast::Program&, SourceManager&) {
  std::cerr << "gwc: `emit " << stage << "` is not available in this build yet\n";
  return 2;
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
