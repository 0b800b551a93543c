#pragma once
// Runs the `test` blocks of a program against its CompiledPolicy without a network: the
// request goes through match, authentication (simulated from `jwt {}` / `api_key`),
// authorization, request transforms and the upstream choice; each expectation is compared.
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::policy {

struct TestOutcome {
  std::string name;
  bool passed = true;
  std::string failure;  // "expected route `a`, got `b`"
};

/// What simulating a request produced (also printed by `gwc explain`).
struct Simulation {
  gw_match_result match{};
  int status = 0;  // 200, 401, 403, 404, 405
  AuthzResult authz;
  std::string upstream;
  std::vector<std::pair<std::string, std::string>> setHeaders;
};

/// Runs one request through the policy. `hasJwt`/`hasApiKey` say which credential the request
/// carries (the builder is completed with the route's provider before authorization).
class RequestBuilder;
Simulation simulate(const CompiledPolicy& policy, RequestBuilder& builder, bool hasJwt,
                    const std::string& claimsJson, bool hasApiKey, const std::string& apiKey);

/// Runs every test of `program` (source order).
std::vector<TestOutcome> runTests(const CompiledPolicy& policy, const ast::Program& program);

}  // namespace gw::policy
