#include "runtime/server/head_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::server {
namespace {

// copyBytes writes exactly [d, d + n) for every length around its 4/8/16-byte cases.
TEST(HeadBuffer, CopyBytesWritesExactlyTheRange) {
  std::string src;
  for (int i = 0; i < 40; ++i) {
    src += static_cast<char>('a' + i % 26);
  }
  for (std::size_t n = 0; n <= src.size(); ++n) {
    std::string dst(src.size() + 8, '#');
    copyBytes(dst.data() + 4, src.data(), n);
    EXPECT_EQ(dst, std::string(4, '#') + src.substr(0, n) + std::string(src.size() + 4 - n, '#'))
        << n;
  }
}

// The estimate only sizes the first room: a head far larger than it (here 0) is written whole,
// after what `out` already held, and finish() leaves nothing of the room behind.
TEST(HeadBuffer, GrowsPastAWrongEstimateAndKeepsThePrefix) {
  for (std::size_t expected : {std::size_t{0}, std::size_t{7}, std::size_t{4096}}) {
    std::string out = "prefix|";
    std::string want = out;
    HeadBuffer b(out, expected);
    for (int i = 0; i < 50; ++i) {
      const std::string name = "X-Field-" + std::to_string(i);
      const std::string value(static_cast<std::size_t>(i * 3), 'v');
      b.field(name, value);
      want += name + ": " + value + "\r\n";
      b.number(static_cast<std::uint64_t>(i) * 1000003u);
      want += std::to_string(static_cast<std::uint64_t>(i) * 1000003u);
      b.put(' ');
      b.put("lit");
      b.put(std::string_view("view"));
      want += " litview";
    }
    b.number(UINT64_MAX);
    want += std::to_string(UINT64_MAX);
    b.finish();
    EXPECT_EQ(out, want) << expected;
  }
}

}  // namespace
}  // namespace gw::server
