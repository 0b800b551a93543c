// Interpreter vs JIT vs AOT-loaded object on generated policies and requests, fixed seeds.
// GW_DIFF_SEEDS / GW_DIFF_REQUESTS scale the run (defaults keep CI fast on 2 cores).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "compiler/codegen/match_mode.h"
#include "tests/differential/diff_harness.h"

namespace gw::difftest {
namespace {

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

/// Restores the default matcher choice when a test that forced one ends.
struct TreeLimit {
  explicit TreeLimit(size_t nodes) : saved(codegen::matchTreeNodeLimit()) { codegen::setMatchTreeNodeLimit(nodes); }
  ~TreeLimit() { codegen::setMatchTreeNodeLimit(saved); }
  size_t saved;
};

/// The one upstream every hand-written policy below forwards to.
constexpr const char* kUpstreamU = "upstream u {\n  server 127.0.0.1:9001\n}\n";

/// The text of a route `name` that forwards to kUpstreamU's `u`; `match` is its match block's
/// inside (`path "/a/{id}" method [GET]`).
std::string routeToU(const std::string& name, const std::string& match) {
  return "route " + name + " {\n  match { " + match + " }\n  forward u\n}\n";
}

/// A hand-written request, named in messages as "<method id> <host> <path>?<query>" (`host`
/// and `query` must outlive it).
std::unique_ptr<GenRequest> handRequest(uint32_t method, std::string_view host,
                                        const std::string& path, std::string_view query = {}) {
  auto req = std::make_unique<GenRequest>();
  req->text.push_back(path);
  req->view.method_id = method;
  req->view.path = gw_str{req->text.back().data(), req->text.back().size()};
  req->view.host = gw_str{host.data(), host.size()};
  req->view.query = gw_str{query.data(), query.size()};
  req->describe = std::to_string(method) + " " + std::string(host) + " " + path + "?" +
                  std::string(query);
  return req;
}

/// Asks every subject one hand-written request: "" when they all answer alike, else what
/// differs.
std::string disagreement(const Subjects& subjects, uint32_t method, std::string_view host,
                         const std::string& path, std::string_view query = {}) {
  return subjects.compare(*handRequest(method, host, path, query));
}

void agreeOnGeneratedPolicies(int seeds) {
  int requests = envInt("GW_DIFF_REQUESTS", 100);
  int compiled = 0, rejected = 0, cases = 0;
  std::string firstRejection;
  for (int seed = 1; seed <= seeds; ++seed) {
    PolicyGen gen(static_cast<uint64_t>(seed));
    std::string source = gen.policy(4 + seed % 12);
    std::string why;
    bool frontEndRejected = false;
    auto subjects = Subjects::build(source, /*withAot=*/seed % 4 == 0, &why, &frontEndRejected);
    if (frontEndRejected) {
      ++rejected;
      if (firstRejection.empty()) firstRejection = why + "\n" + source;
      continue;
    }
    ASSERT_TRUE(subjects) << "seed " << seed << ": " << why << "\n" << source;
    ++compiled;
    for (int i = 0; i < requests; ++i) {
      auto req = gen.request();
      std::string d = subjects->compare(*req);
      ASSERT_TRUE(d.empty()) << "seed " << seed << ": " << d << "\n" << source;
      ++cases;
    }
  }
  // The generator must mostly produce valid policies (E0302 identical matchers is the usual rejection), or this test would compare nothing.
  EXPECT_GE(compiled, seeds / 2) << "first rejection: " << firstRejection;
  testing::Test::RecordProperty("cases", cases);
  std::printf("compared %d (policy, request) pairs over %d policies (%d rejected by sema)\n", cases,
              compiled, rejected);
}

TEST(Differential, InterpreterJitAndAotAgreeOnGeneratedPolicies) {
  TreeLimit compiled(SIZE_MAX - 1);  // every generated tree compiled to code
  agreeOnGeneratedPolicies(envInt("GW_DIFF_SEEDS", 40));
}

TEST(Differential, RouteTableAgreesOnGeneratedPolicies) {
  TreeLimit table(0);  // every generated tree matched by native::RouteTable
  agreeOnGeneratedPolicies(envInt("GW_DIFF_SEEDS", 40));
}

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// Wide fan-out: hundreds of literal siblings (outlined byte-switch functions in the JIT) and
/// templated neighbours; every route's own path must pick it, and near misses must 404/405 alike.
void wideFanOut(int routes) {
  std::string source = kUpstreamU;
  for (int i = 0; i < routes; ++i) {
    source += routeToU("s" + std::to_string(i), "path \"/svc" + std::to_string(i) +
                       (i % 3 == 0 ? "/users/{id}\"" : "/items\" method [GET]"));
  }
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/true, &why, &rejected);
  ASSERT_TRUE(subjects) << why;
  const char* suffixes[] = {"/items", "/users/7", "/items/", "", "/users/"};
  for (int i = 0; i < routes + 20; ++i) {
    for (const char* suffix : suffixes) {
      for (uint32_t method : {GW_METHOD_GET, GW_METHOD_POST}) {
        ASSERT_EQ(disagreement(*subjects, method, "h", "/svc" + std::to_string(i) + suffix), "");
      }
    }
  }
}

TEST(Differential, WideFanOutMatchesLikeTheInterpreter) {
  TreeLimit compiled(SIZE_MAX - 1);
  wideFanOut(60);  // 50 literals of one length: the outlined byte-switch functions
}

TEST(Differential, WideFanOutRouteTableMatchesLikeTheInterpreter) {
  TreeLimit table(0);
  wideFanOut(300);
}

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// Policies of 300-400 routes with the default node budget: their trees exceed 128 nodes, so the
/// JIT and the .gwo match through native::RouteTable exactly as a large production policy does.
TEST(Differential, LargeGeneratedPoliciesMatchThroughTheRouteTable) {
  int seeds = envInt("GW_DIFF_LARGE_SEEDS", 2);
  int requests = envInt("GW_DIFF_REQUESTS", 100) * 3;
  for (int seed = 1001; seed <= 1000 + seeds; ++seed) {
    PolicyGen gen(static_cast<uint64_t>(seed));
    std::string source = gen.policy(300 + seed * 37 % 100, /*distinctMatchers=*/true);
    std::string why;
    bool rejected = false;
    auto subjects = Subjects::build(source, /*withAot=*/seed % 2 == 0, &why, &rejected);
    ASSERT_TRUE(subjects) << "seed " << seed << ": " << why;
    ASSERT_GT(subjects->treeNodes(), codegen::matchTreeNodeLimit()) << "seed " << seed;
    ASSERT_TRUE(subjects->jitUsesRouteTable()) << "seed " << seed;
    for (int i = 0; i < requests; ++i) {
      auto req = gen.request();
      std::string d = subjects->compare(*req);
      ASSERT_TRUE(d.empty()) << "seed " << seed << ": " << d;
    }
  }
}

/// Literal segments of every length from 1 to 24 that share their leading bytes and differ in
/// one byte (before, at and after the 16 bytes the route table holds inline, and in the hashed
/// tail), under one parent; each route's own path and every one-byte variant must answer alike.
void longSegments(size_t treeLimit) {
  TreeLimit limit(treeLimit);
  const std::string base = "abcdefghijklmnopqrstuvwx";
  std::string source = kUpstreamU;
  std::vector<std::string> segs;
  for (size_t len = 1; len <= base.size(); ++len) {
    segs.push_back(base.substr(0, len));
    std::string other = segs.back();
    other[len / 2] = '_';
    segs.push_back(other);
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    source += routeToU("r" + std::to_string(i),
                       "path \"/k/" + segs[i] + (i % 3 == 0 ? "/{id}" : "") + "\"");
  }
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/true, &why, &rejected);
  ASSERT_TRUE(subjects) << why;
  for (const std::string& s : segs) {
    for (size_t at = 0; at <= s.size(); ++at) {
      std::string probe = s;
      if (at < s.size()) probe[at] = static_cast<char>(probe[at] ^ 1);  // one byte off (or none)
      for (const char* suffix : {"", "/7", "/"}) {
        ASSERT_EQ(disagreement(*subjects, GW_METHOD_GET, "h", "/k/" + probe + suffix), "");
      }
    }
  }
}

