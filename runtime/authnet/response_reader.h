#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/authnet/http_fetch.h"
#include "runtime/http/chunked_decoder.h"
#include "runtime/http/response_parser.h"

namespace gw::authnet {

/// Sans-IO reader of one HTTP/1.1 response to a GET or POST: feed it the bytes as they arrive
/// and tell it when the peer closed. Skips interim 1xx heads, handles Content-Length, chunked and
/// close-delimited bodies, and enforces the head and body caps. Separate from the socket code so
/// framing is tested without a network. Not thread-safe; one per exchange.
class ResponseReader {
 public:
  ResponseReader(std::size_t maxHeaderBytes, std::size_t maxBodyBytes);

  /// Consumes `bytes`. Bytes after the end of the response are ignored (Connection: close).
  void feed(std::string_view bytes);
  /// The peer closed the connection: `clean` is false for a TLS close without close_notify,
  /// which is accepted only when the body's length was known from its framing.
  void finish(bool clean);

  bool done() const noexcept { return state_ == State::kDone || state_ == State::kFailed; }
  bool failed() const noexcept { return state_ == State::kFailed; }
  FetchError error() const noexcept { return error_; }
  const std::string& reason() const noexcept { return reason_; }
  /// The status of the final response head once it was read (also after a kTooLarge failure).
  int status() const noexcept { return response_.status; }
  /// True when the response ended by its framing (length or chunks), the upstream allows
  /// keep-alive and sent nothing after it: the connection may carry another request.
  bool reusable() const noexcept { return state_ == State::kDone && keepAlive_ && !extra_; }

  /// The completed response (status, body, max-age); call once, after done() && !failed().
  FetchResponse take() { return std::move(response_); }

 private:
  enum class State : std::uint8_t { kHead, kLength, kChunked, kUntilClose, kDone, kFailed };

  void feedHead(std::string_view bytes);
  void startBody(const http::ResponseHead& head, std::string_view rest);
  void feedBody(std::string_view bytes);
  void appendBody(std::string_view data);
  void fail(FetchError error, std::string reason);

  std::size_t maxBodyBytes_;
  http::ResponseParser parser_;
  http::ChunkedDecoder chunked_;
  std::string head_;
  std::uint64_t remaining_ = 0;
  State state_ = State::kHead;
  bool keepAlive_ = false;  ///< the head allows reuse and the body is not close-delimited
  bool extra_ = false;      ///< bytes arrived after the end of the response
  FetchError error_ = FetchError::kNone;
  std::string reason_;
  FetchResponse response_;
};

}  // namespace gw::authnet
