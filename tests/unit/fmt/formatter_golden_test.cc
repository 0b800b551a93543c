// Golden formatter tests: golden/<name>.in.gw (messy layout, comments) must format to exactly
// golden/<name>.out.gw. Set GW_UPDATE_GOLDEN=1 to rewrite the .out files, then review the diff.
#include <gtest/gtest.h>

#include <cstdlib>

#include "compiler/fmt/line_diff.h"
#include "tests/unit/fmt/fmt_test_util.h"

namespace gw::fmt::testing {
namespace {

std::vector<std::string> goldenInputs() {
  return filesUnder(sourceDir() + "/tests/unit/fmt/golden", ".in.gw");
}

std::string outPath(const std::string& in) {
  return in.substr(0, in.size() - std::string(".in.gw").size()) + ".out.gw";
}

TEST(FormatterGolden, EveryInputFormatsToItsGolden) {
  std::vector<std::string> inputs = goldenInputs();
  ASSERT_GE(inputs.size(), 5u) << "golden inputs missing under " << sourceDir();
  bool update = std::getenv("GW_UPDATE_GOLDEN") != nullptr;
  for (const std::string& in : inputs) {
    SCOPED_TRACE(in);
    std::string formatted = formatOrFail(readFile(in), in);
    if (update) {
      writeFile(outPath(in), formatted);
      continue;
    }
    std::string expected = readFile(outPath(in));
    EXPECT_EQ(formatted, expected) << unifiedDiff(expected, formatted, "golden", "formatted");
  }
}

TEST(FormatterGolden, GoldenOutputsAreFixedPoints) {
  for (const std::string& in : goldenInputs()) {
    std::string out = readFile(outPath(in));
    SCOPED_TRACE(outPath(in));
    EXPECT_EQ(formatOrFail(out), out);
  }
}

TEST(FormatterGolden, FormattingKeepsTheAst) {
  for (const std::string& in : goldenInputs()) {
    SCOPED_TRACE(in);
    std::string text = readFile(in);
    std::string before = astDump(text);
    ASSERT_NE(before, "<errors>");
    EXPECT_EQ(astDump(formatOrFail(text)), before);
  }
}

}  // namespace
}  // namespace gw::fmt::testing
