#include "runtime/http/chunked_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::http {
namespace {

/// Feeds `in` in pieces of `step` bytes; returns the decoded body, or "ERR" on error.
std::string decodeAll(const std::string& in, std::size_t step, std::size_t* rest = nullptr,
                      ChunkLimits limits = {}) {
  ChunkedDecoder dec(limits);
  std::string body;
  std::string pending;
  std::size_t fed = 0;
  while (true) {
    if (pending.empty()) {
      if (fed >= in.size()) {
        return dec.done() ? body : "INCOMPLETE";
      }
      pending = in.substr(fed, step);
      fed += pending.size();
    }
    ChunkResult r = dec.decode(pending);
    if (r.status == ChunkStatus::kError) {
      return "ERR";
    }
    body.append(r.data);
    pending.erase(0, r.consumed);
    if (r.status == ChunkStatus::kDone) {
      if (rest != nullptr) {
        *rest = pending.size() + (in.size() - fed);
      }
      return body;
    }
  }
}

TEST(ChunkedDecoder, DecodesInAnySplit) {
  std::string in = "5\r\nhello\r\n1;ext=1;b=\"q\"\r\n \r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\nNEXT";
  for (std::size_t step = 1; step <= in.size(); ++step) {
    std::size_t rest = 0;
    EXPECT_EQ(decodeAll(in, step, &rest), "hello 0123456789") << step;
    EXPECT_EQ(rest, 4u) << step;
  }
}

struct BadChunk {
  const char* name;
  std::string input;
};

class ChunkedRejectTest : public ::testing::TestWithParam<BadChunk> {};

TEST_P(ChunkedRejectTest, Rejects) {
  EXPECT_EQ(decodeAll(GetParam().input, 3, nullptr, ChunkLimits{16, 32}), "ERR") << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Framing, ChunkedRejectTest,
    ::testing::Values(BadChunk{"no_size", "\r\nabc\r\n0\r\n\r\n"}, BadChunk{"non_hex", "g\r\n"},
                      BadChunk{"negative", "-1\r\n"}, BadChunk{"plus", "+1\r\n"},
                      BadChunk{"overflow", "10000000000000000\r\n"},
                      BadChunk{"too_many_digits", "00000000000000001\r\n"},
                      BadChunk{"bare_lf", "1\nA\r\n0\r\n\r\n"},
                      BadChunk{"bare_cr", "1\rA\r\n0\r\n\r\n"},
                      BadChunk{"missing_crlf_after_data", "1\r\nAB\r\n0\r\n\r\n"},
                      BadChunk{"junk_after_size", "1x\r\nA\r\n0\r\n\r\n"},
                      BadChunk{"long_extension", "1;aaaaaaaaaaaaaaaaaaaaaaaa\r\nA\r\n0\r\n\r\n"},
                      BadChunk{"ctl_in_extension", "1;a\x01\r\nA\r\n0\r\n\r\n"},
                      BadChunk{"trailer_too_large",
                               "0\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"},
                      BadChunk{"trailer_no_colon", "0\r\nXYZ\r\n\r\n"},
                      BadChunk{"trailer_fold", "0\r\n a: b\r\n\r\n"},
                      BadChunk{"trailer_bare_lf", "0\r\nA: b\n\r\n"}));

TEST(ChunkedDecoder, CountsBodyBytesAndLargeSizes) {
  ChunkedDecoder dec;
  ChunkResult r = dec.decode("FFFFFFFF\r\nab");
  ASSERT_EQ(r.status, ChunkStatus::kData);
  EXPECT_EQ(r.data, "ab");
  EXPECT_EQ(dec.bodyBytes(), 2u);
}

}  // namespace
}  // namespace gw::http
