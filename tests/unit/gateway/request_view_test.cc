#include "runtime/gateway/request_view.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace gw::gateway {
namespace {

// parseIp's own IPv4 parser against inet_pton, the reference it replaced on the request path:
// X-Forwarded-For hops are client-controlled, so it must accept exactly the same texts.
void expectSameAsInetPton(const std::string& text) {
  in_addr ref;
  const bool refOk = inet_pton(AF_INET, text.c_str(), &ref) == 1;
  std::uint32_t v4 = 0;
  ASSERT_EQ(parseIpv4(text, v4), refOk) << '"' << text << '"';
  if (refOk) {
    EXPECT_EQ(v4, ntohl(ref.s_addr)) << text;
  }
  gw_ip ip{};
  if (refOk) {
    ASSERT_TRUE(parseIp(text, ip)) << text;
    EXPECT_EQ(ip.family, 4);
    EXPECT_EQ(ip.v4, ntohl(ref.s_addr));
  }
}

TEST(ParseIp, Ipv4AcceptsWhatInetPtonAccepts) {
  for (const char* t :
       {"0.0.0.0", "127.0.0.1", "255.255.255.255", "1.2.3.4", "10.20.30.40", "256.1.1.1",
        "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3.0", "1.2.3", "1.2.3.4.", ".1.2.3.4",
        "1..2.3", "1.2.3.4.5", "", "1", "a.b.c.d", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4",
        "999.1.1.1", "4294967296.1.1.1", "1.2.3.1000", "1.2.3.4x", "0x1.2.3.4", "1.2.3.00",
        "00.0.0.0", "25.25.25.255", "255.255.255.2555", "::1", "::ffff:1.2.3.4"}) {
    expectSameAsInetPton(t);
  }
  // Every one- to three-character octet spelling from a small alphabet, in each position.
  const std::string alphabet = "0125.9a";
  for (char a : alphabet) {
    for (char b : alphabet) {
      for (char c : alphabet) {
        for (const std::string& octet :
             {std::string{a}, std::string{a, b}, std::string{a, b, c}}) {
          expectSameAsInetPton(octet + ".1.2.3");
          expectSameAsInetPton("1.2.3." + octet);
          expectSameAsInetPton("1." + octet + ".3");
        }
      }
    }
  }
}

TEST(ParseIp, Ipv6AndRejections) {
  gw_ip ip{};
  ASSERT_TRUE(parseIp("2001:db8::1", ip));
  EXPECT_EQ(ip.family, 6);
  EXPECT_EQ(ip.v6[0], 0x20);
  EXPECT_EQ(ip.v6[15], 1);
  ASSERT_TRUE(parseIp("::ffff:1.2.3.4", ip));
  EXPECT_EQ(ip.family, 6);
  EXPECT_FALSE(parseIp(std::string_view("1.2.3.4\0", 8), ip));  // inet_pton would stop at NUL
  EXPECT_FALSE(parseIp("example.com", ip));
  EXPECT_FALSE(parseIp("", ip));
  EXPECT_FALSE(parseIp(std::string(100, '1'), ip));
}

}  // namespace
}  // namespace gw::gateway
