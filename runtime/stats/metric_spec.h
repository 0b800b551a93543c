#pragma once
// Metric families: their kind, name, help and label names. The builtin families come from
// metrics.def; other components may define more at run time (Registry::define).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw::stats {

/// How a family's series are stored and rendered.
enum class MetricKind : std::uint8_t {
  kCounter,      ///< one monotonic slot
  kCodeCounter,  ///< one counter slot per status-code bucket (trailing `code` label)
  kGauge,        ///< one signed slot
  kHistogram,    ///< fixed latency buckets plus a sum
};

inline constexpr std::size_t kMaxLabels = 4;

/// A family description. Plain constant data: names and help are string literals (builtins) or
/// strings owned by the caller of Registry::define for the duration of that call.
struct MetricSpec {
  MetricKind kind = MetricKind::kCounter;
  std::string_view name;
  std::string_view help;
  std::array<std::string_view, kMaxLabels> labels{};  ///< caller-supplied labels, in order
  std::size_t labelCount = 0;                         ///< excluding the implied `code` label
};

/// The builtin families, in metrics.def order.
enum class Metric : std::uint32_t {
#define GW_COUNTER(id, name, help, ...) k##id,
#define GW_CODE_COUNTER(id, name, help, ...) k##id,
#define GW_GAUGE(id, name, help, ...) k##id,
#define GW_HISTOGRAM(id, name, help, ...) k##id,
#include "runtime/stats/metrics.def"
  kBuiltinCount
};

namespace detail {
template <class... L>
constexpr MetricSpec makeSpec(MetricKind kind, std::string_view name, std::string_view help,
                              L... labels) {
  static_assert(sizeof...(L) <= kMaxLabels, "too many labels");
  return MetricSpec{kind, name, help, {std::string_view(labels)...}, sizeof...(L)};
}
}  // namespace detail

/// Specs of the builtin families, indexed by Metric.
inline constexpr std::array<MetricSpec, static_cast<std::size_t>(Metric::kBuiltinCount)>
    kBuiltinSpecs = {{
#define GW_COUNTER(id, name, help, ...) \
  detail::makeSpec(MetricKind::kCounter, name, help __VA_OPT__(, ) __VA_ARGS__),
#define GW_CODE_COUNTER(id, name, help, ...) \
  detail::makeSpec(MetricKind::kCodeCounter, name, help __VA_OPT__(, ) __VA_ARGS__),
#define GW_GAUGE(id, name, help, ...) \
  detail::makeSpec(MetricKind::kGauge, name, help __VA_OPT__(, ) __VA_ARGS__),
#define GW_HISTOGRAM(id, name, help, ...) \
  detail::makeSpec(MetricKind::kHistogram, name, help __VA_OPT__(, ) __VA_ARGS__),
#include "runtime/stats/metrics.def"
    }};

/// Prometheus TYPE of a kind ("counter", "gauge", "histogram").
constexpr std::string_view typeName(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter:
    case MetricKind::kCodeCounter:
      return "counter";
    case MetricKind::kGauge:
      return "gauge";
    case MetricKind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace gw::stats
