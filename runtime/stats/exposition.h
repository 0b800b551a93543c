#pragma once
// Prometheus text exposition format 0.0.4: HELP/TYPE lines, samples, label-value escaping.
// Used by the registry's renderer and handed to collectors.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/stats/metric_spec.h"

namespace gw::stats {

/// The Content-Type of the rendered text.
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4";

using Label = std::pair<std::string_view, std::string_view>;  ///< name, value

/// Appends exposition text to a caller-owned string. Not thread-safe (one per scrape).
/// Callers own the naming: metric and label names must match [a-zA-Z_:][a-zA-Z0-9_:]*; label
/// values and help text may be any bytes and are escaped here.
class MetricWriter {
 public:
  explicit MetricWriter(std::string& out) : out_(out) {}

  /// "# HELP name help\n# TYPE name type\n". Call once per family, before its samples.
  void family(std::string_view name, std::string_view help, MetricKind kind);

  /// One sample line: name{labels} value.
  void sample(std::string_view name, std::span<const Label> labels, std::uint64_t value);
  void sample(std::string_view name, std::span<const Label> labels, std::int64_t value);
  void sample(std::string_view name, std::span<const Label> labels, double value);
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
    sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void sample(std::string_view name, std::initializer_list<Label> labels, std::int64_t value) {
    sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }

  /// The output so far.
  std::string& out() { return out_; }

 private:
  void head(std::string_view name, std::span<const Label> labels);

  std::string& out_;
};

/// Appends `value` escaped for a label value (\\, \", \n).
void appendLabelValue(std::string& out, std::string_view value);
/// Appends `help` escaped for a HELP line (\\, \n).
void appendHelp(std::string& out, std::string_view help);
/// Appends a sample value: integers exactly, doubles in shortest round-trip form, NaN, +Inf, -Inf.
void appendValue(std::string& out, double value);
void appendValue(std::string& out, std::uint64_t value);
void appendValue(std::string& out, std::int64_t value);

}  // namespace gw::stats
