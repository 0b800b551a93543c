#pragma once

// Counts a test binary's socket system calls per descriptor. syscall_counter.cc defines recv(),
// recvmsg(), poll() and epoll_ctl() themselves: Asio is header-only and gw_server a static
// library, so their calls in a binary linked with it bind to these, which count and make the
// real system call. Link it only into a test binary of its own. One thread.
#include <map>

namespace gw::testing {

struct SyscallCounts {
  int reads = 0;   ///< recv/recvmsg without MSG_PEEK
  int eagain = 0;  ///< of those, the ones that found nothing
  int peeks = 0;   ///< recv/recvmsg with MSG_PEEK
  int polls = 0;   ///< poll() entries naming the descriptor
  int mods = 0;    ///< epoll_ctl(EPOLL_CTL_MOD)
};

/// The counts by descriptor; clear() it to start counting afresh.
std::map<int, SyscallCounts>& syscallCounts();

}  // namespace gw::testing
