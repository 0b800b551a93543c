#pragma once
// The constructs of the language this gw build does not implement. `gw run` refuses to start
// (and a reload is rejected) when a policy uses any of them, naming each with its location, so
// a policy never runs with part of it silently ignored.
#include <string>
#include <vector>

#include "compiler/policy/runtime_config.h"

namespace gw::gateway {

/// One line per unsupported use: "file:line:col: `health` checks of TLS upstream `u` ...".
/// Pure.
std::vector<std::string> unsupportedConstructs(const policy::RuntimeConfig& config);

}  // namespace gw::gateway
