#pragma once

// Counts a test binary's socket system calls per descriptor. syscall_counter.cc defines recv(),
// recvmsg(), send(), sendmsg(), poll(), epoll_ctl() and epoll_wait() themselves: Asio is
// header-only and gw_server a static library, so their calls in a binary linked with it bind to
// these, which count and make the real system call. Link it only into a test binary of its own.
// The counts are for one thread; the ordered record (socketCalls()) may be written by one other
// thread.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

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

/// epoll_wait() calls with a zero timeout (Asio polls so when handlers are queued), from any
/// thread; set it to 0 to count afresh.
std::atomic<int>& zeroTimeoutWaits();

/// One read or send that moved bytes, with the ports that tell whose socket it was (looked up
/// when it was made: the descriptor may be closed or reused by the time a test looks).
struct SocketCall {
  bool send;
  std::uint16_t localPort;
  std::uint16_t peerPort;
};

/// The reads and sends that moved bytes, in order, while `recording` is set; lock `mutex`
/// to read them while another thread may still record.
struct SocketCallLog {
  std::atomic<bool> recording{false};
  std::mutex mutex;
  std::vector<SocketCall> calls;
};
SocketCallLog& socketCalls();

}  // namespace gw::testing
