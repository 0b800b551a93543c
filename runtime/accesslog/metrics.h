#pragma once
// Exposes the access log's counters (access_log_stats.def) on /metrics.
#include "runtime/accesslog/access_log.h"
#include "runtime/stats/registry.h"

namespace gw::accesslog {

/// Adds a collector rendering `log`'s counters. `log` must outlive the collector: remove it
/// (Registry::removeCollector) before destroying the log. Thread-safe.
stats::CollectorId exportMetrics(stats::Registry& registry, const AccessLog& log);

}  // namespace gw::accesslog
