#pragma once

#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <span>
#include <string_view>

namespace gw::server {

/// Re-encodes decoded body slices as chunks for one gather write (writev): for each slice a
/// size line, the slice itself (zero-copy) and CRLF. Fixed storage; reused; single-threaded.
/// Re-framing (instead of copying the peer's framing) drops extensions and trailers, so the
/// next hop only ever sees canonical chunked encoding.
class ChunkBatch {
 public:
  static constexpr int kMaxSlices = 16;

  void clear() {
    count_ = 0;
    slices_ = 0;
  }
  /// True when another chunk might not fit: write and clear() first.
  bool full() const { return slices_ == kMaxSlices || count_ + 4 > kMaxBufs; }
  bool empty() const { return count_ == 0; }

  /// Adds raw bytes written before any chunk (a message head).
  void addRaw(std::string_view bytes) {
    if (!bytes.empty()) {
      bufs_[count_++] = boost::asio::buffer(bytes.data(), bytes.size());
    }
  }
  /// Adds one data chunk; `data` must stay valid until the write completes.
  void addChunk(std::string_view data) {
    if (data.empty()) {
      return;
    }
    char* line = sizeLines_[slices_++];
    int len = 0;
    char digits[16];
    std::size_t v = data.size();
    do {
      digits[len++] = "0123456789abcdef"[v & 0xf];
      v >>= 4;
    } while (v != 0);
    for (int i = 0; i < len; ++i) {
      line[i] = digits[len - 1 - i];
    }
    line[len] = '\r';
    line[len + 1] = '\n';
    bufs_[count_++] = boost::asio::buffer(line, static_cast<std::size_t>(len + 2));
    bufs_[count_++] = boost::asio::buffer(data.data(), data.size());
    bufs_[count_++] = boost::asio::buffer("\r\n", 2);
  }
  /// Adds the last-chunk and the empty trailer section.
  void addLast() { bufs_[count_++] = boost::asio::buffer("0\r\n\r\n", 5); }

  std::span<const boost::asio::const_buffer> buffers() const {
    return {bufs_, static_cast<std::size_t>(count_)};
  }

 private:
  char sizeLines_[kMaxSlices][20];
  static constexpr int kMaxBufs = kMaxSlices * 3 + 2;
  boost::asio::const_buffer bufs_[kMaxBufs];
  int count_ = 0;
  int slices_ = 0;
};

}  // namespace gw::server
