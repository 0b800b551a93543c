// The address intrinsics called directly, as compiled policies call them.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>

#include "gw/abi.h"

namespace {

std::string ipToStr(const gw_ip& ip) {
  char scratch[128];
  gw_eval_ctx ctx{};
  ctx.scratch = scratch;
  ctx.scratch_cap = sizeof scratch;
  gw_str out{};
  gw_ip_to_str(&ctx, &ip, &out);
  EXPECT_EQ(ctx.scratch_used, out.len);  // the text lives in the scratch
  return std::string(out.ptr, out.len);
}

gw_ip v4(const char* text) {
  gw_ip ip{};
  in_addr a{};
  EXPECT_EQ(inet_pton(AF_INET, text, &a), 1) << text;
  ip.family = 4;
  ip.v4 = ntohl(a.s_addr);
  return ip;
}

TEST(IpToStr, FormatsIPv4LikeInetNtop) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "127.0.0.1", "10.0.0.9", "192.168.100.7",
                           "1.22.133.4", "100.10.1.200"}) {
    EXPECT_EQ(ipToStr(v4(text)), text);
  }
  // Every octet value in every position.
  for (uint32_t b = 0; b < 256; ++b) {
    gw_ip ip{};
    ip.family = 4;
    ip.v4 = (b << 24) | ((255 - b) << 16) | (b << 8) | ((b * 7) & 255);
    in_addr a{htonl(ip.v4)};
    char expect[INET_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET, &a, expect, sizeof expect), nullptr);
    EXPECT_EQ(ipToStr(ip), expect);
  }
}

TEST(IpToStr, FormatsIPv6AndNothingForNoAddress) {
  gw_ip ip{};
  ip.family = 6;
  ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::1", ip.v6), 1);
  EXPECT_EQ(ipToStr(ip), "2001:db8::1");
  EXPECT_EQ(ipToStr(gw_ip{}), "");
}

TEST(IpToStr, TruncatesToAFullScratchInsteadOfOverrunning) {
  char scratch[5];
  gw_eval_ctx ctx{};
  ctx.scratch = scratch;
  ctx.scratch_cap = sizeof scratch;
  gw_str out{};
  gw_ip ip = v4("192.168.100.7");
  gw_ip_to_str(&ctx, &ip, &out);
  EXPECT_EQ(std::string(out.ptr, out.len), "192.1");
}

}  // namespace
