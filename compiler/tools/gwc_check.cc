// gwc check: parse (and, once sema lands, type-check) and print diagnostics.
#include <iostream>

#include "compiler/diag/render.h"
#include "compiler/parse/loader.h"
#include "compiler/tools/commands.h"

namespace gw::tools {

int runCheck(const Args& args) {
  if (args.empty()) {
    std::cerr << "usage: gwc check FILE...\n";
    return 2;
  }
  int status = 0;
  for (const std::string& path : args) {
    SourceManager sources;
    DiagnosticSink diags;
    ast::Program program = loadProgram(sources, path, diags);
    diags.sort();
    std::cout << renderText(diags, sources, false);
    if (diags.hasErrors()) {
      status = 1;
    }
  }
  return status;
}

}  // namespace gw::tools
