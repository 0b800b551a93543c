#include "runtime/auth/api_key_store.h"

#include <gtest/gtest.h>

#include "tests/unit/auth/openssl_cli.h"

namespace gw::auth::testing {
namespace {

TEST(ApiKeyStore, LoadsFileAndLooksUpKeys) {
  TempDir dir;
  // The second key is stored by digest only; `openssl dgst` computes it independently.
  writeFile(dir.file("ci.txt"), "ci-secret-token");
  const std::string dgst = run("openssl dgst -sha256 -r " + dir.file("ci.txt"));
  const std::string hex = dgst.substr(0, 64);
  writeFile(dir.file("partners.csv"),
            "# partner keys\n"
            "key,subject,roles\n"
            "\n"
            "  k3y-partner-one , partner-one , reader|writer \r\n"
            "sha256:" +
                hex +
                ",ci-bot,deployer admin\n"
                "k3y-no-roles,lonely,\n");
  const auto loaded = ApiKeyStore::loadFile(dir.file("partners.csv"), "partners");
  ASSERT_TRUE(loaded.store) << loaded.error;
  EXPECT_EQ(loaded.store->size(), 3u);

  const auto one = loaded.store->lookup("k3y-partner-one");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->provider, "partners");
  EXPECT_EQ(one->subject, "partner-one");
  EXPECT_EQ(one->roles, (std::vector<std::string>{"reader", "writer"}));
  EXPECT_EQ(*one->claim("sub"), "partner-one");

  const auto ci = loaded.store->lookup("ci-secret-token");
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->roles, (std::vector<std::string>{"deployer", "admin"}));
  ASSERT_TRUE(loaded.store->lookup("k3y-no-roles"));
  EXPECT_TRUE(loaded.store->lookup("k3y-no-roles")->roles.empty());

  EXPECT_FALSE(loaded.store->lookup("k3y-partner-on"));
  EXPECT_FALSE(loaded.store->lookup("k3y-partner-one "));
  EXPECT_FALSE(loaded.store->lookup(""));
  EXPECT_FALSE(loaded.store->lookup("sha256:" + hex));  // the digest itself is not a key
}

TEST(ApiKeyStore, RejectsBadFilesWithLineNumbers) {
  auto bad = [](std::string_view csv) { return ApiKeyStore::parse(csv, "keys.csv", "p").error; };
  EXPECT_EQ(bad("a,b,c\nonly-two,fields\n"),
            "keys.csv:2: expected three fields `key,subject,roles`");
  EXPECT_EQ(bad("a,b,c,d\n"), "keys.csv:1: expected three fields `key,subject,roles`");
  EXPECT_EQ(bad("# c\n,subject,r\n"), "keys.csv:2: key and subject must not be empty");
  EXPECT_EQ(bad("k,,r\n"), "keys.csv:1: key and subject must not be empty");
  EXPECT_EQ(bad("k,s,r\nk,t,r\n"), "keys.csv:2: duplicate key");
  EXPECT_EQ(bad("sha256:abc,s,r\n"), "keys.csv:1: `sha256:` must be followed by 64 hex digits");
  EXPECT_FALSE(ApiKeyStore::loadFile("/nonexistent/keys.csv", "p").error.empty());
  EXPECT_TRUE(ApiKeyStore::parse("", "empty.csv", "p").store);
}

}  // namespace
}  // namespace gw::auth::testing
