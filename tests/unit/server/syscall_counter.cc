#include "syscall_counter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace gw::testing {

std::map<int, SyscallCounts>& syscallCounts() {
  static std::map<int, SyscallCounts> counts;
  return counts;
}

std::atomic<int>& zeroTimeoutWaits() {
  static std::atomic<int> n{0};
  return n;
}

SocketCallLog& socketCalls() {
  static SocketCallLog log;
  return log;
}

}  // namespace gw::testing

namespace {

std::uint16_t portOf(int fd, bool peer) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  int r = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len)
               : getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return r == 0 && a.sin_family == AF_INET ? ntohs(a.sin_port) : 0;
}

ssize_t recordCall(int fd, ssize_t r, bool send) {
  gw::testing::SocketCallLog& log = gw::testing::socketCalls();
  if (r > 0 && log.recording.load()) {
    int saved = errno;
    gw::testing::SocketCall call{send, portOf(fd, false), portOf(fd, true)};
    std::lock_guard lock(log.mutex);
    log.calls.push_back(call);
    errno = saved;
  }
  return r;
}

/// Serializes the interposed counting: a test's own thread may make a counted call (Asio's
/// interrupter is an epoll_ctl(MOD)) while a server's thread does.
std::mutex gCountMutex;

ssize_t countRead(int fd, ssize_t r, int flags) {
  int saved = errno;
  std::unique_lock lock(gCountMutex);
  gw::testing::SyscallCounts& c = gw::testing::syscallCounts()[fd];
  if ((flags & MSG_PEEK) != 0) {
    ++c.peeks;
  } else {
    ++c.reads;
    c.eagain += r < 0 && (saved == EAGAIN || saved == EWOULDBLOCK);
  }
  lock.unlock();
  errno = saved;
  return recordCall(fd, r, false);
}

}  // namespace

extern "C" ssize_t recv(int fd, void* buf, size_t n, int flags) {
  return countRead(fd, syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr), flags);
}

extern "C" ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  return countRead(fd, syscall(SYS_recvmsg, fd, msg, flags), flags);
}

extern "C" ssize_t send(int fd, const void* buf, size_t n, int flags) {
  return recordCall(fd, syscall(SYS_sendto, fd, buf, n, flags, nullptr, 0), true);
}

extern "C" ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  return recordCall(fd, syscall(SYS_sendmsg, fd, msg, flags), true);
}

extern "C" int poll(struct pollfd* fds, nfds_t n, int timeout) {
  {
    std::lock_guard lock(gCountMutex);
    for (nfds_t i = 0; i < n; ++i) ++gw::testing::syscallCounts()[fds[i].fd].polls;
  }
  struct timespec ts{timeout / 1000, (timeout % 1000) * 1000000L};
  return static_cast<int>(syscall(SYS_ppoll, fds, n, timeout < 0 ? nullptr : &ts, nullptr,
                                  _NSIG / 8));
}

extern "C" int epoll_ctl(int epfd, int op, int fd, struct epoll_event* ev) {
  if (op == EPOLL_CTL_MOD) {
    std::lock_guard lock(gCountMutex);
    ++gw::testing::syscallCounts()[fd].mods;
  }
  return static_cast<int>(syscall(SYS_epoll_ctl, epfd, op, fd, ev));
}

extern "C" int epoll_wait(int epfd, struct epoll_event* events, int max, int timeout) {
  if (timeout == 0) ++gw::testing::zeroTimeoutWaits();
  return static_cast<int>(syscall(SYS_epoll_pwait, epfd, events, max, timeout, nullptr, 0));
}
