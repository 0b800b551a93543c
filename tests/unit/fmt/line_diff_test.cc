// The unified diff of `gwc fmt --check`: exact hunks, and a property check that the edit script
// rebuilds the new text from the old one and is as short as an LCS says it can be.
#include "compiler/fmt/line_diff.h"

#include <gtest/gtest.h>

#include <random>

namespace gw::fmt {
namespace {

TEST(LineDiff, EqualTextsGiveNothing) { EXPECT_EQ(unifiedDiff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(LineDiff, OneChangedLineWithContext) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string after = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
  EXPECT_EQ(unifiedDiff(before, after, "a/f.gw", "b/f.gw"),
            "--- a/f.gw\n+++ b/f.gw\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

TEST(LineDiff, InsertAtStartAndDeleteAtEnd) {
  EXPECT_EQ(unifiedDiff("a\nb\n", "new\na\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,3 @@\n+new\n a\n b\n");
  EXPECT_EQ(unifiedDiff("a\nb\nc\n", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,3 +1,2 @@\n a\n b\n-c\n");
}

TEST(LineDiff, DistantChangesMakeTwoHunksCloseOnesOne) {
  std::string before, far, near;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
    far += (i == 2 || i == 19 ? "x" : std::to_string(i)) + "\n";
    near += (i == 5 || i == 10 ? "x" : std::to_string(i)) + "\n";
  }
  std::string twoHunks = unifiedDiff(before, far, "a", "b");
  EXPECT_EQ(twoHunks,
            "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+x\n 3\n 4\n 5\n"
            "@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+x\n 20\n");
  std::string oneHunk = unifiedDiff(before, near, "a", "b");
  EXPECT_EQ(oneHunk,
            "--- a\n+++ b\n@@ -2,12 +2,12 @@\n 2\n 3\n 4\n-5\n+x\n 6\n 7\n 8\n 9\n-10\n+x\n"
            " 11\n 12\n 13\n");
}

TEST(LineDiff, MissingFinalNewlineIsMarked) {
  EXPECT_EQ(unifiedDiff("a\nb", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

// Longest common subsequence length, the reference the edit script must match.
size_t lcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

TEST(LineDiff, RandomScriptsRebuildTheTargetAndAreShortest) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> a(rng() % 25), b(rng() % 25);
    for (auto& s : a) s = std::string(1, static_cast<char>('a' + rng() % 4));
    for (auto& s : b) s = std::string(1, static_cast<char>('a' + rng() % 4));
    std::vector<Edit> edits = diffLines(a, b);
    std::vector<std::string> rebuilt, kept;
    size_t equal = 0;
    for (const Edit& e : edits) {
      if (e.kind == EditKind::Equal) {
        ASSERT_EQ(a[e.beforeLine], b[e.afterLine]);
        rebuilt.push_back(a[e.beforeLine]);
        ++equal;
      } else if (e.kind == EditKind::Insert) {
        rebuilt.push_back(b[e.afterLine]);
      }
    }
    ASSERT_EQ(rebuilt, b);
    EXPECT_EQ(equal, lcs(a, b));
  }
}

TEST(LineDiff, HugeDifferencesFallBackToReplaceAll) {
  std::vector<std::string> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back("a" + std::to_string(i));
    b.push_back("b" + std::to_string(i));
  }
  std::vector<Edit> edits = diffLines(a, b, /*maxEdits=*/10);
  ASSERT_EQ(edits.size(), 100u);
  EXPECT_EQ(edits.front().kind, EditKind::Delete);
  EXPECT_EQ(edits.back().kind, EditKind::Insert);
}

}  // namespace
}  // namespace gw::fmt
