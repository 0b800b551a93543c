#include "runtime/server/request_id.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <set>

namespace gw::server {
namespace {

TEST(RequestId, Validity) {
  EXPECT_TRUE(isValidRequestId("abc-123"));
  EXPECT_TRUE(isValidRequestId(std::string(128, 'a')));
  EXPECT_FALSE(isValidRequestId(std::string(129, 'a')));
  EXPECT_FALSE(isValidRequestId(""));
  EXPECT_FALSE(isValidRequestId("a b"));
  EXPECT_FALSE(isValidRequestId("a\x01"));
  EXPECT_FALSE(isValidRequestId("caf\xc3\xa9"));
}

TEST(RequestId, GeneratedIdsAreHexAndDistinct) {
  Random rng;
  std::set<std::string> seen;
  std::string id;
  for (int i = 0; i < 1000; ++i) {
    generateRequestId(rng, id);
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// The digits, against printf's: the same seed gives the ids the values' %016x spellings.
std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, v);
  return buf;
}

TEST(RequestId, DigitsAreTheRandomValuesInHex) {
  for (std::uint64_t seed : {0ull, 1ull, 42ull, 0xffffffffffffffffull}) {
    Random rng(seed), ref(seed);
    std::string id;
    for (int i = 0; i < 200; ++i) {
      generateRequestId(rng, id);
      const std::string a = hex16(ref.next());
      ASSERT_EQ(id, a + hex16(ref.next())) << seed << " " << i;
    }
  }
}

TEST(Traceparent, GeneratedDigitsAreTheRandomValuesInHex) {
  Random rng(7), ref(7);
  std::string tp;
  makeTraceparent("", rng, tp);
  const std::string hi = hex16(ref.next() | 1);
  const std::string lo = hex16(ref.next());
  EXPECT_EQ(tp, "00-" + hi + lo + "-" + hex16(ref.next() | 1) + "-00");
  makeTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", rng, tp);
  EXPECT_EQ(tp, "00-4bf92f3577b34da6a3ce929d0e0e4736-" + hex16(ref.next() | 1) + "-01");
}

TEST(Traceparent, Validation) {
  EXPECT_TRUE(isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(isValidTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(isValidTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(isValidTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(isValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
  EXPECT_TRUE(isValidTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
  EXPECT_FALSE(isValidTraceparent("00-4bf92f35"));
}

TEST(Traceparent, KeepsTraceAndFlagsWithNewSpan) {
  Random rng;
  std::string out;
  const std::string in = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  makeTraceparent(in, rng, out);
  ASSERT_TRUE(isValidTraceparent(out));
  EXPECT_EQ(out.substr(0, 36), in.substr(0, 36));
  EXPECT_NE(out.substr(36, 16), in.substr(36, 16));
  EXPECT_EQ(out.substr(52), "-01");
  makeTraceparent("garbage", rng, out);
  ASSERT_TRUE(isValidTraceparent(out));
  EXPECT_EQ(out.substr(52), "-00");
}

}  // namespace
}  // namespace gw::server
