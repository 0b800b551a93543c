#include "runtime/http/chunked_decoder.h"

#include <algorithm>

#include "runtime/http/ascii.h"

namespace gw::http {

namespace {
constexpr int kMaxSizeDigits = 16;
}

ChunkResult ChunkedDecoder::fail(std::size_t consumed, const char* why) {
  state_ = State::kError;
  return {ChunkStatus::kError, consumed, {}, why};
}

/// One byte of "chunk-size [chunk-ext] CRLF". Returns false on a framing error.
bool ChunkedDecoder::stepSizeLine(char c, const char*& why) {
  if (state_ == State::kSize) {
    int h = hexValue(c);
    if (h >= 0) {
      if (++sizeDigits_ > kMaxSizeDigits || remaining_ > (UINT64_MAX >> 4)) {
        why = "chunk size too large";
        return false;
      }
      remaining_ = (remaining_ << 4) | static_cast<std::uint64_t>(h);
      return true;
    }
    if (sizeDigits_ == 0) {
      why = "missing chunk size";
      return false;
    }
    state_ = State::kExt;
  }
  if (state_ == State::kExt) {
    if (c == '\r') {
      state_ = State::kSizeLf;
      return true;
    }
    if (++extBytes_ > limits_.maxExtensionBytes) {
      why = "chunk extension too long";
      return false;
    }
    if (!extStarted_ && c != ' ' && c != '\t' && c != ';') {
      why = "invalid character after chunk size";
      return false;
    }
    extStarted_ = extStarted_ || c == ';';
    if (!isFieldValueByte(static_cast<unsigned char>(c))) {
      why = "control character in chunk extension";
      return false;
    }
    return true;
  }
  // kSizeLf
  if (c != '\n') {
    why = "bare CR in chunk size line";
    return false;
  }
  sizeDigits_ = 0;
  extBytes_ = 0;
  extStarted_ = false;
  state_ = remaining_ == 0 ? State::kTrailerLine : State::kData;
  lineLen_ = 0;
  lineHasColon_ = false;
  return true;
}

/// One byte of the trailer section (field lines, then an empty line).
bool ChunkedDecoder::stepTrailer(char c, const char*& why) {
  if (++trailerBytes_ > limits_.maxTrailerBytes) {
    why = "trailer section too large";
    return false;
  }
  if (state_ == State::kTrailerLf) {
    if (c != '\n') {
      why = "bare CR in trailer";
      return false;
    }
    if (lineLen_ == 0) {
      state_ = State::kDone;
    } else if (!lineHasColon_) {
      why = "malformed trailer field";
      return false;
    } else {
      state_ = State::kTrailerLine;
    }
    lineLen_ = 0;
    lineHasColon_ = false;
    return true;
  }
  if (c == '\r') {
    state_ = State::kTrailerLf;
    return true;
  }
  bool ok = lineHasColon_ ? isFieldValueByte(static_cast<unsigned char>(c))
                          : (c == ':' ? lineLen_ > 0 : isTchar(static_cast<unsigned char>(c)));
  if (!ok) {
    why = "invalid character in trailer";
    return false;
  }
  lineHasColon_ = lineHasColon_ || c == ':';
  ++lineLen_;
  return true;
}

ChunkResult ChunkedDecoder::decode(std::string_view in) {
  std::size_t i = 0;
  const char* why = "";
  while (i < in.size()) {
    char c = in[i];
    switch (state_) {
      case State::kSize:
      case State::kExt:
      case State::kSizeLf:
        if (!stepSizeLine(c, why)) {
          return fail(i, why);
        }
        ++i;
        break;
      case State::kData: {
        std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
        remaining_ -= n;
        bodyBytes_ += n;
        if (remaining_ == 0) {
          state_ = State::kDataCr;
        }
        return {ChunkStatus::kData, i + n, in.substr(i, n), ""};
      }
      case State::kDataCr:
      case State::kDataLf:
        if (c != (state_ == State::kDataCr ? '\r' : '\n')) {
          return fail(i, "missing CRLF after chunk data");
        }
        state_ = state_ == State::kDataCr ? State::kDataLf : State::kSize;
        ++i;
        break;
      case State::kTrailerLine:
      case State::kTrailerLf:
        if (!stepTrailer(c, why)) {
          return fail(i, why);
        }
        ++i;
        if (state_ == State::kDone) {
          return {ChunkStatus::kDone, i, {}, ""};
        }
        break;
      case State::kDone:
        return {ChunkStatus::kDone, i, {}, ""};
      case State::kError:
        return fail(i, "decoder already failed");
    }
  }
  if (state_ == State::kDone) {
    return {ChunkStatus::kDone, i, {}, ""};
  }
  return {ChunkStatus::kNeedMore, i, {}, ""};
}

}  // namespace gw::http
