// Registry: the control-plane writers, aggregated reads, collectors and the Prometheus renderer.
#include <array>

#include "runtime/stats/registry.h"
#include "runtime/stats/registry_family.h"

namespace gw::stats {

namespace {
void atomicAdd(Slot* s, std::uint64_t n) noexcept { s->fetch_add(n, std::memory_order_relaxed); }
}  // namespace

void Registry::inc(Counter c, std::uint64_t n) noexcept { atomicAdd(control_.table().at(c.slot), n); }

void Registry::inc(CodeCounter c, int status) noexcept {
  atomicAdd(control_.table().at(c.slot + static_cast<std::uint32_t>(codeBucket(status))), 1);
}

void Registry::add(Gauge g, std::int64_t delta) noexcept {
  atomicAdd(control_.table().at(g.slot), static_cast<std::uint64_t>(delta));
}

void Registry::set(Gauge g, std::int64_t value) noexcept {
  control_.table().at(g.slot)->store(static_cast<std::uint64_t>(value), std::memory_order_relaxed);
}

void Registry::observe(Histogram h, std::chrono::nanoseconds d) noexcept {
  std::uint64_t ns = d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0;
  Slot* base = control_.table().at(h.slot);
  atomicAdd(base + latencyBucket(ns), 1);
  atomicAdd(base + kHistogramSumSlot, ns);
}

std::uint64_t Registry::sum(std::uint32_t slot) const noexcept {
  std::uint64_t total = control_.table().at(slot)->load(std::memory_order_relaxed);
  for (const auto& s : shards_) {
    total += s->table().at(slot)->load(std::memory_order_relaxed);
  }
  return total;
}

std::uint64_t Registry::value(Counter c) const noexcept { return c.valid() ? sum(c.slot) : 0; }

std::uint64_t Registry::value(CodeCounter c, int status) const noexcept {
  return c.valid() ? sum(c.slot + static_cast<std::uint32_t>(codeBucket(status))) : 0;
}

std::int64_t Registry::value(Gauge g) const noexcept {
  return g.valid() ? static_cast<std::int64_t>(sum(g.slot)) : 0;
}

HistogramSnapshot Registry::snapshot(Histogram h) const noexcept {
  HistogramSnapshot snap;
  if (!h.valid()) {
    return snap;
  }
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    snap.buckets[i] = sum(h.slot + static_cast<std::uint32_t>(i));
    snap.count += snap.buckets[i];
  }
  snap.sumNs = sum(h.slot + static_cast<std::uint32_t>(kHistogramSumSlot));
  return snap;
}

CollectorId Registry::addCollector(Collector collector) {
  std::lock_guard lock(mutex_);
  CollectorId id = nextCollector_++;
  collectors_.emplace_back(id, std::make_shared<const Collector>(std::move(collector)));
  return id;
}

void Registry::removeCollector(CollectorId id) {
  std::lock_guard lock(mutex_);
  std::erase_if(collectors_, [id](const auto& c) { return c.first == id; });
}

void Registry::renderFamily(const Family& f, std::string& out) const {
  std::string body;
  MetricWriter w(body);
  std::array<Label, kMaxLabels + 1> labels;
  std::string bucketName = f.name + "_bucket";
  std::string sumName = f.name + "_sum";
  std::string countName = f.name + "_count";
  for (const auto& [values, slot] : f.series) {
    std::size_t n = values.size();
    for (std::size_t i = 0; i < n; ++i) {
      labels[i] = Label(f.labels[i], values[i]);
    }
    std::span<const Label> base(labels.data(), n);
    std::span<const Label> withExtra(labels.data(), n + 1);
    switch (f.kind) {
      case MetricKind::kCounter: {
        std::uint64_t v = sum(slot);
        if (v != 0 || n == 0) {
          w.sample(f.name, base, v);
        }
        break;
      }
      case MetricKind::kGauge:
        w.sample(f.name, base, static_cast<std::int64_t>(sum(slot)));
        break;
      case MetricKind::kCodeCounter:
        for (std::size_t c = 0; c < kCodeSlots; ++c) {
          std::uint64_t v = sum(slot + static_cast<std::uint32_t>(c));
          if (v != 0) {
            labels[n] = Label("code", kCodeLabels[c]);
            w.sample(f.name, withExtra, v);
          }
        }
        break;
      case MetricKind::kHistogram: {
        HistogramSnapshot snap = snapshot(Histogram{slot});
        if (snap.count == 0) {
          break;
        }
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < kLatencyBuckets; ++b) {
          cumulative += snap.buckets[b];
          labels[n] = Label("le", b < kLatencyBoundLabels.size() ? kLatencyBoundLabels[b] : "+Inf");
          w.sample(bucketName, withExtra, cumulative);
        }
        w.sample(sumName, base, static_cast<double>(snap.sumNs) / 1e9);
        w.sample(countName, base, snap.count);
        break;
      }
    }
  }
  if (!body.empty()) {
    MetricWriter(out).family(f.name, f.help, f.kind);
    out += body;
  }
}

void Registry::renderTo(std::string& out) const {
  std::vector<std::shared_ptr<const Collector>> collectors;
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : families_) {
      renderFamily(*f, out);
    }
    for (const auto& c : collectors_) {
      collectors.push_back(c.second);
    }
  }
  MetricWriter w(out);
  for (const auto& c : collectors) {
    (*c)(w);
  }
}

std::string Registry::render() const {
  std::string out;
  renderTo(out);
  return out;
}

}  // namespace gw::stats
