// gwc: the .gw compiler driver. Dispatches to one file per subcommand (see commands.h).
#include <cstring>
#include <iostream>
#include <string>

#include "compiler/tools/commands.h"

namespace {

void usage(std::ostream& out) {
  out << "usage: gwc <command> [options]\n"
         "\n"
         "commands:\n"
         "  check FILE...      parse and type-check; --format text|json|sarif, --werror, --summary\n"
         "  fmt FILE...        format in place; --check prints a diff and exits 1 if unformatted\n"
         "  emit ast|ir|llvm FILE   print a compiler stage\n"
         "  test FILE...       run the policy's `test` blocks\n"
         "  explain FILE --request 'METHOD URL' [--header K:V] [--claims JSON] [--ip A]\n"
         "  compile FILE -o OUT.gwo   write an ahead-of-time compiled policy\n"
         "\n"
         "exit status: 0 clean, 1 errors in the input, 2 usage or I/O error,\n"
         "             3 (compile) valid policy but native code generation failed\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  gw::tools::Args args(argv + 2, argv + argc);
  if (cmd == "check") return gw::tools::runCheck(args);
  if (cmd == "fmt") return gw::tools::runFmt(args);
  if (cmd == "emit") return gw::tools::runEmit(args);
  if (cmd == "test") return gw::tools::runTest(args);
  if (cmd == "explain") return gw::tools::runExplain(args);
  if (cmd == "compile") return gw::tools::runCompile(args);
  std::cerr << "gwc: unknown command `" << cmd << "`\n";
  usage(std::cerr);
  return 2;
}