TEST(Differential, LongSegmentsRouteTableMatchesLikeTheInterpreter) { longSegments(0); }
TEST(Differential, LongSegmentsCompiledTreeMatchesLikeTheInterpreter) { longSegments(SIZE_MAX - 1); }

/// Parents with 1 to 7 literal children (the route table scans up to four inline and hashes
/// wider nodes), children of lengths around the 8- and 16-byte words and the length mask's
/// shared top bit (63 and more), `{param}` siblings that the walk falls back to when a literal
/// subtree fails two levels down, and prefix routes behind them.
void fanOutBoundary(size_t treeLimit) {
  TreeLimit limit(treeLimit);
  const size_t lengths[] = {1, 7, 8, 9, 16, 17, 63, 64, 70};
  std::string source = kUpstreamU;
  auto route = [&](const std::string& name, const std::string& match) {
    source += routeToU(name, match);
  };
  std::vector<std::string> paths;
  size_t next = 0;
  for (int k = 1; k <= 7; ++k) {
    std::string parent = "/f" + std::to_string(k);
    route("p" + std::to_string(k), "path \"" + parent + "/{p}/x/{v}\"");
    route("q" + std::to_string(k), "path prefix \"" + parent + "\"");
    for (int c = 0; c < k; ++c, ++next) {
      size_t len = lengths[next % std::size(lengths)];
      std::string name(len, static_cast<char>('a' + c));
      name[len - 1] = static_cast<char>('0' + k);
      std::string id = std::to_string(k) + "_" + std::to_string(c);
      route("e" + id, "path exact \"" + parent + "/" + name + "\" method [GET]");
      if (c % 2 == 0) route("t" + id, "path \"" + parent + "/" + name + "/x/{v}/y\"");
      std::string near = name;
      near[len / 2] = '_';
      for (const std::string& seg : {name, near, name + "z", name.substr(0, len - 1)}) {
        for (const char* suffix : {"", "/", "/x/1", "/x/1/y", "/x/"}) {
          paths.push_back(parent + "/" + seg + suffix);
        }
      }
    }
  }
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/true, &why, &rejected);
  ASSERT_TRUE(subjects) << why;
  for (const std::string& path : paths) {
    for (uint32_t method : {GW_METHOD_GET, GW_METHOD_PUT}) {
      ASSERT_EQ(disagreement(*subjects, method, "h", path), "");
    }
  }
}

