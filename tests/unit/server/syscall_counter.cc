#include "syscall_counter.h"

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

}  // namespace gw::testing

namespace {

ssize_t countRead(int fd, ssize_t r, int flags) {
  int saved = errno;
  gw::testing::SyscallCounts& c = gw::testing::syscallCounts()[fd];
  if ((flags & MSG_PEEK) != 0) {
    ++c.peeks;
  } else {
    ++c.reads;
    c.eagain += r < 0 && (saved == EAGAIN || saved == EWOULDBLOCK);
  }
  errno = saved;
  return r;
}

}  // namespace

extern "C" ssize_t recv(int fd, void* buf, size_t n, int flags) {
  return countRead(fd, syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr), flags);
}

extern "C" ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  return countRead(fd, syscall(SYS_recvmsg, fd, msg, flags), flags);
}

extern "C" int poll(struct pollfd* fds, nfds_t n, int timeout) {
  for (nfds_t i = 0; i < n; ++i) ++gw::testing::syscallCounts()[fds[i].fd].polls;
  struct timespec ts{timeout / 1000, (timeout % 1000) * 1000000L};
  return static_cast<int>(syscall(SYS_ppoll, fds, n, timeout < 0 ? nullptr : &ts, nullptr,
                                  _NSIG / 8));
}

extern "C" int epoll_ctl(int epfd, int op, int fd, struct epoll_event* ev) {
  if (op == EPOLL_CTL_MOD) ++gw::testing::syscallCounts()[fd].mods;
  return static_cast<int>(syscall(SYS_epoll_ctl, epfd, op, fd, ev));
}
