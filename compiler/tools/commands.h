#pragma once
// The gwc subcommands. Each lives in its own file (gwc_<name>.cc) and returns the process exit
// status: 0 clean, 1 the input has errors (or failing tests), 2 usage or I/O error.
#include <string>
#include <vector>

namespace gw::tools {

using Args = std::vector<std::string>;  // the arguments after the subcommand name

int runCheck(const Args& args);    // gwc check FILE... [--format text|json|sarif] [--werror] [--summary]
int runFmt(const Args& args);      // gwc fmt FILE... [--check] [--stdout]
int runEmit(const Args& args);     // gwc emit ast|ir|llvm FILE
int runTest(const Args& args);     // gwc test FILE...
int runExplain(const Args& args);  // gwc explain FILE --request 'GET https://h/p' ...
int runCompile(const Args& args);  // gwc compile FILE -o OUT.gwo

}  // namespace gw::tools
