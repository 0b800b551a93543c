#include "runtime/accesslog/access_log.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "runtime/accesslog/byte_ring.h"
#include "runtime/accesslog/line_format.h"
#include "runtime/base/thread_role.h"

namespace gw::accesslog {

namespace {

constexpr std::size_t kMinBufferBytes = 64 * 1024;
constexpr std::size_t kInitialLineBytes = 8192;

int openAppend(const std::string& path, std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 && error != nullptr) {
    *error = "cannot open access log `" + path + "`: " + std::strerror(errno);
  }
  return fd;
}

// Single-writer counter bump (the lane's worker only); readers use relaxed loads.
void bumpOwned(std::atomic<std::uint64_t>& c) noexcept {
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

struct alignas(64) AccessLog::Lane {
  explicit Lane(std::size_t bytes) : ring(bytes), line(new char[kInitialLineBytes]) {}
  ByteRing ring;
  // The line being formatted: a plain buffer written through a pointer (writeLine), grown
  // (rarely: lineBound is a worst case) when a record's bound exceeds it.
  std::unique_ptr<char[]> line;
  std::size_t lineCapacity = kInitialLineBytes;
  TimeCache time;
  std::atomic<std::uint64_t> lines{0}, dropped{0}, oversize{0};
};

std::unique_ptr<AccessLog> AccessLog::open(const AccessLogOptions& options, std::string* error) {
  if (options.fd < 0 && (options.path.empty() || options.path == "off")) {
    return std::unique_ptr<AccessLog>(new AccessLog(options, -1, false));
  }
  int fd = options.fd;
  bool own = false;
  if (fd < 0 && options.path == "-") {
    fd = STDOUT_FILENO;
  } else if (fd < 0) {
    fd = openAppend(options.path, error);
    if (fd < 0) {
      return nullptr;
    }
    own = true;
  }
  return std::unique_ptr<AccessLog>(new AccessLog(options, fd, own));
}

AccessLog::AccessLog(const AccessLogOptions& options, int fd, bool ownFd)
    : enabled_(fd >= 0),
      path_(options.fd < 0 && options.path != "-" ? options.path : std::string()),
      flushInterval_(options.flushInterval),
      fd_(fd),
      ownFd_(ownFd) {
  if (!enabled_) {
    return;
  }
  std::size_t bytes = std::max(options.bufferBytes, kMinBufferBytes);
  for (std::size_t i = 0; i < std::max<std::size_t>(options.workers, 1); ++i) {
    lanes_.push_back(std::make_unique<Lane>(bytes));
  }
  writer_ = std::thread([this] {
    // Its wake-ups wait for the worker to block instead of preempting a request in flight.
    enterBackground("gw-accesslog");
    run();
  });
}

AccessLog::~AccessLog() {
  if (writer_.joinable()) {
    {
      std::lock_guard lock(wakeMutex_);
      stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }
  if (ownFd_ && fd_ >= 0) {
    ::close(fd_);
  }
}

void AccessLog::append(std::size_t worker, const AccessRecord& record) noexcept {
  if (!enabled_) {
    return;
  }
  if (worker >= lanes_.size()) {
    outOfRange_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Lane& lane = *lanes_[worker];
  if (const std::size_t bound = lineBound(record); bound > lane.lineCapacity) {
    lane.line.reset(new (std::nothrow) char[bound]);
    lane.lineCapacity = lane.line ? bound : 0;
    if (!lane.line) {
      bumpOwned(lane.dropped);
      return;
    }
  }
  const std::string_view line(lane.line.get(),
                              static_cast<std::size_t>(
                                  writeLine(record, lane.time, lane.line.get()) - lane.line.get()));
  if (line.size() > lane.ring.capacity() / 2) {
    bumpOwned(lane.oversize);
    return;
  }
  if (!lane.ring.push(line)) {
    bumpOwned(lane.dropped);
  } else {
    bumpOwned(lane.lines);
  }
  // Past half full: wake the writer now rather than at the next interval. The exchange (a
  // locked instruction) only runs while above the threshold and no wake is pending.
  if (lane.ring.used() > lane.ring.capacity() / 2 &&
      !wakeRequested_.load(std::memory_order_relaxed) &&
      !wakeRequested_.exchange(true, std::memory_order_relaxed)) {
    wake_.notify_one();
  }
}

void AccessLog::run() {
  std::unique_lock lock(wakeMutex_);
  for (;;) {
    wake_.wait_for(lock, flushInterval_, [this] {
      return stop_ || flushRequested_ > flushDone_ || wakeRequested_.load();
    });
    bool stopping = stop_;
    std::uint64_t target = flushRequested_;
    wakeRequested_.store(false, std::memory_order_relaxed);
    lock.unlock();
    drainAll();
    lock.lock();
    flushDone_ = target;
    flushed_.notify_all();
    if (stopping) {
      return;
    }
  }
}

void AccessLog::drainAll() {
  std::lock_guard lock(fdMutex_);
  for (auto& lane : lanes_) {
    ByteRing::Spans spans = lane->ring.readable();
    if (spans.size() == 0) {
      continue;
    }
    writeOut(spans.a, spans.b);
    lane->ring.consume(spans.size());
  }
}

// Writes both spans fully (retrying short writes and EINTR). On an error the rest is
// discarded and counted: the log must not wedge the rings forever.
void AccessLog::writeOut(std::string_view a, std::string_view b) {
  iovec iov[2] = {{const_cast<char*>(a.data()), a.size()}, {const_cast<char*>(b.data()), b.size()}};
  int first = 0;
  int count = b.empty() ? 1 : 2;
  while (first < count) {
    ssize_t n = ::writev(fd_, iov + first, count - first);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      writeErrors_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    bytesWritten_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    auto left = static_cast<std::size_t>(n);
    while (first < count && left >= iov[first].iov_len) {
      left -= iov[first].iov_len;
      ++first;
    }
    if (first < count) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
}

bool AccessLog::reopen(std::string* error) {
  if (!enabled_ || path_.empty()) {
    return true;  // stdout or a caller's descriptor: nothing to reopen
  }
  int fd = openAppend(path_, error);
  if (fd < 0) {
    return false;
  }
  std::lock_guard lock(fdMutex_);
  if (ownFd_) {
    ::close(fd_);
  }
  fd_ = fd;
  ownFd_ = true;
  reopens_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void AccessLog::flush() {
  if (!writer_.joinable()) {
    return;
  }
  std::unique_lock lock(wakeMutex_);
  std::uint64_t ticket = ++flushRequested_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return flushDone_ >= ticket; });
}

AccessLogStats AccessLog::stats() const {
  AccessLogStats s;
  for (const auto& lane : lanes_) {
    s.lines += lane->lines.load(std::memory_order_relaxed);
    s.dropped += lane->dropped.load(std::memory_order_relaxed);
    s.oversize += lane->oversize.load(std::memory_order_relaxed);
  }
  s.dropped += outOfRange_.load(std::memory_order_relaxed);
  s.bytesWritten = bytesWritten_.load(std::memory_order_relaxed);
  s.writeErrors = writeErrors_.load(std::memory_order_relaxed);
  s.reopens = reopens_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace gw::accesslog
