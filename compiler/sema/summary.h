#pragma once
// The policy summary of `gwc check --summary`: every route with its matcher, authentication,
// authorization, limits and upstreams, the warnings that concern it, and for each auth provider
// the routes it protects. Built from an analyzed program; plain data, rendered as text or JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/diag/diagnostic.h"
#include "compiler/sema/sema.h"
#include "compiler/source/source_manager.h"

namespace gw::sema {

struct UpstreamShare {
  std::string upstream;
  std::string share;  // "95%", or "" for an unweighted target
};

struct RouteSummary {
  std::string name;
  std::string location;  // "file:line"
  std::string host;      // "api.example.com, *.example.com" or "*" (any)
  std::string pathKind;  // "exact" | "template" | "prefix"
  std::string path;      // "/v1/users" ("/" for a route without a path)
  std::string methods;   // "GET, HEAD" or "*" (any)
  size_t conditions = 0; // header/query/when conditions
  std::vector<std::string> providers;  // authenticate a or b
  bool authOptional = false;
  bool isPublic = false;               // no authenticate
  std::string authorization;  // "policy readers", "inline", "any identity", "none"
  size_t rules = 0;           // authorization rules in force (inline or across policies)
  std::vector<std::string> routeLimits;
  std::vector<std::string> gatewayLimits;
  std::vector<UpstreamShare> upstreams;
  std::string stickyBy;       // the `by` key, "" when random or unweighted
  bool aggregate = false;
  std::string timeout;        // route timeout as written, "" when unset
  std::vector<std::string> warnings;  // "W0002 route `x` is public: ..."
};

struct ProviderCoverage {
  std::string provider;
  std::string kind;                   // jwt | api_key | introspect | mtls
  std::vector<std::string> routes;    // routes that accept it ("name (optional)" when optional)
};

struct PolicySummary {
  std::string file;  // the root file
  std::vector<RouteSummary> routes;
  std::vector<ProviderCoverage> coverage;
  std::vector<std::string> publicRoutes;
  std::vector<std::string> unlimitedRoutes;
};

/// Builds the summary of an analyzed program. `diags` supplies the warnings per route (those
/// whose location falls inside the route). Reads only; the pointers in `symbols` must be live.
PolicySummary buildSummary(const SymbolTable& symbols, const SourceManager& sources,
                           const DiagnosticSink& diags, const std::string& rootFile);

/// `names` joined with `sep` ("" when empty): the lists in the summary's cells.
std::string joinNames(const std::vector<std::string>& names, const char* sep);

/// A fixed-width table plus coverage and lint sections, for terminals and golden files.
std::string renderSummaryText(const PolicySummary& summary);
/// The same content as JSON (stable key names, documented in docs/diagnostics.md).
nlohmann::json summaryToJson(const PolicySummary& summary);

}  // namespace gw::sema
