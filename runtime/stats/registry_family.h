#pragma once
// Private to the registry's sources: one family's description and its registered series.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/stats/registry.h"

namespace gw::stats {

struct Registry::Family {
  MetricKind kind = MetricKind::kCounter;
  std::string name;
  std::string help;
  std::vector<std::string> labels;  // declared labels, without the implied code label
  std::map<std::vector<std::string>, std::uint32_t> series;  // label values -> first slot
};

}  // namespace gw::stats
