// The decision tree against the linear reference matcher on random route sets, and the
// specificity rules on hand-written ones.
#include <gtest/gtest.h>

#include "compiler/interp/interpreter.h"
#include "compiler/interp/linear_matcher.h"
#include "compiler/policy/request_builder.h"
#include "tests/unit/ir/policy_fixture.h"
#include "tests/unit/ir/random_policy.h"

namespace gw {
namespace {

std::string describe(const gw_match_result& m) {
  std::string s = "route=" + std::to_string(m.route) + " status=" + std::to_string(m.status) +
                  " allow=" + std::to_string(m.allow_methods) + " params=";
  for (uint32_t i = 0; i < m.param_count; ++i) {
    s += std::to_string(m.params[i].name_index) + ":" +
         std::string(m.params[i].value.ptr, m.params[i].value.len) + ",";
  }
  return s;
}

TEST(MatchTree, AgreesWithLinearScanOnRandomRouteSets) {
  size_t compared = 0;
  size_t matched = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    testgen::GenOptions opts;
    opts.routes = 20 + static_cast<uint32_t>(seed * 7 % 120);
    std::string errors;
    auto policy = testing::buildFromText(testgen::randomPolicy(seed, opts), &errors);
    ASSERT_TRUE(policy) << errors;
    interp::LinearMatcher linear(policy->ir());
    for (const testgen::GenRequest& r : testgen::randomRequests(seed, 250, opts)) {
      policy::RequestBuilder b;
      b.setTarget(r.method, r.url);
      for (const auto& [k, v] : r.headers) b.addHeader(k, v);
      char s1[512], s2[512];
      gw_eval_ctx c1 = policy->makeContext(s1, sizeof s1);
      gw_eval_ctx c2 = policy->makeContext(s2, sizeof s2);
      gw_match_result tree{}, scan{};
      interp::matchTree(policy->ir(), b.request(), c1, tree);
      linear.match(b.request(), c2, scan);
      ASSERT_EQ(describe(tree), describe(scan)) << "seed " << seed << " " << r.method << " "
                                                << r.url;
      ++compared;
      matched += tree.status == 0;
    }
  }
  EXPECT_EQ(compared, 40u * 250u);
  EXPECT_GT(matched, compared / 10);  // the generator must exercise matches, not only misses
}

class Specificity : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = testing::buildFromText(R"(
upstream u { server 127.0.0.1:1 }
route exact { match { path exact "/a/b" } forward u }
route tmpl { match { path "/a/{x}" } forward u }
route tmpl2 { match { path "/{x}/b" } forward u }
route tmpl3 { match { path "/{x}/{y}" } forward u }
route pre1 { match { path prefix "/a" } forward u }
route pre2 { match { path prefix "/a/c" } forward u }
route any { match { path prefix "/" host "only.example.com" } forward u }
route hx { match { path "/h" host "x.example.com" } forward u }
route hw { match { path "/h" host "*.example.com" } forward u }
route hww { match { path "/h" host "*.b.example.com" } forward u }
route hn { match { path "/h" } forward u }
route m1 { match { path "/m" method [GET, PUT] } forward u }
route m2 { match { path "/m" method POST header "X" present } forward u }
)");
    ASSERT_TRUE(policy_);
  }
  std::string route(const std::string& method, const std::string& url,
                    std::pair<std::string, std::string> header = {}) {
    policy::RequestBuilder b;
    b.setTarget(method, url);
    if (!header.first.empty()) b.addHeader(header.first, header.second);
    char s[256];
    gw_eval_ctx ctx = policy_->makeContext(s, sizeof s);
    policy_->match(b.request(), ctx, last_);
    if (last_.status != 0) return std::to_string(last_.status);
    return policy_->routes()[static_cast<size_t>(last_.route)].name;
  }
  std::shared_ptr<policy::CompiledPolicy> policy_;
  gw_match_result last_{};
};

TEST_F(Specificity, PathKinds) {
  EXPECT_EQ(route("GET", "http://h/a/b"), "exact");
  EXPECT_EQ(route("GET", "http://h/a/z"), "tmpl");    // literal first segment beats {x}
  EXPECT_EQ(route("GET", "http://h/z/b"), "tmpl2");
  EXPECT_EQ(route("GET", "http://h/z/q"), "tmpl3");
  EXPECT_EQ(route("GET", "http://h/a/c"), "tmpl");    // a template beats a longer prefix
  EXPECT_EQ(route("GET", "http://h/a/c/d"), "pre2");  // longer prefix
  EXPECT_EQ(route("GET", "http://h/a/d/e"), "pre1");
  EXPECT_EQ(route("GET", "http://h/a"), "pre1");
  EXPECT_EQ(route("GET", "http://h/ab"), "404");
  EXPECT_EQ(route("GET", "http://only.example.com/zzz/1/2"), "any");
  EXPECT_EQ(route("GET", "http://h/a//"), "pre1");    // {x} never matches an empty segment
}

TEST_F(Specificity, Hosts) {
  EXPECT_EQ(route("GET", "http://x.example.com/h"), "hx");
  EXPECT_EQ(route("GET", "http://X.Example.COM/h"), "hx");  // hosts compare case-insensitively
  EXPECT_EQ(route("GET", "http://a.b.example.com/h"), "hww");  // longer wildcard suffix
  EXPECT_EQ(route("GET", "http://y.example.com/h"), "hw");
  EXPECT_EQ(route("GET", "http://example.com/h"), "hn");
}

TEST_F(Specificity, MethodsAnd405) {
  EXPECT_EQ(route("GET", "http://h/m"), "m1");
  EXPECT_EQ(route("POST", "http://h/m", {"X", "1"}), "m2");
  EXPECT_EQ(route("POST", "http://h/m"), "404");  // method matched, condition failed
  EXPECT_EQ(route("DELETE", "http://h/m"), "405");
  EXPECT_EQ(last_.allow_methods,
            (1u << GW_METHOD_GET) | (1u << GW_METHOD_PUT) | (1u << GW_METHOD_POST));
}

TEST_F(Specificity, CapturesParams) {
  EXPECT_EQ(route("GET", "http://h/q/r"), "tmpl3");
  ASSERT_EQ(last_.param_count, 2u);
  EXPECT_EQ(std::string(last_.params[0].value.ptr, last_.params[0].value.len), "q");
  EXPECT_EQ(std::string(last_.params[1].value.ptr, last_.params[1].value.len), "r");
  EXPECT_EQ(last_.params[1].name_index, 1u);
}

}  // namespace
}  // namespace gw

#include "compiler/ir/printer.h"

namespace gw {
namespace {

TEST(IrVerifier, AcceptsLoweredRandomPolicies) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto policy = testing::buildFromText(testgen::randomPolicy(seed));
    ASSERT_TRUE(policy);
    EXPECT_EQ(ir::verify(policy->ir()), std::vector<std::string>{}) << "seed " << seed;
  }
}

TEST(IrPrinter, PrintsFunctionsRoutesAndTree) {
  auto policy = testing::buildFromText(R"(
upstream u { server 127.0.0.1:1 }
route a { match { path "/users/{id}" header "X" == "1" } forward u }
)");
  ASSERT_TRUE(policy);
  std::string text = ir::printIr(policy->ir());
  EXPECT_NE(text.find("route #0 a path template \"/users/{id}\""), std::string::npos) << text;
  EXPECT_NE(text.find("call gw_header_get(%"), std::string::npos) << text;
  EXPECT_NE(text.find("len5[users->#1]"), std::string::npos) << text;
  EXPECT_NE(text.find("terminal[a]"), std::string::npos) << text;
}

}  // namespace
}  // namespace gw
