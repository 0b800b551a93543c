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

JsonOp set(std::string_view path, std::size_t slot) {
  JsonOp op{JsonOp::Kind::kSet, splitFieldPath(path), {}};
  op.slot = slot;
  return op;
}

JsonValue str(std::string s) { return {JsonValue::Kind::kString, std::move(s), false}; }
JsonValue num(std::string s) { return {JsonValue::Kind::kNumber, std::move(s), false}; }
JsonValue boolean(bool b) { return {JsonValue::Kind::kBool, {}, b}; }

std::string runWith(const JsonEdits& e, std::string_view in, const std::vector<JsonValue>& v) {
  std::string out = "unchanged";
  if (e.apply(in, out, v) == JsonEditStatus::kInvalid) return "INVALID";
  return out;
}

TEST(JsonEditSet, TypedValuesReplaceInPlaceOrAppend) {
  JsonEdits e({set("n", 0), set("user.id", 1), set("admin", 2), set("s", 3)});
  EXPECT_TRUE(e.hasSets());
  std::vector<JsonValue> v{num("5"), str("u\"1\n"), boolean(true), str("x")};
  EXPECT_EQ(runWith(e, R"({"n":1,"s":"old","k":[1]})", v),
            R"({"n":5,"s":"x","k":[1],"user":{"id":"u\"1\n"},"admin":true})");
}

TEST(JsonEditSet, BlockedByAScalarOnTheWay) {
  JsonEdits e({set("a.b", 0)});
  EXPECT_EQ(runWith(e, R"({"a":3})", {str("v")}), R"({"a":3})");
  EXPECT_EQ(runWith(e, R"({"a":{"c":1}})", {str("v")}), R"({"a":{"c":1,"b":"v"}})");
}

TEST(JsonEditSet, MissingValueOrNonIntegerNumber) {
  JsonEdits e({set("a", 0), set("b", 1)});
  EXPECT_EQ(runWith(e, R"({})", {num("12x")}), R"({"a":null})");  // slot 1 has no value
  EXPECT_EQ(runWith(e, R"({})", {num("-9223372036854775808"), boolean(false)}),
            R"({"a":-9223372036854775808,"b":false})");
}

TEST(JsonEditSet, InvalidUtf8ValueIsReplaced) {
  JsonEdits e({set("a", 0)});
  EXPECT_EQ(runWith(e, R"({})", {str("a\xff")}), "{\"a\":\"a\xef\xbf\xbd\"}");
  EXPECT_EQ(runWith(e, "[1]", {str("v")}), "[1]");
  EXPECT_FALSE(JsonEdits({remove("x")}).hasSets());
}

}  // namespace
}  // namespace gw::transform
