#pragma once

#include <cstddef>
#include <string_view>

#include "runtime/http/header.h"
#include "runtime/http/parse_result.h"

/// Line-level lexing shared by the request and response head parsers (RFC 9112 section 2 and 5).
/// Stateless functions; the incremental scan position is owned by the caller.
namespace gw::http {

/// Result of scanning for the empty line that ends a message head.
struct HeadEnd {
  std::size_t end = 0;  ///< offset just past "\r\n\r\n", or 0 when not found yet
  bool bareLf = false;  ///< an LF without CR was seen: the message is malformed
};

/// Scans `buf` from `scanFrom` (bytes before it were already scanned) for the end of the head.
/// Updates `scanFrom` so the next call only looks at new bytes.
HeadEnd findHeadEnd(std::string_view buf, std::size_t& scanFrom);

/// Parses the field lines of a head. `block` starts after the start line and ends just before
/// the final empty line (each line still ends in CRLF). Appends to `out`; rejects obs-fold,
/// invalid name bytes, whitespace before the colon, control bytes in values, and more than
/// `maxCount` fields (431).
ParseResult parseFieldLines(std::string_view block, std::size_t maxCount, HeaderList& out);

}  // namespace gw::http
