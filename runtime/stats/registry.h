#pragma once
// The metrics registry, built for thread-per-core: each worker writes only its own Shard (plain
// relaxed load/store, no lock, no locked instruction); a scrape sums every shard plus the
// control shard (written with atomic RMW by any thread). Series are registered off the request
// path (start-up, policy load) and addressed by small handles afterwards.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/stats/exposition.h"
#include "runtime/stats/handles.h"
#include "runtime/stats/metric_spec.h"
#include "runtime/stats/shard.h"

namespace gw::stats {

/// A family: a builtin (Metric) or one made by Registry::define.
struct MetricId {
  std::uint32_t index = UINT32_MAX;
  constexpr MetricId() = default;
  constexpr MetricId(Metric m) : index(static_cast<std::uint32_t>(m)) {}  // NOLINT: implicit
  constexpr explicit MetricId(std::uint32_t i) : index(i) {}
  bool valid() const { return index != UINT32_MAX; }
};

/// Adds samples to a scrape (Redis client stats, breaker or health snapshots...). Called on the
/// scraping thread with no registry lock held; must be thread-safe against its own data.
using Collector = std::function<void(MetricWriter&)>;
using CollectorId = std::uint64_t;

/// Aggregated histogram (scrape side): non-cumulative bucket counts, count, sum.
struct HistogramSnapshot {
  std::array<std::uint64_t, kLatencyBuckets> buckets{};
  std::uint64_t count = 0;
  std::uint64_t sumNs = 0;
};

/// Thread-safe. Registration, define, collectors and rendering take an internal mutex; the hot
/// path (Shard) and the control writers (inc/add/set/observe) do not. Must outlive every Shard
/// reference and handle user.
class Registry {
 public:
  /// `shards`: one per worker thread that will write through shard(i).
  explicit Registry(std::size_t shards);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  std::size_t shardCount() const { return shards_.size(); }
  /// Worker `i`'s shard; only that worker's thread may write through it.
  Shard& shard(std::size_t i) { return *shards_[i]; }

  /// Adds a family (e.g. a component's own counters). Returns the existing id if a family with
  /// the same name, kind and labels exists; an invalid id on a conflicting or malformed spec.
  MetricId define(const MetricSpec& spec);

  /// Registers (or finds) the series of `family` with `labels` (one value per declared label;
  /// the code label of a code counter is implied). Same family + values: same handle, so totals
  /// survive a reload that re-registers them. Returns a sink handle (valid() == false) and bumps
  /// gw_stats_series_rejected_total on a kind or label-count mismatch or when storage is full.
  /// Label values longer than kMaxLabelValue bytes are truncated.
  Counter counter(MetricId family, std::span<const std::string_view> labels = {});
  CodeCounter codeCounter(MetricId family, std::span<const std::string_view> labels = {});
  Gauge gauge(MetricId family, std::span<const std::string_view> labels = {});
  Histogram histogram(MetricId family, std::span<const std::string_view> labels = {});
  Counter counter(MetricId f, std::initializer_list<std::string_view> l) { return counter(f, span(l)); }
  CodeCounter codeCounter(MetricId f, std::initializer_list<std::string_view> l) {
    return codeCounter(f, span(l));
  }
  Gauge gauge(MetricId f, std::initializer_list<std::string_view> l) { return gauge(f, span(l)); }
  Histogram histogram(MetricId f, std::initializer_list<std::string_view> l) {
    return histogram(f, span(l));
  }

  /// Stops rendering a series (e.g. the previous gw_policy_info). Its slots are not reused, so a
  /// stale handle stays harmless. Handles of any kind: pass the slot.
  void retire(std::uint32_t slot);

  /// Control-plane writers, any thread (atomic RMW on the control shard).
  void inc(Counter c, std::uint64_t n = 1) noexcept;
  void inc(CodeCounter c, int status) noexcept;
  void add(Gauge g, std::int64_t delta) noexcept;
  /// Sets the control share of a gauge; the value read is that plus every worker's share.
  void set(Gauge g, std::int64_t value) noexcept;
  void observe(Histogram h, std::chrono::nanoseconds d) noexcept;

  /// Aggregated reads (any thread; relaxed, so concurrent writes may or may not be included).
  std::uint64_t value(Counter c) const noexcept;
  std::uint64_t value(CodeCounter c, int status) const noexcept;
  std::int64_t value(Gauge g) const noexcept;
  HistogramSnapshot snapshot(Histogram h) const noexcept;

  /// Adds a collector, run at every render after the registry's own families, in the order added.
  CollectorId addCollector(Collector collector);
  void removeCollector(CollectorId id);

  /// Prometheus text of every family then every collector. Deterministic: families in
  /// definition order, series by label values. Labelled counters at zero, zero code buckets and
  /// empty histograms are left out (pre-registered per-route series would otherwise dominate
  /// the page); unlabelled counters and every gauge are always shown.
  std::string render() const;
  void renderTo(std::string& out) const;

  static constexpr std::size_t kMaxLabelValue = 256;

 private:
  struct Family;
  static std::span<const std::string_view> span(std::initializer_list<std::string_view> l) {
    return {l.begin(), l.size()};
  }
  std::uint32_t registerSeries(MetricId family, MetricKind kind,
                               std::span<const std::string_view> labels);
  std::uint32_t allocate(std::uint32_t width);  // mutex held; 0 when full
  std::uint64_t sum(std::uint32_t slot) const noexcept;
  void renderFamily(const Family& f, std::string& out) const;

  std::vector<std::unique_ptr<Shard>> shards_;
  Shard control_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
  std::uint32_t nextSlot_ = 0;
  Counter rejected_;
  std::vector<std::pair<CollectorId, std::shared_ptr<const Collector>>> collectors_;
  CollectorId nextCollector_ = 1;
};

}  // namespace gw::stats
