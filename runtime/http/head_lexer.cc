#include "runtime/http/head_lexer.h"

#include <cstring>

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

ParseResult parseOneField(std::string_view line, Header& out) {
  std::size_t i = 0;
  while (i < line.size() && isTchar(static_cast<unsigned char>(line[i]))) {
    ++i;
  }
  if (i == 0) {
    return ParseResult::error(400, "empty or invalid header name");
  }
  if (i == line.size()) {
    return ParseResult::error(400, "header line without colon");
  }
  if (line[i] != ':') {
    return ParseResult::error(400, line[i] == ' ' || line[i] == '\t'
                                       ? "whitespace before colon in header"
                                       : "invalid character in header name");
  }
  out.name = line.substr(0, i);
  std::string_view value = line.substr(i + 1);
  for (char c : value) {
    if (!isFieldValueByte(static_cast<unsigned char>(c))) {
      return ParseResult::error(400, "control character in header value");
    }
  }
  out.value = trimOws(value);
  return ParseResult::complete(line.size());
}

}  // namespace

ParseResult parseFieldLines(std::string_view block, std::size_t maxCount, HeaderList& out) {
  while (!block.empty()) {
    std::size_t eol = block.find("\r\n");
    if (eol == std::string_view::npos) {
      return ParseResult::error(400, "unterminated header line");
    }
    std::string_view line = block.substr(0, eol);
    block.remove_prefix(eol + 2);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      return ParseResult::error(400, "obsolete line folding");
    }
    if (out.size() >= maxCount) {
      return ParseResult::error(431, "too many header fields");
    }
    Header h;
    ParseResult r = parseOneField(line, h);
    if (!r.ok()) {
      return r;
    }
    out.push_back(h);
  }
  return ParseResult::complete(0);
}

}  // namespace gw::http
