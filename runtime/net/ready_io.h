#pragma once

// A read on a plain TCP socket that can keep nginx's notion of readiness, so the read a server
// starts after answering a keep-alive request costs no recv() that returns EAGAIN.
//
// Asio's epoll reactor tries every read at once ("speculatively") unless the last read on the
// socket reported the socket drained, and it reports that only for EOF. So the read a server
// starts after answering a keep-alive request begins with a recv() that returns EAGAIN: one
// wasted system call per request. nginx instead clears `rev->ready` when recv() returns fewer
// bytes than asked for: the socket was drained, and the next read waits for epoll's edge.
// asyncReadSome(..., kDrainedWhenShort) does the same, by reporting a short read as
// `done_and_exhausted` to the reactor, which then skips the next speculative attempt and queues
// the read (the edge-triggered registration is permanent, so queueing costs nothing). This is
// race-free for bytes: the flag is set under the descriptor's lock right after the recv(), and
// any byte that arrives later raises a new edge, whose event resets it.
//
// It is not exact for a FIN that arrived together with the bytes read: that FIN raised no edge
// of its own, and Asio does not register EPOLLRDHUP (which is how nginx knows), so the next
// read waits for an edge that may never come. Use it only where that is harmless: a client that
// half-closes right after a keep-alive request is then closed by the idle timeout instead of at
// once. Where EOF is the expected end (a close-delimited body) or must be seen promptly (an
// upstream connection going back to the pool), use kDrainedPerInq on a socket with
// enableInq(): the read is a recvmsg() that also returns the kernel's count of what is left
// to read (TCP_INQ, Linux 4.18), which counts a FIN not yet read as one byte; the read reports
// the socket drained only when that count is 0, so it is exact for bytes and FIN alike.
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/bind_handler.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_cont_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <cstddef>

#include "runtime/net/inq_recv.h"
#include "runtime/net/reactor_access.h"

namespace gw::net {

namespace ready_detail {

namespace asio = boost::asio;
namespace ad = boost::asio::detail;
using tcp = asio::ip::tcp;

using reactor_detail::SocketAccess;

/// When a read that returned bytes leaves the socket drained (see the top of this file).
enum class Drained { kNever, kWhenShort, kWhenInqZero };

/// Per-operation cancellation, as Asio's own socket operations register it.
class OpCancellation {
 public:
  OpCancellation(ad::reactor* r, ad::reactor::per_descriptor_data* d, int fd)
      : reactor_(r), data_(d), fd_(fd) {}
  void operator()(asio::cancellation_type_t type) {
    if (!!(type & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                   asio::cancellation_type::total))) {
      reactor_->cancel_ops_by_key(fd_, *data_, ad::reactor::read_op, this);
    }
  }

 private:
  ad::reactor* reactor_;
  ad::reactor::per_descriptor_data* data_;
  int fd_;
};

/// Asio's reactive_socket_recv_op for one buffer, with the short-read rule of this file.
template <typename Handler, typename IoExecutor>
class RecvOp : public ad::reactor_op {
 public:
  BOOST_ASIO_DEFINE_HANDLER_PTR(RecvOp);

  RecvOp(int fd, asio::mutable_buffer buffer, Drained drained, Handler& handler,
         const IoExecutor& ex)
      : ad::reactor_op(boost::system::error_code(), &RecvOp::doPerform, &RecvOp::doComplete),
        fd_(fd), buffer_(buffer), drained_(drained),
        handler_(static_cast<Handler&&>(handler)), work_(handler_, ex) {}

  static status doPerform(ad::reactor_op* base) {
    auto* o = static_cast<RecvOp*>(base);
    std::size_t& n = o->bytes_transferred_;
    if (o->drained_ == Drained::kWhenInqZero) {
      int left = -1;
      if (!recvWithInq(o->fd_, o->buffer_.data(), o->buffer_.size(), o->ec_, n, left)) {
        return not_done;  // EAGAIN: queued until the next edge
      }
      return n == 0 || left == 0 ? done_and_exhausted : done;  // left -1: the kernel did not say
    }
    if (!ad::socket_ops::non_blocking_recv1(o->fd_, o->buffer_.data(), o->buffer_.size(), 0,
                                            true, o->ec_, n)) {
      return not_done;  // EAGAIN: queued until the next edge
    }
    // EOF and errors give 0 bytes, which Asio already counts as exhausted.
    bool exhausted = n == 0 || (o->drained_ == Drained::kWhenShort && n < o->buffer_.size());
    return exhausted ? done_and_exhausted : done;
  }

