// Feeds arbitrary bytes to the request parser, whole and split in two, and checks invariants:
// both ways agree, views stay inside the buffer, errors carry a known status, and the
// normalizer accepts or rejects every parsed path without crashing.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/http/path_normalizer.h"
#include "runtime/http/request_parser.h"
#include "tests/fuzz/http/views_inside.h"

using gw::fuzz::inside;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gw::http;
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  RequestParser whole(RequestLimits{256, 2048, 32});
  RequestHead head;
  ParseResult a = whole.parse(buf, head);
  if (a.status == ParseStatus::kError) {
    int s = a.httpStatus;
    if (s != 400 && s != 414 && s != 417 && s != 431 && s != 501 && s != 505) {
      std::abort();
    }
  }
  if (a.ok()) {
    if (a.consumed > size || !inside(buf, head.method) || !inside(buf, head.path) ||
        !inside(buf, head.query)) {
      if (head.path != "/") {
        std::abort();
      }
    }
    if (head.chunked && head.hasContentLength) {
      std::abort();
    }
    std::string norm;
    NormalizeResult n = normalizePath(head.path, norm);
    if (n.ok && norm.find("/../") != std::string::npos) {
      std::abort();
    }
  }
  // Incremental parsing in two pieces must reach the same verdict.
  RequestParser split(RequestLimits{256, 2048, 32});
  RequestHead head2;
  ParseResult b = split.parse(buf.substr(0, size / 2), head2);
  if (b.status == ParseStatus::kNeedMore) {
    b = split.parse(buf, head2);
  }
  if (b.status == ParseStatus::kError && a.status != ParseStatus::kError) {
    std::abort();
  }
  if (b.ok() && (!a.ok() || a.consumed != b.consumed)) {
    std::abort();
  }
  return 0;
}
