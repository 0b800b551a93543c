// Every operator over every operand type, evaluated by the interpreter through the stdlib
// intrinsics: json claim comparisons, runtime type mismatches (always false, also for != and
// not in), absent headers, regexes, cidrs, methods, and the text conversions of keys.
#include <gtest/gtest.h>

#include "compiler/jit/native_policy.h"
#include "compiler/policy/request_builder.h"
#include "tests/unit/ir/policy_fixture.h"

namespace gw {
namespace {

struct Row {
  const char* expr;
  bool want;
};

const char* kClaims = R"({"sub":"u7","org":{"id":42,"name":"Acme","tier":"gold"},
  "level":3,"ratio":2.5,"admin":true,"off":false,"groups":["a","beta"],"mixed":[1,"x"],
  "roles":["admin","dev"],"scope":"read write","nil":null})";

/// The rule's value on the test request: by the interpreter, or (`jit`) by the JIT-compiled
/// rule function and the JIT-compiled gw_authz_0 (which must agree with each other).
bool eval(const std::string& expr, const std::string& claims = kClaims, bool jit = false) {
  std::string errors;
  std::shared_ptr<const policy::CompiledPolicy> p = testing::buildFromText(
      "upstream u { server 127.0.0.1:1 }\nroute r {\n  match { path \"/x/{id}\" }\n"
      "  authorize { allow when " + expr + " }\n  forward u\n}\n", &errors);
  EXPECT_TRUE(p) << expr << ": " << errors;
  if (!p) return false;
  std::shared_ptr<jit::NativeCode> native;
  if (jit) {
    DiagnosticSink diags;
    p = jit::jitCompile(std::const_pointer_cast<policy::CompiledPolicy>(p), diags, &native);
    EXPECT_TRUE(p) << expr << ": " << (diags.all().empty() ? "" : diags.all()[0].message);
    if (!p) return false;
  }
  policy::RequestBuilder b;
  b.setTarget("GET", "https://api.example.com/x/u7?q=a%20b&plus=c+d&e=");
  b.addHeader("X-Env", "Prod");
  b.addHeader("x-num", "12");
  b.setClientIp("10.1.2.3");
  if (!claims.empty()) b.setClaims("jwt", claims);
  char s[256];
  gw_eval_ctx ctx = p->makeContext(s, sizeof s);
  gw_match_result m{};
  p->match(b.request(), ctx, m);
  EXPECT_EQ(m.status, 0u);
  ctx.params = m.params;
  ctx.param_count = m.param_count;
  int32_t fn = p->routes()[0].authz[0].rules[0].cond;
  bool value = p->evalBool(fn, b.request(), ctx);
  if (native) {
    EXPECT_EQ(native->authorize(*p, 0, b.request(), ctx).allow, value) << expr;
  }
  return value;
}

class Operators : public ::testing::TestWithParam<Row> {};

TEST_P(Operators, Evaluates) { EXPECT_EQ(eval(GetParam().expr), GetParam().want) << GetParam().expr; }

