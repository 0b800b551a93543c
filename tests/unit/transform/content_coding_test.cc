#include "runtime/transform/content_coding.h"

#include <gtest/gtest.h>

#include <vector>

namespace gw::transform {
namespace {

const std::vector<Coding> kBrGzip = {Coding::kBrotli, Coding::kGzip};

Coding pick(std::string_view field, const std::vector<Coding>& prefs = kBrGzip) {
  AcceptEncoding ae;
  ae.add(field);
  return ae.choose(prefs);
}

TEST(ContentCoding, NamesRoundTrip) {
  for (Coding c : {Coding::kGzip, Coding::kDeflate, Coding::kBrotli, Coding::kIdentity}) {
    Coding back;
    ASSERT_TRUE(parseCoding(codingName(c), back));
    EXPECT_EQ(back, c);
  }
  Coding c;
  EXPECT_TRUE(parseCoding("X-GZIP", c));
  EXPECT_EQ(c, Coding::kGzip);
  EXPECT_FALSE(parseCoding("zstd", c));
}

TEST(ContentCoding, NoFieldMeansIdentity) {
  AcceptEncoding ae;
  EXPECT_FALSE(ae.present());
  EXPECT_EQ(ae.choose(kBrGzip), Coding::kIdentity);
  EXPECT_EQ(ae.quality(Coding::kIdentity), 1000);
}

TEST(ContentCoding, RouteOrderBreaksTies) {
  EXPECT_EQ(pick("gzip, deflate, br"), Coding::kBrotli);
  EXPECT_EQ(pick("gzip, br", {Coding::kGzip, Coding::kBrotli}), Coding::kGzip);
  EXPECT_EQ(pick("gzip"), Coding::kGzip);
  EXPECT_EQ(pick("deflate"), Coding::kIdentity);
  EXPECT_EQ(pick(""), Coding::kIdentity);
}

TEST(ContentCoding, HigherQualityWins) {
  EXPECT_EQ(pick("br;q=0.5, gzip;q=0.8"), Coding::kGzip);
  EXPECT_EQ(pick("br;q=0.800, gzip;q=0.8"), Coding::kBrotli);
  EXPECT_EQ(pick("br ; q=1.0 , gzip;q=0.999"), Coding::kBrotli);
}

TEST(ContentCoding, ZeroQualityExcludes) {
  EXPECT_EQ(pick("br;q=0, gzip"), Coding::kGzip);
  EXPECT_EQ(pick("br;q=0, gzip;q=0.0"), Coding::kIdentity);
  AcceptEncoding ae;
  ae.add("gzip, identity;q=0");
  EXPECT_EQ(ae.quality(Coding::kIdentity), 0);
  EXPECT_EQ(ae.choose(kBrGzip), Coding::kGzip);
}

TEST(ContentCoding, StarCoversUnlisted) {
  EXPECT_EQ(pick("*"), Coding::kBrotli);
  EXPECT_EQ(pick("br;q=0, *"), Coding::kGzip);
  EXPECT_EQ(pick("*;q=0"), Coding::kIdentity);
  AcceptEncoding ae;
  ae.add("*;q=0");
  EXPECT_EQ(ae.quality(Coding::kIdentity), 0);
  ae = {};
  ae.add("*;q=0, identity");
  EXPECT_EQ(ae.quality(Coding::kIdentity), 1000);
}

TEST(ContentCoding, MalformedElementsIgnored) {
  EXPECT_EQ(pick("br;q=2, gzip"), Coding::kGzip);       // q > 1
  EXPECT_EQ(pick("br;q=0.1234, gzip;q=0.1"), Coding::kGzip);  // 4 decimals
  EXPECT_EQ(pick("br;q=abc"), Coding::kIdentity);
  EXPECT_EQ(pick("br;q=1.5"), Coding::kIdentity);
  EXPECT_EQ(pick(",, ,gzip,"), Coding::kGzip);
}

TEST(ContentCoding, SeveralFieldsCombine) {
  AcceptEncoding ae;
  ae.add("gzip;q=0.2");
  ae.add("br;q=0.3");
  EXPECT_TRUE(ae.present());
  EXPECT_EQ(ae.choose(kBrGzip), Coding::kBrotli);
}

}  // namespace
}  // namespace gw::transform
