#pragma once
// UTF-8 decoding shared by the lexer's validation (compiler/parse) and the diagnostic renderer
// (compiler/diag), so both agree on what a well-formed sequence is.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw {

/// Decodes the well-formed UTF-8 sequence at `text[at]` (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF). Returns its length in bytes (1-4) and stores the code
/// point in `*cp`, or returns 0 when the bytes there are not well-formed (or `at` is past the end).
size_t decodeUtf8(std::string_view text, size_t at, char32_t* cp);

/// Code points a terminal would not show as themselves: C0 and C1 controls, DEL, and the
/// invisible or bidirectional formatting characters that can make displayed source differ
/// from the bytes a compiler reads ("Trojan Source", CVE-2021-42574). Tab is included.
bool isInvisibleCodePoint(char32_t cp);

}  // namespace gw
