// Framing of responses without sockets: ResponseReader fed byte slices, URL parsing and
// Cache-Control max-age.
#include <gtest/gtest.h>

#include "runtime/authnet/fetch_url.h"
#include "runtime/authnet/response_reader.h"

namespace gw::authnet {
namespace {

constexpr std::size_t kCap = 1024;

/// Feeds `wire` in slices of `step` bytes, then closes cleanly if `close`.
FetchResponse readAll(std::string_view wire, std::size_t step, bool close, FetchError* error) {
  ResponseReader reader(4096, kCap);
  for (std::size_t i = 0; i < wire.size() && !reader.done(); i += step) {
    reader.feed(wire.substr(i, step));
  }
  if (close) {
    reader.finish(true);
  }
  *error = reader.failed() ? reader.error() : (reader.done() ? FetchError::kNone
                                                             : FetchError::kMalformedResponse);
  return reader.failed() ? FetchResponse{} : reader.take();
}

class SliceTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(SliceTest, ContentLengthBody) {
  FetchError error;
  FetchResponse r = readAll(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: max-age=60\r\n\r\nhelloEXTRA",
      GetParam(), false, &error);
  EXPECT_EQ(error, FetchError::kNone);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.maxAgeSeconds, 60);
}

TEST_P(SliceTest, ChunkedBodyWithExtensionsAndTrailer) {
  FetchError error;
  FetchResponse r = readAll(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;x=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n",
      GetParam(), false, &error);
  EXPECT_EQ(error, FetchError::kNone);
  EXPECT_EQ(r.body, "abcdefg");
  EXPECT_FALSE(r.maxAgeSeconds.has_value());
}

TEST_P(SliceTest, CloseDelimitedBodyAfterInterimResponse) {
  FetchError error;
  FetchResponse r = readAll(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 404 Not Found\r\n\r\nnot here", GetParam(), true,
      &error);
  EXPECT_EQ(error, FetchError::kNone);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "not here");
}

INSTANTIATE_TEST_SUITE_P(Slices, SliceTest, ::testing::Values(1, 3, 1000));

TEST(ResponseReaderTest, TruncatedBodyIsMalformed) {
  ResponseReader reader(4096, kCap);
  reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_FALSE(reader.done());
  reader.finish(true);
  ASSERT_TRUE(reader.failed());
  EXPECT_EQ(reader.error(), FetchError::kMalformedResponse);
}

TEST(ResponseReaderTest, CloseBeforeHeadIsMalformed) {
  ResponseReader reader(4096, kCap);
  reader.feed("HTTP/1.1 200 OK\r\nContent-");
  reader.finish(true);
  EXPECT_EQ(reader.error(), FetchError::kMalformedResponse);
}

TEST(ResponseReaderTest, TlsTruncationRejectedOnlyForCloseDelimitedBodies) {
  ResponseReader closeDelimited(4096, kCap);
  closeDelimited.feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"keys\":[]}");
  closeDelimited.finish(false);
  EXPECT_TRUE(closeDelimited.failed());

  ResponseReader sized(4096, kCap);
  sized.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
  sized.finish(false);  // already complete: the missing close_notify does not matter
  EXPECT_FALSE(sized.failed());
  EXPECT_EQ(sized.take().body, "{}");
}

TEST(ResponseReaderTest, OversizedBodiesAreRefused) {
  ResponseReader declared(4096, kCap);
  declared.feed("HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n");
  EXPECT_EQ(declared.error(), FetchError::kTooLarge);

  ResponseReader chunked(4096, kCap);
  chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 5 && !chunked.done(); ++i) {
    chunked.feed("100\r\n" + std::string(256, 'x') + "\r\n");
  }
  EXPECT_EQ(chunked.error(), FetchError::kTooLarge);

  ResponseReader untilClose(4096, kCap);
  untilClose.feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  untilClose.feed(std::string(kCap + 1, 'x'));
  EXPECT_EQ(untilClose.error(), FetchError::kTooLarge);
}

TEST(ResponseReaderTest, MalformedHeadAndChunks) {
  ResponseReader head(4096, kCap);
  head.feed("HTTP/2 200 OK\r\n\r\n");
  EXPECT_EQ(head.error(), FetchError::kMalformedResponse);

  ResponseReader chunk(4096, kCap);
  chunk.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(chunk.error(), FetchError::kMalformedResponse);

  ResponseReader big(64, kCap);
  big.feed("HTTP/1.1 200 OK\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.error(), FetchError::kMalformedResponse);
}

TEST(CacheControlTest, MaxAge) {
  EXPECT_EQ(parseCacheControlMaxAge("max-age=300"), 300);
  EXPECT_EQ(parseCacheControlMaxAge("public, Max-Age=\"20\" , must-revalidate"), 20);
  EXPECT_EQ(parseCacheControlMaxAge("no-store, max-age=300"), 0);
  EXPECT_EQ(parseCacheControlMaxAge("no-cache"), 0);
  EXPECT_FALSE(parseCacheControlMaxAge("public").has_value());
  EXPECT_FALSE(parseCacheControlMaxAge("max-age=-1").has_value());
  EXPECT_FALSE(parseCacheControlMaxAge("max-age=12x").has_value());
  EXPECT_FALSE(parseCacheControlMaxAge("max-age=").has_value());
}

TEST(FetchUrlTest, Parses) {
  std::string error;
  auto u = parseFetchUrl("https://idp.example.com/.well-known/jwks.json?x=1", error);
  ASSERT_TRUE(u) << error;
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "idp.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/.well-known/jwks.json?x=1");
  EXPECT_EQ(u->hostHeader, "idp.example.com");

  u = parseFetchUrl("HTTP://127.0.0.1:8080", error);
  ASSERT_TRUE(u) << error;
  EXPECT_FALSE(u->https);
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->hostHeader, "127.0.0.1:8080");
  EXPECT_EQ(u->display(), "http://127.0.0.1:8080/");

  u = parseFetchUrl("http://[::1]:9000?q", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/?q");
}

TEST(FetchUrlTest, Rejects) {
  std::string error;
  for (const char* bad : {"ftp://x/", "http://", "http://:80/", "http://user:pw@host/",
                          "http://host:0/", "http://host:65536/", "http://host/a b",
                          "http://host/#frag", "http://[::1/", "http://host:8x/"}) {
    EXPECT_FALSE(parseFetchUrl(bad, error)) << bad;
  }
}

}  // namespace
}  // namespace gw::authnet
