#include "compiler/sema/suggest.h"

#include <gtest/gtest.h>

namespace gw::sema {
namespace {

TEST(EditDistance, CountsEditsAndAdjacentTranspositions) {
  EXPECT_EQ(editDistance("", ""), 0u);
  EXPECT_EQ(editDistance("abc", ""), 3u);
  EXPECT_EQ(editDistance("users", "user"), 1u);
  EXPECT_EQ(editDistance("jwt_main", "jwt_mian"), 1u);  // transposition costs one
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(editDistance("GET", "get"), 3u);            // case-sensitive
}

TEST(SuggestionThreshold, GrowsWithLengthAndCaps) {
  EXPECT_EQ(suggestionThreshold(2), 1u);
  EXPECT_EQ(suggestionThreshold(6), 2u);
  EXPECT_EQ(suggestionThreshold(9), 3u);
  EXPECT_EQ(suggestionThreshold(40), 3u);
}

TEST(ClosestName, PicksTheNearestWithinThreshold) {
  std::vector<std::string_view> c = {"round_robin", "least_request", "random", "consistent_hash"};
  EXPECT_EQ(closestName("round_robbin", c), "round_robin");
  EXPECT_EQ(closestName("leastrequest", c), "least_request");
  EXPECT_EQ(closestName("maglev", c), std::nullopt);
  EXPECT_EQ(closestName("random", c), std::nullopt);  // an exact match is not a suggestion
}

TEST(ClosestName, CaseOnlyDifferenceAlwaysQualifies) {
  std::vector<std::string_view> c = {"GET", "POST", "DELETE"};
  EXPECT_EQ(closestName("delete", c), "DELETE");
  EXPECT_EQ(didYouMean("post", c), "did you mean `POST`?");
  EXPECT_EQ(didYouMean("frobnicate", c), "");
}

}  // namespace
}  // namespace gw::sema
