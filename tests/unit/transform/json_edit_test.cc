#include "runtime/transform/json_edit.h"

#include <gtest/gtest.h>

namespace gw::transform {
namespace {

JsonOp rename(std::string_view from, std::string_view to) {
  return {JsonOp::Kind::kRename, splitFieldPath(from), splitFieldPath(to)};
}
JsonOp remove(std::string_view path) { return {JsonOp::Kind::kRemove, splitFieldPath(path), {}}; }

std::string run(const JsonEdits& e, std::string_view in) {
  std::string out = "unchanged";
  if (e.apply(in, out) == JsonEditStatus::kInvalid) return "INVALID";
  return out;
}

TEST(JsonEdit, SplitPath) {
  EXPECT_EQ(splitFieldPath("a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(splitFieldPath("customer.id"), (std::vector<std::string>{"customer", "id"}));
}

TEST(JsonEdit, LanguageExample) {
  JsonEdits req({rename("customer.id", "customer_id"), remove("client_meta")});
  EXPECT_EQ(run(req, R"({"customer":{"id":7,"name":"a"},"client_meta":{"ua":"x"},"n":1})"),
            R"({"customer":{"name":"a"},"n":1,"customer_id":7})");
  JsonEdits resp({rename("customer_id", "customer.id")});
  EXPECT_EQ(run(resp, R"({"customer_id":7,"total":3})"), R"({"total":3,"customer":{"id":7}})");
  EXPECT_EQ(run(resp, R"({"customer":{"name":"a"},"customer_id":7})"),
            R"({"customer":{"name":"a","id":7}})");
}

TEST(JsonEdit, AbsentSourceIsANoOp) {
  JsonEdits e({rename("a.b", "c"), remove("x.y"), remove("z")});
  EXPECT_EQ(run(e, R"({"a":1,"x":[1,2],"k":"v"})"), R"({"a":1,"x":[1,2],"k":"v"})");
}

TEST(JsonEdit, RenameReplacesAnExistingTarget) {
  JsonEdits e({rename("a", "b")});
  EXPECT_EQ(run(e, R"({"a":1,"b":2})"), R"({"b":1})");
}

TEST(JsonEdit, RenameBlockedByAScalarOnTheWayKeepsTheSource) {
  JsonEdits e({rename("a", "b.c")});
  EXPECT_EQ(run(e, R"({"a":1,"b":"text"})"), R"({"a":1,"b":"text"})");
}

TEST(JsonEdit, RenameIntoItselfAndOutOfItself) {
  EXPECT_EQ(run(JsonEdits({rename("a", "a.b")}), R"({"a":{"x":1}})"), R"({"a":{"b":{"x":1}}})");
  EXPECT_EQ(run(JsonEdits({rename("a.b", "a")}), R"({"a":{"b":5},"c":1})"), R"({"c":1,"a":5})");
}

TEST(JsonEdit, OpsApplyInOrder) {
  JsonEdits e({rename("a", "b"), remove("b")});
  EXPECT_EQ(run(e, R"({"a":1})"), R"({})");
}

TEST(JsonEdit, NonObjectDocumentsAndArraysAreUntouched) {
  JsonEdits e({remove("a"), rename("0", "x")});
  EXPECT_EQ(run(e, R"([{"a":1}])"), R"([{"a":1}])");
  EXPECT_EQ(run(e, R"("a")"), R"("a")");
  EXPECT_EQ(run(e, R"({"a":[1],"b":[{"a":2}]})"), R"({"b":[{"a":2}]})");
}

TEST(JsonEdit, InvalidInput) {
  JsonEdits e({remove("a")});
  EXPECT_EQ(run(e, ""), "INVALID");
  EXPECT_EQ(run(e, "{"), "INVALID");
  EXPECT_EQ(run(e, R"({"a":1} trailing)"), "INVALID");
  EXPECT_EQ(run(e, "{\"a\":\"\xff\"}"), "INVALID");  // not UTF-8
  std::string out = "kept";
  EXPECT_EQ(e.apply("nope", out), JsonEditStatus::kInvalid);
  EXPECT_EQ(out, "kept");
}

TEST(JsonEdit, UnicodeAndNumbersSurvive) {
  JsonEdits e({remove("drop")});
  EXPECT_EQ(run(e, R"({"s":"h\u00e9llo \ud83d\ude00","big":18446744073709551615,"neg":-5,"f":1.5,"drop":0})"),
            "{\"s\":\"h\xc3\xa9llo \xf0\x9f\x98\x80\",\"big\":18446744073709551615,\"neg\":-5,\"f\":1.5}");
}

TEST(JsonEdit, EmptyEditsStillNormalize) {
  JsonEdits e;
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(run(e, " { \"a\" : 1 } "), R"({"a":1})");
}

}  // namespace
}  // namespace gw::transform
