#include "runtime/server/client_input.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

namespace gw::server {

namespace asio = boost::asio;

ClientInput::ClientInput(Transport& stream, std::size_t headCapacity,
                         std::size_t bodyCapacity)
    : stream_(stream), head_(new char[headCapacity]), headCap_(headCapacity),
      bodyCap_(bodyCapacity) {}

void ClientInput::consume(std::size_t n) {
  if (headBegin_ != headEnd_ || !inBody_) {
    headBegin_ += n;
  } else {
    bodyBegin_ += n;
  }
}

asio::mutable_buffer ClientInput::headRoom() {
  if (headEnd_ == headCap_ && headBegin_ > 0) {
    std::memmove(head_.get(), head_.get() + headBegin_, headEnd_ - headBegin_);
    headEnd_ -= headBegin_;
    headBegin_ = 0;
  }
  // The caller reads with kDrainedWhenShort: the read after a keep-alive response waits for the
  // next request's edge instead of first making a recv() that returns EAGAIN (one per request;
  // ready_io.h). Not kDrainedPerInq: its recvmsg() costs more than recv() (bench/RESULTS.md,
  // "Session 7 (io helper)"), a price every request would pay for a half-close seen before the
  // idle timeout.
  return asio::buffer(head_.get() + headEnd_, headCap_ - headEnd_);
}

asio::awaitable<boost::system::error_code> ClientInput::readBody(std::size_t maxBytes) {
  if (!body_) {
    body_.reset(new char[bodyCap_]);
  }
  inBody_ = true;
  // Never read more than the head buffer can take back in finishRequest().
  std::size_t want = std::min({maxBytes, bodyCap_, headCap_});
  // kDrainedPerInq (the listener set TCP_INQ): a read that ends exactly at Content-Length
  // fills its buffer, which a short-read rule takes for "may have more"; the kernel's count
  // says the socket is drained, so the next head read does not start with an EAGAIN recv().
  auto [ec, n] = co_await stream_.readSome(asio::buffer(body_.get(), want),
                                           net::ShortRead::kDrainedPerInq);
  bodyBegin_ = 0;
  bodyEnd_ = n;
  co_return ec;
}

void ClientInput::finishRequest() {
  std::size_t pending = headEnd_ - headBegin_;
  if (pending > 0 && headBegin_ > 0) {
    std::memmove(head_.get(), head_.get() + headBegin_, pending);
  }
  headBegin_ = 0;
  headEnd_ = pending;
  if (inBody_ && bodyEnd_ > bodyBegin_) {
    // The head window is empty whenever the body buffer was read, so this always fits.
    std::size_t carry = bodyEnd_ - bodyBegin_;
    std::memcpy(head_.get() + headEnd_, body_.get() + bodyBegin_, carry);
    headEnd_ += carry;
  }
  bodyBegin_ = bodyEnd_ = 0;
  inBody_ = false;
}

}  // namespace gw::server
