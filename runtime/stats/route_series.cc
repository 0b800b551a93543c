#include "runtime/stats/route_series.h"

namespace gw::stats {

namespace {
RouteSeries registerOne(Registry& registry, std::string_view name) {
  RouteSeries s;
  s.requests = registry.codeCounter(Metric::kRequestsTotal, {name});
  s.duration = registry.histogram(Metric::kRequestDurationSeconds, {name});
  s.bytesIn = registry.counter(Metric::kRequestBytesTotal, {name});
  s.bytesOut = registry.counter(Metric::kResponseBytesTotal, {name});
  return s;
}
}  // namespace

std::vector<RouteSeries> registerRoutes(Registry& registry, std::span<const std::string> names) {
  std::vector<RouteSeries> out;
  out.reserve(names.size());
  for (const std::string& n : names) {
    out.push_back(registerOne(registry, n));
  }
  return out;
}

std::vector<RouteSeries> registerRoutes(Registry& registry,
                                        std::span<const std::string_view> names) {
  std::vector<RouteSeries> out;
  out.reserve(names.size());
  for (std::string_view n : names) {
    out.push_back(registerOne(registry, n));
  }
  return out;
}

}  // namespace gw::stats