TEST(Differential, FanOutBoundaryRouteTableMatchesLikeTheInterpreter) { fanOutBoundary(0); }
TEST(Differential, FanOutBoundaryCompiledTreeMatchesLikeTheInterpreter) { fanOutBoundary(SIZE_MAX - 1); }

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// The route table's whole-path index (the walk's first probe): all-literal paths whose joined
/// length is around the hash's 8-byte words, the root, trailing and empty segments, paths
/// without a leading '/', and exact routes whose host, method or condition fails so the walk
/// must go on to a `{param}` sibling, a prefix route, or a 405 (the candidates are tested
/// twice then; the condition decodes the query into the scratch both times).
void wholePaths(size_t treeLimit) {
  TreeLimit limit(treeLimit);
  std::string source = kUpstreamU;
  int n = 0;
  auto route = [&](const std::string& match) {
    source += routeToU("w" + std::to_string(n++), match);
  };
  route("path exact \"/\" method [GET]");
  route("path \"/{p}\" method [GET, PUT]");
  route("path prefix \"/\" host \"h2\"");
  std::vector<std::string> exact;
  const std::string letters = "abcdefghijklmnopqrstuvwxyz";
  for (size_t len : {1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 25}) {
    exact.push_back("/" + letters.substr(0, len));
  }
  exact.push_back("/ab/cdefgh");       // 9 bytes after the '/'
  exact.push_back("/a/b/c/d/e/f/g/h");  // one word of segments
  exact.push_back("/a/");               // a trailing empty segment
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/d" + std::to_string(i % 3);
  exact.push_back(deep);
  for (size_t i = 0; i < exact.size(); ++i) {
    const std::string& p = exact[i];
    switch (i % 4) {
      case 0: route("path exact \"" + p + "\" host \"h1\" method [GET]"); break;
      case 1: route("path \"" + p + "\" method [POST]"); break;
      case 2:
        route("path exact \"" + p + "\" when request.query(\"q\") starts_with \"x\"");
        if (p.back() != '/') route("path \"" + p + "/{id}\"");  // "//" is rejected (E0306)
        break;
      default: route("path exact \"" + p + "\" host \"*.example.com\""); break;
    }
  }
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/true, &why, &rejected);
  ASSERT_TRUE(subjects) << why << "\n" << source;
  std::vector<std::string> paths = {"", "/", "//", "//a", "a", "a/", "abcdefgh", "/a//", "/x",
                                    "/abcdefgh/", "/abcdefg/h", "/ab/cdefgh/7", deep + "/",
                                    deep.substr(1), deep.substr(0, deep.size() - 1)};
  for (const std::string& p : exact) {
    paths.push_back(p);
    paths.push_back(p.substr(0, p.size() - 1) + "_");  // the same length, one byte off
    paths.push_back(p + "/1");
  }
  for (const std::string& path : paths) {
    for (const char* host : {"h1", "h2", "a.example.com"}) {
      for (uint32_t method : {GW_METHOD_GET, GW_METHOD_PUT, GW_METHOD_POST}) {
        for (const char* query : {"", "q=x%41"}) {
          ASSERT_EQ(disagreement(*subjects, method, host, path, query), "");
        }
      }
    }
  }
}