const Row kRows[] = {
    // strings, headers (names case-insensitive, values case-sensitive), absent = ""
    {R"(request.header("x-env") == "Prod")", true},
    {R"(request.header("X-Env") == "prod")", false},
    {R"(request.header("X-Env") != "prod")", true},
    {R"(request.header("X-Missing") == "")", true},
    {R"(request.has_header("X-Missing"))", false},
    {R"(request.has_header("X-ENV"))", true},
    {R"(request.header("X-Env") starts_with "Pr")", true},
    {R"(request.header("X-Env") ends_with "od")", true},
    {R"(request.header("X-Env") contains "ro")", true},
    {R"(request.header("X-Env") contains "x")", false},
    {R"(request.header("X-Env") in ["Dev", "Prod"])", true},
    {R"(request.header("X-Env") not in ["Dev", "Prod"])", false},
    {R"(request.header("X-Env") matches /^pr/i)", true},
    {R"(request.header("X-Env") matches /^pr/)", false},
    {R"(request.query("q") == "a b")", true},
    {R"(request.query("plus") == "c d")", true},
    {R"(request.query("e") == "")", true},
    {R"(request.query("none") == "")", true},
    {R"(request.param("id") == auth.subject)", true},
    {R"(request.path == "/x/u7")", true},
    {R"(request.host == "api.example.com")", true},
    // methods
    {R"(request.method == GET)", true},
    {R"(request.method != GET)", false},
    {R"(request.method in [POST, GET])", true},
    {R"(request.method not in [POST, PUT])", true},
    // ip and cidr
    {R"(client.ip in 10.0.0.0/8)", true},
    {R"(client.ip in 10.2.0.0/16)", false},
    {R"(client.ip not in 192.168.0.0/16)", true},
    {R"(client.ip in [192.168.0.0/16, 10.1.0.0/16])", true},
    {R"(client.ip == 10.1.2.3)", true},
    {R"(client.ip != 10.1.2.4)", true},
    // lists from the identity
    {R"("admin" in auth.roles)", true},
    {R"("root" in auth.roles)", false},
    {R"(auth.roles contains "dev")", true},
    {R"("write" in auth.scopes)", true},
    {R"("nope" not in auth.scopes)", true},
    // ints and time
    {R"(time.hour >= 0 and time.hour < 24)", true},
    {R"(3 > 2 and not (2 > 3) or false)", true},
    {R"(false or false)", false},
    // json equality (numbers equal ints numerically; types must match)
    {R"(auth.claims.org.id == 42)", true},
    {R"(auth.claims.org.id == 43)", false},
    {R"(auth.claims.org.id == "42")", false},
    {R"(auth.claims.org.name == "Acme")", true},
    {R"(auth.claims.org.name != "Other")", true},
    {R"(auth.claims.org.name != "Acme")", false},
    {R"(auth.claims.missing != "x")", false},  // mismatch is false even for !=
    {R"(auth.claims.org.id != "x")", false},
    {R"(auth.claims.org.id != 41)", true},
    {R"(auth.claims.admin == true)", true},
    {R"(auth.claims.off == false)", true},
    {R"(auth.claims.off != true)", true},
    {R"(auth.claims.admin != false)", true},
    {R"(auth.claims.org.name == true)", false},
    {R"(auth.claims.org == "Acme")", false},   // an object is never equal to a string
    {R"(auth.claims.nil == "")", false},
    // json ordering
    {R"(auth.claims.level >= 3)", true},
    {R"(auth.claims.level > 3)", false},
    {R"(auth.claims.ratio > 2)", true},
    {R"(auth.claims.ratio < 3)", true},
    {R"(2 < auth.claims.level)", true},
    {R"(auth.claims.org.name > 1)", false},
    {R"(auth.claims.missing < 100)", false},
    // json membership
    {R"(auth.claims.org.tier in ["gold", "silver"])", true},
    {R"(auth.claims.org.tier not in ["gold", "silver"])", false},
    {R"(auth.claims.org.tier not in ["bronze"])", true},
    {R"(auth.claims.level not in ["3"])", false},  // a number is not a string: false
    {R"(auth.claims.missing not in ["a"])", false},
    {R"("beta" in auth.claims.groups)", true},
    {R"("gamma" in auth.claims.groups)", false},
    {R"("gamma" not in auth.claims.groups)", true},
    {R"("x" not in auth.claims.org.name)", false},  // not an array: false
    {R"("x" in auth.claims.mixed)", true},
    {R"(auth.claims.groups contains "a")", true},
    {R"(auth.claims.org.name contains "cm")", true},
    {R"(auth.claims.level contains "3")", false},
    {R"(auth.claims.org.name starts_with "Ac")", true},
    {R"(auth.claims.org.id starts_with "4")", false},
    {R"(auth.claims.org.name ends_with "me")", true},
    {R"(auth.claims.org.name matches /^a/i)", true},
    {R"(auth.claims.level matches /3/)", false},
    // json in bool position: only the JSON value true
    {R"(auth.claims.admin)", true},
    {R"(auth.claims.off)", false},
    {R"(auth.claims.org.name)", false},
    {R"(auth.claims.missing)", false},
    {R"(not auth.claims.missing)", true},
};

