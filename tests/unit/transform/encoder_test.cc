// Round trips through the real zlib and brotli decoders, with the input cut at every position
// (small inputs) and at pseudo-random positions (large inputs), with and without sync flushes.
#include "runtime/transform/encoder.h"

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gw::transform {
namespace {

/// Inflates a gzip (windowBits 31) or zlib (15) stream; `complete` says the trailer was seen.
std::string inflateAll(const std::string& in, int windowBits, bool* complete) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, windowBits), Z_OK);
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char buf[4096];
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_SYNC_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK && (zs.avail_in > 0 || zs.avail_out == 0));
  *complete = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  return out;
}

std::string brotliAll(const std::string& in, bool* complete) {
  BrotliDecoderState* st = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  std::string out;
  size_t availIn = in.size();
  const uint8_t* nextIn = reinterpret_cast<const uint8_t*>(in.data());
  BrotliDecoderResult r;
  do {
    uint8_t buf[4096];
    size_t availOut = sizeof buf;
    uint8_t* nextOut = buf;
    r = BrotliDecoderDecompressStream(st, &availIn, &nextIn, &availOut, &nextOut, nullptr);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - availOut);
  } while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT || BrotliDecoderHasMoreOutput(st));
  *complete = r == BROTLI_DECODER_RESULT_SUCCESS && availIn == 0;
  BrotliDecoderDestroyInstance(st);
  return out;
}

std::string decode(Coding c, const std::string& in, bool* complete) {
  if (c == Coding::kBrotli) return brotliAll(in, complete);
  return inflateAll(in, c == Coding::kGzip ? 31 : 15, complete);
}

std::string sampleText(std::size_t n, uint64_t seed) {
  static const char* kWords[] = {"gateway ", "route ", "{\"id\":", "42, ", "upstream\n",
                                 "compress ", "\"name\":\"x\"}", "body "};
  std::string s;
  uint64_t x = seed;
  while (s.size() < n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    if ((x >> 60) == 0) {
      s.push_back(static_cast<char>(x >> 32));  // some binary noise
    } else {
      s += kWords[(x >> 33) % 8];
    }
  }
  s.resize(n);
  return s;
}

const Coding kAll[] = {Coding::kGzip, Coding::kDeflate, Coding::kBrotli};

TEST(Encoder, EmptyBody) {
  Encoder e;
  for (Coding c : kAll) {
    ASSERT_TRUE(e.begin(c));
    std::string out;
    ASSERT_TRUE(e.finish(out));
    bool complete = false;
    EXPECT_EQ(decode(c, out, &complete), "");
    EXPECT_TRUE(complete) << codingName(c);
  }
}

TEST(Encoder, EverySplitPoint) {
  std::string in = sampleText(700, 7);
  Encoder e;
  for (Coding c : kAll) {
    for (bool flush : {false, true}) {
      for (std::size_t cut = 0; cut <= in.size(); ++cut) {
        ASSERT_TRUE(e.begin(c));
        std::string out;
        ASSERT_TRUE(e.write(std::string_view(in).substr(0, cut), out, flush));
        ASSERT_TRUE(e.write(std::string_view(in).substr(cut), out, flush));
        ASSERT_TRUE(e.finish(out));
        bool complete = false;
        ASSERT_EQ(decode(c, out, &complete), in) << codingName(c) << " cut " << cut;
        ASSERT_TRUE(complete);
      }
    }
  }
}

TEST(Encoder, RandomPiecesOfALargeBody) {
  std::string in = sampleText(3 * 1024 * 1024 + 17, 11);
  Encoder e;
  for (Coding c : kAll) {
    ASSERT_TRUE(e.begin(c));
    std::string out;
    uint64_t x = 99;
    std::size_t pos = 0;
    while (pos < in.size()) {
      x = x * 6364136223846793005ull + 1;
      std::size_t n = std::min<std::size_t>(in.size() - pos, 1 + (x >> 40) % 70000);
      ASSERT_TRUE(e.write(std::string_view(in).substr(pos, n), out, (x >> 20) % 3 == 0));
      pos += n;
    }
    ASSERT_TRUE(e.finish(out));
    EXPECT_LT(out.size(), in.size() / 2) << codingName(c);  // the text compresses
    bool complete = false;
    EXPECT_EQ(decode(c, out, &complete), in) << codingName(c);
    EXPECT_TRUE(complete);
  }
}

TEST(Encoder, FlushMakesEverythingSoFarDecodable) {
  std::string a = sampleText(5000, 3), b = sampleText(9000, 4);
  Encoder e;
  for (Coding c : kAll) {
    ASSERT_TRUE(e.begin(c));
    std::string out;
    ASSERT_TRUE(e.write(a, out, true));
    bool complete = true;
    EXPECT_EQ(decode(c, out, &complete), a) << codingName(c);
    EXPECT_FALSE(complete);  // no trailer yet
    ASSERT_TRUE(e.write(b, out, true));
    EXPECT_EQ(decode(c, out, &complete), a + b);
    ASSERT_TRUE(e.finish(out));
    EXPECT_EQ(decode(c, out, &complete), a + b);
    EXPECT_TRUE(complete);
  }
}

TEST(Encoder, ReusedAcrossStreamsAndCodings) {
  Encoder e;
  const Coding order[] = {Coding::kGzip, Coding::kGzip, Coding::kBrotli, Coding::kDeflate,
                          Coding::kGzip, Coding::kBrotli, Coding::kBrotli};
  int i = 0;
  for (Coding c : order) {
    std::string in = sampleText(20000 + 1000 * i, 100 + i);
    EncoderLevels levels;
    levels.gzip = 1 + i % 9;
    ASSERT_TRUE(e.begin(c, levels));
    EXPECT_EQ(e.coding(), c);
    std::string out;
    ASSERT_TRUE(e.write(in, out, false));
    ASSERT_TRUE(e.finish(out));
    bool complete = false;
    EXPECT_EQ(decode(c, out, &complete), in);
    EXPECT_TRUE(complete);
    ++i;
  }
}

TEST(Encoder, AbandonedStreamIsReplacedCleanly) {
  Encoder e;
  std::string out;
  ASSERT_TRUE(e.begin(Coding::kBrotli));
  ASSERT_TRUE(e.write(sampleText(1000, 1), out, false));  // never finished (client gone)
  ASSERT_TRUE(e.begin(Coding::kGzip));
  ASSERT_TRUE(e.write(sampleText(1000, 1), out, false));  // never finished
  out.clear();
  ASSERT_TRUE(e.begin(Coding::kGzip));
  ASSERT_TRUE(e.write("hello", out, false));
  ASSERT_TRUE(e.finish(out));
  bool complete = false;
  EXPECT_EQ(decode(Coding::kGzip, out, &complete), "hello");
  EXPECT_TRUE(complete);
}

TEST(Encoder, IdentityIsRefused) {
  Encoder e;
  EXPECT_FALSE(e.begin(Coding::kIdentity));
  std::string out;
  EXPECT_FALSE(e.write("x", out, false));
}

}  // namespace
}  // namespace gw::transform
