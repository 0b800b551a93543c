#pragma once
// ANTLR's input stream indexes code points, while Span offsets are byte offsets into the UTF-8
// source (what SourceManager's line table and every consumer of spans use). This maps one to
// the other; for pure-ASCII text it is the identity (plus a byte order mark's 3 bytes) and
// allocates nothing.
#include <cstdint>
#include <string>
#include <vector>

namespace gw::parse {

class OffsetMap {
 public:
  explicit OffsetMap(const std::string& text) : size_(static_cast<uint32_t>(text.size())) {
    // The lexers do not count a leading byte order mark (hand_lexer.h, ANTLRInputStream):
    // code point 0 is the first character after it.
    if (text.starts_with("\xEF\xBB\xBF")) {
      base_ = 3;
    }
    bool ascii = true;
    for (size_t i = base_; i < text.size(); ++i) {
      if (static_cast<unsigned char>(text[i]) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return;
    }
    for (uint32_t i = base_; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a continuation byte
        starts_.push_back(i);
      }
    }
  }

  /// The byte offset of code point `index`; the text size for the end (or anything past it).
  uint32_t byteOffset(size_t index) const {
    if (starts_.empty()) {
      return index < size_ - base_ ? static_cast<uint32_t>(index) + base_ : size_;
    }
    return index < starts_.size() ? starts_[index] : size_;
  }

 private:
  uint32_t size_;
  uint32_t base_ = 0;             // 3 after a byte order mark
  std::vector<uint32_t> starts_;  // empty for ASCII text
};

}  // namespace gw::parse
