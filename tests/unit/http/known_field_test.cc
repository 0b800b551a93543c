// classifyField(): the names the proxy interprets, recognized exactly in any case, and nothing
// else (the word-wise comparison must not take a byte for another that differs by bit 0x20).
#include "runtime/http/known_field.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::http {
namespace {

struct Case {
  const char* name;
  KnownField field;
};

constexpr Case kKnown[] = {
    {"te", KnownField::kTe},
    {"host", KnownField::kHost},
    {"expect", KnownField::kExpect},
    {"trailer", KnownField::kTrailer},
    {"upgrade", KnownField::kUpgrade},
    {"forwarded", KnownField::kForwarded},
    {"connection", KnownField::kConnection},
    {"keep-alive", KnownField::kKeepAlive},
    {"traceparent", KnownField::kTraceparent},
    {"x-request-id", KnownField::kXRequestId},
    {"content-length", KnownField::kContentLength},
    {"x-forwarded-for", KnownField::kXForwardedFor},
    {"proxy-connection", KnownField::kProxyConnection},
    {"transfer-encoding", KnownField::kTransferEncoding},
    {"x-forwarded-proto", KnownField::kXForwardedProto},
};

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return s;
}

TEST(KnownField, RecognizesEveryNameInAnyCase) {
  for (const Case& c : kKnown) {
    std::string lower = c.name;
    EXPECT_EQ(classifyField(lower), c.field) << lower;
    EXPECT_EQ(classifyField(upper(lower)), c.field) << upper(lower);
    std::string mixed = lower;
    for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = upper(mixed.substr(i, 1))[0];
    EXPECT_EQ(classifyField(mixed), c.field) << mixed;
  }
  EXPECT_EQ(classifyField("Content-Length"), KnownField::kContentLength);
  EXPECT_EQ(classifyField("X-Forwarded-Proto"), KnownField::kXForwardedProto);
}

// Every single-byte change of every known name, at every position, to every other byte value:
// only the case flip of a letter keeps the name.
TEST(KnownField, EveryOtherByteAtAnyPositionIsAnotherName) {
  for (const Case& c : kKnown) {
    const std::string name = c.name;
    for (std::size_t i = 0; i < name.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string m = name;
        m[i] = static_cast<char>(b);
        const bool sameLetter = m[i] == name[i] ||
                                (name[i] >= 'a' && name[i] <= 'z' && b == name[i] - 32);
        EXPECT_EQ(classifyField(m) == c.field, sameLetter) << name << " byte " << i << " = " << b;
      }
    }
  }
}

TEST(KnownField, OtherNamesAndLengths) {
  for (const char* n : {"", "t", "tee", "hosts", "Content-Type", "Authorization", "User-Agent",
                        "Accept", "Date", "Server", "x-request-ie", "content-lengt", "keep_alive",
                        "transfer_encoding", "connection\r", "x-forwarded-fo", "Forwarded-For"}) {
    EXPECT_EQ(classifyField(n), KnownField::kOther) << n;
  }
}

TEST(KnownField, HopByHop) {
  for (const Case& c : kKnown) {
    const std::string n = c.name;
    const bool hop = n == "connection" || n == "keep-alive" || n == "proxy-connection" ||
                     n == "te" || n == "trailer" || n == "upgrade" || n == "transfer-encoding";
    EXPECT_EQ(isHopByHop(c.field), hop) << n;
  }
  EXPECT_FALSE(isHopByHop(KnownField::kOther));
}

}  // namespace
}  // namespace gw::http
