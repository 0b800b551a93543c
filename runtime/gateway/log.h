#pragma once
// The gateway's operational log on stderr: "gw: <level>: message" lines. Thread-safe (one
// fwrite per line). The level is set once at start-up.
#include <atomic>
#include <string_view>

namespace gw::gateway {

enum class LogLevel : int { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

/// Sets the threshold; lines above it are dropped.
void setLogLevel(LogLevel level);
/// "error" | "warn" | "info" | "debug"; false when unknown.
bool parseLogLevel(std::string_view text, LogLevel& out);
bool logEnabled(LogLevel level);
void logLine(LogLevel level, std::string_view message);

}  // namespace gw::gateway
