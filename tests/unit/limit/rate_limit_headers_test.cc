#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/limit/rate_limit_headers.h"

namespace gw::limit {
namespace {

Decision allowed(std::uint32_t limit, std::uint32_t remaining, std::uint64_t resetMs,
                 std::uint32_t windowSeconds) {
  Decision d;
  d.allowed = true;
  d.limit = limit;
  d.remaining = remaining;
  d.resetMs = resetMs;
  d.policyQuota = limit;
  d.policyWindowSeconds = windowSeconds;
  return d;
}

std::vector<std::string> render(const RateLimitHeaders& h) {
  std::vector<std::string> out;
  h.forEach([&](std::string_view n, std::string_view v) {
    out.push_back(std::string(n) + ": " + std::string(v));
  });
  return out;
}

TEST(RateLimitHeaders, SingleAllowedLimit) {
  const Decision d = allowed(100, 50, 29001, 60);
  const auto h = RateLimitHeaders::build({&d, 1});
  EXPECT_EQ(render(h), (std::vector<std::string>{
                           "X-RateLimit-Limit: 100",
                           "X-RateLimit-Remaining: 50",
                           "X-RateLimit-Reset: 30",
                           "RateLimit: limit=100, remaining=50, reset=30",
                           "RateLimit-Policy: 100;w=60",
                       }));
  EXPECT_FALSE(h.denied());
}

TEST(RateLimitHeaders, MostRestrictiveWinsAndEveryPolicyIsListed) {
  std::vector<Decision> ds = {allowed(1000, 900, 3600000, 3600), allowed(10, 2, 800, 1)};
  ds[1].policyQuota = 5;  // a bucket of 5/s with burst 10
  const auto h = RateLimitHeaders::build(ds);
  EXPECT_EQ(h.chosen(), 1u);
  EXPECT_EQ(h.find("X-RateLimit-Remaining"), "2");
  EXPECT_EQ(h.find("X-RateLimit-Reset"), "1");
  EXPECT_EQ(h.find("RateLimit-Policy"), "5;w=1;burst=10, 1000;w=3600");
  EXPECT_EQ(h.find("Retry-After"), "");
}

TEST(RateLimitHeaders, EachPolicyShowsItsOwnBurst) {
  // The chosen limit's digits are formatted once and reused; the others keep their own.
  std::vector<Decision> ds = {allowed(1000, 900, 3600000, 3600), allowed(10, 2, 800, 1),
                              allowed(70, 60, 800, 1)};
  ds[0].policyQuota = 500;
  ds[1].policyQuota = 5;
  const auto h = RateLimitHeaders::build(ds);
  EXPECT_EQ(h.chosen(), 1u);
  EXPECT_EQ(h.find("X-RateLimit-Limit"), "10");
  EXPECT_EQ(h.find("RateLimit"), "limit=10, remaining=2, reset=1");
  EXPECT_EQ(h.find("RateLimit-Policy"), "5;w=1;burst=10, 500;w=3600;burst=1000, 70;w=1");
  const Decision big = allowed(4294967295u, 4294967294u, 18446744073709550000ull, 4294967295u);
  const auto b = RateLimitHeaders::build({&big, 1});
  EXPECT_EQ(b.find("RateLimit"),
            "limit=4294967295, remaining=4294967294, reset=18446744073709550");
}

TEST(RateLimitHeaders, DenialCarriesRetryAfterAndBeatsLowRemaining) {
  std::vector<Decision> ds = {allowed(10, 0, 500, 1), allowed(100, 0, 60000, 60),
                              allowed(5, 3, 1000, 1)};
  ds[1].allowed = false;
  ds[1].retryAfterMs = 12001;
  ds[1].usedPercent = 100;
  const auto h = RateLimitHeaders::build(ds);
  EXPECT_TRUE(h.denied());
  EXPECT_EQ(h.chosen(), 1u);
  EXPECT_EQ(h.find("Retry-After"), "13");
  EXPECT_EQ(h.find("X-RateLimit-Limit"), "100");
  EXPECT_EQ(h.find("RateLimit"), "limit=100, remaining=0, reset=60");
  EXPECT_EQ(h.find("RateLimit-Policy"), "100;w=60, 10;w=1, 5;w=1");
}

TEST(RateLimitHeaders, WarningReportsTheHighestUsageAmongWarnedLimits) {
  std::vector<Decision> ds = {allowed(100, 15, 1000, 60), allowed(100, 40, 1000, 60)};
  ds[0].usedPercent = 85;
  ds[0].warn = true;
  ds[1].usedPercent = 60;
  const auto h = RateLimitHeaders::build(ds);
  EXPECT_EQ(h.find("X-RateLimit-Warning"), "85% of quota used");
  ds[0].warn = false;
  EXPECT_EQ(RateLimitHeaders::build(ds).find("X-RateLimit-Warning"), "");
}

TEST(RateLimitHeaders, NoDecisionsNoFields) {
  EXPECT_EQ(RateLimitHeaders::build({}).size(), 0u);
}

TEST(RateLimitHeaders, ValuesSurviveCopies) {
  const Decision d = allowed(7, 6, 1000, 1);
  RateLimitHeaders copy;
  {
    const auto h = RateLimitHeaders::build({&d, 1});
    copy = h;
  }
  EXPECT_EQ(copy.find("RateLimit"), "limit=7, remaining=6, reset=1");
}

}  // namespace
}  // namespace gw::limit
