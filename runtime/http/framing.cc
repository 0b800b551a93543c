#include "runtime/http/framing.h"

#include "runtime/http/known_field.h"

namespace gw::http {

bool parseContentLengthValue(std::string_view value, std::uint64_t& out) {
  // The usual value, 1 to 19 digits and nothing else (19 digits always fit in 64 bits): one
  // loop. The list form below scanned for commas and ran find_first_not_of over a 13-byte set
  // (~50 instructions for "100", on every response).
  if (!value.empty() && value.size() <= 19) {
    std::uint64_t v = 0;
    std::size_t i = 0;
    for (; i < value.size(); ++i) {
      const auto digit = static_cast<unsigned>(static_cast<unsigned char>(value[i]) - '0');
      if (digit > 9) {
        break;
      }
      v = v * 10 + digit;
    }
    if (i == value.size()) {
      out = v;
      return true;
    }
  }
  bool any = false;
  bool ok = forEachListElement(value, [&](std::string_view item) {
    std::uint64_t v = 0;
    for (char c : item) {
      if (c < '0' || c > '9') {
        return false;
      }
      std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
      if (v > (UINT64_MAX - digit) / 10) {
        return false;
      }
      v = v * 10 + digit;
    }
    if (any && v != out) {
      return false;
    }
    out = v;
    any = true;
    return true;
  });
  // An empty value or one with only commas is malformed too.
  return ok && any && value.find_first_not_of(", \t0123456789") == std::string_view::npos;
}

namespace {

/// Transfer-Encoding elements across all TE fields, in order.
struct TeScan {
  int elements = 0;
  int chunkedCount = 0;
  bool lastIsChunked = false;
  bool invalid = false;
};

void scanTransferEncoding(std::string_view value, TeScan& s) {
  bool sawAny = false;
  forEachListElement(value, [&](std::string_view item) {
    sawAny = true;
    std::string_view coding = trimOws(item.substr(0, item.find(';')));
    for (char c : coding) {
      if (!isTchar(static_cast<unsigned char>(c))) {
        s.invalid = true;
      }
    }
    ++s.elements;
    s.lastIsChunked = iequals(coding, "chunked");
    if (s.lastIsChunked) {
      ++s.chunkedCount;
      // "chunked" takes no parameters.
      s.invalid = s.invalid || coding.size() != item.size();
    }
    s.invalid = s.invalid || coding.empty();
    return true;
  });
  s.invalid = s.invalid || !sawAny;
}

}  // namespace

ParseResult analyzeFraming(const HeaderList& headers, int versionMinor, Framing& out) {
  out = Framing{};
  TeScan te;
  bool hasTe = false;
  for (const Header& h : headers) {
    const KnownField f = classifyField(h.name);
    if (f == KnownField::kContentLength) {
      std::uint64_t v = 0;
      if (!parseContentLengthValue(h.value, v)) {
        return ParseResult::error(400, "invalid content-length");
      }
      if (out.hasContentLength && v != out.contentLength) {
        return ParseResult::error(400, "conflicting content-length headers");
      }
      out.hasContentLength = true;
      out.contentLength = v;
    } else if (f == KnownField::kTransferEncoding) {
      hasTe = true;
      scanTransferEncoding(h.value, te);
    } else if (f == KnownField::kConnection) {
      forEachListElement(h.value, [&](std::string_view t) {
        out.connectionClose = out.connectionClose || iequals(t, "close");
        out.connectionKeepAlive = out.connectionKeepAlive || iequals(t, "keep-alive");
        return true;
      });
    }
  }
  if (!hasTe) {
    return ParseResult::complete(0);
  }
  if (out.hasContentLength) {
    return ParseResult::error(400, "both content-length and transfer-encoding");
  }
  if (versionMinor == 0) {
    return ParseResult::error(400, "transfer-encoding in an HTTP/1.0 message");
  }
  if (te.invalid || te.chunkedCount > 1 || !te.lastIsChunked) {
    return ParseResult::error(400, "chunked is not the only final transfer-coding");
  }
  if (te.elements > 1) {
    return ParseResult::error(501, "unsupported transfer-coding");
  }
  out.chunked = true;
  return ParseResult::complete(0);
}

}  // namespace gw::http
