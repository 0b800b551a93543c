#include "runtime/gateway/log.h"

#include <atomic>
#include <cstdio>
#include <string>

namespace gw::gateway {

namespace {
std::atomic<int> gLevel{static_cast<int>(LogLevel::kInfo)};
}  // namespace

void setLogLevel(LogLevel level) { gLevel.store(static_cast<int>(level)); }

bool parseLogLevel(std::string_view text, LogLevel& out) {
  for (LogLevel l : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    if (text == logLevelName(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

bool logEnabled(LogLevel level) { return static_cast<int>(level) <= gLevel.load(); }

void logLine(LogLevel level, std::string_view message) {
  if (!logEnabled(level)) return;
  std::string line = "gw: ";
  line += logLevelName(level);
  line += ": ";
  line += message;
  if (line.back() != '\n') line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace gw::gateway
