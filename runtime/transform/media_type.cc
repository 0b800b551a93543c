#include "runtime/transform/media_type.h"

#include "runtime/http/ascii.h"

namespace gw::transform {

namespace {

bool startsWithI(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && http::iequals(s.substr(0, prefix.size()), prefix);
}

bool endsWithI(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && http::iequals(s.substr(s.size() - suffix.size()), suffix);
}

// Already compressed (or not worth it): compressing again costs CPU and gains nothing.
constexpr std::string_view kIncompressible[] = {
    "application/zip",          "application/gzip",         "application/x-gzip",
    "application/x-bzip2",      "application/x-xz",         "application/zstd",
    "application/x-7z-compressed", "application/x-rar-compressed", "application/vnd.rar",
    "application/x-compress",   "application/octet-stream", "application/pdf",
    "font/woff",                "font/woff2",
    "text/event-stream",
};

}  // namespace

std::string_view mediaType(std::string_view contentType) {
  return http::trimOws(contentType.substr(0, contentType.find(';')));
}

bool isCompressible(std::string_view contentType) {
  std::string_view t = mediaType(contentType);
  if (startsWithI(t, "image/")) {
    return http::iequals(t, "image/svg+xml") || http::iequals(t, "image/bmp");
  }
  if (startsWithI(t, "video/") || startsWithI(t, "audio/")) return false;
  for (std::string_view skip : kIncompressible) {
    if (http::iequals(t, skip)) return false;
  }
  return true;
}

bool isJson(std::string_view contentType) {
  std::string_view t = mediaType(contentType);
  return http::iequals(t, "application/json") ||
         (startsWithI(t, "application/") && endsWithI(t, "+json"));
}

}  // namespace gw::transform
