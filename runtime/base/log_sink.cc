#include "runtime/base/log_sink.h"

#include <cstdio>

namespace gw {

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "info";
}

void logToStderr(LogLevel level, std::string_view message) {
  std::fprintf(stderr, "gw %s: %.*s\n", logLevelName(level), static_cast<int>(message.size()),
               message.data());
}

}  // namespace gw
