#include "runtime/transform/encoder.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <new>

namespace gw::transform {

namespace {
constexpr std::size_t kOutStep = 16 * 1024;  // output grows by this much per codec call
constexpr int kGzipWindow = 15 + 16;         // 32 KiB window, gzip wrapper
constexpr int kZlibWindow = 15;              // 32 KiB window, zlib wrapper (HTTP "deflate")
constexpr int kMemLevel = 8;
}  // namespace

Encoder::Encoder() = default;

Encoder::~Encoder() {
  if (zInit_) deflateEnd(zs_);
  delete zs_;
  if (br_ != nullptr) BrotliEncoderDestroyInstance(br_);
}

bool Encoder::begin(Coding coding, const EncoderLevels& levels) {
  coding_ = coding;
  if (br_ != nullptr) {
    BrotliEncoderDestroyInstance(br_);
    br_ = nullptr;
  }
  if (coding == Coding::kBrotli) {
    br_ = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
    if (br_ == nullptr) return false;
    BrotliEncoderSetParameter(br_, BROTLI_PARAM_QUALITY, static_cast<uint32_t>(levels.brotli));
    BrotliEncoderSetParameter(br_, BROTLI_PARAM_LGWIN, static_cast<uint32_t>(levels.brotliWindow));
    return true;
  }
  if (coding != Coding::kGzip && coding != Coding::kDeflate) return false;
  if (zInit_ && zCoding_ == coding && zLevel_ == levels.gzip) {
    return deflateReset(zs_) == Z_OK;  // keeps the window and hash tables allocated
  }
  if (zInit_) {
    deflateEnd(zs_);
    zInit_ = false;
  }
  if (zs_ == nullptr) {
    zs_ = new (std::nothrow) z_stream_s{};
    if (zs_ == nullptr) return false;
  }
  *zs_ = z_stream_s{};
  int window = coding == Coding::kGzip ? kGzipWindow : kZlibWindow;
  if (deflateInit2(zs_, levels.gzip, Z_DEFLATED, window, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return false;
  }
  zInit_ = true;
  zCoding_ = coding;
  zLevel_ = levels.gzip;
  return true;
}

bool Encoder::zlibRun(std::string_view in, std::string& out, int flush) {
  zs_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs_->avail_in = static_cast<uInt>(in.size());
  while (true) {
    std::size_t used = out.size();
    out.resize(used + kOutStep);
    zs_->next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs_->avail_out = static_cast<uInt>(kOutStep);
    int rc = deflate(zs_, flush);
    out.resize(used + (kOutStep - zs_->avail_out));
    if (rc == Z_STREAM_END) return true;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    // Done when all input is taken and deflate did not fill the output (nothing more pending).
    if (zs_->avail_in == 0 && zs_->avail_out != 0) return flush != Z_FINISH;
  }
}

bool Encoder::brotliRun(std::string_view in, std::string& out, int op) {
  auto operation = static_cast<BrotliEncoderOperation>(op);
  std::size_t availIn = in.size();
  const uint8_t* nextIn = reinterpret_cast<const uint8_t*>(in.data());
  while (true) {
    std::size_t used = out.size();
    out.resize(used + kOutStep);
    std::size_t availOut = kOutStep;
    uint8_t* nextOut = reinterpret_cast<uint8_t*>(out.data() + used);
    if (!BrotliEncoderCompressStream(br_, operation, &availIn, &nextIn, &availOut, &nextOut,
                                     nullptr)) {
      out.resize(used);
      return false;
    }
    out.resize(used + (kOutStep - availOut));
    bool pending = BrotliEncoderHasMoreOutput(br_) != 0;
    if (availIn == 0 && !pending) {
      if (operation == BROTLI_OPERATION_FINISH && !BrotliEncoderIsFinished(br_)) continue;
      return true;
    }
  }
}

bool Encoder::write(std::string_view in, std::string& out, bool flush) {
  if (in.empty() && !flush) return true;
  if (coding_ == Coding::kBrotli) {
    if (br_ == nullptr) return false;
    return brotliRun(in, out, flush ? BROTLI_OPERATION_FLUSH : BROTLI_OPERATION_PROCESS);
  }
  if (!zInit_) return false;
  return zlibRun(in, out, flush ? Z_SYNC_FLUSH : Z_NO_FLUSH);
}

bool Encoder::finish(std::string& out) {
  if (coding_ == Coding::kBrotli) {
    if (br_ == nullptr) return false;
    bool ok = brotliRun({}, out, BROTLI_OPERATION_FINISH);
    BrotliEncoderDestroyInstance(br_);  // its window is large: do not keep it between responses
    br_ = nullptr;
    return ok;
  }
  if (!zInit_) return false;
  return zlibRun({}, out, Z_FINISH);
}

}  // namespace gw::transform
