#include "runtime/accesslog/metrics.h"

namespace gw::accesslog {

stats::CollectorId exportMetrics(stats::Registry& registry, const AccessLog& log) {
  return registry.addCollector([&log](stats::MetricWriter& w) {
    AccessLogStats s = log.stats();
#define GW_ACCESSLOG_STAT(member, metric, help)               \
  w.family(metric, help, stats::MetricKind::kCounter);        \
  w.sample(metric, {}, static_cast<std::uint64_t>(s.member));
#include "runtime/accesslog/access_log_stats.def"
#undef GW_ACCESSLOG_STAT
  });
}

}  // namespace gw::accesslog
