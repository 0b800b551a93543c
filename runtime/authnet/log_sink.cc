#include "runtime/authnet/log_sink.h"

#include <cstdio>

namespace gw::authnet {

void logToStderr(LogLevel level, std::string_view message) {
  const char* name = level == LogLevel::kInfo   ? "info"
                     : level == LogLevel::kWarn ? "warn"
                                                : "error";
  std::fprintf(stderr, "gw authnet %s: %.*s\n", name, static_cast<int>(message.size()),
               message.data());
}

}  // namespace gw::authnet
