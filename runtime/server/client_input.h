#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <string_view>

#include "runtime/server/transport.h"

namespace gw::server {

/// The client side's input buffers. Request heads are read into a fixed head buffer and parsed
/// in place (the RequestHead's views point into it, so it is never moved while a request is in
/// flight). Body bytes beyond what the head read already brought are read into a separate body
/// buffer, so streaming a body never invalidates the head. Bytes read past the end of a body
/// (the next pipelined request) move back to the head buffer in `finishRequest()`.
/// Owned by one session; single-threaded.
class ClientInput {
 public:
  ClientInput(Transport& stream, std::size_t headCapacity,
              std::size_t bodyCapacity);

  /// Unconsumed bytes: the head buffer's, or once those are used up, the body buffer's.
  std::string_view buffered() const {
    if (headBegin_ != headEnd_ || !inBody_) {
      return {head_.get() + headBegin_, headEnd_ - headBegin_};
    }
    return {body_.get() + bodyBegin_, bodyEnd_ - bodyBegin_};
  }
  void consume(std::size_t n);

  /// Head phase, before a read: the free room at the end of the head buffer (compacted first
  /// when it is full); empty when the buffer is full of unconsumed bytes (the parser reports
  /// 431/414 before that happens). Read into it with kDrainedWhenShort (client_input.cc says
  /// why), then addHead(). Not a coroutine of its own: the session awaits the read itself,
  /// which saves a coroutine frame per request (Session::run).
  boost::asio::mutable_buffer headRoom();
  /// Head phase, after a read into headRoom(): its `n` bytes are buffered.
  void addHead(std::size_t n) { headEnd_ += n; }

  /// Body phase, only when buffered() is empty: reads at most `maxBytes` into the body buffer.
  boost::asio::awaitable<boost::system::error_code> readBody(std::size_t maxBytes);

  /// Ends a request: carries unconsumed body-buffer bytes to the head buffer, compacts.
  void finishRequest();

  /// Bytes still unconsumed in the head buffer (pipelined requests waiting).
  bool hasBuffered() const { return !buffered().empty(); }

 private:
  Transport& stream_;
  std::unique_ptr<char[]> head_;
  std::size_t headCap_;
  std::size_t headBegin_ = 0;
  std::size_t headEnd_ = 0;
  std::unique_ptr<char[]> body_;  ///< allocated on the first body read
  std::size_t bodyCap_;
  std::size_t bodyBegin_ = 0;
  std::size_t bodyEnd_ = 0;
  bool inBody_ = false;
};

}  // namespace gw::server