TEST(Differential, WholePathsRouteTableMatchesLikeTheInterpreter) { wholePaths(0); }
TEST(Differential, WholePathsCompiledTreeMatchesLikeTheInterpreter) { wholePaths(SIZE_MAX - 1); }

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// The route table's template index: isomorphic subtrees that differ only in their hosts,
/// methods and conditions, near-isomorphic ones (one literal or one param position apart), the
/// walk's order among templates of one depth (literal before param, position by position),
/// params that must not capture "", a depth with more masks than the index holds, paths deeper
/// than it, and misses that end in a prefix route or a 405 accumulated over several templates.
void shapes(size_t treeLimit) {
  TreeLimit limit(treeLimit);
  std::string source = kUpstreamU;
  int n = 0;
  auto route = [&](const std::string& match) {
    source += routeToU("t" + std::to_string(n++), match);
  };
  for (int r = 0; r < 6; ++r) {
    std::string base = "/s/r" + std::to_string(r);
    std::string host = r % 3 == 0 ? "" : std::string(" host \"h") + std::to_string(r % 2) + "\"";
    route("path \"" + base + "/{id}\" method [GET]" + host);
    route("path \"" + base + "/{id}/items/{item}\"" +
          (r % 2 ? std::string(" when request.query(\"q\") starts_with \"x\"") : host));
    if (r % 2 == 0) route("path \"" + base + "/{id}/item/{item}\" method [PUT]");  // one literal apart
    if (r == 4) route("path \"" + base + "/{id}/{sub}/{item}\" method [DELETE]");   // one param apart
  }
  route("path \"/a/b/{z}\" method [GET]");
  route("path \"/a/{x}/c\" host \"h1\"");
  route("path \"/{y}/b/c\" when request.query(\"q\") starts_with \"x\"");
  route("path exact \"/a/b/c\" method [PUT]");
  route("path \"/{p}/{q}/{r}\" method [POST]");
  route("path prefix \"/a\" host \"h2\"");
  route("path \"/a/{x}/\" method [GET]");  // a trailing empty literal
  for (int mask = 1; mask < 16; ++mask) {  // 15 masks at depth 4: more than the index holds
    std::string p;
    for (int pos = 0; pos < 4; ++pos) {
      p += (mask >> pos) & 1 ? "/{v" + std::to_string(pos) + "}" : "/m" + std::to_string(pos);
    }
    route("path \"" + p + "\" method [GET]");
  }
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += "/z";
  route("path \"" + deep + "/{p}\"");                    // deeper than the index
  route("path \"" + deep.substr(0, 2 * 63) + "/{p}\"");  // exactly its depth (64)
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/true, &why, &rejected);
  ASSERT_TRUE(subjects) << why << "\n" << source;
  std::vector<std::string> paths = {"/a/b/c", "/a/b/d", "/a/x/c", "/q/b/c", "/a//c", "//b/c",
                                    "/a/b/", "/a/x/", "/a/b", "/a/b/c/d", "a/b/c", "/m0/m1/m2/m3",
                                    "/m0/7/m2/8", "/9/9/9/9", "/m0/m1/m2/", deep + "/1",
                                    deep.substr(0, 2 * 63) + "/1", deep.substr(0, 2 * 63) + "/",
                                    deep + "/"};
  for (int r = 0; r < 7; ++r) {
    std::string base = "/s/r" + std::to_string(r);
    for (const char* suffix : {"/7", "/7/items/9", "/7/item/9", "/7/other/9", "//items/9",
                               "/7/items/", "/7/items", "/7/itemz/9"}) {
      paths.push_back(base + suffix);
    }
  }
  for (const std::string& path : paths) {
    for (const char* host : {"h0", "h1", "h2"}) {
      for (uint32_t method : {GW_METHOD_GET, GW_METHOD_PUT, GW_METHOD_POST, GW_METHOD_DELETE}) {
        for (const char* query : {"", "q=x1"}) {
          ASSERT_EQ(disagreement(*subjects, method, host, path, query), "");
        }
      }
    }
  }
}

// The index is the table's only (the compiled tree of these deep paths costs CI ~20 s in Debug).
TEST(Differential, ShapesRouteTableMatchesLikeTheInterpreter) { shapes(0); }