  // Asio's reactive_socket_recv_op::do_complete, unchanged.
  static void doComplete(void* owner, ad::operation* base, const boost::system::error_code&,
                         std::size_t) {
    auto* o = static_cast<RecvOp*>(base);
    ptr p = {ad::addressof(o->handler_), o, o};
    using Work = ad::handler_work<Handler, IoExecutor>;
    Work w(static_cast<Work&&>(o->work_));
    // The memory goes back before the upcall; the handler may own it.
    ad::binder2<Handler, boost::system::error_code, std::size_t> handler(
        o->handler_, o->ec_, o->bytes_transferred_);
    p.h = ad::addressof(handler.handler_);
    p.reset();
    if (owner) {
      ad::fenced_block b(ad::fenced_block::half);
      w.complete(handler, handler.handler_);
    }
  }

 private:
  int fd_;
  asio::mutable_buffer buffer_;
  Drained drained_;
  Handler handler_;
  ad::handler_work<Handler, IoExecutor> work_;
};

/// Starts the read the way reactive_socket_service_base::start_op does, always allowing the
/// speculative attempt (the reactor itself skips it after a drained read).
template <typename Handler>
void startRecv(tcp::socket& s, ad::reactor& reactor, asio::mutable_buffer buffer,
               Drained drained, Handler& handler) {
  using Op = RecvOp<Handler, tcp::socket::executor_type>;
  auto& impl = SocketAccess::implementation(s);
  bool continuation = boost_asio_handler_cont_helpers::is_continuation(handler);
  auto slot = asio::get_associated_cancellation_slot(handler);
  typename Op::ptr p = {ad::addressof(handler), Op::ptr::allocate(handler), 0};
  p.p = new (p.v) Op(impl.socket_, buffer, drained, handler, s.get_executor());
  if (slot.is_connected()) {
    p.p->cancellation_key_ =
        &slot.template emplace<OpCancellation>(&reactor, &impl.reactor_data_, impl.socket_);
  }
  if (buffer.size() == 0) {
    reactor.post_immediate_completion(p.p, continuation);  // Asio's no-op read
  } else if ((impl.state_ & ad::socket_ops::non_blocking) != 0 ||
             ad::socket_ops::set_internal_non_blocking(impl.socket_, impl.state_, true,
                                                       p.p->ec_)) {
    reactor.start_op(ad::reactor::read_op, impl.socket_, impl.reactor_data_, p.p, continuation,
                     true);
  } else {
    reactor.post_immediate_completion(p.p, continuation);
  }
  p.v = p.p = 0;
}

}  // namespace ready_detail

/// What a short read (fewer bytes than the buffer holds) tells the next read on the socket.
enum class ShortRead {
  kMayHaveMore,      ///< nothing (Asio's behaviour): the next read tries recv() at once
  kDrainedWhenShort,  ///< drained: the next read waits for epoll (see the top of this file)
  kDrainedPerInq      ///< drained when the kernel says nothing (no byte, no FIN) is left to
                      ///< read: exact; needs enableInq(), else it is kMayHaveMore
};

/// `socket.async_read_some(buffer, token)` for an open plain TCP socket `reactor` serves, with
/// the short-read rule `rule`. Completion signature void(error_code, std::size_t); cancellable
/// like any socket operation (cancel(), close(), a connected cancellation slot). Not
/// thread-safe, like the socket.
template <typename Token>
auto asyncReadSome(boost::asio::ip::tcp::socket& socket, boost::asio::detail::reactor& reactor,
                   boost::asio::mutable_buffer buffer, ShortRead rule, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
      [&socket, &reactor, rule](auto handler, boost::asio::mutable_buffer b) {
        using ready_detail::Drained;
        Drained drained = rule == ShortRead::kDrainedWhenShort ? Drained::kWhenShort
                          : rule == ShortRead::kDrainedPerInq  ? Drained::kWhenInqZero
                                                               : Drained::kNever;
        ready_detail::startRecv(socket, reactor, b, drained, handler);
      },
      token, buffer);
}

}  // namespace gw::net
