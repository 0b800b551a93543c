#pragma once

// recv() that also tells what is left to read after it, from the kernel (TCP_INQ, Linux 4.18):
// the bytes still queued, plus one for a FIN not yet read. With it a reader knows the socket is
// drained without a second recv() that returns EAGAIN, and knows a FIN came with the bytes it
// read without waiting for an edge that epoll will not raise (ready_io.h, peer_watch.h).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace gw::net {

/// Asks the kernel to report what is left to read with every recvmsg() on TCP socket `fd` (one
/// setsockopt). On a listening socket, the connections it accepts inherit it. Returns false
/// where the kernel does not support it (reads then say nothing).
inline bool enableInq(int fd) {
  int on = 1;
  return ::setsockopt(fd, IPPROTO_TCP, TCP_INQ, &on, sizeof on) == 0;
}

/// One non-blocking read of up to `size` bytes on stream socket `fd`, like Asio's
/// socket_ops::non_blocking_recv1: false when it would block (nothing read, `ec` untouched);
/// else true with `n` bytes, or EOF (`ec` = eof, n = 0), or another error (n = 0). `left` is
/// the kernel's count of what is left to read (a pending FIN counts 1) when the socket has
/// enableInq(), else -1.
inline bool recvWithInq(int fd, void* data, std::size_t size, boost::system::error_code& ec,
                        std::size_t& n, int& left) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  iovec iov{data, size};
  for (;;) {
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t r = ::recvmsg(fd, &msg, MSG_DONTWAIT);
    if (r < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return false;
      }
      ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
      n = 0;
      return true;
    }
    n = static_cast<std::size_t>(r);
    ec = r == 0 && size > 0 ? boost::system::error_code(boost::asio::error::eof)
                            : boost::system::error_code();
    left = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_TCP && c->cmsg_type == TCP_CM_INQ) {
        std::memcpy(&left, CMSG_DATA(c), sizeof left);
      }
    }
    return true;
  }
}

}  // namespace gw::net
