#pragma once
// Streaming response compression: gzip and deflate through zlib, br through the brotli encoder.
// Input arrives piece by piece and output is appended piece by piece, so a large body is never
// held whole. One Encoder per session, reused across responses (zlib state is reset, not
// reallocated, when the coding and level stay the same). Not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/transform/content_coding.h"

struct z_stream_s;
struct BrotliEncoderStateStruct;

namespace gw::transform {

/// Compression levels the gateway uses: fast enough to stream at wire speed on one core.
struct EncoderLevels {
  int gzip = 5;       ///< zlib level (1..9); also used for deflate
  int brotli = 4;     ///< brotli quality (0..11)
  int brotliWindow = 18;  ///< log2 of the brotli window (256 KiB: bounded memory per response)
};

class Encoder {
 public:
  Encoder();
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  /// Starts a new stream in `coding` (not kIdentity). False when the codec could not be set up
  /// (out of memory).
  bool begin(Coding coding, const EncoderLevels& levels = {});

  /// Compresses `in`, appending whatever output is ready to `out`. With `flush` every byte given
  /// so far becomes decodable by the peer (a sync flush: keeps streamed responses live at the
  /// cost of a few bytes). False on a codec error (the stream is then unusable).
  bool write(std::string_view in, std::string& out, bool flush);

  /// Ends the stream, appending the remaining output and the trailer (gzip CRC and size).
  bool finish(std::string& out);

  Coding coding() const { return coding_; }

 private:
  bool zlibRun(std::string_view in, std::string& out, int flush);
  bool brotliRun(std::string_view in, std::string& out, int op);

  z_stream_s* zs_ = nullptr;  ///< owned; allocated on first gzip/deflate use
  bool zInit_ = false;
  Coding zCoding_ = Coding::kIdentity;
  int zLevel_ = 0;
  BrotliEncoderStateStruct* br_ = nullptr;  ///< owned; one per brotli stream
  Coding coding_ = Coding::kIdentity;
};

}  // namespace gw::transform
