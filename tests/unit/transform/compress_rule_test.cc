#include "runtime/transform/compress_rule.h"

#include <gtest/gtest.h>

#include "runtime/transform/media_type.h"

namespace gw::transform {
namespace {

TEST(MediaType, Compressible) {
  EXPECT_TRUE(isCompressible(""));
  EXPECT_TRUE(isCompressible("text/html; charset=utf-8"));
  EXPECT_TRUE(isCompressible("application/json"));
  EXPECT_TRUE(isCompressible("IMAGE/SVG+XML"));
  EXPECT_FALSE(isCompressible("image/png"));
  EXPECT_FALSE(isCompressible(" image/jpeg ;q=1"));
  EXPECT_FALSE(isCompressible("video/mp4"));
  EXPECT_FALSE(isCompressible("audio/ogg"));
  EXPECT_FALSE(isCompressible("application/zip"));
  EXPECT_FALSE(isCompressible("application/gzip"));
  EXPECT_FALSE(isCompressible("application/octet-stream"));
  EXPECT_FALSE(isCompressible("font/woff2"));
  EXPECT_FALSE(isCompressible("text/event-stream"));
}

TEST(MediaType, Json) {
  EXPECT_TRUE(isJson("application/json"));
  EXPECT_TRUE(isJson("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(isJson("application/problem+json"));
  EXPECT_FALSE(isJson("text/json-ish"));
  EXPECT_FALSE(isJson("application/jsonp"));
  EXPECT_FALSE(isJson(""));
  EXPECT_EQ(mediaType(" text/plain ; a=b"), "text/plain");
}

http::HeaderList headers(std::initializer_list<http::Header> h) { return h; }

TEST(CompressRule, Eligibility) {
  auto json = headers({{"Content-Type", "application/json"}});
  EXPECT_TRUE(compressibleResponse(false, 200, json));
  EXPECT_TRUE(compressibleResponse(false, 404, json));
  EXPECT_FALSE(compressibleResponse(true, 200, json));
  EXPECT_FALSE(compressibleResponse(false, 204, json));
  EXPECT_FALSE(compressibleResponse(false, 206, json));
  EXPECT_FALSE(compressibleResponse(false, 304, json));
  EXPECT_FALSE(compressibleResponse(false, 100, json));
  EXPECT_FALSE(compressibleResponse(
      false, 200, headers({{"Content-Type", "text/plain"}, {"Content-Encoding", "gzip"}})));
  EXPECT_TRUE(compressibleResponse(
      false, 200, headers({{"Content-Type", "text/plain"}, {"Content-Encoding", "identity"}})));
  EXPECT_FALSE(compressibleResponse(
      false, 200, headers({{"Cache-Control", "public, No-Transform"}})));
  EXPECT_TRUE(compressibleResponse(false, 200, headers({{"Cache-Control", "max-age=60"}})));
  EXPECT_FALSE(compressibleResponse(false, 200, headers({{"Content-Type", "image/webp"}})));
}

TEST(CompressRule, Vary) {
  EXPECT_EQ(varyWithAcceptEncoding(""), "Accept-Encoding");
  EXPECT_EQ(varyWithAcceptEncoding("Origin"), "Origin, Accept-Encoding");
  EXPECT_EQ(varyWithAcceptEncoding("origin, accept-encoding"), "origin, accept-encoding");
  EXPECT_EQ(varyWithAcceptEncoding("*"), "*");
}

TEST(CompressRule, Etag) {
  EXPECT_EQ(weakenEtag("\"abc\""), "W/\"abc\"");
  EXPECT_EQ(weakenEtag("W/\"abc\""), "W/\"abc\"");
}

}  // namespace
}  // namespace gw::transform
