#include "runtime/limit/log_sink.h"

#include <cstdio>

namespace gw::limit {

void logToStderr(LogLevel level, std::string_view message) {
  const char* tag = level == LogLevel::info ? "info" : level == LogLevel::warn ? "warn" : "error";
  std::fprintf(stderr, "gw limit %s: %.*s\n", tag, static_cast<int>(message.size()),
               message.data());
}

}  // namespace gw::limit
