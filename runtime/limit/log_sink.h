#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace gw::limit {

enum class LogLevel : std::uint8_t { info, warn, error };

/// Where the limit stores report state changes; the server supplies its logger. Called on the
/// io_context thread of the reporting store; must not block.
using LogSink = std::function<void(LogLevel, std::string_view)>;

/// The default sink: one line on stderr.
void logToStderr(LogLevel level, std::string_view message);

}  // namespace gw::limit