/// The index's split and per-position hashes: literal segments swapped between positions (the
/// key is a sum, so only the position hash tells them apart), segments of 0-24 bytes in the
/// middle and at the end of paths shorter and longer than 8 bytes (the one-word loads forward,
/// backward from the path's end, and the generic load), segments past 16 bytes (tail hash),
/// and templates with GW_MAX_PARAMS params, asked with that many values and one more.
void segmentPositions() {
  TreeLimit limit(0);
  std::string source = kUpstreamU;
  int n = 0;
  auto route = [&](const std::string& match) {
    source += routeToU("t" + std::to_string(n++), match);
  };
  route("path \"/{a}/x/y\" method [GET]");
  route("path \"/y/x/{a}\" method [GET]");
  route("path \"/x/{a}/y\" method [PUT]");
  route("path \"/x/y/{a}\" host \"h1\"");
  std::vector<std::string> lits;
  for (size_t len : {1, 3, 4, 7, 8, 9, 15, 16, 17, 24}) {
    std::string lit;
    for (size_t i = 0; i < len; ++i) lit += static_cast<char>('a' + (i * 7 + len) % 26);
    lits.push_back(lit);
    route("path \"/k/{id}/" + lit + "\" method [GET]");
    route("path \"/" + lit + "/{id}\" method [GET, POST]");
    route("path \"/" + lit + "/{id}/" + lit + "\" host \"h0\"");
  }
  std::string many;  // sema refuses a template with more (E0306)
  for (uint32_t i = 0; i < GW_MAX_PARAMS; ++i) many += "/{p" + std::to_string(i) + "}";
  route("path \"" + many + "/end\" method [GET]");
  route("path \"/m" + many + "\" method [GET]");
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/false, &why, &rejected);
  ASSERT_TRUE(subjects) << why << "\n" << source;
  ASSERT_TRUE(subjects->jitUsesRouteTable());
  std::vector<std::string> paths = {"/x/x/y", "/y/x/y", "/y/x/x", "/x/y/y", "/x/y/x", "/x/x/x",
                                    "x/y/z", "/y/x/", "/x//y", "/k/1/a"};
  for (const std::string& lit : lits) {
    std::string near = lit;
    near.back() = near.back() == 'z' ? 'y' : static_cast<char>(near.back() + 1);
    for (const char* v : {"1", "1234567", "12345678", "123456789"}) {
      for (const std::string& l : {lit, near, lit.substr(0, lit.size() - 1), lit + "a"}) {
        paths.push_back("/k/" + std::string(v) + "/" + l);
        paths.push_back("/" + l + "/" + v);
        paths.push_back("/" + l + "/" + v + "/" + lit);
        paths.push_back("/" + lit + "/" + v + "/" + l);
        paths.push_back(l + "/" + v);  // no leading '/'
      }
    }
  }
  std::string values, oneMore;
  for (uint32_t i = 0; i < GW_MAX_PARAMS; ++i) values += "/" + std::to_string(i * 1000003);
  oneMore = values + "/7";
  for (const std::string& p : {values + "/end", oneMore + "/end", "/m" + values, "/m" + oneMore,
                               values, "/m" + values + "/"}) {
    paths.push_back(p);
  }
  for (const std::string& path : paths) {
    for (const char* host : {"h0", "h1"}) {
      for (uint32_t method : {GW_METHOD_GET, GW_METHOD_PUT, GW_METHOD_POST}) {
        ASSERT_EQ(disagreement(*subjects, method, host, path), "");
      }
    }
  }
}

