#include "runtime/gateway/aggregate_plan.h"

namespace gw::gateway {

std::string_view partResultName(PartResult r) {
  switch (r) {
    case PartResult::kOk: return "ok";
    case PartResult::kStatus: return "status";
    case PartResult::kInvalidJson: return "invalid_json";
    case PartResult::kTooLarge: return "too_large";
    case PartResult::kTimeout: return "timeout";
    case PartResult::kConnectFailed: return "connect_failed";
    case PartResult::kFailed: return "failed";
    case PartResult::kUnavailable: return "unavailable";
    case PartResult::kBadPath: return "bad_path";
    case PartResult::kCancelled: return "cancelled";
    case PartResult::kCount: break;
  }
  return "failed";
}

void registerPartSeries(stats::Registry& registry, std::string_view route, std::string_view part,
                        AggregatePartRuntime& out) {
  using stats::Metric;
  for (size_t i = 0; i < out.results.size(); ++i) {
    std::string_view result = partResultName(static_cast<PartResult>(i));
    out.results[i] = registry.counter(Metric::kAggregatePartsTotal, {route, part, result});
  }
  out.duration = registry.histogram(Metric::kAggregatePartDurationSeconds, {route, part});
}

}  // namespace gw::gateway
