// Subcommands whose implementation has not landed yet answer with a clear message and exit 2,
// never with a fake result. Each moves to its own gwc_<name>.cc when implemented.
#include <iostream>

#include "compiler/tools/commands.h"

namespace gw::tools {

static int pending(const char* name) {
  std::cerr << "gwc: `" << name << "` is not available in this build yet\n";
  return 2;
}

int runFmt(const Args&) { return pending("fmt"); }
int runEmit(const Args&) { return pending("emit"); }
int runTest(const Args&) { return pending("test"); }
int runExplain(const Args&) { return pending("explain"); }
int runCompile(const Args&) { return pending("compile"); }

}  // namespace gw::tools