TEST(Differential, SegmentPositionsRouteTableMatchesLikeTheInterpreter) { segmentPositions(); }

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// Session 7's index changes: the whole-path probe skipped for a length no all-literal route
/// has (static and templated paths of one length, joined lengths at and past the filter's last
/// bit, 255), the split's last word consumed segment by segment (several segments in the last
/// 8 bytes, trailing '/', paths shorter than 8 bytes with params), bytes the slash detection
/// must not take for '/' ('.' = '/' ^ 1 right after a '/', UTF-8, 0x01, 0x7f), and captures
/// written straight into the result when a condition fails and the walk must run again.
void lengthFilterAndLastWord() {
  TreeLimit limit(0);
  std::string source = kUpstreamU;
  int n = 0;
  auto route = [&](const std::string& match) {
    source += routeToU("f" + std::to_string(n++), match);
  };
  route("path exact \"/ab/cd\" method [GET]");     // joined length 5
  route("path \"/ab/{x}\" method [GET, PUT]");     // same length with a 2-byte value
  route("path \"/{x}/cd\" host \"h1\"");
  route("path \"/a/{x}/b/{y}\" method [GET]");
  route("path \"/a/{x}/b/{y}\" when request.query(\"q\") starts_with \"x\"");
  route("path \"/a/{x}/{y}/c\" method [POST]");
  route("path \"/.well-known/{id}\" method [GET]");
  route("path \"/.x/{id}\" method [GET]");
  route("path \"/caf\xc3\xa9/{id}\" method [GET]");
  route("path prefix \"/a\" host \"h2\"");
  std::string longLit(250, 'q');
  for (size_t len : {253, 254, 255, 256, 300}) {  // joined lengths around kPathLengthBits - 1
    route("path exact \"/" + longLit.substr(0, 4) + "/" + std::string(len - 5, 'w') + "\"");
  }
  route("path \"/" + longLit + "/{id}\" method [GET]");
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/false, &why, &rejected);
  ASSERT_TRUE(subjects) << why << "\n" << source;
  ASSERT_TRUE(subjects->jitUsesRouteTable());
  std::vector<std::string> paths = {
      "/ab/cd", "/ab/ce", "/ab/c", "/ab/cdx", "/xy/cd", "/ab/", "/ab//", "ab/cd", "/a/1/b/2",
      "/a/1/b/", "/a//b/2", "/a/1/b/2/", "/a/12345/b/6", "/a/1234567/b/89", "/a/1/2/c",
      "/a/1/2/c/", "/a/123456/7/c", "/a/1/b/2345678", "/.well-known/x", "/.well-knowm/x",
      "/.x/1", "/.x/", "/./1", "/../1", "/caf\xc3\xa9/1", "/caf\xc3\xa8/1", "/a/\x01/b/\x7f", "/a/./b/.",
      "/" + longLit + "/7", "/" + longLit + "/", "/" + longLit};
  for (size_t len : {253, 254, 255, 256, 257, 300, 301}) {
    paths.push_back("/" + longLit.substr(0, 4) + "/" + std::string(len - 5, 'w'));
    paths.push_back("/" + longLit.substr(0, 4) + "/" + std::string(len - 6, 'w') + "v");
  }
  for (const std::string& path : paths) {
    for (const char* host : {"h0", "h1", "h2"}) {
      for (uint32_t method : {GW_METHOD_GET, GW_METHOD_PUT, GW_METHOD_POST}) {
        for (const char* query : {"", "q=x1"}) {
          ASSERT_EQ(disagreement(*subjects, method, host, path, query), "");
        }
      }
    }
  }
}

TEST(Differential, LengthFilterAndLastWordRouteTableMatchesLikeTheInterpreter) {
  lengthFilterAndLastWord();
}

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// The route table's terminal index must answer (RouteTable::matchIndexOnly, no walk) every
/// request a template or exact route of an indexable route set matches: the walk gives the same
/// answers, so only this hook shows the index silently falling back to it (a wrong key, a
/// split that stops early). bench/match's REST shape (over the node budget: the default
/// matcher choice), with the requests the walk must answer as controls (a prefix route, a host
/// no route has, a 405) so the hook is shown to tell the two apart.
TEST(Differential, RouteTableIndexAnswersTheRestShape) {
  std::string source = kUpstreamU;
  for (int r = 0; r < 60; ++r) {
    std::string base = "/v1/r" + std::to_string(r);
    std::string host = " host \"api" + std::to_string(r % 4) + ".example.com\"";
    std::string n = std::to_string(r);
    source += routeToU("l" + n, "path exact \"" + base + "\" method [GET, POST]" + host);
    source += routeToU("i" + n, "path \"" + base + "/{id}\" method [GET, PUT, DELETE]" + host);
    source += routeToU("s" + n, "path \"" + base + "/{id}/items/{item}\" method GET" + host);
    source += routeToU("f" + n, "path prefix \"" + base + "/files\"" + host);
  }
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/false, &why, &rejected);
  ASSERT_TRUE(subjects) << why;
  ASSERT_TRUE(subjects->jitUsesRouteTable());
  for (int r = 0; r < 60; ++r) {
    std::string base = "/v1/r" + std::to_string(r);
    std::string host = "api" + std::to_string(r % 4) + ".example.com";
    for (const std::string& path : {base, base + "/123", base + "/123/items/9",
                                    base + "/12345678901234567890/items/abcdefghi"}) {
      auto req = handRequest(GW_METHOD_GET, host, path);
      ASSERT_EQ(subjects->compare(*req), "");
      ASSERT_EQ(subjects->indexAnswer(*req), "");
    }
    std::string other = "api" + std::to_string((r + 1) % 4) + ".example.com";
    for (const auto& [method, h, path] :
         {std::tuple{GW_METHOD_GET, host, base + "/files/a.txt"},
          std::tuple{GW_METHOD_GET, other, base + "/123/items/9"},
          std::tuple{GW_METHOD_POST, host, base + "/123/items/9"}}) {
      auto req = handRequest(method, h, path);
      ASSERT_EQ(subjects->compare(*req), "");
      ASSERT_NE(subjects->indexAnswer(*req), "") << "the walk's answer came from the index: " << path;
    }
  }
}

