#include "runtime/accesslog/json_escape.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <vector>

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

// A byte-at-a-time model of the escaping rules, to check the vectorized writer against.
std::string referenceEscape(std::string_view s, std::size_t max) {
  bool truncated = s.size() > max;
  if (truncated) {
    s = s.substr(0, max);
  }
  auto u = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](std::size_t i) { return i < s.size() && (u(i) & 0xC0) == 0x80; };
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = u(i);
    std::size_t n = 0;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      const char* named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                          : c == '\b' ? "\\b" : c == '\f' ? "\\f" : nullptr;
      if (named != nullptr) {
        out += named;
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
      ++i;
      continue;
    }
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF && cont(i + 1)) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF && cont(i + 1) && cont(i + 2) &&
               !(c == 0xE0 && u(i + 1) < 0xA0) && !(c == 0xED && u(i + 1) > 0x9F)) {
      n = 3;
    } else if (c >= 0xF0 && c <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3) &&
               !(c == 0xF0 && u(i + 1) < 0x90) && !(c == 0xF4 && u(i + 1) > 0x8F)) {
      n = 4;
    }
    if (n != 0) {
      out.append(s.substr(i, n));
      i += n;
    } else if (truncated && s.size() - i < 4) {
      break;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  if (truncated) {
    out += "...";
  }
  return out + "\"";
}

// The writer stores 16 (or 8) bytes at a time past what it keeps: it must never write past
// jsonStringBound, whatever the mix of plain runs and escapes, and must agree with the model
// byte for byte. Random strings of every length up to 80 around the 8/16-byte steps, drawn
// from an alphabet heavy in bytes that leave the fast loop.
TEST(JsonEscape, WriterStaysInsideItsBoundAndMatchesTheModel) {
  std::mt19937 rng(12345);
  const std::string alphabet =
      std::string("abcdefghijklmnop/-_.0123456789\"\\\n\x01\x7f") +
      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xed\xa0" + std::string(1, '\0');
  for (int round = 0; round < 20000; ++round) {
    std::size_t len = rng() % 81;
    std::string s;
    bool plain = rng() % 3 == 0;  // long plain runs exercise the 16-byte step
    for (std::size_t i = 0; i < len; ++i) {
      s += plain && rng() % 20 != 0 ? static_cast<char>('a' + rng() % 26)
                                    : alphabet[rng() % alphabet.size()];
    }
    std::size_t max = rng() % 4 == 0 ? rng() % (len + 1) : 4096;
    std::size_t bound = jsonStringBound(std::min(len, max));
    std::vector<char> buf(bound + 64, '\x5a');
    char* end = writeJsonString(buf.data(), s, max);
    ASSERT_LE(static_cast<std::size_t>(end - buf.data()), bound);
    for (std::size_t i = bound; i < buf.size(); ++i) {
      ASSERT_EQ(buf[i], '\x5a') << "wrote past the bound at +" << i - bound << ", round " << round;
    }
    std::string got(buf.data(), end);
    ASSERT_EQ(got, referenceEscape(s, max)) << "round " << round;
    std::string appended = "x";
    appendJsonString(appended, s, max);
    ASSERT_EQ(appended, "x" + got);
  }
}

}  // namespace
}  // namespace gw::accesslog
