#pragma once
// How background components (JWKS fetcher, introspector, Redis limit stores) report state
// changes without depending on the gateway: the gateway hands them its logger as a LogSink.
#include <cstdint>
#include <functional>
#include <string_view>

namespace gw {

/// Severity of a log line, most severe first (a threshold keeps levels <= itself).
enum class LogLevel : std::uint8_t { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

/// "error" | "warn" | "info" | "debug".
const char* logLevelName(LogLevel level);

/// Receives one message per state change. Called from the reporting component's thread; must
/// not block and must be thread-safe.
using LogSink = std::function<void(LogLevel, std::string_view)>;

/// The sink used when none is supplied: one line on stderr, "gw <level>: <message>".
void logToStderr(LogLevel level, std::string_view message);

}  // namespace gw