/// The index's split at its boundaries: literal segments of 1, 7, 8, 9, 15, 16 and 17 bytes at
/// the first, a middle and the last position, `{param}` values of the same lengths (so the
/// whole path's length crosses 8, 16, 32 and 64 bytes and a '/' falls on every word and chunk
/// boundary), empty segments and a trailing '/', bytes next to '/' in the byte-parallel test
/// ('.' and '0' = '/' +- 1, 0xaf = '/' | 0x80), one byte off a literal, GW_MAX_PARAMS params,
/// and 63 to 65 segments. Every request the interpreter matches must come from the index.
TEST(Differential, SplitBoundariesRouteTableMatchesLikeTheInterpreter) {
  TreeLimit limit(0);
  std::string source = kUpstreamU;
  int n = 0;
  auto route = [&](const std::string& match) {
    source += routeToU("b" + std::to_string(n++), match);
  };
  const size_t lengths[] = {1, 7, 8, 9, 15, 16, 17};
  std::vector<std::string> lits;
  for (size_t len : lengths) {
    std::string lit;
    for (size_t i = 0; i < len; ++i) lit += static_cast<char>('a' + (i * 5 + len) % 26);
    lits.push_back(lit);
    route("path \"/" + lit + "/{a}\" method [GET]");
    route("path \"/{a}/" + lit + "/{b}\" method [GET]");
    route("path \"/x/{a}/{b}/" + lit + "\" method [GET]");
  }
  route("path \"/t/{a}/\" method [GET]");  // a trailing empty literal
  route("path \"/q/{a}/{b}\" method [GET]");
  route("path \"/{a}/{b}/q\" method [GET]");
  std::string many;
  for (uint32_t i = 0; i < GW_MAX_PARAMS; ++i) many += "/{p" + std::to_string(i) + "}";
  route("path \"/many" + many + "\" method [GET]");
  std::string deep;
  for (int i = 0; i < 62; ++i) deep += "/z";
  route("path \"" + deep + "/{p}\" method [GET]");        // depth 63
  route("path \"" + deep + "/z/{p}\" method [GET]");      // depth 64: the index's deepest
  route("path \"" + deep + "/z/z/{p}\" method [GET]");    // depth 65: walked
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/false, &why, &rejected);
  ASSERT_TRUE(subjects) << why << "\n" << source;
  std::vector<std::string> values = {"1", "1234567", "12345678", "123456789", "123456789012345",
                                     "1234567890123456", "12345678901234567", "a.b", "./.", "0/0",
                                     "\xaf\xaf", "x\xaf", "\x2e\x30\x2e"};
  std::vector<std::string> paths;
  for (const std::string& lit : lits) {
    std::string off = lit;
    off.back() = off.back() == 'z' ? 'y' : static_cast<char>(off.back() + 1);
    for (const std::string& l : {lit, off}) {
      for (const std::string& v : values) {
        paths.push_back("/" + l + "/" + v);
        paths.push_back("/" + v + "/" + l + "/" + v);
        paths.push_back("/x/" + v + "/" + v + "/" + l);
        paths.push_back("/x/" + v + "/" + v + "/" + l + "/");
        paths.push_back("/" + l + "/" + v + "/");
      }
      paths.push_back("/" + l + "/");
      paths.push_back("//" + l + "/1");
      paths.push_back("/x//1/" + l);
    }
  }
  // Every whole length from 5 to 75 bytes, '/' at every offset around the 8- and 16-byte
  // loads (and the 64-byte limit of the one-mask split), bytes next to '/' on both sides.
  auto value = [](size_t len) {
    std::string v;
    for (size_t i = 0; i < len; ++i) v += "a.0\xaf" "b"[i % 5];
    return v;
  };
  for (size_t i = 1; i <= 62; ++i) {
    for (size_t j : {1, 2, 7, 8, 9}) {
      paths.push_back("/q/" + value(i) + "/" + value(j));
      paths.push_back("/" + value(i) + "/" + value(j) + "/q");
    }
  }
  std::string vals;
  for (uint32_t i = 0; i < GW_MAX_PARAMS; ++i) vals += "/v" + std::to_string(i);
  for (const std::string& p : {"/many" + vals, "/many" + vals + "/w", std::string("/t/1/"),
                               std::string("/t/1"), std::string("/t//"), deep + "/1", deep + "/z/1",
                               deep + "/z/z/1", deep + "/z/", std::string(64, '/')}) {
    paths.push_back(p);
  }
  size_t indexed = 0;
  for (const std::string& path : paths) {
    auto req = handRequest(GW_METHOD_GET, "h", path);
    ASSERT_EQ(subjects->compare(*req), "");
    gw_match_result want = subjects->interpreterMatch(*req);
    size_t depth = static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
    if (want.route >= 0 && depth <= 64) {
      ASSERT_EQ(subjects->indexAnswer(*req), "");
      ++indexed;
    }
  }
  std::printf("%zu of %zu requests answered by the index\n", indexed, paths.size());
  EXPECT_GE(indexed, paths.size() / 2);  // most cases are hits, not misses
}

}  // namespace
}  // namespace gw::difftest

