#include "runtime/server/message_writer.h"

#include <charconv>
#include <cstring>

#include "runtime/http/known_field.h"
#include "runtime/server/head_buffer.h"

namespace gw::server {

namespace {

void appendNumber(std::string& out, std::uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void appendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.append("\\u00");
      out.push_back("0123456789abcdef"[(c >> 4) & 0xf]);
      out.push_back("0123456789abcdef"[c & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

/// Every field's KnownField, classified once, and the tokens of all Connection fields (those
/// fields are hop-by-hop too): the Connection tokens must be known before the first field is
/// copied, so the fields are looked at twice, and classifying them in both passes cost ~12
/// instructions per field and pass.
class ClassifiedFields {
 public:
  explicit ClassifiedFields(const http::HeaderList& headers) {
    for (std::size_t i = 0; i < headers.size(); ++i) {
      const http::KnownField f = http::classifyField(headers[i].name);
      if (i < kInline) {
        kinds_[i] = f;
      }
      if (f == http::KnownField::kConnection) {
        http::forEachListElement(headers[i].value, [&](std::string_view t) {
          if (tokenCount_ < kMaxTokens) {
            tokens_[tokenCount_++] = Token{t.data(), t.size()};
          }
          return true;
        });
      }
    }
  }
  /// The kind of field i (whose name is `name`).
  http::KnownField kind(std::size_t i, std::string_view name) const {
    return i < kInline ? kinds_[i] : http::classifyField(name);
  }
  /// True if a Connection field lists `name`.
  bool connectionNames(std::string_view name) const {
    for (int i = 0; i < tokenCount_; ++i) {
      if (http::iequals(std::string_view(tokens_[i].data, tokens_[i].size), name)) {
        return true;
      }
    }
    return false;
  }

 private:
  static constexpr std::size_t kInline = 64;  ///< fields beyond are classified again
  static constexpr int kMaxTokens = 16;
  // Only [0, size) of each array is read, so neither is initialized: an array of string_view
  // would be zeroed (256 bytes) on every head.
  http::KnownField kinds_[kInline];
  struct Token {
    const char* data;
    std::size_t size;
  };
  Token tokens_[kMaxTokens];
  int tokenCount_ = 0;
};

/// Room for a head that copies `headers` and `set` (each field as "name: value\r\n") plus
/// `extra` bytes: the estimate HeadBuffer starts with.
std::size_t expectedSize(const http::HeaderList& headers, const FieldList& set,
                         std::size_t extra) {
  std::size_t n = extra;
  for (const http::Header& h : headers) {
    n += h.name.size() + h.value.size() + 4;
  }
  for (const auto& [name, value] : set) {
    n += name.size() + value.size() + 4;
  }
  return n;
}

/// Writes "name: " followed by every value of the fields named `name` joined with ", " and a
/// trailing ", " when there were any: the caller puts its own element and CRLF.
void putJoined(HeadBuffer& out, std::string_view name, const http::HeaderList& headers,
               bool any) {
  out.put(name);
  out.put(": ");
  if (!any) {
    return;
  }
  for (const http::Header& h : headers) {
    if (!h.value.empty() && http::iequals(h.name, name)) {
      out.put(h.value);
      out.put(", ");
    }
  }
}

void putStatusLine(HeadBuffer& b, int status) {
  b.put("HTTP/1.1 ");
  b.number(static_cast<std::uint64_t>(status));
  b.put(' ');
  b.put(statusText(status));
  b.put("\r\n");
}

}  // namespace

std::string_view statusText(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

void appendLocalResponse(std::string& out, const LocalResponse& r, std::string_view requestId,
                         bool close) {
  std::string_view body = r.body;
  std::string_view contentType = r.contentType;
  std::string json;
  if (r.body.empty() && r.status >= 400) {
    // The generated JSON body, built first: the head states its length.
    std::string_view msg = r.error.empty() ? statusText(r.status) : std::string_view(r.error);
    json.reserve(96 + msg.size() + requestId.size());
    json.append("{\"error\":");
    appendJsonString(json, msg);
    json.append(",\"status\":");
    appendNumber(json, static_cast<std::uint64_t>(r.status));
    json.append(",\"request_id\":");
    appendJsonString(json, requestId);
    json.append("}\n");
    body = json;
    contentType = "application/json";
  }
  HeadBuffer b(out, expectedSize({}, r.headers,
                                 160 + contentType.size() + requestId.size() + body.size()));
  putStatusLine(b, r.status);
  for (const auto& [name, value] : r.headers) {
    b.field(name, value);
  }
  if (!body.empty()) {
    b.field("Content-Type", contentType);
  }
  b.put("Content-Length: ");
  b.number(body.size());
  b.put("\r\n");
  b.field("X-Request-ID", requestId);
  if (close) {
    b.field("Connection", "close");
  }
  b.put("\r\n");
  b.put(body);
  b.finish();
}

void appendErrorResponse(std::string& out, int status, std::string_view message,
                         std::string_view requestId, bool close) {
  LocalResponse r;
  r.status = status;
  r.error.assign(message);
  appendLocalResponse(out, r, requestId, close);
}

void appendUpstreamRequestHead(std::string& out, const RequestContext& req,
                               const ForwardAction& fwd, UpstreamBody body,
                               std::uint64_t contentLength) {
  const http::HeaderList& headers = req.head->headers;
  const ClassifiedFields fields(headers);
  const std::string_view path = fwd.path.empty() ? req.path : std::string_view(fwd.path);
  const std::string_view host = req.host.empty() ? std::string_view(fwd.host) : req.host;
  // The fixed text (~200 bytes) and each value written outside the copied fields.
  HeadBuffer b(out, expectedSize(headers, fwd.requestHeaders.set,
                                 256 + req.method.size() + path.size() + req.query.size() +
                                     2 * req.clientIp.size() + 2 * host.size() +
                                     req.requestId.size() + req.traceparent.size()));
  b.put(req.method);
  b.put(' ');
  b.put(path);
  if (req.hasQuery) {
    b.put('?');
    b.put(req.query);
  }
  b.put(" HTTP/1.1\r\n");
  bool hasHost = false;
  bool anyXff = false;
  bool anyForwarded = false;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const http::Header& h = headers[i];
    const http::KnownField f = fields.kind(i, h.name);
    switch (f) {
      case http::KnownField::kContentLength:  // framing and the fields regenerated below
      case http::KnownField::kExpect:
      case http::KnownField::kXRequestId:
      case http::KnownField::kTraceparent:
      case http::KnownField::kXForwardedProto:
        continue;
      case http::KnownField::kXForwardedFor:  // re-emitted below as one field with our hop
        anyXff = true;
        continue;
      case http::KnownField::kForwarded:  // appended
        anyForwarded = true;
        continue;
      default:
        break;
    }
    if (http::isHopByHop(f) || fields.connectionNames(h.name) ||
        fwd.requestHeaders.overrides(h.name)) {
      continue;
    }
    hasHost = hasHost || f == http::KnownField::kHost;
    b.field(h.name, h.value);
  }
  for (const auto& [name, value] : fwd.requestHeaders.set) {
    b.field(name, value);
  }
  putJoined(b, "X-Forwarded-For", headers, anyXff);
  b.put(req.clientIp);
  b.put("\r\n");
  b.field("X-Forwarded-Proto", req.tls ? "https" : "http");
  putJoined(b, "Forwarded", headers, anyForwarded);
  b.put("for=");
  const bool v6 = req.clientIp.find(':') != std::string_view::npos;
  if (v6) {
    b.put("\"[");
  }
  b.put(req.clientIp);
  if (v6) {
    b.put("]\"");
  }
  if (req.tls) {
    b.put(";proto=https");
  } else {
    b.put(";proto=http");
  }
  if (!req.host.empty()) {
    b.put(";host=\"");
    b.put(req.host);
    b.put('"');
  }
  b.put("\r\n");
  if (!hasHost && !fwd.requestHeaders.overrides("host")) {
    b.field("Host", host);
  }
  b.field("X-Request-ID", req.requestId);
  b.field("traceparent", req.traceparent);
  if (body == UpstreamBody::kContentLength) {
    b.put("Content-Length: ");
    b.number(contentLength);
    b.put("\r\n");
  } else if (body == UpstreamBody::kChunked) {
    b.put("Transfer-Encoding: chunked\r\n");
  }
  b.put("\r\n");
  b.finish();
}

void appendClientResponseHead(std::string& out, const http::ResponseHead& up,
                              const HeaderEdits& edits, std::string_view requestId,
                              ClientBody body, bool close) {
  const ClassifiedFields fields(up.headers);
  HeadBuffer b(out, expectedSize(up.headers, edits.set, 160 + requestId.size()));
  putStatusLine(b, up.status);
  bool hasRequestId = false;
  for (std::size_t i = 0; i < up.headers.size(); ++i) {
    const http::Header& h = up.headers[i];
    const http::KnownField f = fields.kind(i, h.name);
    hasRequestId = hasRequestId || f == http::KnownField::kXRequestId;
    // Content-Length stays on bodiless responses (HEAD, 304) where it describes the entity.
    bool length = f == http::KnownField::kContentLength;
    bool framing = length && (body != ClientBody::kNone || up.status == 204);
    if (framing || http::isHopByHop(f) || fields.connectionNames(h.name) ||
        edits.overrides(h.name)) {
      continue;
    }
    b.field(h.name, h.value);
  }
  for (const auto& [name, value] : edits.set) {
    b.field(name, value);
  }
  if (!hasRequestId && !edits.overrides("x-request-id")) {
    b.field("X-Request-ID", requestId);
  }
  if (body == ClientBody::kContentLength) {
    b.put("Content-Length: ");
    b.number(up.contentLength);
    b.put("\r\n");
  } else if (body == ClientBody::kChunked) {
    b.put("Transfer-Encoding: chunked\r\n");
  }
  if (close) {
    b.put("Connection: close\r\n");
  }
  b.put("\r\n");
  b.finish();
}

}  // namespace gw::server
