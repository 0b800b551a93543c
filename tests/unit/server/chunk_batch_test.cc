#include "runtime/server/chunk_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/http/chunked_decoder.h"

namespace gw::server {
namespace {

std::string flatten(const ChunkBatch& b) {
  std::string out;
  for (const auto& buf : b.buffers()) {
    out.append(static_cast<const char*>(buf.data()), buf.size());
  }
  return out;
}

TEST(ChunkBatch, EncodesHeadChunksAndLast) {
  ChunkBatch b;
  const std::string big(300, 'x');  // the batch keeps views, not copies
  b.addRaw("HEAD\r\n\r\n");
  b.addChunk("hello");
  b.addChunk("");
  b.addChunk(big);
  b.addLast();
  EXPECT_EQ(flatten(b),
            "HEAD\r\n\r\n5\r\nhello\r\n12c\r\n" + std::string(300, 'x') + "\r\n0\r\n\r\n");
}

TEST(ChunkBatch, FillsUpToItsSliceBound) {
  ChunkBatch b;
  std::vector<std::string> pieces;
  pieces.reserve(64);  // the batch holds views: the pieces must not move
  while (!b.full()) {
    pieces.emplace_back(pieces.size() * 37 + 1, static_cast<char>('a' + pieces.size() % 26));
    b.addChunk(pieces.back());
    ASSERT_LE(pieces.size(), 64u) << "never full";
  }
  EXPECT_EQ(pieces.size(), static_cast<std::size_t>(ChunkBatch::kMaxSlices));
  b.addLast();
  std::string wire = flatten(b);
  http::ChunkedDecoder dec;
  std::string body;
  std::string_view in = wire;
  while (!in.empty()) {
    http::ChunkResult r = dec.decode(in);
    ASSERT_NE(r.status, http::ChunkStatus::kError);
    body.append(r.data);
    in.remove_prefix(r.consumed);
  }
  std::string expected;
  for (const std::string& p : pieces) {
    expected += p;
  }
  EXPECT_EQ(body, expected);
}

TEST(ChunkBatch, DecoderAcceptsOutput) {
  ChunkBatch b;
  std::string a(4096, 'a');
  std::string c(1, 'c');
  b.addChunk(a);
  b.addChunk(c);
  b.addLast();
  std::string wire = flatten(b);
  http::ChunkedDecoder dec;
  std::string body;
  std::string_view in = wire;
  while (!in.empty()) {
    http::ChunkResult r = dec.decode(in);
    ASSERT_NE(r.status, http::ChunkStatus::kError);
    body.append(r.data);
    in.remove_prefix(r.consumed);
  }
  EXPECT_TRUE(dec.done());
  EXPECT_EQ(body, a + c);
}

}  // namespace
}  // namespace gw::server
