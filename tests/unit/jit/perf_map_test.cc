// GW_PERF_MAP=1: every policy link appends "start size name" lines for the linked symbols to
// /tmp/perf-<pid>.map, so perf names generated code. Its own binary: the setting is read once
// per process, at the first link.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "compiler/jit/native_policy.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/sema/sema.h"

namespace gw {
namespace {

TEST(PerfMap, LinkedFunctionsAreListedWithTheirAddresses) {
  ASSERT_EQ(::setenv("GW_PERF_MAP", "1", 1), 0);
  std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::remove(path.c_str());
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgramFromText(
      sources, "p.gw",
      "upstream u {\n  server 127.0.0.1:9001\n}\nroute r {\n  match { path \"/a\" }\n"
      "  request { set header \"X-T\" = request.header(\"x-team\") }\n  forward u\n}\n",
      diags);
  ASSERT_TRUE(sema::analyze(program, sources, diags).ok());
  auto policy = policy::buildPolicy(program, sources, diags);
  ASSERT_TRUE(policy);
  std::shared_ptr<jit::NativeCode> native;
  auto compiled = jit::jitCompile(policy, diags, &native);
  ASSERT_TRUE(compiled);
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path;
  std::string line;
  bool sawMatch = false;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string start, size, name;
    fields >> std::hex >> start >> size >> name;
    EXPECT_FALSE(name.empty()) << line;
    if (name == "gw_match") {
      sawMatch = true;
      EXPECT_EQ(std::stoull(start, nullptr, 16), reinterpret_cast<uint64_t>(native->match()));
      EXPECT_GT(std::stoull(size, nullptr, 16), 0u);
    }
  }
  EXPECT_TRUE(sawMatch);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace gw
