#include "runtime/http/path_normalizer.h"

#include "runtime/http/ascii.h"

namespace gw::http {

namespace {

constexpr bool isUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

constexpr NormalizeResult fail(const char* why) { return {false, 400, why}; }

constexpr char kHexUpper[] = "0123456789ABCDEF";

/// Decodes one raw segment (no '/') onto the end of `out`.
NormalizeResult decodeSegment(std::string_view seg, std::string& out) {
  for (std::size_t i = 0; i < seg.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(seg[i]);
    if (c == '\\') {
      return fail("backslash in path");
    }
    if (c <= 0x20 || c >= 0x7f) {
      return fail("control or non-ASCII byte in path");
    }
    if (c != '%') {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (i + 2 >= seg.size()) {
      return fail("truncated percent-escape in path");
    }
    int hi = hexValue(seg[i + 1]);
    int lo = hexValue(seg[i + 2]);
    if (hi < 0 || lo < 0) {
      return fail("invalid percent-escape in path");
    }
    unsigned char v = static_cast<unsigned char>(hi * 16 + lo);
    if (v == '/') {
      return fail("encoded slash in path");
    }
    if (v == '\\') {
      return fail("encoded backslash in path");
    }
    if (v == 0) {
      return fail("encoded NUL in path");
    }
    if (isUnreserved(v)) {
      out.push_back(static_cast<char>(v));
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[hi]);
      out.push_back(kHexUpper[lo]);
    }
    i += 2;
  }
  return {};
}

}  // namespace

NormalizeResult normalizePath(std::string_view raw, std::string& out) {
  out.clear();
  if (raw == "*") {
    out.push_back('*');
    return {};
  }
  if (raw.empty() || raw.front() != '/') {
    return fail("path does not start with a slash");
  }
  out.reserve(raw.size());
  bool trailingSlash = false;
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t segStart = i + 1;
    std::size_t segEnd = raw.find('/', segStart);
    if (segEnd == std::string_view::npos) {
      segEnd = raw.size();
    }
    i = segEnd;
    std::string_view seg = raw.substr(segStart, segEnd - segStart);
    if (seg.empty()) {
      trailingSlash = true;  // "//" merges; a final "/" is kept
      continue;
    }
    std::size_t mark = out.size();
    out.push_back('/');
    NormalizeResult r = decodeSegment(seg, out);
    if (!r.ok) {
      return r;
    }
    std::string_view decoded(out.data() + mark + 1, out.size() - mark - 1);
    if (decoded.starts_with(".;") || decoded.starts_with("..;")) {
      return fail("dot segment with parameters in path");
    }
    trailingSlash = decoded == "." || decoded == "..";
    if (decoded == "..") {
      out.resize(mark);
      if (out.empty()) {
        return fail("path climbs above the root");
      }
      out.resize(out.rfind('/'));
    } else if (decoded == ".") {
      out.resize(mark);
    }
  }
  if (out.empty() || trailingSlash) {
    out.push_back('/');
  }
  return {};
}

}  // namespace gw::http
