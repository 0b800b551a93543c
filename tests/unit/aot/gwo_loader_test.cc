// Writing a real policy to .gwo and loading it back: same answers, no optimizer; refusals for
// another ABI, another CPU, damaged tables under a valid checksum, and random damage.
#include "compiler/aot/gwo_loader.h"
#include "compiler/aot/gwo_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include "compiler/aot/policy_tables_codec.h"
#include "compiler/policy/runtime_config.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/sema/sema.h"
#include "tests/unit/support/every_runtime_setting.h"

namespace gw::aot {
namespace {

const char* kPolicy = R"(upstream u {
  server 127.0.0.1:9001
}
auth k api_key {
  header "X-API-Key"
  keys file "keys.csv"
}
route users {
  match { path "/v1/users/{id}" method [GET, HEAD] }
  authenticate k
  authorize {
    deny when request.header("x-block") == "1"
    allow when request.param("id") == auth.subject
    allow roles ["admin"]
  }
  forward u
}
route health {
  match { path "/healthz" host "*.example.com" }
  forward u
}
)";

std::shared_ptr<policy::CompiledPolicy> build(const char* text = kPolicy) {
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgramFromText(sources, "t.gw", text, diags);
  sema::SemaResult sr = sema::analyze(program, sources, diags);
  EXPECT_TRUE(sr.ok() && !diags.hasErrors());
  return policy::buildPolicy(program, sources, diags);
}

std::string gwoBytes() {
  auto p = build();
  DiagnosticSink diags;
  std::string bytes;
  EXPECT_TRUE(p && writeGwo(*p, {kPolicy}, &bytes, diags));
  return bytes;
}

std::string resealed(std::string bytes) {
  bytes.resize(bytes.size() - kGwoChecksumSize);
  Sha256 sum = sha256(bytes);
  bytes.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return bytes;
}

gw_request request(const char* path, const char* subject) {
  gw_request r{};
  r.abi_version = GW_ABI_VERSION;
  r.method_id = GW_METHOD_GET;
  r.path = gw_str{path, strlen(path)};
  r.host = gw_str{"api.example.com", 15};
  r.authenticated = 1;
  r.auth_subject = gw_str{subject, strlen(subject)};
  return r;
}

TEST(GwoLoader, LoadedPolicyAnswersLikeTheCompiledOne) {
  std::string bytes = gwoBytes();
  GwoError error;
  Sha256 hash{};
  auto loaded = loadGwo(bytes, &error, &hash);
  ASSERT_TRUE(loaded) << error.message;
  EXPECT_EQ(hash, sha256(std::to_string(strlen(kPolicy)) + ":" + kPolicy));
  ASSERT_EQ(loaded->routes().size(), 2u);
  char scratch[128];
  gw_eval_ctx ctx = loaded->makeContext(scratch, sizeof(scratch));
  gw_request req = request("/v1/users/u7", "u7");
  gw_match_result m{};
  loaded->match(req, ctx, m);
  ASSERT_EQ(m.route, loaded->routeByName("users"));
  ASSERT_EQ(m.param_count, 1u);
  EXPECT_EQ(std::string(m.params[0].value.ptr, m.params[0].value.len), "u7");
  ctx.params = m.params;
  ctx.param_count = m.param_count;
  policy::AuthzResult a = loaded->authorize(static_cast<uint32_t>(m.route), req, ctx);
  EXPECT_TRUE(a.allow);
  EXPECT_EQ(a.rule, 1);
  gw_request other = request("/v1/users/u7", "u8");
  EXPECT_FALSE(loaded->authorize(static_cast<uint32_t>(m.route), other, ctx).allow);
  gw_request post = request("/v1/users/u7", "u7");
  post.method_id = GW_METHOD_POST;
  loaded->match(post, ctx, m);
  EXPECT_EQ(m.status, 405u);
  EXPECT_EQ(m.allow_methods, (1u << GW_METHOD_GET) | (1u << GW_METHOD_HEAD));
}

TEST(GwoLoader, TablesRoundTripExactly) {
  auto p = build();
  ASSERT_TRUE(p);
  std::string first = encodeTables(*p);
  std::string why;
  auto decoded = decodeTables(first, &why);
  ASSERT_TRUE(decoded) << why;
  EXPECT_EQ(encodeTables(*decoded), first);
}

TEST(GwoLoader, RefusesAnotherAbiVersion) {
  std::string bytes = gwoBytes();
  bytes[12] = static_cast<char>(bytes[12] + 1);
  GwoError error;
  EXPECT_FALSE(loadGwo(resealed(bytes), &error));
  EXPECT_EQ(error.kind, GwoError::Kind::AbiMismatch);
}

TEST(GwoLoader, RefusesAnObjectForAnotherCpu) {
  GwoError error;
  auto contents = decodeGwo(gwoBytes(), GW_ABI_VERSION, &error);
  ASSERT_TRUE(contents);
  contents->features += ",+gw-imaginary-feature";
  EXPECT_FALSE(loadGwo(encodeGwo(*contents), &error));
  EXPECT_EQ(error.kind, GwoError::Kind::TargetMismatch);
  EXPECT_NE(error.message.find("gw-imaginary-feature"), std::string::npos);
  contents = decodeGwo(gwoBytes(), GW_ABI_VERSION, &error);
  contents->triple = "aarch64-unknown-linux-gnu";
  EXPECT_FALSE(loadGwo(encodeGwo(*contents), &error));
  EXPECT_EQ(error.kind, GwoError::Kind::TargetMismatch);
}