INSTANTIATE_TEST_SUITE_P(All, Operators, ::testing::ValuesIn(kRows));

// json vs json (a mismatch is false for `!=` too) and address vs address, in both back ends.
const Row kPairRows[] = {
    {R"(auth.claims.org.name == auth.claims.org.name)", true},
    {R"(auth.claims.org.name != auth.claims.org.name)", false},
    {R"(auth.claims.org.name != auth.claims.org.tier)", true},
    {R"(auth.claims.org.name == auth.claims.org.tier)", false},
    {R"(auth.claims.org.name != auth.claims.level)", false},  // string vs number: mismatch
    {R"(auth.claims.missing != auth.claims.org.name)", false},
    {R"(auth.claims.org.name != auth.claims.missing)", false},
    {R"(auth.claims.level != auth.claims.ratio)", true},
    {R"(auth.claims.level == auth.claims.org.id)", false},
    {R"(auth.claims.admin != auth.claims.off)", true},
    {R"(auth.claims.nil != auth.claims.nil)", false},
    {R"(auth.claims.groups != auth.claims.roles)", true},
    {R"(auth.claims.groups != auth.claims.groups)", false},
    {R"(auth.claims.mixed != auth.claims.groups)", false},  // non-string elements: incomparable
    {R"(auth.claims.org != auth.claims.org)", false},       // objects are not compared
    {R"(not (auth.claims.org.name == auth.claims.missing))", true},
    {R"(client.ip == client.ip)", true},
    {R"(client.ip != client.ip)", false},
};

class PairOperators : public ::testing::TestWithParam<Row> {};

TEST_P(PairOperators, InterpreterAndJitAgree) {
  EXPECT_EQ(eval(GetParam().expr), GetParam().want) << GetParam().expr;
  EXPECT_EQ(eval(GetParam().expr, kClaims, /*jit=*/true), GetParam().want) << GetParam().expr;
}

INSTANTIATE_TEST_SUITE_P(All, PairOperators, ::testing::ValuesIn(kPairRows));

TEST(OperatorsUnauthenticated, ClaimsAbsentAreFalse) {
  EXPECT_FALSE(eval(R"(auth.claims.a != auth.claims.b)", ""));
  EXPECT_FALSE(eval(R"(auth.claims.a != auth.claims.b)", "", /*jit=*/true));
  EXPECT_FALSE(eval(R"(auth.claims.org.id == 42)", ""));
  EXPECT_FALSE(eval(R"(auth.claims.org.id != 42)", ""));
  EXPECT_FALSE(eval(R"("a" not in auth.claims.groups)", ""));
}

TEST(KeyPrograms, ConvertScalarsToText) {
  auto p = testing::buildFromText(R"(
upstream u { server 127.0.0.1:1 }
route r {
  match { path "/x/{id}" }
  request {
    set header "A" = client.ip
    set header "B" = auth.claims.org.id
    set header "C" = auth.roles
    set header "D" = request.method
    set header "E" = auth.claims.ratio
    set header "F" = auth.claims.admin
    set header "G" = request.param("id")
    set header "H" = auth.claims.missing
  }
  forward u
})");
  ASSERT_TRUE(p);
  policy::RequestBuilder b;
  b.setTarget("PATCH", "https://h/x/abc");
  b.setClientIp("192.0.2.1");
  b.setClaims("jwt", kClaims);
  char s[512];
  gw_eval_ctx ctx = p->makeContext(s, sizeof s);
  gw_match_result m{};
  p->match(b.request(), ctx, m);
  ctx.params = m.params;
  ctx.param_count = m.param_count;
  std::vector<std::string> got;
  for (const auto& op : p->routes()[0].requestHeaders) {
    got.emplace_back(p->evalString(op.value, b.request(), ctx));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"192.0.2.1", "42", "admin,dev", "PATCH", "2.5", "true",
                                           "abc", ""}));
}

