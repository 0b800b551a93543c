#include "compiler/source/utf8.h"

namespace gw {

size_t decodeUtf8(std::string_view text, size_t at, char32_t* cp) {
  if (at >= text.size()) {
    return 0;
  }
  auto c = static_cast<unsigned char>(text[at]);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = 0;
  char32_t value = 0;
  char32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, value = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, value = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, value = c & 0x07, min = 0x10000;
  } else {
    return 0;  // a continuation byte, or a lead byte no well-formed sequence uses
  }
  if (at + len > text.size()) {
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(text[at + k]);
    if ((cc & 0xC0) != 0x80) {
      return 0;
    }
    value = (value << 6) | (cc & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *cp = value;
  return len;
}

bool isInvisibleCodePoint(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||  // C0, DEL, C1
         cp == 0xAD ||                                 // soft hyphen
         (cp >= 0x200B && cp <= 0x200F) ||             // zero-width spaces and joiners, LRM, RLM
         (cp >= 0x2028 && cp <= 0x202E) ||             // line/paragraph separators, bidi embeddings
         (cp >= 0x2060 && cp <= 0x2069) ||             // word joiner ... bidi isolates
         cp == 0xFEFF;                                 // zero-width no-break space (BOM)
}

}  // namespace gw
