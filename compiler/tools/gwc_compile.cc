// gwc compile FILE -o OUT.gwo [--emit-llvm] [--quiet]: compiles a policy ahead of time. The .gwo
// holds the optimized object code and the policy tables (compiler/aot/gwo_format.h); `gw` loads
// it without running the optimizer. --emit-llvm also writes the optimized LLVM IR to OUT.ll;
// --quiet leaves out the closing summary line, so stderr holds diagnostics only (gw runs
// `gwc compile --quiet` as its native compiler and logs that stderr).
// Exit status: 0 written; 1 errors in the policy; 2 usage or I/O error; 3 the policy is valid
// but native code generation failed (gw then serves it with the interpreter).
#include <chrono>
#include <fstream>
#include <iostream>

#include "compiler/aot/gwo_writer.h"
#include "compiler/diag/render.h"
#include "compiler/jit/native_policy.h"
#include "compiler/policy/build.h"
#include "compiler/tools/commands.h"

namespace gw::tools {

namespace {

// The policy is valid but the back end could not compile it (E0401).
constexpr int kExitNativeFailed = 3;

bool writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

}  // namespace

int runCompile(const Args& args) {
  std::string input, output;
  bool emitLlvm = false;
  bool quiet = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o" && i + 1 < args.size()) {
      output = args[++i];
    } else if (args[i] == "--emit-llvm") {
      emitLlvm = true;
    } else if (args[i] == "--quiet") {
      quiet = true;
    } else if (!args[i].empty() && args[i][0] != '-' && input.empty()) {
      input = args[i];
    } else {
      std::cerr << "usage: gwc compile FILE -o OUT.gwo [--emit-llvm] [--quiet]\n";
      return 2;
    }
  }
  if (input.empty() || output.empty()) {
    std::cerr << "usage: gwc compile FILE -o OUT.gwo [--emit-llvm] [--quiet]\n";
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  SourceManager sources;
  DiagnosticSink diags;
  auto policy = policy::compilePolicyFile(input, sources, diags);
  std::vector<std::string> texts;
  for (uint32_t i = 0; i < sources.size(); ++i) {
    texts.push_back(sources.file(i).text);
  }
  std::string bytes;
  bool ok = policy && aot::writeGwo(*policy, texts, &bytes, diags);
  if (ok && emitLlvm) {
    std::string text = jit::printLlvm(*policy, /*optimized=*/true, diags);
    ok = !text.empty() && writeFile(output + ".ll", text);
  }
  if (!diags.all().empty()) {
    diags.sort();
    std::cerr << renderText(diags, sources, false);
  }
  if (!policy) {
    return sources.size() == 0 ? 2 : 1;
  }
  if (!ok) {
    return kExitNativeFailed;
  }
  if (!writeFile(output, bytes)) {
    std::cerr << "gwc: cannot write `" << output << "`\n";
    return 2;
  }
  if (quiet) {
    return 0;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::cerr << "compiled " << policy->routes().size() << " routes into `" << output << "` ("
            << bytes.size() << " bytes, " << ms.count() << " ms)\n";
  return 0;
}

}  // namespace gw::tools
