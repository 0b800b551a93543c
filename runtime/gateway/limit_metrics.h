#pragma once
// Prometheus text for the rate limits of the current generation: per-limit outcomes, quota and
// tracked keys, and the shared Redis store's counters and connection gauges.
#include <string>

#include "runtime/gateway/generation.h"

namespace gw::gateway {

/// Appends the limit metrics of `g` to `out` (scrape time: reads atomics, takes the key
/// tables' stripe locks briefly to count keys). Any thread.
void appendLimitMetrics(const Generation& g, std::string& out);

}  // namespace gw::gateway