TEST(GwoLoader, DamagedTablesOrObjectUnderAValidChecksumAreRefusedNotCrashing) {
  GwoError error;
  auto good = decodeGwo(gwoBytes(), GW_ABI_VERSION, &error);
  ASSERT_TRUE(good);
  std::mt19937 rng(7);
  int refused = 0;
  for (int round = 0; round < 300; ++round) {
    GwoContents bad = *good;
    std::string& target = round % 3 == 0 ? bad.object : bad.tables;
    for (int k = 0; k < 1 + round % 4; ++k) {
      target[rng() % target.size()] = static_cast<char>(rng());
    }
    if (round % 3 == 0) {
      continue;  // object damage may still link (and run wrong code): the checksum guards it
    }
    auto loaded = loadGwo(encodeGwo(bad), &error);
    if (!loaded) {
      ++refused;
      EXPECT_FALSE(error.message.empty());
    }
  }
  EXPECT_GT(refused, 0);
  GwoContents wrongSymbols = *good;
  wrongSymbols.symbols.pop_back();
  EXPECT_FALSE(loadGwo(encodeGwo(wrongSymbols), &error));
  EXPECT_EQ(error.kind, GwoError::Kind::Link);
  // A sharing map that sends a program to one that is not canonical, or out of range, or does
  // not fit the tables is refused before anything is linked.
  ASSERT_FALSE(good->sharedFunctions.empty());
  for (uint32_t lie : {uint32_t{1} << 30, static_cast<uint32_t>(good->sharedFunctions.size())}) {
    GwoContents wrongSharing = *good;
    wrongSharing.sharedFunctions[0] = lie;
    EXPECT_FALSE(loadGwo(encodeGwo(wrongSharing), &error));
    EXPECT_EQ(error.kind, GwoError::Kind::Link);
    EXPECT_NE(error.message.find("shared"), std::string::npos) << error.message;
  }
  GwoContents shortSharing = *good;
  shortSharing.sharedAuthz.push_back(0);
  EXPECT_FALSE(loadGwo(encodeGwo(shortSharing), &error));
  EXPECT_NE(error.message.find("shared-program map"), std::string::npos) << error.message;
}

const char* kRuntimePolicy = gw::testing::kEveryRuntimeSetting;

TEST(GwoLoader, RuntimeSettingsRoundTripThroughTheBinaryTables) {
  auto p = build(kRuntimePolicy);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->runtime.limits.size(), 1u);
  EXPECT_DOUBLE_EQ(p->runtime.limits[0].warnPercent, 80.0);
  ASSERT_EQ(p->runtime.upstreams.size(), 1u);
  EXPECT_DOUBLE_EQ(p->runtime.upstreams[0].retry.budgetPercent, 15.0);
  DiagnosticSink diags;
  std::string bytes;
  ASSERT_TRUE(writeGwo(*p, {kRuntimePolicy}, &bytes, diags));
  GwoError error;
  auto loaded = loadGwo(bytes, &error);
  ASSERT_TRUE(loaded) << error.message;
  // The JSON form prints every field of every struct: equal text is an equal configuration.
  EXPECT_EQ(policy::runtimeConfigToJson(loaded->runtime), policy::runtimeConfigToJson(p->runtime));
  EXPECT_EQ(loaded->runtime.upstreams[0].health.unhealthy, 4u);
  EXPECT_EQ(loaded->runtime.routes[0].compression.minBytes, 2000);
  EXPECT_EQ(loaded->runtime.upstreams[0].retry.bufferBytes, 128u * 1024);
  ASSERT_EQ(loaded->runtime.gateway.listens.size(), 2u);
  EXPECT_EQ(loaded->runtime.gateway.listens[1].tls.handshakeTimeoutUs, 2'500'000);
  EXPECT_EQ(loaded->runtime.routes[0].retryMethods, (std::vector<std::string>{"POST", "PATCH"}));
}

TEST(GwoLoader, EveryTruncationOfTheTablesIsRefused) {
  auto p = build(kRuntimePolicy);
  ASSERT_TRUE(p);
  std::string tables = encodeTables(*p);
  std::string why;
  ASSERT_TRUE(decodeTables(tables, &why)) << why;
  for (size_t cut = 0; cut < tables.size(); ++cut) {
    why.clear();
    EXPECT_FALSE(decodeTables(std::string_view(tables).substr(0, cut), &why)) << cut;
    EXPECT_FALSE(why.empty()) << cut;
  }
  std::string longer = tables + '\0';
  EXPECT_FALSE(decodeTables(longer, &why));
}

// The file hash comes from the bytes that were loaded (gw's /status names a .gwo by it).
TEST(GwoLoader, FileHashIsOfTheBytesLoaded) {
  std::string bytes = gwoBytes();
  char name[] = "/tmp/gw-loader-test-XXXXXX";
  int fd = ::mkstemp(name);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  GwoError error;
  Sha256 source{}, file{};
  auto loaded = loadGwoFile(name, &error, &source, &file);
  ::unlink(name);
  ASSERT_TRUE(loaded) << error.message;
  EXPECT_EQ(file, sha256(bytes));
  EXPECT_NE(file, source);
  EXPECT_EQ(source, sha256(std::to_string(strlen(kPolicy)) + ":" + kPolicy));
}

TEST(GwoLoader, MissingFileIsAClearError) {
  GwoError error;
  EXPECT_FALSE(loadGwoFile("/nonexistent/p.gwo", &error));
  EXPECT_NE(error.message.find("/nonexistent/p.gwo"), std::string::npos);
}

}  // namespace
}  // namespace gw::aot
