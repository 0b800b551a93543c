#include "runtime/http/path_normalizer.h"

#include <gtest/gtest.h>

namespace gw::http {
namespace {

struct NormCase {
  const char* raw;
  const char* want;  ///< nullptr: rejected with 400
};

class NormalizePathTest : public ::testing::TestWithParam<NormCase> {};

TEST_P(NormalizePathTest, Normalizes) {
  const NormCase& c = GetParam();
  std::string out = "garbage-from-previous-request";
  NormalizeResult r = normalizePath(c.raw, out);
  if (c.want == nullptr) {
    EXPECT_FALSE(r.ok) << c.raw << " -> " << out;
    EXPECT_EQ(r.httpStatus, 400);
    EXPECT_STRNE(r.reason, "");
  } else {
    ASSERT_TRUE(r.ok) << c.raw << ": " << r.reason;
    EXPECT_EQ(out, c.want) << c.raw;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, NormalizePathTest,
    ::testing::Values(NormCase{"/", "/"}, NormCase{"/a/b", "/a/b"}, NormCase{"/a/b/", "/a/b/"},
                      NormCase{"//a///b//", "/a/b/"}, NormCase{"/a/./b", "/a/b"},
                      NormCase{"/a/b/.", "/a/b/"}, NormCase{"/a/b/..", "/a/"},
                      NormCase{"/a/../b", "/b"}, NormCase{"/a/b/../../c", "/c"},
                      NormCase{"/a/..", "/"}, NormCase{"/.", "/"}, NormCase{"/a/%2e%2e/b", "/b"},
                      NormCase{"/a/%2E%2e/b", "/b"}, NormCase{"/a/.%2e/b", "/b"},
                      NormCase{"/a/%2e/b", "/a/b"}, NormCase{"/%61%62%63", "/abc"},
                      NormCase{"/%7e%2D%5f%30", "/~-_0"}, NormCase{"/a%20b", "/a%20b"},
                      NormCase{"/a%3fb", "/a%3Fb"}, NormCase{"/caf%c3%a9", "/caf%C3%A9"},
                      NormCase{"/a%2Eb", "/a.b"}, NormCase{"/...", "/..."},
                      NormCase{"/..a/b", "/..a/b"}, NormCase{"/a;b=c/d", "/a;b=c/d"},
                      NormCase{"/admin//../x", "/x"}, NormCase{"*", "*"}));

INSTANTIATE_TEST_SUITE_P(Rejected, NormalizePathTest,
                         ::testing::Values(NormCase{"", nullptr}, NormCase{"a/b", nullptr},
                                           NormCase{"/..", nullptr}, NormCase{"/a/../..", nullptr},
                                           NormCase{"/%2e%2e/etc", nullptr},
                                           NormCase{"/a%2fb", nullptr}, NormCase{"/a%2Fb", nullptr},
                                           NormCase{"/a%5cb", nullptr}, NormCase{"/a%5Cb", nullptr},
                                           NormCase{"/a\\b", nullptr}, NormCase{"/a%00b", nullptr},
                                           NormCase{"/a%", nullptr}, NormCase{"/a%4", nullptr},
                                           NormCase{"/a%zz", nullptr}, NormCase{"/a%%41", nullptr},
                                           NormCase{"/a/..;/admin", nullptr},
                                           NormCase{"/a/.;x/b", nullptr},
                                           NormCase{"/a/%2e%2e;/admin", nullptr},
                                           NormCase{"/a b", nullptr}, NormCase{"/a\x01", nullptr}));

TEST(NormalizePath, IsIdempotent) {
  const char* inputs[] = {"/a/./b/../c//d/", "/%41%2e/x%3a", "/x/%2e%2E/y"};
  for (const char* in : inputs) {
    std::string once;
    std::string twice;
    ASSERT_TRUE(normalizePath(in, once).ok);
    ASSERT_TRUE(normalizePath(once, twice).ok);
    EXPECT_EQ(once, twice) << in;
  }
}

TEST(NormalizePath, ReusesCapacity) {
  std::string out;
  out.reserve(256);
  const char* before = out.data();
  ASSERT_TRUE(normalizePath("/a/b/c", out).ok);
  EXPECT_EQ(out.data(), before);
}

}  // namespace
}  // namespace gw::http
