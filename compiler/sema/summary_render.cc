// Text and JSON renderings of a PolicySummary.
#include <algorithm>

#include "compiler/sema/summary.h"

namespace gw::sema {

std::string joinNames(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (const std::string& s : names) {
    out += (out.empty() ? "" : sep) + s;
  }
  return out;
}

namespace {

std::string authText(const RouteSummary& r) {
  if (r.isPublic) {
    return "public";
  }
  return joinNames(r.providers, " or ") + (r.authOptional ? " (optional)" : "");
}

std::string authzText(const RouteSummary& r) {
  if (r.authorization == "inline" || r.authorization.rfind("policy ", 0) == 0) {
    return r.authorization + " (" + std::to_string(r.rules) + (r.rules == 1 ? " rule)" : " rules)");
  }
  return r.authorization;
}

std::string limitsText(const RouteSummary& r) {
  std::vector<std::string> parts = r.routeLimits;
  for (const std::string& g : r.gatewayLimits) parts.push_back(g + " (gateway)");
  return parts.empty() ? "none" : joinNames(parts, ", ");
}

std::string upstreamsText(const RouteSummary& r) {
  std::vector<std::string> parts;
  for (const UpstreamShare& u : r.upstreams) {
    parts.push_back(u.share.empty() ? u.upstream : u.upstream + " " + u.share);
  }
  std::string out = (r.aggregate ? "aggregate " : "") + joinNames(parts, ", ");
  if (!r.stickyBy.empty()) out += " by " + r.stickyBy;
  return out.empty() ? "none" : out;
}

std::string matchText(const RouteSummary& r) {
  std::string out = r.host + " " + r.pathKind + " " + r.path + " " + r.methods;
  if (r.conditions) out += " +" + std::to_string(r.conditions) + " cond";
  return out;
}

}  // namespace

std::string renderSummaryText(const PolicySummary& s) {
  const std::vector<std::string> header = {"ROUTE", "MATCH (host path methods)", "AUTHENTICATE",
                                           "AUTHORIZE", "LIMITS", "UPSTREAMS", "TIMEOUT"};
  std::vector<std::vector<std::string>> rows;
  for (const RouteSummary& r : s.routes) {
    rows.push_back({r.name, matchText(r), authText(r), authzText(r), limitsText(r),
                    upstreamsText(r), r.timeout.empty() ? "-" : r.timeout});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      out += cells[c];
      if (c + 1 < cells.size()) out += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = "summary of " + s.file + ": " + std::to_string(s.routes.size()) +
                    (s.routes.size() == 1 ? " route\n\n" : " routes\n\n");
  out += line(header);
  for (const auto& row : rows) out += line(row);
  out += "\ncoverage:\n";
  for (const ProviderCoverage& c : s.coverage) {
    out += "  " + c.provider + " (" + c.kind + "): " +
           (c.routes.empty() ? "no route" : joinNames(c.routes, ", ")) + "\n";
  }
  out += "  public: " + (s.publicRoutes.empty() ? "no route" : joinNames(s.publicRoutes, ", ")) + "\n";
  out += "  unlimited: " +
         (s.unlimitedRoutes.empty() ? "no route" : joinNames(s.unlimitedRoutes, ", ")) + "\n";
  bool any = false;
  for (const RouteSummary& r : s.routes) {
    for (const std::string& w : r.warnings) {
      out += std::string(any ? "" : "\nwarnings:\n") + "  " + r.name + ": " + w + "\n";
      any = true;
    }
  }
  return out;
}

nlohmann::json summaryToJson(const PolicySummary& s) {
  nlohmann::json routes = nlohmann::json::array();
  for (const RouteSummary& r : s.routes) {
    nlohmann::json ups = nlohmann::json::array();
    for (const UpstreamShare& u : r.upstreams) {
      ups.push_back({{"upstream", u.upstream}, {"share", u.share}});
    }
    routes.push_back({
        {"name", r.name},
        {"location", r.location},
        {"match",
         {{"host", r.host}, {"path_kind", r.pathKind}, {"path", r.path}, {"methods", r.methods},
          {"conditions", r.conditions}}},
        {"authenticate",
         {{"providers", r.providers}, {"optional", r.authOptional}, {"public", r.isPublic}}},
        {"authorize", {{"mode", r.authorization}, {"rules", r.rules}}},
        {"limits", {{"route", r.routeLimits}, {"gateway", r.gatewayLimits}}},
        {"upstreams", ups},
        {"sticky_by", r.stickyBy},
        {"aggregate", r.aggregate},
        {"timeout", r.timeout},
        {"warnings", r.warnings},
    });
  }
  nlohmann::json coverage = nlohmann::json::array();
  for (const ProviderCoverage& c : s.coverage) {
    coverage.push_back({{"provider", c.provider}, {"kind", c.kind}, {"routes", c.routes}});
  }
  return {{"file", s.file},
          {"routes", routes},
          {"coverage", coverage},
          {"public_routes", s.publicRoutes},
          {"unlimited_routes", s.unlimitedRoutes}};
}

}  // namespace gw::sema
