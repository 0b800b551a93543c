#pragma once
// The gateway's operational log on stderr: "gw: <level>: message" lines. Thread-safe (one
// fwrite per line). The level is set once at start-up.
#include <string_view>

#include "runtime/base/log_sink.h"

namespace gw::gateway {

using gw::LogLevel;

/// Sets the threshold; lines above it are dropped.
void setLogLevel(LogLevel level);
/// "error" | "warn" | "info" | "debug"; false when unknown.
bool parseLogLevel(std::string_view text, LogLevel& out);
bool logEnabled(LogLevel level);
/// Matches gw::LogSink, so background components are handed `&logLine` as their sink.
void logLine(LogLevel level, std::string_view message);

}  // namespace gw::gateway
