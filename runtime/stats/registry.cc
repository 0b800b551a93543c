#include "runtime/stats/registry.h"
#include "runtime/stats/registry_family.h"

#include <algorithm>

namespace gw::stats {

namespace {

constexpr std::uint32_t kSinkWidth = static_cast<std::uint32_t>(std::max(kCodeSlots, kHistogramSlots));

std::uint32_t widthOf(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCodeCounter:
      return static_cast<std::uint32_t>(kCodeSlots);
    case MetricKind::kHistogram:
      return static_cast<std::uint32_t>(kHistogramSlots);
    case MetricKind::kCounter:
    case MetricKind::kGauge:
      break;
  }
  return 1;
}

bool validName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

}  // namespace

Registry::Registry(std::size_t shards) {
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<Shard>());
  }
  {
    std::lock_guard lock(mutex_);
    allocate(kSinkWidth);  // slot 0: where invalid handles write
    for (const MetricSpec& spec : kBuiltinSpecs) {
      auto f = std::make_unique<Family>();
      f->kind = spec.kind;
      f->name = spec.name;
      f->help = spec.help;
      f->labels.assign(spec.labels.begin(), spec.labels.begin() + spec.labelCount);
      families_.push_back(std::move(f));
    }
  }
  rejected_ = counter(Metric::kStatsSeriesRejectedTotal);
  // Unlabeled families always appear in a scrape, even before their first event.
  for (std::size_t i = 0; i < kBuiltinSpecs.size(); ++i) {
    const MetricSpec& spec = kBuiltinSpecs[i];
    if (spec.labelCount == 0) {
      registerSeries(MetricId(static_cast<std::uint32_t>(i)), spec.kind, {});
    }
  }
}

Registry::~Registry() = default;

MetricId Registry::define(const MetricSpec& spec) {
  std::size_t maxLabels = spec.kind == MetricKind::kCodeCounter ? kMaxLabels - 1 : kMaxLabels;
  if (!validName(spec.name) || spec.labelCount > maxLabels) {
    return {};
  }
  for (std::size_t i = 0; i < spec.labelCount; ++i) {
    if (!validName(spec.labels[i]) || spec.labels[i] == "le" || spec.labels[i] == "code") {
      return {};
    }
  }
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < families_.size(); ++i) {
    const Family& f = *families_[i];
    if (f.name != spec.name) {
      continue;
    }
    bool same = f.kind == spec.kind && f.labels.size() == spec.labelCount &&
                std::equal(f.labels.begin(), f.labels.end(), spec.labels.begin());
    return same ? MetricId(static_cast<std::uint32_t>(i)) : MetricId();
  }
  auto f = std::make_unique<Family>();
  f->kind = spec.kind;
  f->name = spec.name;
  f->help = spec.help;
  f->labels.assign(spec.labels.begin(), spec.labels.begin() + spec.labelCount);
  families_.push_back(std::move(f));
  return MetricId(static_cast<std::uint32_t>(families_.size() - 1));
}

std::uint32_t Registry::allocate(std::uint32_t width) {
  std::uint32_t start = nextSlot_;
  if ((start & (kChunkSlots - 1)) + width > kChunkSlots) {
    start = (start | (kChunkSlots - 1)) + 1;  // never straddle a chunk
  }
  std::uint32_t chunk = start >> kChunkBits;
  if (chunk >= kMaxChunks) {
    return 0;
  }
  bool mapped = control_.table().ensureChunk(chunk);
  for (auto& s : shards_) {
    mapped = mapped && s->table().ensureChunk(chunk);
  }
  if (!mapped) {
    return 0;  // out of address space: the series is rejected, the handle writes to the sink
  }
  nextSlot_ = start + width;
  return start;
}

std::uint32_t Registry::registerSeries(MetricId family, MetricKind kind,
                                       std::span<const std::string_view> labels) {
  std::uint32_t slot = 0;
  {
    std::lock_guard lock(mutex_);
    if (family.index < families_.size()) {
      Family& f = *families_[family.index];
      if (f.kind == kind && f.labels.size() == labels.size()) {
        std::vector<std::string> key;
        key.reserve(labels.size());
        for (std::string_view v : labels) {
          key.emplace_back(v.substr(0, kMaxLabelValue));
        }
        auto it = f.series.find(key);
        if (it != f.series.end()) {
          return it->second;
        }
        slot = allocate(widthOf(kind));
        if (slot != 0) {
          f.series.emplace(std::move(key), slot);
        }
      }
    }
  }
  if (slot == 0 && rejected_.valid()) {
    inc(rejected_);
  }
  return slot;
}

Counter Registry::counter(MetricId f, std::span<const std::string_view> labels) {
  return Counter{registerSeries(f, MetricKind::kCounter, labels)};
}
CodeCounter Registry::codeCounter(MetricId f, std::span<const std::string_view> labels) {
  return CodeCounter{registerSeries(f, MetricKind::kCodeCounter, labels)};
}
Gauge Registry::gauge(MetricId f, std::span<const std::string_view> labels) {
  return Gauge{registerSeries(f, MetricKind::kGauge, labels)};
}
Histogram Registry::histogram(MetricId f, std::span<const std::string_view> labels) {
  return Histogram{registerSeries(f, MetricKind::kHistogram, labels)};
}

void Registry::retire(std::uint32_t slot) {
  if (slot == 0) {
    return;
  }
  std::lock_guard lock(mutex_);
  for (auto& f : families_) {
    for (auto it = f->series.begin(); it != f->series.end(); ++it) {
      if (it->second == slot) {
        f->series.erase(it);
        return;
      }
    }
  }
}

}  // namespace gw::stats
