#pragma once

#include <cstdint>

#include "runtime/http/header.h"
#include "runtime/http/parse_result.h"

/// Message framing (RFC 9112 section 6): Content-Length, Transfer-Encoding and Connection, with
/// the request-smuggling defences. Shared by the request and response parsers; stateless.
namespace gw::http {

/// What the framing headers of one message say.
struct Framing {
  bool hasContentLength = false;
  std::uint64_t contentLength = 0;
  bool chunked = false;              ///< Transfer-Encoding is exactly `chunked`
  bool connectionClose = false;      ///< Connection lists `close`
  bool connectionKeepAlive = false;  ///< Connection lists `keep-alive`
};

/// Parses a Content-Length value: 1*DIGIT, or a list of identical 1*DIGIT values. Returns false
/// on anything else, on differing list values or on overflow.
bool parseContentLengthValue(std::string_view value, std::uint64_t& out);

/// Reads Content-Length, Transfer-Encoding and Connection from `headers`. Errors:
/// 400 for CL together with TE, differing or malformed CLs, a TE whose final coding is not
/// `chunked`, a repeated `chunked`, TE on HTTP/1.0; 501 for another coding before `chunked`.
ParseResult analyzeFraming(const HeaderList& headers, int versionMinor, Framing& out);

}  // namespace gw::http
