#include "runtime/server/message_writer.h"

#include <charconv>
#include <cstring>

#include "runtime/http/known_field.h"

namespace gw::server {

namespace {

void appendNumber(std::string& out, std::uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void appendField(std::string& out, std::string_view name, std::string_view value) {
  // One growth check and length update per field instead of four appends' (~20 fields per
  // proxied request, head up and head down); the two separators are fixed-size stores.
  const std::size_t at = out.size();
  out.resize(at + name.size() + value.size() + 4);
  char* p = out.data() + at;
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  std::memcpy(p, ": ", 2);
  p += 2;
  std::memcpy(p, value.data(), value.size());
  p += value.size();
  std::memcpy(p, "\r\n", 2);
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

/// Lists the tokens of all Connection fields; those fields are hop-by-hop too.
struct ConnectionTokens {
  static constexpr int kMax = 16;
  std::string_view tokens[kMax];
  int count = 0;

  explicit ConnectionTokens(const http::HeaderList& headers) {
    for (const http::Header& h : headers) {
      if (http::classifyField(h.name) == http::KnownField::kConnection) {
        http::forEachListElement(h.value, [&](std::string_view t) {
          if (count < kMax) {
            tokens[count++] = t;
          }
          return true;
        });
      }
    }
  }
  bool contains(std::string_view name) const {
    for (int i = 0; i < count; ++i) {
      if (http::iequals(tokens[i], name)) {
        return true;
      }
    }
    return false;
  }
};

void appendStatusLine(std::string& out, int status) {
  out.append("HTTP/1.1 ");
  appendNumber(out, static_cast<std::uint64_t>(status));
  out.push_back(' ');
  out.append(statusText(status));
  out.append("\r\n");
}

void appendEdits(std::string& out, const HeaderEdits& edits) {
  for (const auto& [name, value] : edits.set) {
    appendField(out, name, value);
  }
}

/// Writes "name: " followed by every earlier value of `name` joined with ", " and a trailing
/// ", " when there were any: the caller appends its own element and CRLF.
void appendJoined(std::string& out, std::string_view name, const http::HeaderList& headers) {
  out.append(name);
  out.append(": ");
  for (const http::Header& h : headers) {
    if (http::iequals(h.name, name) && !h.value.empty()) {
      out.append(h.value);
      out.append(", ");
    }
  }
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
  appendStatusLine(out, r.status);
  for (const auto& [name, value] : r.headers) {
    appendField(out, name, value);
  }
  std::size_t bodyLen = r.body.size();
  bool generated = r.body.empty() && r.status >= 400;
  if (generated) {
    // Build the JSON body after the head, then patch Content-Length: write it in place.
    std::string_view msg = r.error.empty() ? statusText(r.status) : std::string_view(r.error);
    std::string json;
    json.reserve(96 + msg.size() + requestId.size());
    json.append("{\"error\":");
    appendJsonString(json, msg);
    json.append(",\"status\":");
    appendNumber(json, static_cast<std::uint64_t>(r.status));
    json.append(",\"request_id\":");
    appendJsonString(json, requestId);
    json.append("}\n");
    appendField(out, "Content-Type", "application/json");
    out.append("Content-Length: ");
    appendNumber(out, json.size());
    out.append("\r\n");
    appendField(out, "X-Request-ID", requestId);
    if (close) {
      appendField(out, "Connection", "close");
    }
    out.append("\r\n");
    out.append(json);
    return;
  }
  if (!r.body.empty()) {
    appendField(out, "Content-Type", r.contentType);
  }
  out.append("Content-Length: ");
  appendNumber(out, bodyLen);
  out.append("\r\n");
  appendField(out, "X-Request-ID", requestId);
  if (close) {
    appendField(out, "Connection", "close");
  }
  out.append("\r\n");
  out.append(r.body);
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
  ConnectionTokens conn(headers);
  out.append(req.method);
  out.push_back(' ');
  out.append(fwd.path.empty() ? req.path : std::string_view(fwd.path));
  if (req.hasQuery) {
    out.push_back('?');
    out.append(req.query);
  }
  out.append(" HTTP/1.1\r\n");
  bool hasHost = false;
  for (const http::Header& h : headers) {
    const http::KnownField f = http::classifyField(h.name);
    switch (f) {
      case http::KnownField::kContentLength:  // framing and the fields regenerated below
      case http::KnownField::kExpect:
      case http::KnownField::kXRequestId:
      case http::KnownField::kTraceparent:
      case http::KnownField::kXForwardedProto:
      case http::KnownField::kXForwardedFor:  // re-emitted below as one field with our hop
      case http::KnownField::kForwarded:      // appended
        continue;
      default:
        break;
    }
    if (http::isHopByHop(f) || conn.contains(h.name) || fwd.requestHeaders.overrides(h.name)) {
      continue;
    }
    hasHost = hasHost || f == http::KnownField::kHost;
    appendField(out, h.name, h.value);
  }
  appendEdits(out, fwd.requestHeaders);
  appendJoined(out, "X-Forwarded-For", headers);
  out.append(req.clientIp);
  out.append("\r\n");
  appendField(out, "X-Forwarded-Proto", req.tls ? "https" : "http");
  appendJoined(out, "Forwarded", headers);
  out.append("for=");
  bool v6 = req.clientIp.find(':') != std::string_view::npos;
  out.append(v6 ? "\"[" : "");
  out.append(req.clientIp);
  out.append(v6 ? "]\"" : "");
  out.append(req.tls ? ";proto=https" : ";proto=http");
  if (!req.host.empty()) {
    out.append(";host=\"");
    out.append(req.host);
    out.push_back('"');
  }
  out.append("\r\n");
  if (!hasHost && !fwd.requestHeaders.overrides("host")) {
    appendField(out, "Host", req.host.empty() ? std::string_view(fwd.host) : req.host);
  }
  appendField(out, "X-Request-ID", req.requestId);
  appendField(out, "traceparent", req.traceparent);
  if (body == UpstreamBody::kContentLength) {
    out.append("Content-Length: ");
    appendNumber(out, contentLength);
    out.append("\r\n");
  } else if (body == UpstreamBody::kChunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  out.append("\r\n");
}

void appendClientResponseHead(std::string& out, const http::ResponseHead& up,
                              const HeaderEdits& edits, std::string_view requestId,
                              ClientBody body, bool close) {
  ConnectionTokens conn(up.headers);
  appendStatusLine(out, up.status);
  for (const http::Header& h : up.headers) {
    const http::KnownField f = http::classifyField(h.name);
    // Content-Length stays on bodiless responses (HEAD, 304) where it describes the entity.
    bool length = f == http::KnownField::kContentLength;
    bool framing = length && (body != ClientBody::kNone || up.status == 204);
    if (framing || http::isHopByHop(f) || conn.contains(h.name) || edits.overrides(h.name)) {
      continue;
    }
    appendField(out, h.name, h.value);
  }
  appendEdits(out, edits);
  if (!edits.overrides("x-request-id") && http::findHeader(up.headers, "x-request-id") == nullptr) {
    appendField(out, "X-Request-ID", requestId);
  }
  if (body == ClientBody::kContentLength) {
    out.append("Content-Length: ");
    appendNumber(out, up.contentLength);
    out.append("\r\n");
  } else if (body == ClientBody::kChunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  if (close) {
    out.append("Connection: close\r\n");
  }
  out.append("\r\n");
}

}  // namespace gw::server
