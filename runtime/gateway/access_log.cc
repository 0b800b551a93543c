#include "runtime/gateway/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>

namespace gw::gateway {

namespace {
constexpr size_t kFlushBytes = 64 * 1024;
constexpr size_t kMaxBuffered = 8 * 1024 * 1024;  // drop lines beyond this rather than grow
}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

std::unique_ptr<AccessLog> AccessLog::open(const std::string& path, std::string* error) {
  if (path == "-") {
    return std::unique_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, false));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "access log `" + path + "`: " + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<AccessLog>(new AccessLog(fd, true));
}

AccessLog::AccessLog(int fd, bool ownFd) : fd_(fd), ownFd_(ownFd) {
  thread_ = std::thread([this] { run(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (ownFd_) ::close(fd_);
}

void AccessLog::write(const AccessRecord& r) {
  char ts[96];
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  thread_local std::string line;
  line.clear();
  line += "{\"time\":\"";
  line += ts;
  line += "\",\"request_id\":";
  appendJsonString(line, r.requestId);
  line += ",\"client_ip\":";
  appendJsonString(line, r.clientIp);
  line += ",\"method\":";
  appendJsonString(line, r.method);
  line += ",\"host\":";
  appendJsonString(line, r.host);
  line += ",\"path\":";
  appendJsonString(line, r.path);
  line += ",\"status\":" + std::to_string(r.status);
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.3f", r.durationMs);
  line += ",\"duration_ms\":";
  line += dur;
  line += ",\"route\":";
  appendJsonString(line, r.route);
  line += ",\"upstream\":";
  appendJsonString(line, r.upstream);
  line += ",\"server\":";
  appendJsonString(line, r.server);
  if (!r.subject.empty()) {
    line += ",\"subject\":";
    appendJsonString(line, r.subject);
  }
  if (!r.rule.empty()) {
    line += ",\"deny_rule\":";
    appendJsonString(line, r.rule);
  }
  if (!r.reason.empty()) {
    line += ",\"reason\":";
    appendJsonString(line, r.reason);
  }
  line += ",\"generation\":" + std::to_string(r.generation) + "}\n";
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (buffer_.size() + line.size() <= kMaxBuffered) {
      buffer_ += line;
    }
    wake = buffer_.size() >= kFlushBytes;
  }
  if (wake) wake_.notify_one();
}

void AccessLog::writeOut(std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // the log is best-effort: a full disk must not stop the gateway
    }
    off += static_cast<size_t>(n);
  }
  data.clear();
}

void AccessLog::flush() {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out.swap(buffer_);
  }
  writeOut(out);
}

void AccessLog::run() {
  std::string out;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    out.swap(buffer_);
    bool stopping = stop_;
    lock.unlock();
    writeOut(out);
    lock.lock();
    if (stopping && buffer_.empty()) return;
  }
}

}  // namespace gw::gateway
