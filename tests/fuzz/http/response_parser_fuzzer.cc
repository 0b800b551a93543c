// Feeds arbitrary bytes to the upstream response parser the way the forwarder does (interim 1xx
// heads consumed, then the final head), whole and split in two, and checks invariants: both ways
// agree, every error is a 502, views stay inside the buffer, and the body framing is consistent
// with the status, the request method and the headers. An upstream is less trusted than it
// looks (a compromised or buggy origin): a bad head must end in a 502, never a crash or a
// response framed two ways.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/http/response_parser.h"
#include "tests/fuzz/http/views_inside.h"

namespace {

using namespace gw::http;

constexpr ResponseLimits kLimits{2048, 32};
constexpr int kMaxInterimHeads = 4;
using gw::fuzz::inside;

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

void checkComplete(std::string_view buf, const ParseResult& r, bool head, const ResponseHead& h) {
  check(r.consumed > 0 && r.consumed <= buf.size());
  check(h.status >= 100 && h.status <= 999);
  check(h.versionMinor == 0 || h.versionMinor == 1);
  check(inside(buf.substr(0, r.consumed), h.reason));
  check(h.headers.size() <= kLimits.maxHeaderCount);
  for (const Header& f : h.headers) {
    check(!f.name.empty() && inside(buf, f.name) && inside(buf, f.value));
  }
  const bool bodiless = h.interim() || h.status == 204 || h.status == 304 || head;
  check(bodiless == (h.body == BodyKind::kNone));
  if (h.interim()) {
    check(h.keepAlive);
  }
  if (h.body == BodyKind::kUntilClose) {
    check(!h.keepAlive);  // a close-delimited body can never leave a reusable connection
  }
  if (h.body == BodyKind::kContentLength || h.body == BodyKind::kChunked) {
    // Content-Length and chunked together are refused (RFC 9112 6.3), so the kind is unique.
    check((findHeader(h.headers, "content-length") != nullptr) ==
          (h.body == BodyKind::kContentLength));
  }
  if (h.body != BodyKind::kContentLength) {
    check(h.contentLength == 0);
  }
}

struct Outcome {
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;  // of the final head, counted from the start of the buffer
  int httpStatus = 0;
  BodyKind body = BodyKind::kNone;
  std::uint64_t contentLength = 0;
  bool keepAlive = false;
};

// Parses like the forwarder: each interim head is consumed and the parser reset for the next.
// `split` > 0 first offers only that many bytes of each head's buffer.
Outcome parseLikeForwarder(std::string_view buf, bool head, std::size_t split) {
  ResponseParser parser(kLimits);
  ResponseHead h;
  std::size_t offset = 0;
  for (int heads = 0; heads <= kMaxInterimHeads; ++heads) {
    const std::string_view rest = buf.substr(offset);
    ParseResult r = ParseResult::needMore();
    if (split > 0 && split < rest.size()) {
      r = parser.parse(rest.substr(0, split), head, h);
      if (r.ok()) {
        checkComplete(rest.substr(0, split), r, head, h);
      }
    }
    if (r.status == ParseStatus::kNeedMore) {
      r = parser.parse(rest, head, h);
    }
    if (r.status == ParseStatus::kError) {
      check(r.httpStatus == 502 && r.reason != nullptr && r.reason[0] != '\0');
      return {ParseStatus::kError, 0, 502};
    }
    if (r.status == ParseStatus::kNeedMore) {
      return {};
    }
    checkComplete(rest, r, head, h);
    offset += r.consumed;
    if (!h.interim()) {
      return {ParseStatus::kComplete, offset, 0, h.body, h.contentLength, h.keepAlive};
    }
    parser.reset();
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const bool head = (data[0] & 1) != 0;  // the request was HEAD
  const std::size_t split = data[0] >> 1;
  const std::string_view buf(reinterpret_cast<const char*>(data + 1), size - 1);
  const Outcome whole = parseLikeForwarder(buf, head, 0);
  const Outcome pieces = parseLikeForwarder(buf, head, split);
  // Offering a prefix first must not change the verdict, the head's length or its framing.
  check(whole.status == pieces.status && whole.consumed == pieces.consumed &&
        whole.body == pieces.body && whole.contentLength == pieces.contentLength &&
        whole.keepAlive == pieces.keepAlive);
  return 0;
}
