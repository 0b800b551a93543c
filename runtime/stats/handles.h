#pragma once
// Handles to registered series: plain slot indices, cheap to copy into per-route tables. A
// default-constructed handle (or one whose registration was rejected) points at the sink slots:
// writes through it are harmless and never rendered.
#include <cstdint>

namespace gw::stats {

/// A counter series (Shard::inc, Registry::inc).
struct Counter {
  std::uint32_t slot = 0;
  bool valid() const { return slot != 0; }
};

/// A counter series with a `code` dimension (Shard::inc(CodeCounter, status)).
struct CodeCounter {
  std::uint32_t slot = 0;
  bool valid() const { return slot != 0; }
};

/// A gauge series (Shard::add for per-worker deltas, Registry::set for control-plane values).
struct Gauge {
  std::uint32_t slot = 0;
  bool valid() const { return slot != 0; }
};

/// A latency histogram series (Shard::observe).
struct Histogram {
  std::uint32_t slot = 0;
  bool valid() const { return slot != 0; }
};

}  // namespace gw::stats
