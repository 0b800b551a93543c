#include "runtime/http/response_parser.h"

#include "runtime/http/framing.h"
#include "runtime/http/head_lexer.h"

namespace gw::http {

ParseResult ResponseParser::parseStatusLine(std::string_view line, ResponseHead& head) {
  // HTTP-version SP 3DIGIT SP [reason]; a missing SP before an empty reason is tolerated.
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ' ||
      (line[7] != '0' && line[7] != '1')) {
    return ParseResult::error(502, "malformed upstream status line");
  }
  head.versionMinor = line[7] - '0';
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return ParseResult::error(502, "malformed upstream status code");
    }
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100 || (line.size() > 12 && line[12] != ' ')) {
    return ParseResult::error(502, "malformed upstream status code");
  }
  head.status = status;
  head.reason = line.size() > 13 ? line.substr(13) : std::string_view();
  for (char c : head.reason) {
    if (!isFieldValueByte(static_cast<unsigned char>(c))) {
      return ParseResult::error(502, "control character in upstream reason phrase");
    }
  }
  return ParseResult::complete(0);
}

ParseResult ResponseParser::parse(std::string_view buf, bool requestMethodHead,
                                  ResponseHead& head) {
  HeadEnd end = findHeadEnd(buf, scanned_);
  if (end.bareLf) {
    return ParseResult::error(502, "bare LF in upstream response head");
  }
  if (end.end == 0) {
    if (buf.size() > limits_.maxHeaderBytes) {
      return ParseResult::error(502, "upstream response head too large");
    }
    return ParseResult::needMore();
  }
  if (end.end > limits_.maxHeaderBytes) {
    return ParseResult::error(502, "upstream response head too large");
  }
  head.clear();
  std::string_view text = buf.substr(0, end.end);
  std::size_t lineEnd = text.find("\r\n");
  ParseResult r = parseStatusLine(text.substr(0, lineEnd), head);
  if (!r.ok()) {
    return r;
  }
  r = parseFieldLines(text.substr(lineEnd + 2, text.size() - lineEnd - 4), limits_.maxHeaderCount,
                      head.headers);
  if (!r.ok()) {
    return ParseResult::error(502, r.reason);
  }
  Framing framing;
  r = analyzeFraming(head.headers, head.versionMinor, framing);
  if (!r.ok()) {
    return ParseResult::error(502, r.reason);
  }
  head.keepAlive = head.versionMinor == 1 ? !framing.connectionClose
                                          : framing.connectionKeepAlive && !framing.connectionClose;
  if (head.interim() || head.status == 204 || head.status == 304 || requestMethodHead) {
    head.body = BodyKind::kNone;
  } else if (framing.chunked) {
    head.body = BodyKind::kChunked;
  } else if (framing.hasContentLength) {
    head.body = BodyKind::kContentLength;
    head.contentLength = framing.contentLength;
  } else {
    head.body = BodyKind::kUntilClose;
    head.keepAlive = false;
  }
  if (head.interim()) {
    head.keepAlive = true;
  }
  return ParseResult::complete(end.end);
}

}  // namespace gw::http
