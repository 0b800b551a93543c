// Decodes arbitrary bytes as a chunked body, fed whole and byte by byte; both must produce the
// same body, verdict and end offset, and data slices must lie inside the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/http/chunked_decoder.h"

namespace {

struct Outcome {
  std::string body;
  gw::http::ChunkStatus last = gw::http::ChunkStatus::kNeedMore;
  std::size_t end = 0;
};

Outcome run(std::string_view in, std::size_t step) {
  gw::http::ChunkedDecoder dec(gw::http::ChunkLimits{64, 256});
  Outcome o;
  std::size_t pos = 0;
  std::size_t avail = 0;
  while (pos < in.size()) {
    avail = std::max(avail, std::min(in.size(), pos + step));
    std::string_view piece = in.substr(pos, avail - pos);
    gw::http::ChunkResult r = dec.decode(piece);
    if (r.consumed > piece.size()) {
      std::abort();
    }
    if (!r.data.empty() && (r.data.data() < piece.data() ||
                            r.data.data() + r.data.size() > piece.data() + piece.size())) {
      std::abort();
    }
    o.body.append(r.data);
    pos += r.consumed;
    o.last = r.status;
    if (r.status == gw::http::ChunkStatus::kDone || r.status == gw::http::ChunkStatus::kError) {
      break;
    }
    if (r.consumed == 0 && avail == in.size()) {
      break;
    }
  }
  if (dec.bodyBytes() != o.body.size()) {
    std::abort();
  }
  o.end = pos;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Outcome whole = run(in, size == 0 ? 1 : size);
  Outcome bytes = run(in, 1);
  if (whole.last != bytes.last || whole.body != bytes.body) {
    std::abort();
  }
  if (whole.last == gw::http::ChunkStatus::kDone && whole.end != bytes.end) {
    std::abort();
  }
  return 0;
}
