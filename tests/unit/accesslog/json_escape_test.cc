#include "runtime/accesslog/json_escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gw::accesslog {
namespace {

std::string esc(std::string_view s, std::size_t max = 4096) {
  std::string out;
  appendJsonString(out, s, max);
  return out;
}

struct Case {
  std::string in;
  std::string out;     // exact JSON literal
  std::string decoded; // what a JSON parser reads back
};

TEST(JsonEscape, Table) {
  const Case cases[] = {
      {"plain /a/b?c=d", "\"plain /a/b?c=d\"", "plain /a/b?c=d"},
      {"", "\"\"", ""},
      {"q\"b\\s", "\"q\\\"b\\\\s\"", "q\"b\\s"},
      {"\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"", "\n\r\t\b\f"},
      {std::string("\x00\x01\x1f\x7f", 4), "\"\\u0000\\u0001\\u001f\\u007f\"",
       std::string("\x00\x01\x1f\x7f", 4)},
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",
       "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
      {"a\xFFz", "\"a\xEF\xBF\xBDz\"", "a\xEF\xBF\xBDz"},              // invalid byte
      {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong '/'
      {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"",
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // UTF-16 surrogate
      {"\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"",
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // above U+10FFFF
      {"\xE2\x82", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // cut sequence
  };
  for (const Case& c : cases) {
    std::string got = esc(c.in);
    EXPECT_EQ(got, c.out) << c.in;
    nlohmann::json j = nlohmann::json::parse(got);  // throws (fails the test) if not valid
    EXPECT_EQ(j.get<std::string>(), c.decoded);
  }
}

TEST(JsonEscape, TruncatesAtTheLimitWithoutSplittingCharacters) {
  EXPECT_EQ(esc("abcdef", 4), "\"abcd...\"");
  EXPECT_EQ(esc("abcd", 4), "\"abcd\"");
  // The limit falls inside the 3-byte euro sign: the partial sequence is dropped.
  EXPECT_EQ(esc("ab\xE2\x82\xAC", 4), "\"ab...\"");
}

TEST(JsonEscape, EveryByteValueYieldsValidJson) {
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all += static_cast<char>(i);
  }
  nlohmann::json j = nlohmann::json::parse(esc(all));
  std::string back = j.get<std::string>();
  EXPECT_EQ(back.substr(0, 128), all.substr(0, 128));  // ASCII survives exactly
}

}  // namespace
}  // namespace gw::accesslog
