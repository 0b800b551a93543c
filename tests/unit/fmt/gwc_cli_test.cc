// The gwc command line for fmt and emit: exit statuses (0 / 1 / 2), the --check diff, in-place
// rewriting, refusal to touch files with errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "tests/unit/fmt/fmt_test_util.h"

namespace gw::fmt::testing {
namespace {

struct CliRun {
  int status;
  std::string out;  // stdout and stderr together
};

CliRun gwc(const std::string& args) {
  std::string cmd = std::string(GW_GWC_PATH) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = p ? pclose(p) : -1;
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

class GwcCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gwc_cli_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& text) {
    std::string p = (dir_ / name).string();
    writeFile(p, text);
    return p;
  }
  std::filesystem::path dir_;
};

const char* kMessy = "route r{match{path \"/x\"}forward u;timeout 5s}\n";
const char* kClean = "route r {\n  match { path \"/x\" }\n  forward u\n  timeout 5s\n}\n";

TEST_F(GwcCli, CheckPassesOnFormattedFiles) {
  CliRun r = gwc("fmt --check " + file("ok.gw", kClean));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "");
}

TEST_F(GwcCli, CheckPrintsADiffAndFailsOnUnformattedFiles) {
  std::string p = file("messy.gw", kMessy);
  CliRun r = gwc("fmt --check " + p);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "--- a/" + p + "\n+++ b/" + p +
                       "\n@@ -1 +1,5 @@\n-route r{match{path \"/x\"}forward u;timeout 5s}\n"
                       "+route r {\n+  match { path \"/x\" }\n+  forward u\n+  timeout 5s\n+}\n");
  EXPECT_EQ(readFile(p), kMessy) << "--check must not write";
}

TEST_F(GwcCli, CheckFailsWhenAnyOfSeveralFilesWouldChange) {
  CliRun r = gwc("fmt --check " + file("a.gw", kClean) + " " + file("b.gw", kMessy));
  EXPECT_EQ(r.status, 1);
}

TEST_F(GwcCli, RewritesInPlaceThenChecksClean) {
  std::string p = file("messy.gw", kMessy);
  CliRun r = gwc("fmt " + p);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(readFile(p), kClean);
  EXPECT_EQ(gwc("fmt --check " + p).status, 0);
}

TEST_F(GwcCli, StdoutLeavesTheFileAlone) {
  std::string p = file("messy.gw", kMessy);
  CliRun r = gwc("fmt --stdout " + p);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, kClean);
  EXPECT_EQ(readFile(p), kMessy);
}

TEST_F(GwcCli, SyntaxErrorsAreReportedAndTheFileIsNotRewritten) {
  std::string bad = "route r { match { path } }\n";
  std::string p = file("bad.gw", bad);
  CliRun r = gwc("fmt " + p);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("error[E0001]"), std::string::npos) << r.out;
  EXPECT_EQ(readFile(p), bad);
}

TEST_F(GwcCli, IoErrorsExitTwo) {
  EXPECT_EQ(gwc("fmt " + (dir_ / "missing.gw").string()).status, 2);
  EXPECT_EQ(gwc("fmt --check " + (dir_ / "missing.gw").string()).status, 2);
  EXPECT_EQ(gwc("fmt").status, 2);
  EXPECT_EQ(gwc("fmt --bogus x.gw").status, 2);
}

TEST_F(GwcCli, EmitAstDumpsTheProgramWithIncludes) {
  std::filesystem::create_directories(dir_ / "routes");
  file("routes/a.gw", "route a {\n  forward u\n}\n");
  std::string root = file("root.gw", "include \"routes/*.gw\"\nupstream u {\n  server 1.2.3.4:80\n}\n");
  CliRun r = gwc("emit ast " + root);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out,
            "(program\n  (file\n    (include \"routes/*.gw\")\n    (upstream u\n"
            "      (server 1.2.3.4:80)))\n  (file\n    (route a\n      (forward\n"
            "        (target u)))))\n");
  EXPECT_NE(gwc("emit ast " + root + " --spans").out.find("(upstream u@2:10@2:1"),
            std::string::npos);
}

TEST_F(GwcCli, EmitUsageErrors) {
  EXPECT_EQ(gwc("emit").status, 2);
  EXPECT_EQ(gwc("emit wat " + file("x.gw", kClean)).status, 2);
  EXPECT_EQ(gwc("emit ast " + (dir_ / "missing.gw").string()).status, 2);
  EXPECT_EQ(gwc("emit ast " + file("bad.gw", "route {")).status, 1);
}

}  // namespace
}  // namespace gw::fmt::testing
