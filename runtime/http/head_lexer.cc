#include "runtime/http/head_lexer.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gw::http {

HeadEnd findHeadEnd(std::string_view buf, std::size_t& scanFrom) {
  const char* base = buf.data();
  std::size_t i = scanFrom;
  while (i < buf.size()) {
    const void* hit = std::memchr(base + i, '\n', buf.size() - i);
    if (hit == nullptr) {
      scanFrom = buf.size();
      return {};
    }
    std::size_t lf = static_cast<const char*>(hit) - base;
    if (lf == 0 || base[lf - 1] != '\r') {
      return {0, true};
    }
    if (lf >= 3 && base[lf - 2] == '\n' && base[lf - 3] == '\r') {
      scanFrom = lf + 1;
      return {lf + 1, false};
    }
    i = lf + 1;
  }
  scanFrom = i;
  return {};
}

namespace {

constexpr std::array<bool, 256> makeFieldValueTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = isFieldValueByte(static_cast<unsigned char>(c));
  }
  return t;
}
constexpr std::array<bool, 256> kFieldValue = makeFieldValueTable();

constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

/// True if none of the 8 bytes of `w` is a control byte (< 0x20) or DEL: then all eight are
/// field-value bytes. Exact for the whole word (the borrow tricks only blur *which* byte
/// failed): a word with a CR, a CTL or DEL is never skipped. HTAB, allowed in values, also
/// fails it; the byte loop then takes over for that word.
constexpr bool allVisibleOrObsText(std::uint64_t w) {
  std::uint64_t below0x20 = (w - kOnes * 0x20) & ~w & kHighs;
  std::uint64_t del = w ^ (kOnes * 0x7f);
  std::uint64_t isDel = (del - kOnes) & ~del & kHighs;
  return (below0x20 | isDel) == 0;
}

/// The first byte at or after `p` that is not a field-value byte, or `end`. Values are most of
/// a head's bytes (a ~500-byte bearer token is common): eight bytes per step, then one by one.
const char* skipFieldValue(const char* p, const char* end) {
#if defined(__SSE2__)
  // Sixteen bytes per step where SSE2 exists (every x86-64): a byte is a control byte iff
  // min(b, 0x1f) == b (unsigned), DEL by equality; the mask tells exactly where the first one
  // is, so the byte loop below starts on it. Half the instructions of the 8-byte SWAR loop.
  const __m128i k1f = _mm_set1_epi8(0x1f);
  const __m128i kDel = _mm_set1_epi8(0x7f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i bad = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, k1f), v),
                                     _mm_cmpeq_epi8(v, kDel));
    if (const int mask = _mm_movemask_epi8(bad); mask != 0) {
      p += __builtin_ctz(static_cast<unsigned>(mask));
      // The first byte the mask flags is the answer unless it is an HTAB (allowed in values):
      // a value's end (its CR) is found here without the word and byte loops below starting
      // on it (~25 instructions per field).
      if (*p != '\t') {
        return p;
      }
      ++p;
      continue;
    }
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if (!allVisibleOrObsText(w)) {
      break;
    }
    p += 8;
  }
  while (p < end && kFieldValue[static_cast<unsigned char>(*p)]) {
    ++p;
  }
  return p;
}

}  // namespace

// One pass per line: name bytes, colon, OWS, value bytes up to CR, then LF. Each byte is looked
// at once (the head end was already found with memchr), values eight at a time, which keeps
// this on par with picohttpparser while still rejecting every malformed byte.
ParseResult parseFieldLines(std::string_view block, std::size_t maxCount, HeaderList& out) {
  const char* p = block.data();
  const char* const end = p + block.size();
  // The parsers pass blocks whose every line ends in CRLF: a name scan then stops at the latest
  // on the final LF (not a tchar) and needs no bounds check per byte (~2 of its 5 instructions).
  const bool lfTerminated = !block.empty() && block.back() == '\n';
  while (p < end) {
    if (*p == ' ' || *p == '\t') {
      return ParseResult::error(400, "obsolete line folding");
    }
    const char* nameStart = p;
    if (lfTerminated) {
      while (isTchar(static_cast<unsigned char>(*p))) {
        ++p;
      }
    } else {
      while (p < end && isTchar(static_cast<unsigned char>(*p))) {
        ++p;
      }
    }
    if (p == end || *p != ':') {
      if (p < end && (*p == ' ' || *p == '\t') && p != nameStart) {
        return ParseResult::error(400, "whitespace before colon in header");
      }
      if (p < end && *p == '\r' && p == nameStart) {
        return ParseResult::error(400, "empty or invalid header name");
      }
      return ParseResult::error(400, p < end && *p == '\r' ? "header line without colon"
                                                           : "invalid character in header name");
    }
    if (p == nameStart) {
      return ParseResult::error(400, "empty or invalid header name");
    }
    std::string_view name(nameStart, static_cast<std::size_t>(p - nameStart));
    ++p;
    while (p < end && (*p == ' ' || *p == '\t')) {
      ++p;
    }
    const char* valueStart = p;
    p = skipFieldValue(p, end);
    if (p + 1 >= end || p[0] != '\r' || p[1] != '\n') {
      return ParseResult::error(400, "control character in header value");
    }
    const char* valueEnd = p;
    while (valueEnd > valueStart && (valueEnd[-1] == ' ' || valueEnd[-1] == '\t')) {
      --valueEnd;
    }
    p += 2;
    if (out.size() >= maxCount) {
      return ParseResult::error(431, "too many header fields");
    }
    out.push_back(Header{
        name, std::string_view(valueStart, static_cast<std::size_t>(valueEnd - valueStart))});
  }
  return ParseResult::complete(0);
}

}  // namespace gw::http
