#include "runtime/gateway/header_rules.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "runtime/gateway/generation.h"

namespace gw::gateway {
namespace {

TEST(HeaderGlob, StarQuestionAndCase) {
  EXPECT_TRUE(headerGlobMatch("X-Internal-*", "x-internal-token"));
  EXPECT_TRUE(headerGlobMatch("X-Internal-*", "X-Internal-"));
  EXPECT_FALSE(headerGlobMatch("X-Internal-*", "X-Internals"));
  EXPECT_TRUE(headerGlobMatch("X-?-ID", "x-a-id"));
  EXPECT_FALSE(headerGlobMatch("X-?-ID", "x-ab-id"));
  EXPECT_TRUE(headerGlobMatch("*", ""));
  EXPECT_TRUE(headerGlobMatch("*-User-*", "X-User-Name"));
  EXPECT_FALSE(headerGlobMatch("X-User", "X-User-ID"));
}

TEST(HeaderGlob, UnderscoreAndDashAreTheSame) {
  EXPECT_TRUE(headerGlobMatch("X-Internal-*", "X_Internal_Secret"));
  EXPECT_TRUE(headerGlobMatch("X_User_*", "x-user-id"));
}

TEST(HeaderRules, PolicyHeadersAndGlobs) {
  HeaderRules rules({"X-Internal-*"}, {"X-User-ID"});
  EXPECT_TRUE(rules.mustStrip("x-user-id"));
  EXPECT_TRUE(rules.mustStrip("X_USER_ID"));
  EXPECT_FALSE(rules.mustStrip("X-User-IDs"));
  EXPECT_TRUE(rules.mustStrip("X-Internal-Token"));
  EXPECT_FALSE(rules.mustStrip("Authorization"));
  http::HeaderList headers{{"X_User_ID", "forged"}, {"Accept", "*/*"}, {"x-internal-a", "1"}};
  server::NameList out;
  rules.collect(headers, out);
  EXPECT_EQ(std::vector<std::string>(out.begin(), out.end()),
            (std::vector<std::string>{"X_User_ID", "x-internal-a"}));
}

// mustStrip skips a glob when the name is shorter than the glob's non-`*` characters or its
// first byte differs from the glob's literal first character: only names the matcher would
// refuse. Random globs and names over a small alphabet (case, `_`/`-`, `*`, `?`) must get the
// matcher's own verdict.
TEST(HeaderRules, GlobPrefilterAgreesWithTheMatcher) {
  std::mt19937 rng(7);
  const std::string_view patternBytes = "aAbB-_*?";
  const std::string_view nameBytes = "aAbB-_";
  auto draw = [&](std::string_view from, std::size_t maxLen) {
    std::string s(rng() % (maxLen + 1), ' ');
    for (char& c : s) c = from[rng() % from.size()];
    return s;
  };
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> globs;
    for (std::size_t i = rng() % 3; i > 0; --i) globs.push_back(draw(patternBytes, 5));
    HeaderRules rules(globs, {});
    for (int n = 0; n < 20; ++n) {
      const std::string name = draw(nameBytes, 6);
      bool want = false;
      for (const std::string& g : globs) want = want || headerGlobMatch(g, name);
      ASSERT_EQ(rules.mustStrip(name), want) << "name " << name << " round " << round;
    }
  }
}

TEST(HeaderRules, RepeatedPolicyHeadersInAnySpellingAreKeptOnce) {
  // Names are folded and de-duplicated when built; every spelling still matches every other.
  HeaderRules rules({}, {"X-Service", "x_service", "X-SERVICE", "X-User-ID", "X-Service"});
  for (std::string_view n : {"X-Service", "x_SERVICE", "X_Service", "x-user-id", "X_USER_ID"}) {
    EXPECT_TRUE(rules.mustStrip(n)) << n;
  }
  for (std::string_view n : {"X-Services", "X-Servic", "Service", "X-User", ""}) {
    EXPECT_FALSE(rules.mustStrip(n)) << n;
  }
}

TEST(Cidr, ParseAndContain) {
  Cidr c;
  ASSERT_TRUE(parseCidr("10.0.0.0/8", c));
  uint8_t in[4] = {10, 1, 2, 3}, out[4] = {11, 0, 0, 1};
  EXPECT_TRUE(c.contains(in, 4));
  EXPECT_FALSE(c.contains(out, 4));
  ASSERT_TRUE(parseCidr("192.168.1.7", c));
  uint8_t exact[4] = {192, 168, 1, 7}, near[4] = {192, 168, 1, 8};
  EXPECT_TRUE(c.contains(exact, 4));
  EXPECT_FALSE(c.contains(near, 4));
  ASSERT_TRUE(parseCidr("fd00::/8", c));
  uint8_t v6[16] = {0xfd, 1};
  EXPECT_TRUE(c.contains(v6, 6));
  EXPECT_FALSE(c.contains(in, 4));
  EXPECT_FALSE(parseCidr("not-an-ip", c));
}

}  // namespace
}  // namespace gw::gateway
