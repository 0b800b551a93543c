#include "runtime/stats/buckets.h"

#include <gtest/gtest.h>

#include <charconv>
#include <string>

namespace gw::stats {
namespace {

TEST(LatencyBuckets, BoundsAreIncreasingAndMatchTheirLabels) {
  for (std::size_t i = 0; i < kLatencyBoundsNs.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(kLatencyBoundsNs[i - 1], kLatencyBoundsNs[i]);
    }
    double seconds = 0;
    std::string_view label = kLatencyBoundLabels[i];
    auto r = std::from_chars(label.data(), label.data() + label.size(), seconds);
    ASSERT_EQ(r.ec, std::errc()) << label;
    EXPECT_DOUBLE_EQ(seconds * 1e9, static_cast<double>(kLatencyBoundsNs[i])) << label;
  }
  EXPECT_EQ(kLatencyBoundsNs.front(), 50'000u);
  EXPECT_EQ(kLatencyBoundsNs.back(), 30'000'000'000u);
}

TEST(LatencyBuckets, ValueOnABoundGoesIntoThatBucket) {
  EXPECT_EQ(latencyBucket(0), 0u);
  EXPECT_EQ(latencyBucket(50'000), 0u);  // le="5e-05" includes 50us
  EXPECT_EQ(latencyBucket(50'001), 1u);
  EXPECT_EQ(latencyBucket(1'000'000), 4u);  // 1 ms
  EXPECT_EQ(latencyBucket(1'000'001), 5u);
  EXPECT_EQ(latencyBucket(30'000'000'000), 17u);
  EXPECT_EQ(latencyBucket(30'000'000'001), 18u);  // +Inf
  EXPECT_EQ(latencyBucket(UINT64_MAX), kLatencyBuckets - 1);
}

TEST(CodeBuckets, ExactCodesClassesAndOther) {
  auto label = [](int status) { return kCodeLabels[codeBucket(status)]; };
  EXPECT_EQ(label(200), "200");
  EXPECT_EQ(label(404), "404");
  EXPECT_EQ(label(429), "429");
  EXPECT_EQ(label(504), "504");
  EXPECT_EQ(label(100), "1xx");
  EXPECT_EQ(label(299), "2xx");
  EXPECT_EQ(label(303), "3xx");
  EXPECT_EQ(label(418), "4xx");
  EXPECT_EQ(label(599), "5xx");
  EXPECT_EQ(label(0), "other");
  EXPECT_EQ(label(-1), "other");
  EXPECT_EQ(label(99), "other");
  EXPECT_EQ(label(600), "other");
  EXPECT_EQ(label(1000), "other");
}

TEST(CodeBuckets, EveryExactLabelMapsToItself) {
  for (std::size_t i = 0; i + 6 < kCodeSlots; ++i) {
    int code = std::stoi(std::string(kCodeLabels[i]));
    EXPECT_EQ(codeBucket(code), i) << code;
  }
}

}  // namespace
}  // namespace gw::stats
