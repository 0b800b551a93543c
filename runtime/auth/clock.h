#pragma once

#include <chrono>
#include <functional>

#include "runtime/auth/identity.h"

namespace gw::auth {

/// Source of the current time in Unix seconds. Injected so tests can move time; the default
/// reads the system clock. Must be callable from any thread.
using Clock = std::function<UnixSeconds()>;

/// The system clock (wall time: JWT dates are wall-clock dates).
inline UnixSeconds systemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace gw::auth
