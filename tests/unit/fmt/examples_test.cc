// The examples gate: every root example passes `gwc check` (no errors) and its own tests
// (`gwc test`), and every .gw file under examples/ is canonical (`gwc fmt --check`).
// Roots are `examples/<name>/gateway.gw`; files under `routes/` are included fragments
// (see examples/README.md).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "tests/unit/fmt/fmt_test_util.h"

namespace gw::fmt::testing {
namespace {

int run(const std::string& args, std::string* out) {
  std::string cmd = std::string(GW_GWC_PATH) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int rc = p ? pclose(p) : -1;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<std::string> roots() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(sourceDir() + "/examples")) {
    if (e.is_directory() && std::filesystem::exists(e.path() / "gateway.gw")) {
      out.push_back((e.path() / "gateway.gw").string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Examples, ThereAreRootsAndFragments) {
  EXPECT_GE(roots().size(), 4u);
  bool fragment = false;
  for (const std::string& f : filesUnder(sourceDir() + "/examples", ".gw")) {
    fragment |= f.find("/routes/") != std::string::npos;
  }
  EXPECT_TRUE(fragment) << "the shop example includes routes/*.gw";
}

TEST(Examples, EveryRootPassesCheck) {
  for (const std::string& root : roots()) {
    std::string out;
    EXPECT_EQ(run("check " + root, &out), 0) << out;
    EXPECT_EQ(out.find("error["), std::string::npos) << out;
  }
}

TEST(Examples, EveryFileIsFormatted) {
  for (const std::string& f : filesUnder(sourceDir() + "/examples", ".gw")) {
    std::string out;
    EXPECT_EQ(run("fmt --check " + f, &out), 0) << out;
  }
}

TEST(Examples, EveryRootPassesItsOwnTests) {
  for (const std::string& root : roots()) {
    std::string out;
    int status = run("test " + root, &out);
    if (status == 2 && out.find("not available") != std::string::npos) {
      GTEST_SKIP() << "gwc test is not in this build (no back end)";
    }
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find(" passed, 0 failed"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace gw::fmt::testing
