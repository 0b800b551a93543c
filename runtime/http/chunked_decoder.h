#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw::http {

/// Bounds for the parts of a chunked body that carry no data.
struct ChunkLimits {
  std::size_t maxExtensionBytes = 1024;  ///< per chunk-size line, after the hex digits
  std::size_t maxTrailerBytes = 8192;    ///< whole trailer section
};

enum class ChunkStatus {
  kData,      ///< `data` holds body bytes (a view into the input)
  kNeedMore,  ///< all input consumed, no data in it; feed more
  kDone,      ///< the last chunk and trailers were consumed; bytes after `consumed` are not ours
  kError,     ///< malformed framing; `reason` says why
};

struct ChunkResult {
  ChunkStatus status = ChunkStatus::kNeedMore;
  std::size_t consumed = 0;
  std::string_view data;
  const char* reason = "";
};

/// Incremental decoder of the chunked transfer coding (RFC 9112 7.1). Strict hex sizes (at most
/// 16 digits, no overflow), CRLF line endings only, extensions tolerated but bounded and
/// validated, trailers bounded and discarded. Zero-copy: data slices point into the input.
/// One decoder per message direction; not thread-safe.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(ChunkLimits limits = {}) : limits_(limits) {}

  /// Consumes framing from `in` up to and including at most one data slice. Call in a loop,
  /// advancing the input by `consumed` each time.
  ChunkResult decode(std::string_view in);

  bool done() const { return state_ == State::kDone; }
  /// Total body bytes returned so far.
  std::uint64_t bodyBytes() const { return bodyBytes_; }
  void reset() { *this = ChunkedDecoder(limits_); }

 private:
  enum class State {
    kSize,
    kExt,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kTrailerLine,
    kTrailerLf,
    kDone,
    kError
  };
  ChunkResult fail(std::size_t consumed, const char* why);
  bool stepSizeLine(char c, const char*& why);
  bool stepTrailer(char c, const char*& why);

  ChunkLimits limits_;
  State state_ = State::kSize;
  std::uint64_t remaining_ = 0;
  std::uint64_t bodyBytes_ = 0;
  int sizeDigits_ = 0;
  std::size_t extBytes_ = 0;
  bool extStarted_ = false;
  std::size_t trailerBytes_ = 0;
  std::size_t lineLen_ = 0;
  bool lineHasColon_ = false;
};

}  // namespace gw::http
