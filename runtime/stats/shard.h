#pragma once
// The per-worker half of the registry: what a request handler touches. No locks, no allocation,
// no locked instructions.
#include <chrono>
#include <cstdint>

#include "runtime/stats/buckets.h"
#include "runtime/stats/handles.h"
#include "runtime/stats/slot_table.h"

namespace gw::stats {

/// One worker's slots. Owned by the Registry; written only by the thread that owns the worker
/// (single writer), read by the scrape from any thread.
class Shard {
 public:
  /// Adds `n` to a counter.
  void inc(Counter c, std::uint64_t n = 1) noexcept { bumpOwned(*table_.at(c.slot), n); }

  /// Counts one response with `status` (0: none was sent) in a code counter.
  void inc(CodeCounter c, int status) noexcept {
    bumpOwned(*table_.at(c.slot + static_cast<std::uint32_t>(codeBucket(status))), 1);
  }

  /// Adds `delta` (may be negative) to this worker's share of a gauge; the scrape sums shares.
  void add(Gauge g, std::int64_t delta) noexcept {
    bumpOwned(*table_.at(g.slot), static_cast<std::uint64_t>(delta));
  }

  /// Records one latency (negative durations count as 0).
  void observe(Histogram h, std::chrono::nanoseconds d) noexcept {
    std::uint64_t ns = d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0;
    Slot* base = table_.at(h.slot);  // a histogram never straddles a chunk
    bumpOwned(base[latencyBucket(ns)], 1);
    bumpOwned(base[kHistogramSumSlot], ns);
  }

  /// The registry's storage for this shard.
  SlotTable& table() noexcept { return table_; }
  const SlotTable& table() const noexcept { return table_; }

 private:
  SlotTable table_;
};

}  // namespace gw::stats
