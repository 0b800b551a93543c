#include "runtime/http/request_parser.h"

#include <array>

#include "runtime/http/framing.h"
#include "runtime/http/head_lexer.h"
#include "runtime/http/known_field.h"

namespace gw::http {

namespace {

constexpr std::size_t kMaxMethodLength = 32;
constexpr std::size_t kMaxLeadingEmptyLines = 4;
/// Method, two spaces, "HTTP/1.1" and CRLF around the target.
constexpr std::size_t kRequestLineOverhead = kMaxMethodLength + 12;

// reg-name bytes (unreserved, sub-delims, '%'): one table read per byte of every Host value.
constexpr std::array<bool, 256> kHostByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-._~!$&'()*+,;=%").find(static_cast<char>(c)) != std::string_view::npos;
  }
  return t;
}();

bool isHostByte(unsigned char c) { return kHostByte[c]; }

/// Validates `authority` = uri-host [":" port] and stores the lower-cased host without port.
bool parseAuthority(std::string_view authority, std::string& host) {
  std::string_view name = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return false;
    }
    for (char c : authority.substr(1, close - 1)) {
      if (hexValue(c) < 0 && c != ':' && c != '.') {
        return false;
      }
    }
    name = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return false;
      }
      port = rest.substr(1);
    }
  } else {
    std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      name = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    for (char c : name) {
      if (!isHostByte(static_cast<unsigned char>(c))) {
        return false;
      }
    }
  }
  if (port.size() > 5) {
    return false;
  }
  for (char c : port) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  host.resize(name.size());  // reused: no allocation once the capacity is there
  for (std::size_t i = 0; i < name.size(); ++i) {
    host[i] = toLower(name[i]);
  }
  return true;
}

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// Splits an origin- or absolute-form target into path and query.
ParseResult splitTarget(std::string_view target, RequestHead& head) {
  if (target.find('#') != std::string_view::npos) {
    return ParseResult::error(400, "fragment in request-target");
  }
  std::string_view rest = target;
  if (target.front() != '/') {
    std::size_t schemeLen = startsWithIgnoreCase(target, "http://")    ? 7
                            : startsWithIgnoreCase(target, "https://") ? 8
                                                                       : 0;
    if (schemeLen == 0) {
      return ParseResult::error(400, "invalid request-target");
    }
    rest = target.substr(schemeLen);
    std::size_t authEnd = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authEnd);
    if (authority.empty() || authority.find('@') != std::string_view::npos ||
        !parseAuthority(authority, head.host)) {
      return ParseResult::error(400, "invalid authority in absolute-form target");
    }
    head.form = TargetForm::kAbsolute;
    rest = authEnd == std::string_view::npos ? std::string_view() : rest.substr(authEnd);
  }
  std::size_t q = rest.find('?');
  head.path = rest.substr(0, q);
  if (head.path.empty()) {
    head.path = "/";
  }
  if (q != std::string_view::npos) {
    head.hasQuery = true;
    head.query = rest.substr(q + 1);
  }
  return ParseResult::complete(0);
}

ParseResult parseVersion(std::string_view v, int& minor) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9') {
    return ParseResult::error(400, "malformed HTTP version");
  }
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) {
    return ParseResult::error(505, "HTTP version not supported");
  }
  minor = v[7] - '0';
  return ParseResult::complete(0);
}

}  // namespace

ParseResult RequestParser::parseRequestLine(std::string_view line, RequestHead& head) {
  std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0 || sp1 > kMaxMethodLength) {
    return ParseResult::error(400, "malformed request line");
  }
  head.method = line.substr(0, sp1);
  for (char c : head.method) {
    if (!isTchar(static_cast<unsigned char>(c))) {
      return ParseResult::error(400, "invalid method");
    }
  }
  std::size_t sp2 = line.rfind(' ');
  if (sp2 == sp1) {
    return ParseResult::error(400, "malformed request line");
  }
  head.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (head.target.size() > limits_.maxUriLength) {
    return ParseResult::error(414, "request-target too long");
  }
  if (head.target.empty()) {
    return ParseResult::error(400, "empty request-target");
  }
  for (char c : head.target) {
    if (!isTargetByte(static_cast<unsigned char>(c))) {
      return ParseResult::error(400, "invalid character in request-target");
    }
  }
  ParseResult v = parseVersion(line.substr(sp2 + 1), head.versionMinor);
  if (!v.ok()) {
    return v;
  }
  if (head.method == "CONNECT") {
    return ParseResult::error(501, "CONNECT is not supported");
  }
  if (head.target == "*") {
    if (head.method != "OPTIONS") {
      return ParseResult::error(400, "asterisk-form target outside OPTIONS");
    }
    head.form = TargetForm::kAsterisk;
    head.path = head.target;
    return ParseResult::complete(0);
  }
  return splitTarget(head.target, head);
}

