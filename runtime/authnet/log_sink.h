#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace gw::authnet {

enum class LogLevel : std::uint8_t { kInfo, kWarn, kError };

/// Where the fetcher and introspector report state changes; the server supplies its logger.
/// Called from the reporting coroutine's thread; must not block and must be thread-safe.
using LogSink = std::function<void(LogLevel, std::string_view)>;

/// The default sink: one line on stderr ("gw authnet warn: ...").
void logToStderr(LogLevel level, std::string_view message);

}  // namespace gw::authnet