// The composite key of limit `l` on route `r` for a request with headers X-A and X-B, by the
// interpreter and by the JIT (which must agree).
std::string compositeKey(const std::string& key, const std::string& xa, const std::string& xb,
                         size_t scratch = 512) {
  auto p = testing::buildFromText(
      "upstream u { server 127.0.0.1:1 }\nlimit l sliding_window { key " + key +
      " rate 1/s }\nroute r {\n  match { path \"/x/{id}\" }\n  limit l\n  forward u\n}\n");
  EXPECT_TRUE(p);
  if (!p) return "";
  policy::RequestBuilder b;
  b.setTarget("GET", "https://h/x/abc");
  b.addHeader("X-A", xa);
  b.addHeader("X-B", xb);
  b.setClientIp("192.0.2.1");
  b.setClaims("jwt", kClaims);
  std::vector<char> s(scratch);
  auto run = [&](const policy::CompiledPolicy& cp) {
    gw_eval_ctx ctx = cp.makeContext(s.data(), s.size());
    gw_match_result m{};
    cp.match(b.request(), ctx, m);
    ctx.params = m.params;
    ctx.param_count = m.param_count;
    return std::string(cp.evalString(cp.routes()[0].limits[0].key, b.request(), ctx));
  };
  std::string interp = run(*p);
  DiagnosticSink diags;
  std::shared_ptr<jit::NativeCode> native;
  auto jitted = jit::jitCompile(std::const_pointer_cast<policy::CompiledPolicy>(p), diags, &native);
  EXPECT_TRUE(jitted);
  if (jitted) {
    EXPECT_EQ(run(*jitted), interp) << key;
  }
  return interp;
}

TEST(KeyPrograms, CompositeKeysAreNetstrings) {
  const std::string twoHeaders = R"(tuple(request.header("X-A"), request.header("X-B")))";
  EXPECT_EQ(compositeKey(twoHeaders, "a:b", "c"), "3:a:b,1:c,");
  EXPECT_EQ(compositeKey(twoHeaders, "a", "b:c"), "1:a,3:b:c,");
  EXPECT_EQ(compositeKey(twoHeaders, "", "x"), "0:,1:x,");
  EXPECT_EQ(compositeKey(twoHeaders, "x", ""), "1:x,0:,");
  // Parts converted into the scratch between the key's parts (ip, int, claim) force a copy of
  // the key so far; constants and route.name are literals.
  EXPECT_EQ(compositeKey(R"(tuple(client.ip, request.header("X-A"), auth.claims.org.id, route.name,
                                 request.param("id"), 7, true, request.method, "k"))", "v", ""),
            "9:192.0.2.1,1:v,2:42,1:r,3:abc,1:7,4:true,3:GET,1:k,");
  // A scratch too small truncates (never overflows): the prefix of the full key.
  std::string small = compositeKey(R"(tuple(client.ip, client.ip, client.ip))", "", "", 20);
  EXPECT_EQ(small, std::string("9:192.0.2.1,9:192.0.2.1,9:192.0.2.1,").substr(0, small.size()));
  EXPECT_FALSE(small.empty());
  EXPECT_LE(small.size(), 20u);
}

TEST(Hash, IsFnv1a64) {
  EXPECT_EQ(static_cast<uint64_t>(gw_hash64("", 0)), 14695981039346656037ull);
  EXPECT_EQ(static_cast<uint64_t>(gw_hash64("a", 1)), 0xaf63dc4c8601ec8cull);
}

}  // namespace
}  // namespace gw