ParseResult RequestParser::checkEarlyLimits(std::string_view buf) const {
  std::size_t lineEnd = buf.find("\r\n");
  std::size_t lineLen = lineEnd == std::string_view::npos ? buf.size() : lineEnd;
  // A CR at the very end may be the first half of the line's CRLF: it is not part of the line
  // yet. Counting it made the verdict depend on where the bytes were split (a line exactly at
  // the limit passed whole and failed when the read ended between CR and LF).
  if (lineEnd == std::string_view::npos && !buf.empty() && buf.back() == '\r') {
    --lineLen;
  }
  if (lineLen > limits_.maxUriLength + kRequestLineOverhead) {
    return ParseResult::error(414, "request-target too long");
  }
  if (buf.size() > limits_.maxHeaderBytes) {
    return ParseResult::error(431, "request header section too large");
  }
  return ParseResult::needMore();
}

ParseResult RequestParser::parse(std::string_view buf, RequestHead& head) {
  std::size_t skipped = 0;
  while (buf.size() - skipped >= 2 && buf[skipped] == '\r' && buf[skipped + 1] == '\n') {
    skipped += 2;
    if (skipped > 2 * kMaxLeadingEmptyLines) {
      return ParseResult::error(400, "too many empty lines before request");
    }
  }
  std::string_view text = buf.substr(skipped);
  if (scanned_ < skipped) {
    scanned_ = skipped;
  }
  std::size_t scan = scanned_ - skipped;
  HeadEnd end = findHeadEnd(text, scan);
  scanned_ = scan + skipped;
  if (end.bareLf) {
    return ParseResult::error(400, "bare LF in request head");
  }
  if (end.end == 0) {
    return checkEarlyLimits(text);
  }
  ParseResult r = parseHead(text.substr(0, end.end), head);
  if (r.ok()) {
    r.consumed = skipped + end.end;
  }
  return r;
}

ParseResult RequestParser::parseHead(std::string_view text, RequestHead& head) {
  head.clear();
  std::size_t lineEnd = text.find("\r\n");
  ParseResult r = parseRequestLine(text.substr(0, lineEnd), head);
  if (!r.ok()) {
    return r;
  }
  if (text.size() > limits_.maxHeaderBytes) {
    return ParseResult::error(431, "request header section too large");
  }
  // Field lines sit between the request line and the final empty line.
  std::string_view fields = text.substr(lineEnd + 2, text.size() - lineEnd - 4);
  r = parseFieldLines(fields, limits_.maxHeaderCount, head.headers);
  if (!r.ok()) {
    return r;
  }
  Framing framing;
  r = analyzeFraming(head.headers, head.versionMinor, framing);
  if (!r.ok()) {
    return r;
  }
  head.hasContentLength = framing.hasContentLength;
  head.contentLength = framing.contentLength;
  head.chunked = framing.chunked;
  head.keepAlive = head.versionMinor == 1 ? !framing.connectionClose
                                          : framing.connectionKeepAlive && !framing.connectionClose;
  int hostCount = 0;
  for (const Header& h : head.headers) {
    const KnownField f = classifyField(h.name);
    if (f == KnownField::kHost) {
      if (++hostCount > 1) {
        return ParseResult::error(400, "multiple host headers");
      }
      std::string scratch;
      std::string& dest = head.form == TargetForm::kAbsolute ? scratch : head.host;
      if (!parseAuthority(h.value, dest)) {
        return ParseResult::error(400, "invalid host header");
      }
    } else if (f == KnownField::kExpect && head.versionMinor == 1) {
      if (!iequals(h.value, "100-continue")) {
        return ParseResult::error(417, "unsupported expectation");
      }
      head.expectContinue = true;
    }
  }
  if (hostCount == 0 && head.versionMinor == 1) {
    return ParseResult::error(400, "missing host header");
  }
  return ParseResult::complete(0);
}

}  // namespace gw::http
