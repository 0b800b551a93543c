// The terminal index's literal checks (native::RouteTable::sameShape): a probe finds a template
// slot by a 64-bit hash of the path's literal segments, so the checks behind it only decide on
// a hash collision, which the differential tests cannot produce. Here a test peer corrupts what
// a slot checks (an inline key, a spilled key, a long literal's bytes) with the hash left as
// it was, and the index must then refuse the request (the walk still answers it). Also: the
// candidates' hosts are interned (one copy of each host's bytes), and still tell hosts apart.
#include <gtest/gtest.h>

#include <string>

#include "stdlib/native/route_table.h"

namespace gw::native {

class RouteTableTestPeer {
 public:
  /// Flips a bit of the inline key of the literal at path position `pos` in the slots of
  /// templates `depth` segments deep.
  static int corruptInlineKey(RouteTable& t, size_t depth, size_t pos) {
    int n = 0;
    for (RouteTable::ShapeSlot& s : t.shapes_) {
      for (size_t k = 0; k < RouteTable::kInlineLits; ++k) {
        if (s.termCount != 0 && s.depth == depth && k < s.litCount && s.pos[k] == pos) {
          s.key[k] ^= 1;
          ++n;
        }
      }
    }
    return n;
  }
  /// Flips a bit of the spilled key of the literal at `pos`.
  static int corruptSpilledKey(RouteTable& t, size_t pos) {
    int n = 0;
    for (RouteTable::Lit& l : t.lits_) {
      if (l.pos == pos) {
        l.key ^= 2;
        ++n;
      }
    }
    return n;
  }
  /// Where candidate `i`'s host bytes are in the table's pool.
  static const char* hostBytes(const RouteTable& t, uint32_t i) {
    return t.bytes_.data() + t.cands_[i].hostAt;
  }
  /// Changes byte `at` of every spilled literal that long (past its key's 7 bytes).
  static int corruptLiteralByte(RouteTable& t, size_t len, size_t at) {
    int n = 0;
    for (RouteTable::Lit& l : t.lits_) {
      if (l.len == len) {
        t.bytes_[l.at + at] ^= 0x20;
        ++n;
      }
    }
    return n;
  }
};

namespace {

// Routes: 0 "/a/{x}/b" (two inline literals), 1 "/p/{x}/q/r/s" (four: spilled), 2
// "/longliteral/{x}" (11 bytes: spilled).
RouteTable table() {
  RouteTable t;
  for (uint32_t r = 0; r < 3; ++r) {
    t.addCandidate(r, WalkHost::Any, "", 0, -1);
  }
  t.addNode(-1, 0, 0, 0, 0);  // 0 root
  t.addNode(2, 0, 0, 0, 0);   // 1 a
  t.addNode(-1, 0, 0, 0, 0);  // 2 a/{x}
  t.addNode(-1, 0, 1, 0, 0);  // 3 a/{x}/b: route 0
  t.addNode(5, 0, 0, 0, 0);   // 4 p
  t.addNode(-1, 0, 0, 0, 0);  // 5 p/{x}
  t.addNode(-1, 0, 0, 0, 0);  // 6 q
  t.addNode(-1, 0, 0, 0, 0);  // 7 r
  t.addNode(-1, 1, 1, 0, 0);  // 8 s: route 1
  t.addNode(10, 0, 0, 0, 0);  // 9 longliteral
  t.addNode(-1, 2, 1, 0, 0);  // 10 longliteral/{x}: route 2
  t.addEdge(0, "a", 1);
  t.addEdge(2, "b", 3);
  t.addEdge(0, "p", 4);
  t.addEdge(5, "q", 6);
  t.addEdge(6, "r", 7);
  t.addEdge(7, "s", 8);
  t.addEdge(0, "longliteral", 9);
  t.finish();
  return t;
}

int32_t noCond(const void*, uint32_t, const gw_request*, gw_eval_ctx*) { return 1; }

struct Match {
  bool indexed;
  int32_t route;  // match()'s answer (index, else walk)
};

Match run(const RouteTable& t, const std::string& path, const std::string& host = "h") {
  gw_request req{};
  req.method_id = GW_METHOD_GET;
  req.path = gw_str{path.data(), path.size()};
  req.host = gw_str{host.data(), host.size()};
  gw_eval_ctx ctx{};
  gw_match_result out{};
  Match m{t.matchIndexOnly(req, ctx, out, noCond, nullptr), -1};
  gw_match_result full{};
  t.match(req, ctx, full, noCond, nullptr);
  m.route = full.route;
  return m;
}

TEST(RouteIndex, IntactTableAnswersFromTheIndex) {
  RouteTable t = table();
  for (auto [path, route] : {std::pair{"/a/1/b", 0}, {"/p/1/q/r/s", 1}, {"/longliteral/1", 2}}) {
    Match m = run(t, path);
    EXPECT_TRUE(m.indexed) << path;
    EXPECT_EQ(m.route, route) << path;
  }
}

TEST(RouteIndex, InlineKeyMismatchIsRefused) {
  RouteTable t = table();
  ASSERT_EQ(RouteTableTestPeer::corruptInlineKey(t, 3, 2), 1);  // "b" of route 0
  Match m = run(t, "/a/1/b");
  EXPECT_FALSE(m.indexed);
  EXPECT_EQ(m.route, 0);  // the walk
  EXPECT_TRUE(run(t, "/p/1/q/r/s").indexed);
}

TEST(RouteIndex, SpilledKeyMismatchIsRefused) {
  RouteTable t = table();
  // "s" is route 1's fourth literal: past the slot's three inline ones.
  ASSERT_EQ(RouteTableTestPeer::corruptSpilledKey(t, 4), 1);
  Match m = run(t, "/p/1/q/r/s");
  EXPECT_FALSE(m.indexed);
  EXPECT_EQ(m.route, 1);
  EXPECT_TRUE(run(t, "/a/1/b").indexed);
}

TEST(RouteIndex, LongLiteralBytesPastTheKeyAreChecked) {
  RouteTable t = table();
  ASSERT_EQ(RouteTableTestPeer::corruptLiteralByte(t, 11, 9), 1);  // 'a' of "longliteral"
  Match m = run(t, "/longliteral/1");
  EXPECT_FALSE(m.indexed);
  EXPECT_TRUE(run(t, "/a/1/b").indexed);
}

// Routes 0 "/x/{id}" on a.example.com, 1 "/y/{id}" on b.example.com, 2 "/z/{id}" on
// a.example.com, 3 "/z/{id}" on *.example.com (wildcard: the suffix ".example.com"), 4 "/w" on
// example.com: five candidates, four distinct host strings.
RouteTable hostTable() {
  RouteTable t;
  t.addCandidate(0, WalkHost::Exact, "a.example.com", 0, -1);
  t.addCandidate(1, WalkHost::Exact, "b.example.com", 0, -1);
  t.addCandidate(2, WalkHost::Exact, "a.example.com", 0, -1);
  t.addCandidate(3, WalkHost::Wildcard, ".example.com", 0, -1);
  t.addCandidate(4, WalkHost::Exact, "example.com", 0, -1);
  t.addNode(-1, 0, 0, 0, 0);  // 0 root
  t.addNode(2, 0, 0, 0, 0);   // 1 x
  t.addNode(-1, 0, 1, 0, 0);  // 2 x/{id}: route 0
  t.addNode(4, 0, 0, 0, 0);   // 3 y
  t.addNode(-1, 1, 1, 0, 0);  // 4 y/{id}: route 1
  t.addNode(6, 0, 0, 0, 0);   // 5 z
  t.addNode(-1, 2, 2, 0, 0);  // 6 z/{id}: routes 2, 3
  t.addNode(-1, 4, 1, 0, 0);  // 7 w: route 4
  t.addEdge(0, "x", 1);
  t.addEdge(0, "y", 3);
  t.addEdge(0, "z", 5);
  t.addEdge(0, "w", 7);
  t.finish();
  return t;
}

TEST(RouteIndex, HostsAreInternedAndStillTellHostsApart) {
  RouteTable t = hostTable();
  EXPECT_EQ(RouteTableTestPeer::hostBytes(t, 0), RouteTableTestPeer::hostBytes(t, 2));
  EXPECT_NE(RouteTableTestPeer::hostBytes(t, 0), RouteTableTestPeer::hostBytes(t, 1));
  EXPECT_EQ(std::string(RouteTableTestPeer::hostBytes(t, 3), 12), ".example.com");
  EXPECT_EQ(std::string(RouteTableTestPeer::hostBytes(t, 4), 11), "example.com");
  struct Case {
    const char* path;
    const char* host;
    int32_t route;  // -1: no route
  };
  for (const Case& c : {Case{"/x/1", "a.example.com", 0}, Case{"/x/1", "b.example.com", -1},
                        Case{"/y/1", "b.example.com", 1}, Case{"/y/1", "a.example.com", -1},
                        Case{"/z/1", "a.example.com", 2}, Case{"/z/1", "b.example.com", 3},
                        Case{"/z/1", "example.com", -1}, Case{"/w", "example.com", 4},
                        Case{"/w", "a.example.com", -1}}) {
    Match m = run(t, c.path, c.host);
    EXPECT_EQ(m.route, c.route) << c.path << " " << c.host;
    EXPECT_EQ(m.indexed, c.route >= 0) << c.path << " " << c.host;
  }
}

}  // namespace
}  // namespace gw::native
