#include "runtime/accesslog/byte_ring.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace gw::accesslog {
namespace {

std::string drain(ByteRing& r) {
  ByteRing::Spans s = r.readable();
  std::string out(s.a);
  out += s.b;
  r.consume(s.size());
  return out;
}

TEST(ByteRing, WrapsAroundAndRefusesWhatDoesNotFit) {
  ByteRing r(16);
  EXPECT_EQ(r.capacity(), 16u);
  EXPECT_TRUE(r.push("0123456789"));
  EXPECT_FALSE(r.push("abcdefg"));  // 10 + 7 > 16: nothing is written
  EXPECT_EQ(drain(r), "0123456789");
  EXPECT_TRUE(r.push("abcdefghijkl"));  // wraps: 6 at the end, 6 at the start
  ByteRing::Spans s = r.readable();
  EXPECT_EQ(s.a, "abcdef");
  EXPECT_EQ(s.b, "ghijkl");
  r.consume(s.size());
  EXPECT_TRUE(r.push("0123456789abcdef"));  // exactly full
  EXPECT_FALSE(r.push("x"));
  EXPECT_EQ(drain(r), "0123456789abcdef");
  EXPECT_EQ(ByteRing(100).capacity(), 128u);
}

TEST(ByteRing, ProducerAndConsumerThreadsSeeEveryByteInOrder) {
  ByteRing r(1024);
  constexpr int kLines = 20'000;
  std::thread producer([&] {
    for (int i = 0; i < kLines;) {
      std::string line = std::to_string(i) + "\n";
      if (r.push(line)) {
        ++i;
      }
    }
  });
  std::string carry;
  int next = 0;
  while (next < kLines) {
    carry += drain(r);
    std::size_t nl;
    while ((nl = carry.find('\n')) != std::string::npos) {
      ASSERT_EQ(carry.substr(0, nl), std::to_string(next));
      ++next;
      carry.erase(0, nl + 1);
    }
  }
  producer.join();
}

}  // namespace
}  // namespace gw::accesslog
