#include "runtime/transform/compress_rule.h"

#include "runtime/transform/media_type.h"

namespace gw::transform {

bool compressibleResponse(bool headRequest, int status, const http::HeaderList& headers) {
  if (headRequest || status < 200 || status == 204 || status == 206 || status == 304) {
    return false;
  }
  std::string_view contentType;
  for (const http::Header& h : headers) {
    if (http::iequals(h.name, "content-encoding")) {
      bool identity = true;
      http::forEachListElement(h.value, [&](std::string_view c) {
        identity = identity && http::iequals(c, "identity");
        return true;
      });
      if (!identity) return false;
    } else if (http::iequals(h.name, "cache-control")) {
      bool noTransform = false;
      http::forEachListElement(h.value, [&](std::string_view d) {
        noTransform = noTransform || http::iequals(d, "no-transform");
        return !noTransform;
      });
      if (noTransform) return false;
    } else if (http::iequals(h.name, "content-type")) {
      contentType = h.value;
    }
  }
  return isCompressible(contentType);
}

std::string varyWithAcceptEncoding(std::string_view existing) {
  bool listed = false;
  http::forEachListElement(existing, [&](std::string_view v) {
    listed = listed || v == "*" || http::iequals(v, "accept-encoding");
    return !listed;
  });
  std::string out(existing);
  if (!listed) {
    if (!out.empty()) out += ", ";
    out += "Accept-Encoding";
  }
  return out;
}

std::string weakenEtag(std::string_view etag) {
  if (etag.starts_with("W/") || etag.empty()) return std::string(etag);
  return "W/" + std::string(etag);
}

}  // namespace gw::transform
