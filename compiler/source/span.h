#pragma once
#include <cstdint>

namespace gw {

/// A range of source text: the file (an index into SourceManager), the 1-based line and column of
/// its first character, its byte offset and its length in bytes. Plain value type.
struct Span {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t offset = 0;
  uint32_t length = 0;

  bool valid() const { return line != 0; }
};

}  // namespace gw