namespace gw::difftest {
namespace {

/// Session 9's template slots: up to three literals of fewer than 8 bytes are checked from the
/// slot itself (their keys: 7 bytes and the length in one word), more literals or a literal of
/// 8 bytes or more also from lits_ ("spilled"), and a path with a segment of 255 bytes or more
/// is left to the walk (a key holds lengths below 255). Templates with 0 to 5 literals of 6, 7
/// and 8 bytes at every count boundary, literals of 254 and 255 bytes, values of 254 to 256
/// bytes, and segments that share a literal's first 7 bytes with a length byte or a NUL after
/// them; 1 200 templates of one shape so that many keys collide on a home slot. Every request
/// the interpreter matches with segments under 255 bytes must come from the index.
TEST(Differential, TemplateSlotsRouteTableMatchesLikeTheInterpreter) {
  TreeLimit limit(0);
  std::string source = kUpstreamU;
  int n = 0;
  auto route = [&](const std::string& match) {
    source += routeToU("s" + std::to_string(n++), match);
  };
  const std::string six = "abcdef", seven = "abcdefg", eight = "abcdefgh";
  std::vector<std::string> templates;
  for (const std::string& lit : {six, seven, eight}) {
    std::string path = "/{a}";
    for (int lits = 1; lits <= 5; ++lits) {
      path += "/" + lit.substr(0, lit.size() - 1) + std::to_string(lits);
      templates.push_back(path + "/{z}");
    }
  }
  const std::string l254(254, 'k'), l255(255, 'k');
  templates.push_back("/big/" + l254 + "/{id}");
  templates.push_back("/big/" + l255 + "/{id}");
  templates.push_back("/big/{id}/x");
  for (int i = 0; i < 1200; ++i) {
    templates.push_back("/c" + std::to_string(i) + "/{id}/d" + std::to_string(i % 7));
  }
  for (const std::string& t : templates) {
    route("path \"" + t + "\" method [GET]");
  }
  std::string why;
  bool rejected = false;
  auto subjects = Subjects::build(source, /*withAot=*/false, &why, &rejected);
  ASSERT_TRUE(subjects) << why;
  ASSERT_TRUE(subjects->jitUsesRouteTable());
  std::vector<std::string> paths;
  for (const std::string& t : templates) {
    std::string p = t, off = t;
    for (auto [from, to] : {std::pair<std::string, std::string>{"{a}", "1"}, {"{z}", "9"}, {"{id}", "77"}}) {
      for (std::string* s : {&p, &off}) {
        size_t at = s->find(from);
        if (at != std::string::npos) s->replace(at, from.size(), to);
      }
    }
    paths.push_back(p);
    size_t last = off.rfind('/', off.size() - 3);  // one byte off the last literal
    off[last + 1] = off[last + 1] == 'q' ? 'r' : 'q';
    paths.push_back(off);
  }
  for (size_t len : {253, 254, 255, 256}) {
    paths.push_back("/big/" + std::string(len, 'k') + "/1");
    paths.push_back("/big/" + std::string(len, '7') + "/x");
  }
  // The first 7 bytes of "abcdefg1" style literals followed by a length byte or a NUL.
  for (const std::string& tail : {std::string(1, '\0'), std::string(1, '\x07'), std::string("\x08"), std::string("\x01")}) {
    paths.push_back("/1/abcdef" + tail + "/9");
    paths.push_back("/1/abcde1" + tail + "/9");
    paths.push_back("/1/abcdef1" + tail + "/9");
    paths.push_back("/c1/1/d1" + tail);
  }
  size_t indexed = 0;
  for (const std::string& path : paths) {
    auto req = handRequest(GW_METHOD_GET, "h", path);
    ASSERT_EQ(subjects->compare(*req), "");
    gw_match_result want = subjects->interpreterMatch(*req);
    if (want.route >= 0 && path.find(std::string(255, '7')) == std::string::npos &&
        path.find(l255) == std::string::npos) {
      ASSERT_EQ(subjects->indexAnswer(*req), "");
      ++indexed;
    } else if (want.route >= 0) {
      ASSERT_NE(subjects->indexAnswer(*req), "") << "a segment of 255+ bytes was indexed: " << path;
    }
  }
  EXPECT_GE(indexed, templates.size());
}

}  // namespace
}  // namespace gw::difftest
