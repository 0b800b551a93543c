#pragma once

// Watches an idle keep-alive connection's socket for its peer closing it or sending bytes nobody
// asked for, at no system call per idle spell where the socket is known drained.
//
// Asio's async_wait(wait_read) re-arms the descriptor with an epoll_ctl(MOD) every time
// (`allow_speculative` is false for waits), one system call per pooled reuse. The descriptor's
// edge-triggered registration is permanent, though: a read operation queued on it is woken by
// the next edge without any epoll_ctl. PeerWatch queues such an operation of its own. Started
// when the last read drained the socket (a kDrainedPerInq read that found no byte and no FIN
// left, ready_io.h), the reactor queues it at once; otherwise (an edge came since, or the last
// read could not tell) the reactor first tries it, and it looks with one recv(MSG_PEEK). Once
// queued, an edge runs it: while the connection idles, it peeks, and anything readable (bytes,
// EOF, an error) marks it stirred; while the connection is in use again, the edge is the
// response arriving: it completes without a system call and lets the read queued behind it run.
//
// Uses Asio's reactor interface (boost/asio/detail), not a public API: Boost 1.81's epoll reactor.
#include <sys/socket.h>

#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cerrno>
#include <memory>

#include "runtime/net/reactor_access.h"

namespace gw::net {

/// One connection's watch; shared with the reactor while its operation is queued (so it may
/// outlive the connection until the socket's close has aborted that operation). Single-threaded
/// like the socket: use it on the socket's io_context thread only.
class PeerWatch : public std::enable_shared_from_this<PeerWatch> {
 public:
  PeerWatch() = default;
  PeerWatch(const PeerWatch&) = delete;
  PeerWatch& operator=(const PeerWatch&) = delete;

  /// The connection goes idle: watch `socket` (which `reactor` serves) until take(). Starts the
  /// watch's operation unless it is still queued from an earlier idle spell (it then watches
  /// this one). If that operation has run but not completed yet, this spell is unwatched, and
  /// unverified() says so.
  void idle(boost::asio::ip::tcp::socket& socket, boost::asio::detail::reactor& reactor) {
    idle_ = true;
    stirred_ = false;
    unverified_ = false;
    if (keepAlive_) {
      unverified_ = performed_;
      return;
    }
    auto& impl = reactor_detail::SocketAccess::implementation(socket);
    op_.ec_ = boost::system::error_code();
    op_.bytes_transferred_ = 0;
    op_.cancellation_key_ = nullptr;
    fd_ = impl.socket_;
    performed_ = false;
    keepAlive_ = shared_from_this();
    reactor.start_op(boost::asio::detail::reactor::read_op, impl.socket_, impl.reactor_data_,
                     &op_, false, true);
  }

  /// The connection leaves the pool for a request.
  void take() { idle_ = false; }

  /// Readable while idle: the peer closed the connection or sent unsolicited bytes.
  bool stirred() const { return stirred_; }
  /// This idle spell went unwatched (see idle()): check the socket before reusing it.
  bool unverified() const { return unverified_; }
  /// The watch's operation is queued at the reactor or waiting to complete.
  bool pending() const { return keepAlive_ != nullptr; }

 private:
  class Op : public boost::asio::detail::reactor_op {
   public:
    explicit Op(PeerWatch& owner)
        : reactor_op(boost::system::error_code(), &Op::doPerform, &Op::doComplete),
          owner_(owner) {}

   private:
    static status doPerform(reactor_op* base) {
      PeerWatch& w = static_cast<Op*>(base)->owner_;
      if (w.idle_) {
        char c;
        ssize_t r;
        do {
          r = ::recv(w.fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        } while (r < 0 && errno == EINTR);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          return not_done;
        }
        w.stirred_ = true;
      }
      w.performed_ = true;
      return done;  // not drained: a response's read queued behind this one reads at once
    }

    // Runs on completion, abort (the socket closed) and the io_context's destruction (owner
    // null) alike: there is no handler, only the watch to let go of.
    static void doComplete(void*, boost::asio::detail::operation* base,
                           const boost::system::error_code&, std::size_t) {
      PeerWatch& w = static_cast<Op*>(base)->owner_;
      w.performed_ = false;
      std::shared_ptr<PeerWatch> last = std::move(w.keepAlive_);  // may free `w` on return
    }

    PeerWatch& owner_;
  };

  Op op_{*this};
  std::shared_ptr<PeerWatch> keepAlive_;  ///< set while op_ is with the reactor or scheduler
  int fd_ = -1;
  bool idle_ = false;
  bool stirred_ = false;
  bool unverified_ = false;
  bool performed_ = false;  ///< op_ ran and awaits completion
};

}  // namespace gw::net
