// EditList (runtime/server/edit_list.h): the header edit lists of a session's Decision keep
// their strings across clear(), so a request that sets the same fields as the one before
// allocates nothing. Counts allocations with a replaced global operator new: a binary of its own.
#include "runtime/server/edit_list.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "runtime/server/decision.h"

namespace {
thread_local long allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace gw::server {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields live(const FieldList& l) { return Fields(l.begin(), l.end()); }

// Longer than the small-string buffer: each such string owns heap storage.
const std::string kLong1 = "a value longer than the small string buffer, number one";
const std::string kLong2 = "another value, also longer than the small string buffer";

TEST(EditList, RefillAfterClearAllocatesNothing) {
  FieldList set;
  NameList remove;
  set.emplace_back("X-Service-Name-Long", kLong1);
  set.emplace_back("X-RateLimit-Remaining", kLong2);
  remove.push_back(std::string("X-Internal-Long-Header-Name"));
  set.clear();
  remove.clear();
  long before = allocations;
  set.emplace_back("X-Service-Name-Long", kLong2);  // same lengths: fits the kept capacity
  set.emplace_back("X-RateLimit-Remaining", kLong1);
  remove.push_back(std::string_view("X-Internal-Long-Header-Name"));
  EXPECT_EQ(allocations, before);
  EXPECT_EQ(live(set), (Fields{{"X-Service-Name-Long", kLong2}, {"X-RateLimit-Remaining", kLong1}}));
  EXPECT_EQ(std::vector<std::string>(remove.begin(), remove.end()),
            std::vector<std::string>{"X-Internal-Long-Header-Name"});
}

// A new value that is part of the very string it is assigned into (a kept element's storage)
// is copied as if from elsewhere, short (in place) and long (the heap buffer).
TEST(EditList, ValueInsideTheReusedStringIsCopiedIntact) {
  NameList names;
  std::string& kept = names.emplace_back(std::string_view(kLong1));
  std::string_view middle(kept.data() + 2, 30);  // "value longer than the small st"
  const std::string want(middle);
  names.clear();
  names.emplace_back(middle);
  EXPECT_EQ(names[0], want);
  std::string& shortKept = names.emplace_back(std::string_view("abcdefgh"));
  std::string_view tail(shortKept.data() + 3, 4);
  names.clear();
  names.emplace_back(std::string_view("x"));
  names.emplace_back(tail);
  EXPECT_EQ(names[1], "defg");
}

TEST(EditList, ReusedElementsHoldOnlyTheNewValue) {
  FieldList set;
  set.emplace_back("Long-Name-Of-A-Field-Here", kLong1);
  set.emplace_back("B", "2");
  set.clear();
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.begin(), set.end());
  set.emplace_back("A", "1");  // shorter than what the slot held
  set.emplace_back("Long-Name-Of-A-Field-Here", kLong2);  // longer
  set.emplace_back("C", "3");  // past the kept elements
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(live(set), (Fields{{"A", "1"}, {"Long-Name-Of-A-Field-Here", kLong2}, {"C", "3"}}));
  EXPECT_EQ(set.back().first, "C");
  EXPECT_EQ(set[1].second, kLong2);
}

// A value of the kept string's length is copied over it in place: every length around the
// short-copy cases, with the old bytes all replaced and the storage kept.
TEST(EditList, SameLengthValueOverwritesInPlace) {
  for (std::size_t n = 0; n <= 40; ++n) {
    FieldList set;
    set.emplace_back(std::string(n, 'a'), std::string(n, 'b'));
    const char* nameStorage = set[0].first.data();
    set.clear();
    std::string name;
    std::string value;
    for (std::size_t i = 0; i < n; ++i) {
      name += static_cast<char>('A' + i % 26);
      value += static_cast<char>('0' + i % 10);
    }
    set.emplace_back(name, value);
    EXPECT_EQ(set[0].first, name) << n;
    EXPECT_EQ(set[0].second, value) << n;
    EXPECT_EQ(set[0].first.data(), nameStorage) << n;
  }
}

TEST(EditList, EraseIfKeepsOrderAndTheStorage) {
  FieldList set;
  set.emplace_back("A", "1");
  set.emplace_back("Content-Encoding", kLong1);
  set.emplace_back("B", "2");
  set.emplace_back("content-encoding", "gzip");
  EXPECT_EQ(set.eraseIf([](const auto& f) { return http::iequals(f.first, "content-encoding"); }),
            2u);
  EXPECT_EQ(live(set), (Fields{{"A", "1"}, {"B", "2"}}));
  long before = allocations;
  set.emplace_back("Content-Encoding", kLong2);  // into an erased element's storage
  EXPECT_EQ(allocations, before);
  EXPECT_EQ(live(set), (Fields{{"A", "1"}, {"B", "2"}, {"Content-Encoding", kLong2}}));
}

TEST(EditList, CopyTakesOnlyTheLiveElements) {
  FieldList a;
  a.emplace_back("Dead", "x");
  a.emplace_back("Dead2", "y");
  a.clear();
  a.emplace_back("Live", "1");
  FieldList b = a;
  EXPECT_EQ(live(b), (Fields{{"Live", "1"}}));
  FieldList c;
  c.emplace_back("Old", "1");
  c.emplace_back("Old2", "2");
  c = a;
  EXPECT_EQ(live(c), (Fields{{"Live", "1"}}));
  b = std::move(c);
  EXPECT_EQ(live(b), (Fields{{"Live", "1"}}));
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty and usable
  c.emplace_back("Again", "2");
  EXPECT_EQ(live(c), (Fields{{"Again", "2"}}));
  FieldList d(std::move(b));
  EXPECT_EQ(live(d), (Fields{{"Live", "1"}}));
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.begin(), b.end());
}

TEST(EditList, ADecisionReusedForTheSameEditsAllocatesNothing) {
  Decision d;
  auto fill = [&] {
    d.kind = Decision::Kind::kForward;
    d.forward.requestHeaders.set.emplace_back("X-Service-Identity", kLong1);
    d.forward.requestHeaders.remove.push_back(std::string_view("X-Forged-Identity-Header"));
    d.forward.responseHeaders.set.emplace_back("X-RateLimit-Policy-Long", kLong2);
    d.respond.headers.emplace_back("WWW-Authenticate", kLong1);
  };
  fill();
  d.clear();
  long before = allocations;
  fill();
  EXPECT_EQ(allocations, before);
  EXPECT_TRUE(d.forward.requestHeaders.overrides("x-forged-identity-header"));
  EXPECT_TRUE(d.forward.requestHeaders.overrides("X-SERVICE-IDENTITY"));
  d.clear();
  EXPECT_FALSE(d.forward.requestHeaders.overrides("x-forged-identity-header"));
  EXPECT_TRUE(d.respond.headers.empty());
}

}  // namespace
}  // namespace gw::server
