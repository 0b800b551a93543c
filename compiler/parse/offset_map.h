#pragma once
// ANTLR's input stream indexes code points, while Span offsets are byte offsets into the UTF-8
// source (what SourceManager's line table and every consumer of spans use). This maps one to
// the other; for pure-ASCII text it is the identity and allocates nothing.
#include <cstdint>
#include <string>
#include <vector>

namespace gw::parse {

class OffsetMap {
 public:
  explicit OffsetMap(const std::string& text) : size_(static_cast<uint32_t>(text.size())) {
    bool ascii = true;
    for (unsigned char c : text) {
      if (c >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return;
    }
    for (uint32_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a continuation byte
        starts_.push_back(i);
      }
    }
  }

  /// The byte offset of code point `index`; the text size for the end (or anything past it).
  uint32_t byteOffset(size_t index) const {
    if (starts_.empty()) {
      return index < size_ ? static_cast<uint32_t>(index) : size_;
    }
    return index < starts_.size() ? starts_[index] : size_;
  }

 private:
  uint32_t size_;
  std::vector<uint32_t> starts_;  // empty for ASCII text
};

}  // namespace gw::parse
